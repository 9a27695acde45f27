/// A snapshot of an optimizer's state (step count and per-parameter slots such as Adam's moments),
/// so a checkpoint can resume training exactly. Slots are keyed by the parameter's position among
/// the trainable parameters and its name (`"0:dense/kernel:momentum"`), since object identities do
/// not survive a process.
public struct OptimizerState: Codable, Sendable, Equatable {
    /// The optimizer's Keras class name, checked on restore.
    public var optimizer: String
    public var iterations: Int
    public var slots: [String: [Float]]

    public init(optimizer: String, iterations: Int, slots: [String: [Float]]) {
        self.optimizer = optimizer
        self.iterations = iterations
        self.slots = slots
    }
}

/// An optimizer whose state can be saved with a checkpoint and restored into a fresh instance.
public protocol RestorableOptimizer: Optimizer {
    /// The state for `parameters` (the model's parameters, in the same order as on restore).
    func stateSnapshot(for parameters: [Parameter]) -> OptimizerState
    /// Restores a snapshot taken over the same parameters in the same order.
    /// - Throws: `OptimizerError` when the optimizer, a parameter name or a slot size differs.
    func restoreState(_ state: OptimizerState, for parameters: [Parameter]) throws(OptimizerError)
}
