import CLua
import Dispatch
import NN
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What stops one Lua state's running code: Ctrl-C (or another worker's request), a trial's
/// `trial_timeout` and its CPU-time limit (`--cpu-limit`), through one hook per state (CLua's
/// `tl_watch`), installed as a count hook only when a reason arises (or kept installed in a
/// sandboxed state). While the state runs code under `catching`, SIGINT makes the next Lua
/// instruction raise "interrupted!" (as the standalone `lua` does) and raises a flag that Swift
/// loops (training, the search loop) poll between steps. A second Ctrl-C before the first is
/// handled kills the process, so a stuck computation can always be left. An armed deadline makes
/// Lua code raise "trial timed out" and training stop at its next batch; a CPU limit, measured on
/// the trial thread's CPU clock (`CLOCK_THREAD_CPUTIME_ID`), does the same once it is used up.
///
/// Unchecked `Sendable`: what other threads touch (`request`, the watchdog's `expire` and
/// `pollCPU`) is atomic or under `watchdog`; the rest belongs to the state's own thread.
public final class Interrupt: @unchecked Sendable {
    /// Raised with the flag (and past an armed deadline), for Swift loops that take a
    /// cancellation flag (training).
    public let cancellation = CancellationFlag()
    private let requested = Atomic<Bool>(false)
    private let thread: OpaquePointer
    /// The armed `trial_timeout` and CPU limit, in seconds (only the state's own thread arms and
    /// reads them).
    private var armedTimeout: Double?
    private var armedCPULimit: Double?
    /// Polls the trial thread's CPU clock while a CPU limit is armed.
    private var cpuPoll: DispatchSourceTimer?
    /// How often the CPU clock is read: the limit is overrun by at most about this much.
    static let cpuPollInterval = 0.02
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

    /// Starts a trial's limits: Lua code still running after `timeout` seconds, or after `cpuLimit`
    /// seconds of this thread's CPU time, raises, and training stops between batches.
    func arm(timeout: Double?, cpuLimit: Double?) {
        armedTimeout = timeout
        armedCPULimit = cpuLimit
        var clock = clockid_t()
        if let cpuLimit, pthread_getcpuclockid(pthread_self(), &clock) == 0 {
            cancellation.setCPULimit(cpuLimit, clock: clock)
        } else {
            armedCPULimit = nil
        }
        if let timeout { cancellation.setDeadline(after: timeout) }
        let generation = watchdog.withLock { g -> Int in
            g += 1
            if let timeout { tl_watch_arm(thread, timeout) }
            if let cpuLimit = armedCPULimit { tl_watch_arm_cpu(thread, clock, cpuLimit) }
            return g
        }
        if let timeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [weak self] in self?.expire(generation) }
        }
        if armedCPULimit != nil {
            // Lua code outside the sandbox runs without a hook: something must look at the clock.
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + Self.cpuPollInterval, repeating: Self.cpuPollInterval)
            timer.setEventHandler { [weak self] in self?.pollCPU(generation) }
            cpuPoll = timer
            timer.resume()
        }
    }

    /// The watchdog at the deadline: the state's next Lua instruction raises.
    private func expire(_ generation: Int) {
        watchdog.withLock { g in if g == generation { tl_watch_expire(thread) } }
    }

    private func pollCPU(_ generation: Int) {
        watchdog.withLock { g in if g == generation { _ = tl_watch_poll_cpu(thread) } }
    }

    /// Ends the limits (and a stop they caused), leaving the state healthy for the next trial.
    func disarm() {
        armedTimeout = nil
        armedCPULimit = nil
        cpuPoll?.cancel()
        cpuPoll = nil
        cancellation.clearDeadline()
        watchdog.withLock { g in
            g += 1
            tl_watch_disarm(thread)
        }
    }

    /// Why the armed limits stopped the trial's code (in Lua code or in training), else nil.
    var timedOut: (seconds: Double, cpu: Bool)? {
        let reason = tl_watch_reason(thread)
        if let armedCPULimit, reason == Int32(TL_STOP_CPU) || cancellation.cpuLimitPassed {
            return (armedCPULimit, true)
        }
        if let armedTimeout, reason == Int32(TL_STOP_TIMEOUT) || cancellation.deadlinePassed {
            return (armedTimeout, false)
        }
        return nil
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
