import Foundation
import Testing

/// `tunelua --stubs DIR`: LuaLS annotation files for the three modules. Debian ships no
/// lua-language-server, so each file is compiled and run by `tunelua` itself (`loadfile`), and
/// its annotations are checked against the bindings' parameters.
struct StubsTests {
    func writeStubs() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stubs-\(UUID().uuidString)")
        let result = try Tunelua.run(["--stubs", directory.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("workspace.library"))
        return directory
    }

    func read(_ directory: URL, _ path: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func everyStubCompilesAndRunsAsLua() throws {
        let directory = try writeStubs()
        let check = """
            local dir = ...
            for _, f in ipairs({ "tunelua.lua", "tunelua/keras.lua", "tunelua/data.lua" }) do
              local chunk, err = loadfile(dir .. "/" .. f)
              assert(chunk, err)
              local module = chunk()
              assert(type(module) == "table", f .. " returns " .. type(module))
            end
            local kt = dofile(dir .. "/tunelua.lua")
            assert(type(kt.RandomSearch) == "table" and type(kt.oracles.TPEOracle) == "function")
            local keras = dofile(dir .. "/tunelua/keras.lua")
            assert(type(keras.layers.Dense) == "function")
            print("ok")
            """
        let script = try Tunelua.script(check)
        let result = try Tunelua.run([script, directory.path])
        #expect(result.stdout == "ok\n", "\(result.stderr)")
    }

    @Test func stubsCarryMetaClassesParametersAndDefaults() throws {
        let directory = try writeStubs()
        let kt = try read(directory, "tunelua.lua")
        #expect(kt.hasPrefix("---@meta tunelua\n"))
        #expect(kt.contains("---@class kt.RandomSearch.args\n"))
        #expect(kt.contains("---@field max_trials? integer default: 10\n"))
        #expect(kt.contains("---@field project_name? string default: \"untitled_project\"\n"))
        #expect(kt.contains("---@class kt.RandomSearch: ExtendableClass, Tuner\n"))
        #expect(kt.contains("---@overload fun(args: kt.RandomSearch.args): Tuner\n"))
        // A method bound with a signature: every parameter, in order, required ones without `?`.
        #expect(kt.contains("---@param name string\n---@param min_value number\n---@param max_value number\n---@param step? number\n---@param sampling? string default: \"linear\"\n"))
        #expect(kt.contains("function __HyperParameters:Float(name, min_value, max_value, step, sampling, default, parent_name, parent_values) end\n"))
        #expect(kt.contains("---@class Trial\n"))
        #expect(kt.contains("---@field trial_id string\n"))
        #expect(kt.contains("---@field objective? string|Objective|(string|Objective)[] default: \"default_objective\" (minimized)\n"))
        #expect(kt.contains("---@return Trial[]\n"))
        #expect(kt.contains("function __Tuner:search(...) end\n"))
        let keras = try read(directory, "tunelua/keras.lua")
        #expect(keras.hasPrefix("---@meta tunelua.keras\n"))
        #expect(keras.contains("---@param units integer\n"))
        #expect(keras.contains("---@return Layer\n"))
        #expect(keras.contains("function keras.layers.Dense(units, activation, use_bias"))
        let data = try read(directory, "tunelua/data.lua")
        #expect(data.contains("---@field label? string default: \"label\"\n"))
        #expect(data.contains("---@return Tensor, Tensor\n"))
    }

    /// Without the language server's `--check`, the nearest check: every type an annotation
    /// names is a Lua type or a class one of the files declares, so the editor can resolve it.
    @Test func everyAnnotatedTypeIsDeclared() throws {
        let directory = try writeStubs()
        let texts = try ["tunelua.lua", "tunelua/keras.lua", "tunelua/data.lua"].map { try read(directory, $0) }
        let lines = texts.flatMap { $0.split(separator: "\n").map(String.init) }
        let builtins: Set<String> = ["any", "nil", "number", "integer", "string", "boolean", "function", "table", "fun", "self"]
        var declared = builtins
        for line in lines where line.hasPrefix("---@class ") {
            let name = line.dropFirst("---@class ".count).prefix { $0 != ":" && $0 != " " }
            declared.insert(String(name))
        }
        var unknown: Set<String> = []
        for line in lines where line.hasPrefix("---@") && !line.hasPrefix("---@meta") && !line.hasPrefix("---@class") {
            // The type part: after the tag and, for @param/@field, after the name.
            var words = line.split(separator: " ", maxSplits: 2).map(String.init)
            if words.first == "---@param" || words.first == "---@field" { words.removeFirst(2) } else { words.removeFirst() }
            guard var type = words.first else { continue }
            if let range = type.range(of: " default: ") { type = String(type[..<range.lowerBound]) }
            // Drop string literals, then read the identifiers (dotted names whole).
            let withoutLiterals = type.replacingOccurrences(of: #""[^"]*""#, with: "", options: .regularExpression)
            var identifier = ""
            for character in withoutLiterals + " " {
                if character.isLetter || character.isNumber || character == "_" || character == "." {
                    identifier.append(character)
                    continue
                }
                // `name:` inside `fun(hp: T)` and `{step: integer}` names a field, not a type.
                if !identifier.isEmpty && character != ":" && !declared.contains(identifier) { unknown.insert(identifier) }
                identifier = ""
            }
        }
        #expect(unknown.isEmpty, "types used but not declared: \(unknown.sorted())")
    }
}
