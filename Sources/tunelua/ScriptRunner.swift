import Bridge

/// One Lua state with tunelua's modules, and the ways the command runs code in it. Each `run…`
/// reports a failure on stderr as `lua` does and returns whether the code succeeded.
final class ScriptRunner {
    let state: LuaState

    init(memoryLimit: Int) throws {
        state = try LuaState(memoryLimit: memoryLimit)
        Tunelua.install(in: state)
    }

    /// Sets the global `arg` as the standalone `lua` does: `arg[0]` the script, `arg[1…]` its
    /// arguments, `arg[-1]` the interpreter.
    func setArguments(script: String?, arguments: [String]) {
        let table = state.newTable()
        table[-1] = .string(CommandLine.arguments.first ?? "tunelua")
        if let script { table[0] = .string(script) }
        for (i, argument) in arguments.enumerated() { table[i + 1] = .string(argument) }
        state.globals["arg"] = .table(table)
    }

    func runScript(_ path: String, arguments: [String]) -> Bool {
        attempt { try state.run(file: path, arguments: arguments.map { .string($0) }) }
    }

    func runChunk(_ code: String, name: String) -> Bool {
        attempt { try state.run(code, chunkName: name) }
    }

    func runStandardInput() -> Bool {
        var text = ""
        while let line = readLine(strippingNewline: false) { text += line }
        return attempt { try state.run(text, chunkName: "=stdin") }
    }

    private func attempt(_ body: () throws -> [LuaValue]) -> Bool {
        do {
            _ = try state.interrupt.catching { try body() }
            return true
        } catch {
            report(error)
            return false
        }
    }
}
