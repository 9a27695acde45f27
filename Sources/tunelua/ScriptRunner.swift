import Bridge

/// One Lua state with tunelua's modules, and the ways the command runs code in it. Each `run…`
/// reports a failure on stderr as `lua` does and returns whether the code succeeded.
final class ScriptRunner {
    let state: LuaState

    /// The host's sandbox and CPU limit apply here, so a worker's state gets them as the main one does.
    init(memoryLimit: Int, host: ScriptHost? = nil) throws {
        state = try LuaState(memoryLimit: memoryLimit, sandbox: host?.sandbox)
        state.trialCPULimit = host?.cpuLimit
        state.scriptHost = host
        Tunelua.install(in: state)
    }

    /// What a worker state runs: the same code as the main state, in the same order; the error
    /// that ended the run is returned, not printed (the main state reports it once).
    static func runWorker(_ program: Program, memoryLimit: Int, host: ScriptHost, prepare: (LuaState) -> Void) -> Error? {
        do {
            let runner = try ScriptRunner(memoryLimit: memoryLimit, host: host)
            prepare(runner.state)
            runner.setArguments(script: program.script, arguments: program.arguments)
            try runner.state.interrupt.catching {
                for chunk in program.chunks { try runner.state.run(chunk, chunkName: "=(command line)") }
                if let path = program.script {
                    try runner.state.run(file: path, arguments: program.arguments.map { .string($0) })
                } else if let text = program.standardInput {
                    try runner.state.run(text, chunkName: "=stdin", arguments: program.arguments.map { .string($0) })
                }
            }
            return nil
        } catch {
            return error
        }
    }

    /// The code a run executes: `-e` chunks, then a script file or standard input's text.
    struct Program: Sendable {
        var chunks: [String]
        var script: String?
        var arguments: [String]
        var standardInput: String?
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

    /// Runs standard input's text as a script (`...` holds `arguments`, as for `lua - a b`);
    /// `read` is told the text (workers run it too).
    func runStandardInput(arguments: [String] = [], read: (String) -> Void = { _ in }) -> Bool {
        var text = ""
        while let line = readLine(strippingNewline: false) { text += line }
        read(text)
        return attempt { try state.run(text, chunkName: "=stdin", arguments: arguments.map { .string($0) }) }
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
