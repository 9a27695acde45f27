import Bridge
import CEditLine
#if canImport(Glibc)
import Glibc
#endif

/// The interactive prompt, behaving like `lua`'s: an expression's values are printed, an
/// incomplete statement continues on the next line, Ctrl-C interrupts a running computation,
/// Ctrl-D exits, Tab completes names (`Completer`). Line editing and history come from libedit.
struct REPL {
    let runner: ScriptRunner
    /// False when `-v` already printed the version.
    var banner = true
    var state: LuaState { runner.state }

    func run() {
        if banner { print("tunelua \(Tunelua.version) (\(Tunelua.luaVersion))  Ctrl-D to exit") }
        Completer.install(for: state)
        defer { Completer.uninstall() }
        let historyPath = historyFile()
        if let historyPath { _ = read_history(historyPath) }
        defer {
            if let historyPath { _ = write_history(historyPath) }
        }
        guard let printer = try? state.load("if select('#', ...) > 0 then print(...) end", chunkName: "=stdin") else { return }
        while let chunk = readChunk() {
            do {
                let results = try state.interrupt.catching { () throws(LuaError) -> [LuaValue] in
                    let function = try chunk.get()
                    return try function.call([])
                }
                if !results.isEmpty { try printer.call(results) }
            } catch {
                report(error)
            }
        }
        print()
    }

    /// Reads lines until they form a chunk that compiles (or fails for a reason other than
    /// being incomplete). Returns nil at end of input.
    private func readChunk() -> Result<LuaFunction, LuaError>? {
        guard var text = readLine(prompt: "> ") else { return nil }
        if text.isEmpty { return readChunk() }
        remember(text)
        // An expression first, so `1+1` prints 2; then a statement.
        if let function = try? state.load("return " + text, chunkName: "=stdin") {
            return .success(function)
        }
        while true {
            do {
                return .success(try state.load(text, chunkName: "=stdin"))
            } catch {
                guard error.message.hasSuffix("<eof>"), let more = readLine(prompt: ">> ") else {
                    return .failure(error)
                }
                remember(more)
                text += "\n" + more
            }
        }
    }

    private func readLine(prompt: String) -> String? {
        guard let line = readline(prompt) else { return nil }
        defer { free(line) }
        return String(cString: line)
    }

    private func remember(_ line: String) {
        if line.contains(where: { !$0.isWhitespace }) { add_history(line) }
    }

    private func historyFile() -> String? {
        guard let home = getenv("HOME") else { return nil }
        return String(cString: home) + "/.tunelua_history"
    }
}
