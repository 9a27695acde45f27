import CLua
import Dispatch
import NN
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What stops one Lua state's running code: Ctrl-C (or another worker's request) and a trial's
/// `trial_timeout`, through one hook per state (CLua's `tl_watch`; the sandbox's CPU limit is
/// meant to join it), installed as a count hook only when a reason arises. While the state runs code under `catching`, SIGINT makes the next Lua
/// instruction raise "interrupted!" (as the standalone `lua` does) and raises a flag that Swift
/// loops (training, the search loop) poll between steps. A second Ctrl-C before the first is
/// handled kills the process, so a stuck computation can always be left. An armed deadline makes
/// Lua code raise "trial timed out" and training stop at its next batch.
///
/// Unchecked `Sendable`: what other threads touch (`request`, the watchdog's `expire`) is atomic
/// or under `watchdog`; the rest belongs to the state's own thread.
public final class Interrupt: @unchecked Sendable {
    /// Raised with the flag (and past an armed deadline), for Swift loops that take a
    /// cancellation flag (training).
    public let cancellation = CancellationFlag()
    private let requested = Atomic<Bool>(false)
    private let thread: OpaquePointer
    /// The armed `trial_timeout`, in seconds (only the state's own thread arms and reads it).
    private var armedTimeout: Double?
    /// Counts arm/disarm calls, so a watchdog timer of an earlier trial does nothing.
    private let watchdog = Mutex(0)

    init(thread: OpaquePointer) { self.thread = thread }

    /// Whether Ctrl-C was pressed (or a stop requested) since `catching` began.
    public var isRequested: Bool { requested.load(ordering: .relaxed) }

    /// Runs `body` with Ctrl-C routed to this state; restores the default action afterwards.
    public func catching<T>(_ body: () throws -> T) rethrows -> T {
        clear()
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
        requested.store(false, ordering: .relaxed)
        cancellation.reset()
        tl_clear_interrupt(thread)
    }

    /// Starts a trial's deadline: Lua code still running after `timeout` seconds raises, and
    /// training stops between batches.
    func arm(timeout: Double) {
        armedTimeout = timeout
        cancellation.setDeadline(after: timeout)
        let generation = watchdog.withLock { g -> Int in
            g += 1
            tl_watch_arm(thread, timeout)
            return g
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak self] in self?.expire(generation) }
    }

    /// The watchdog at the deadline: the state's next Lua instruction raises.
    private func expire(_ generation: Int) {
        watchdog.withLock { g in if g == generation { tl_watch_expire(thread) } }
    }

    /// Ends the deadline (and a timeout it caused), leaving the state healthy for the next trial.
    func disarm() {
        armedTimeout = nil
        cancellation.clearDeadline()
        watchdog.withLock { g in
            g += 1
            tl_watch_disarm(thread)
        }
    }

    /// The armed timeout's seconds once it has passed (in Lua code or in training), else nil.
    var timedOut: Double? {
        guard let armedTimeout else { return nil }
        return tl_watch_reason(thread) == Int32(TL_STOP_TIMEOUT) || cancellation.deadlinePassed ? armedTimeout : nil
    }

    /// Called from the signal handler: only atomic stores and `lua_sethook`, all safe there.
    fileprivate func fire() {
        requested.store(true, ordering: .relaxed)
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
