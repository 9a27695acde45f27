/// What a store that several processes share adds to `ProjectStore`; a store of one process (SQLite)
/// takes these defaults.
extension ProjectStore {
    /// Runs one oracle decision (a trial created or ended) with its writes. A shared store takes
    /// the project's lock, first brings `oracle` up to date with what other processes changed, and
    /// commits `body`'s writes together before the lock is released; here it just runs `body`.
    public func decide<T>(_ oracle: Oracle, _ body: () throws -> T) throws -> T { try body() }

    /// Seconds to wait before asking the oracle again while other processes' trials run (the search
    /// is not over until they end, or are re-queued when their process stops beating); nil when no
    /// other process runs a trial.
    public var peerWait: Double? { nil }

    public var isShared: Bool { false }
}
