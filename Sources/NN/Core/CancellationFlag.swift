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
    public var isCancelled: Bool { flag.load(ordering: .relaxed) || deadlinePassed }

    /// Raises the flag by itself `seconds` from now (a trial's timeout), until `clearDeadline`.
    public func setDeadline(after seconds: Double) {
        deadline.store(Self.now() + Int64(seconds * 1e9), ordering: .relaxed)
    }
    public func clearDeadline() { deadline.store(0, ordering: .relaxed) }
    public var deadlinePassed: Bool {
        let d = deadline.load(ordering: .relaxed)
        return d > 0 && Self.now() >= d
    }

    private static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
