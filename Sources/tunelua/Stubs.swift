import Bridge
import Foundation

/// `tunelua --stubs DIR`: writes the LuaLS annotation files for the three modules, read from a
/// fresh state's modules (the same tables scripts get), and says where to point the editor.
enum Stubs {
    static func write(into directory: String) throws {
        let state = try LuaState(memoryLimit: LuaState.defaultMemoryLimit)
        Tunelua.install(in: state)
        let reference = try APIReference(state: state)
        let root = URL(fileURLWithPath: directory)
        for (path, text) in LuaLSStubs.files(reference) {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            print("wrote \(url.path)")
        }
        print("Add \(root.standardizedFileURL.path) to the language server's workspace.library (see docs/editors.md).")
    }
}
