/// What `fit` returns, as Keras's `History`: per-epoch arrays under Keras's log keys and the
/// 0-based epoch numbers that were run.
public final class History {
    public internal(set) var history: [String: [Double]] = [:]
    public internal(set) var epoch: [Int] = []
    /// Keras's `history.params`: verbose, epochs, steps.
    public internal(set) var params: [String: Int] = [:]

    public init() {}

    func record(epoch: Int, logs: [String: Double]) {
        self.epoch.append(epoch)
        for (k, v) in logs { history[k, default: []].append(v) }
    }
}
