import Foundation
import Testing
@testable import Bridge

/// docs/ documents every name the bindings expose: the test walks the live modules and the
/// classes of the objects scripts hold (`APIReference`), and fails naming each one that no page
/// of docs/ shows in a code span (`kt.RandomSearch`, `Tuner:search(…)`, `Trial.trial_id`).
/// A binding that adds a name adds its line to docs/reference.md.
struct DocumentationCoverageTests {
    static let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs")

    let state: LuaState = {
        let state = try! LuaState()
        Tunelua.install(in: state)
        return state
    }()

    /// Every Markdown page of docs/, concatenated.
    static func documentation() throws -> String {
        let pages = try FileManager.default.contentsOfDirectory(at: docs, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "md" }
        #expect(!pages.isEmpty, "no pages in \(docs.path)")
        return try pages.map { try String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
    }

    /// Whether `text` has a code span that starts with `name` followed by something that ends the
    /// name (so `kt.Tuner` is not documented by `kt.TunerX`).
    static func documents(_ text: String, _ name: String) -> Bool {
        var rest = Substring(text)
        let opening = "`" + name
        while let range = rest.range(of: opening) {
            rest = rest[range.upperBound...]
            guard let next = rest.first else { return false }
            if !(next.isLetter || next.isNumber || next == "_") { return true }
        }
        return false
    }

    @Test func everyExposedNameIsDocumented() throws {
        let text = try Self.documentation()
        let reference = try APIReference(state: state)
        #expect(reference.entries.count > 150)
        let missing = reference.entries.map(\.name).filter { !Self.documents(text, $0) }
        #expect(missing.isEmpty, "undocumented in docs/: \(missing.joined(separator: ", "))")
    }

    @Test func theWalkFindsModulesClassesMethodsAndFields() throws {
        let reference = try APIReference(state: state)
        let kinds = Dictionary(reference.entries.map { ($0.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
        #expect(kinds["kt"] == .module)
        #expect(kinds["kt.oracles"] == .module)
        #expect(kinds["kt.RandomSearch"] == .class)
        #expect(kinds["kt.Objective"] == .function)
        #expect(kinds["kt.HyperParameters.from_config"] == .function)
        #expect(kinds["keras.layers.Dense"] == .function)
        #expect(kinds["data.csv"] == .function)
        #expect(kinds["Tuner:search"] == .method)
        #expect(kinds["Tuner.remaining_trials"] == .field)
        #expect(kinds["Trial.trial_id"] == .field)
        #expect(kinds["Sequential:fit"] == .method)
        #expect(kinds["kt.version"] == .value)
        #expect(reference.entries.first { $0.name == "HyperParameters:Float" }?.signature?.params.first?.name == "name")
    }

    /// The test above is only as good as the list of object classes: every class a real session
    /// installs (tuners, trials, models, tensors, …) is on it, or is a private handle.
    @Test func everyClassAScriptMeetsIsInTheReference() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coverage-\(UUID().uuidString)").path
        _ = try state.run("""
            local kt, keras, data = require "tunelua", require "tunelua.keras", require "tunelua.data"
            local dir = ...
            local x = data.tensor{{0, 1}, {1, 0}, {1, 1}, {0, 0}}
            local y = data.tensor{1, 1, 0, 0}
            local tuner = kt.RandomSearch{ objective = "loss", max_trials = 1, directory = dir, verbose = 0,
              hypermodel = function(hp)
                local model = keras.Sequential{ keras.Input{ shape = {2} },
                  keras.layers.Dense{ hp.Int("units", 2, 4), activation = "relu", kernel_regularizer = keras.regularizers.L2(0.01) },
                  keras.layers.Dense{ 1 } }
                model:compile{ optimizer = keras.optimizers.Adam{}, loss = keras.losses.MeanSquaredError{} }
                return model
              end }
            tuner:search(x, y, { epochs = 1, verbose = 0, callbacks = { keras.callbacks.EarlyStopping{} } })
            local trial = tuner.oracle:get_best_trials(1)[1]
            local _ = trial.metrics, trial.hyperparameters, tuner.oracle.objective
            local model = tuner:get_best_models(1)[1]
            local _ = model.optimizer, model.layers, model:fit(x, y, { epochs = 1, verbose = 0 })
            """, arguments: [.string(directory)])
        let listed = Set(APIReference.objectClasses.map(\.name) + ["TunerHandle", "DormantTuner"])
        let unlisted = state.classes.keys.filter { !listed.contains($0) }
        #expect(unlisted.isEmpty, "classes missing from APIReference.objectClasses: \(unlisted)")
        #expect(state.classes.count >= 10)
    }

    /// Comments cite docs/, which ships with the code, never the design notes the project was
    /// started from (they are not in the repository). The names are split so this file does not
    /// match itself.
    @Test func commentsPointIntoTheRepository() throws {
        let root = Self.docs.deletingLastPathComponent()
        let outside = ["LUA_" + "API", "ARCHITECTURE" + ".md", "STYLE" + ".md", "/work/" + "shared"]
        var found: [String] = []
        for folder in ["Sources", "Tests", "bench", "tools", "scripts"] {
            let base = root.appendingPathComponent(folder)
            guard let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
            for case let file as URL in files where ["swift", "lua", "sh", "h", "py"].contains(file.pathExtension) {
                guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                    where outside.contains(where: { line.contains($0) }) {
                    found.append("\(file.path.dropFirst(root.path.count + 1)):\(number + 1)")
                }
            }
        }
        #expect(found.isEmpty, "comments citing files outside the repository (cite docs/ instead): \(found.joined(separator: ", "))")
    }
}
