import Synchronization

/// Keras's automatic names: the first Dense is `dense`, the next `dense_1`, and so on per prefix.
public enum LayerNames {
    private static let counters = Mutex<[String: Int]>([:])

    public static func unique(_ prefix: String) -> String {
        counters.withLock { counters in
            let n = counters[prefix, default: 0]
            counters[prefix] = n + 1
            return n == 0 ? prefix : "\(prefix)_\(n)"
        }
    }

    /// Keras's `clear_session`: numbering starts again from the bare prefix.
    public static func reset() { counters.withLock { $0.removeAll() } }
}
