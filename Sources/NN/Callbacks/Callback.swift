/// Keras's callback hooks. Every hook has an empty default, so a callback implements only what
/// it needs. `logs` are Keras's log dictionaries (`loss`, `accuracy`, `val_loss`, …); epoch-end
/// logs are `inout` because Keras lets callbacks add entries (ReduceLROnPlateau adds
/// `learning_rate`) that then reach `History`. A hook that throws stops `fit` with that error
/// (the Lua adapter uses this to carry a Lua error out). Set `model.stopTraining` to stop.
public protocol Callback: AnyObject {
    func onTrainBegin(model: Sequential, logs: [String: Double]) throws
    func onTrainEnd(model: Sequential, logs: [String: Double]) throws
    func onEpochBegin(_ epoch: Int, model: Sequential, logs: [String: Double]) throws
    func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout [String: Double]) throws
    func onTrainBatchBegin(_ batch: Int, model: Sequential, logs: [String: Double]) throws
    func onTrainBatchEnd(_ batch: Int, model: Sequential, logs: [String: Double]) throws
    func onTestBegin(model: Sequential, logs: [String: Double]) throws
    func onTestEnd(model: Sequential, logs: [String: Double]) throws
    func onTestBatchBegin(_ batch: Int, model: Sequential, logs: [String: Double]) throws
    func onTestBatchEnd(_ batch: Int, model: Sequential, logs: [String: Double]) throws
    func onPredictBegin(model: Sequential, logs: [String: Double]) throws
    func onPredictEnd(model: Sequential, logs: [String: Double]) throws
}

extension Callback {
    public func onTrainBegin(model: Sequential, logs: [String: Double]) throws {}
    public func onTrainEnd(model: Sequential, logs: [String: Double]) throws {}
    public func onEpochBegin(_ epoch: Int, model: Sequential, logs: [String: Double]) throws {}
    public func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout [String: Double]) throws {}
    public func onTrainBatchBegin(_ batch: Int, model: Sequential, logs: [String: Double]) throws {}
    public func onTrainBatchEnd(_ batch: Int, model: Sequential, logs: [String: Double]) throws {}
    public func onTestBegin(model: Sequential, logs: [String: Double]) throws {}
    public func onTestEnd(model: Sequential, logs: [String: Double]) throws {}
    public func onTestBatchBegin(_ batch: Int, model: Sequential, logs: [String: Double]) throws {}
    public func onTestBatchEnd(_ batch: Int, model: Sequential, logs: [String: Double]) throws {}
    public func onPredictBegin(model: Sequential, logs: [String: Double]) throws {}
    public func onPredictEnd(model: Sequential, logs: [String: Double]) throws {}
}

/// Keras's "auto" mode for monitors: losses and errors go down, everything else goes up.
func monitorIncreases(_ monitor: String) -> Bool? {
    let m = monitor.hasPrefix("val_") ? String(monitor.dropFirst(4)) : monitor
    if m == "loss" || m.hasSuffix("loss") || m.contains("error") || m == "mse" || m == "mae" { return false }
    if m.contains("acc") || m == "auc" || m.contains("precision") || m.contains("recall") { return true }
    return nil
}

/// Keras's monitor modes.
public enum MonitorMode: String, Sendable, CaseIterable {
    case auto, min, max
    public init(name: String, owner: String) throws {
        guard let m = MonitorMode(rawValue: name) else {
            throw DidYouMean.unknown("mode", name, in: MonitorMode.allCases.map(\.rawValue), owner: owner)
        }
        self = m
    }
}
