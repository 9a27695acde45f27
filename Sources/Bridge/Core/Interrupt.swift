import CLua
import NN
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C for one Lua state. While the state runs code under `catching`, SIGINT sets a hook that
/// makes the next Lua instruction raise "interrupted!" (as the standalone `lua` does) and raises a
/// flag that Swift loops (training, the search loop) poll between steps. A second Ctrl-C before
/// the first is handled kills the process, so a stuck computation can always be left.
public final class Interrupt {
    /// Raised with the flag, for Swift loops that take a cancellation flag (training).
    public let cancellation = CancellationFlag()
    private let thread: OpaquePointer

    init(thread: OpaquePointer) { self.thread = thread }

    /// Whether Ctrl-C was pressed since `catching` began.
    public var isRequested: Bool { cancellation.isCancelled }

    /// Runs `body` with Ctrl-C routed to this state; restores the default action afterwards.
    public func catching<T>(_ body: () throws -> T) rethrows -> T {
        cancellation.reset()
        let slot = SignalRelay.register(self)
        defer {
            SignalRelay.unregister(slot)
            tl_clear_interrupt(thread)
        }
        return try body()
    }

    /// Asks the state to stop as Ctrl-C does (from any thread: another worker's fatal error).
    public func request() { fire() }

    /// Forgets a request, so the state runs code again (after a stopped search returns).
    public func clear() {
        cancellation.reset()
        tl_clear_interrupt(thread)
    }

    /// Called from the signal handler: only an atomic store and `lua_sethook`, both safe there.
    fileprivate func fire() {
        cancellation.cancel()
        tl_interrupt(thread)
    }
}

extension LuaState {
    /// This state's Ctrl-C flag.
    public var interrupt: Interrupt { perState("interrupt") { Interrupt(thread: mainThread) } }
}

/// SIGINT is one per process: this routes it to every state running code under `catching` (several
/// run at once with parallel workers). The handler may not take locks, so it reads a fixed table of
/// slots that registration fills under a lock.
private enum SignalRelay {
    static let capacity = 256
    nonisolated(unsafe) static let slots: UnsafeMutablePointer<UnsafeMutableRawPointer?> = {
        let slots = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: capacity)
        slots.initialize(repeating: nil, count: capacity)
        return slots
    }()
    static let registered = Mutex(0)

    /// Takes a slot for `interrupt` and arms the handler; nil when every slot is taken (that state
    /// then simply ignores Ctrl-C).
    static func register(_ interrupt: Interrupt) -> Int? {
        registered.withLock { count in
            guard let free = (0..<capacity).first(where: { slots[$0] == nil }) else { return nil }
            slots[free] = Unmanaged.passUnretained(interrupt).toOpaque()
            count += 1
            // A parent may have left SIGINT blocked (test runners, some shells' job control).
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGINT)
            sigprocmask(SIG_UNBLOCK, &signals, nil)
            signal(SIGINT) { _ in
                signal(SIGINT, SIG_DFL)
                for i in 0..<SignalRelay.capacity {
                    if let pointer = SignalRelay.slots[i] {
                        Unmanaged<Interrupt>.fromOpaque(pointer)._withUnsafeGuaranteedRef { $0.fire() }
                    }
                }
            }
            return free
        }
    }

    static func unregister(_ slot: Int?) {
        guard let slot else { return }
        registered.withLock { count in
            slots[slot] = nil
            count -= 1
            if count == 0 { signal(SIGINT, SIG_DFL) }
        }
    }
}
