/// What `ProjectStore.load` returns.
public struct StoredProject {
    public var oracleKind: String
    public var objective: Objective
    public var oracleState: JSON
    /// Stored trials with their values, metrics and status, in creation order; their
    /// `hyperparameters` hold values only (the oracle adds the space).
    public var trials: [(trial: Trial, values: HPValues)]
    /// Ids of finished trials in the order they finished.
    public var endOrder: [String]
}
