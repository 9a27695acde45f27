import CLua
import NN
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C handling. While a state runs code, SIGINT sets a hook that makes the next Lua instruction
/// raise "interrupted!" (as the standalone `lua` does) and raises a flag that Swift loops (training,
/// the search loop) poll between steps. A second Ctrl-C before the first is handled kills the
/// process, so a stuck computation can always be left.
public enum Interrupt {
    nonisolated(unsafe) private static var target: OpaquePointer?
    nonisolated(unsafe) private static var flag: Int32 = 0

    /// Set with the flag, for Swift loops that take a cancellation flag (training).
    public static let cancellation = CancellationFlag()

    /// Whether Ctrl-C was pressed since the last `reset`.
    public static var isRequested: Bool { flag != 0 }

    public static func reset() {
        flag = 0
        cancellation.reset()
        if let target { tl_clear_interrupt(target) }
    }

    /// Runs `body` with Ctrl-C routed to `state`; restores the default action afterwards.
    public static func catching<T>(_ state: LuaState, _ body: () throws -> T) rethrows -> T {
        target = state.mainThread
        flag = 0
        cancellation.reset()
        // A parent may have left SIGINT blocked (test runners, some shells' job control).
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigprocmask(SIG_UNBLOCK, &signals, nil)
        signal(SIGINT) { _ in
            signal(SIGINT, SIG_DFL)
            Interrupt.flag = 1
            Interrupt.cancellation.cancel()
            if let target = Interrupt.target { tl_interrupt(target) }
        }
        defer {
            signal(SIGINT, SIG_DFL)
            if let target { tl_clear_interrupt(target) }
            target = nil
        }
        return try body()
    }
}
