import Foundation
import Testing

/// Every Tests/lua/*.lua file is a test written as users write scripts: it runs through the real
/// binary and must exit 0 (failures are `assert`s, reported with their traceback).
struct LuaScriptTests {
    static let scripts: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Tunelua.luaTests.path)) ?? []
        return files.filter { $0.hasSuffix(".lua") }.sorted()
    }()

    @Test func luaTestScriptsExist() {
        #expect(Self.scripts.count >= 1)
    }

    @Test(arguments: scripts)
    func luaScriptPasses(_ name: String) throws {
        let result = try Tunelua.run([name], directory: Tunelua.luaTests)
        #expect(result.status == 0, "\(name) failed:\n\(result.stderr)\n\(result.stdout.suffix(2000))")
    }
}
