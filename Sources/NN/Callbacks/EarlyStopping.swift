/// Keras 3's `EarlyStopping`, same state machine: `wait` counts epochs since the last improvement
/// (an improvement resets it only if it also beats `baseline`), training stops once
/// `wait >= patience` at an epoch > 0, and with `restoreBestWeights` the best epoch's weights are
/// put back at the end of training whether or not training was stopped early (Keras 3 behaviour).
public final class EarlyStopping: Callback {
    public let monitor: String
    public let minDelta: Double
    public let patience: Int
    public let verbose: Int
    public let mode: MonitorMode
    public let baseline: Double?
    public let restoreBestWeights: Bool
    public let startFromEpoch: Int

    public private(set) var wait = 0
    /// The 0-based epoch at which training was stopped (0 if it was not).
    public private(set) var stoppedEpoch = 0
    public private(set) var bestEpoch = 0
    public private(set) var best: Double?
    private var bestWeights: [Tensor]?
    private var increases: Bool?

    public init(monitor: String = "val_loss", minDelta: Double = 0, patience: Int = 0, verbose: Int = 0,
                mode: String = "auto", baseline: Double? = nil, restoreBestWeights: Bool = false,
                startFromEpoch: Int = 0) throws {
        guard patience >= 0 else { throw NNError.argument("EarlyStopping: patience must be >= 0, got \(patience)") }
        self.monitor = monitor
        self.minDelta = abs(minDelta)
        self.patience = patience
        self.verbose = verbose
        self.mode = try MonitorMode(name: mode, owner: "EarlyStopping")
        self.baseline = baseline
        self.restoreBestWeights = restoreBestWeights
        self.startFromEpoch = startFromEpoch
    }

    public func onTrainBegin(model: Sequential, logs: [String: Double]) throws {
        wait = 0; stoppedEpoch = 0; bestWeights = nil; bestEpoch = 0
    }

    private func resolveDirection(_ model: Sequential) throws -> Bool {
        if let increases { return increases }
        let up: Bool
        switch mode {
        case .min: up = false
        case .max: up = true
        case .auto:
            guard let d = monitorIncreases(monitor) else {
                throw NNError.argument("EarlyStopping: cannot tell whether '\(monitor)' should be minimized or maximized; pass mode = \"min\" or \"max\"")
            }
            up = d
        }
        increases = up
        best = up ? -.infinity : .infinity
        return up
    }

    private func isImprovement(_ value: Double, over reference: Double, up: Bool) -> Bool {
        up ? value - minDelta > reference : value + minDelta < reference
    }

    public func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout [String: Double]) throws {
        let up = try resolveDirection(model)
        guard let current = logs[monitor], epoch >= startFromEpoch else {
            if logs[monitor] == nil {
                model.emit("Warning: early stopping conditioned on metric `\(monitor)` which is not available. Available metrics are: \(logs.keys.sorted().joined(separator: ","))\n")
            }
            return
        }
        if restoreBestWeights && bestWeights == nil {
            bestWeights = model.getWeights()
            bestEpoch = epoch
        }
        wait += 1
        if isImprovement(current, over: best!, up: up) {
            best = current
            bestEpoch = epoch
            if restoreBestWeights { bestWeights = model.getWeights() }
            if baseline == nil || isImprovement(current, over: baseline!, up: up) { wait = 0 }
            return
        }
        if wait >= patience && epoch > 0 {
            stoppedEpoch = epoch
            model.stopTraining = true
        }
    }

    public func onTrainEnd(model: Sequential, logs: [String: Double]) throws {
        if stoppedEpoch > 0 && verbose > 0 { model.emit("Epoch \(stoppedEpoch + 1): early stopping\n") }
        if restoreBestWeights, let bestWeights {
            if verbose > 0 { model.emit("Restoring model weights from the end of the best epoch: \(bestEpoch + 1).\n") }
            try model.setWeights(bestWeights)
        }
    }
}
