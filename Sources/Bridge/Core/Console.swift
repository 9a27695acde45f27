import CLua
#if canImport(Glibc)
import Glibc
#endif

/// The process's standard streams, shared with Lua's `print` and `io` (both write through C's
/// `stdout`), so output from Swift and Lua interleaves in order.
public enum Console {
    /// Writes to standard output (C's buffered `stdout`, like Lua's `print`).
    public static func write(_ text: String) {
        fputs(text, tl_stdout())
    }

    /// Flushes standard output, then writes to standard error.
    public static func writeError(_ text: String) {
        fflush(tl_stdout())
        fputs(text, tl_stderr())
    }

    public static func flush() { fflush(tl_stdout()) }

    public static var outputIsTerminal: Bool { isatty(1) != 0 }
}
