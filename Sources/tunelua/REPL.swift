import Bridge
import CEditLine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The interactive prompt, behaving like `lua`'s: an expression's values are printed, an
/// incomplete statement continues on the next line, Ctrl-C interrupts a running computation,
/// Ctrl-D exits. Line editing and history come from libedit.
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

/// Tab completion through libedit. libedit's completion callback is a plain C function with no
/// context argument, so the state it completes in is found through the REPL thread's dictionary
/// (per thread, never process-wide: another thread's REPL would see its own).
final class Completer {
    let state: LuaState
    init(state: LuaState) { self.state = state }

    static let key = "tunelua.completer"

    static func install(for state: LuaState) {
        Thread.current.threadDictionary[key] = Completer(state: state)
        tl_set_completion { text, _, _ in
            tl_completion_over()
            guard let text, let completer = Thread.current.threadDictionary[Completer.key] as? Completer else { return nil }
            return Completer.matches(completer.state.completions(for: String(cString: text)))
        }
    }

    static func uninstall() {
        tl_set_completion(nil)
        Thread.current.threadDictionary[key] = nil
    }

    /// readline's result shape: the text to put in place of the word (the matches' common
    /// prefix), then every match, then NULL; every string and the array from malloc (libedit frees
    /// them). No match is NULL.
    static func matches(_ words: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        guard let first = words.first else { return nil }
        var common = Substring(first)
        for word in words.dropFirst() {
            while !word.hasPrefix(common) { common = common.dropLast() }
        }
        let entries = words.count == 1 ? [first] : [String(common)] + words
        guard let array = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1))?
            .assumingMemoryBound(to: UnsafeMutablePointer<CChar>?.self) else { return nil }
        for (i, entry) in entries.enumerated() { array[i] = strdup(entry) }
        array[entries.count] = nil
        return array
    }
}
