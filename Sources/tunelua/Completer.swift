import Bridge
import CEditLine
import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
