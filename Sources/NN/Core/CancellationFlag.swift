import Synchronization

/// Set by the host (on Ctrl-C, say) from any thread; training checks it between batches and stops
/// by throwing `NNError.cancelled`, leaving the weights as they were after the last full batch.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public func reset() { flag.store(false, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
