import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by the host (on Ctrl-C, say) from any thread, or raised by a deadline passing; training
/// checks it between batches and stops by throwing `NNError.cancelled`, leaving the weights as
/// they were after the last full batch.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    /// CLOCK_MONOTONIC nanoseconds past which the flag reads as raised; 0 = none.
    private let deadline = Atomic<Int64>(0)
    public init() {}
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public func reset() { flag.store(false, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) || deadlinePassed || cpuLimitPassed }

    /// The trial thread's CPU clock and the reading on it past which the flag reads as raised
    /// (a trial's CPU-time limit); 0 = none.
    private let cpuClock = Atomic<Int32>(0)
    private let cpuDeadline = Atomic<Int64>(0)

    /// Raises the flag once `clock` (a thread's CPU clock) has run `seconds` more, until
    /// `clearDeadline`.
    public func setCPULimit(_ seconds: Double, clock: clockid_t) {
        cpuClock.store(Int32(clock), ordering: .relaxed)
        cpuDeadline.store(Self.now(clock) + Int64(seconds * 1e9), ordering: .relaxed)
    }
    public var cpuLimitPassed: Bool {
        let d = cpuDeadline.load(ordering: .relaxed)
        return d > 0 && Self.now(clockid_t(cpuClock.load(ordering: .relaxed))) >= d
    }

    /// Raises the flag by itself `seconds` from now (a trial's timeout), until `clearDeadline`.
    public func setDeadline(after seconds: Double) {
        deadline.store(Self.now() + Int64(seconds * 1e9), ordering: .relaxed)
    }
    public func clearDeadline() {
        deadline.store(0, ordering: .relaxed)
        cpuDeadline.store(0, ordering: .relaxed)
    }
    public var deadlinePassed: Bool {
        let d = deadline.load(ordering: .relaxed)
        return d > 0 && Self.now() >= d
    }

    private static func now(_ clock: clockid_t = CLOCK_MONOTONIC) -> Int64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
