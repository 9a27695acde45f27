/// Keras's `LambdaCallback`: plain closures for the epoch, batch and train hooks.
public final class LambdaCallback: Callback {
    public var onEpochBeginHandler: ((Int, [String: Double]) throws -> Void)?
    public var onEpochEndHandler: ((Int, [String: Double]) throws -> Void)?
    public var onBatchBeginHandler: ((Int, [String: Double]) throws -> Void)?
    public var onBatchEndHandler: ((Int, [String: Double]) throws -> Void)?
    public var onTrainBeginHandler: (([String: Double]) throws -> Void)?
    public var onTrainEndHandler: (([String: Double]) throws -> Void)?

    public init() {}

    public func onEpochBegin(_ epoch: Int, model: Sequential, logs: [String: Double]) throws { try onEpochBeginHandler?(epoch, logs) }
    public func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout [String: Double]) throws { try onEpochEndHandler?(epoch, logs) }
    public func onTrainBatchBegin(_ batch: Int, model: Sequential, logs: [String: Double]) throws { try onBatchBeginHandler?(batch, logs) }
    public func onTrainBatchEnd(_ batch: Int, model: Sequential, logs: [String: Double]) throws { try onBatchEndHandler?(batch, logs) }
    public func onTrainBegin(model: Sequential, logs: [String: Double]) throws { try onTrainBeginHandler?(logs) }
    public func onTrainEnd(model: Sequential, logs: [String: Double]) throws { try onTrainEndHandler?(logs) }
}
