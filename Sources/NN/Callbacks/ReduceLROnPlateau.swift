/// Keras's `ReduceLROnPlateau`: multiplies the optimizer's learning rate by `factor` after
/// `patience` epochs without an improvement larger than `minDelta`, then waits `cooldown` epochs.
/// Adds `learning_rate` to the epoch logs, as Keras does. "auto" mode maximizes monitors whose name
/// contains "acc" and minimizes everything else (Keras's rule for this callback).
public final class ReduceLROnPlateau: Callback {
    public let monitor: String
    public let factor: Double
    public let patience: Int
    public let verbose: Int
    public let mode: MonitorMode
    public let minDelta: Double
    public let cooldown: Int
    public let minLR: Double
    public private(set) var wait = 0
    public private(set) var cooldownCounter = 0
    private var best = Double.infinity

    public init(monitor: String = "val_loss", factor: Double = 0.1, patience: Int = 10, verbose: Int = 0,
                mode: String = "auto", minDelta: Double = 1e-4, cooldown: Int = 0, minLR: Double = 0) throws {
        guard factor < 1 else {
            throw NNError.argument("ReduceLROnPlateau: factor must be < 1.0, got \(factor)")
        }
        self.monitor = monitor
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.mode = try MonitorMode(name: mode, owner: "ReduceLROnPlateau")
        self.minDelta = minDelta
        self.cooldown = cooldown
        self.minLR = minLR
        reset()
    }

    private var increases: Bool { mode == .max || (mode == .auto && monitor.contains("acc")) }

    private func reset() {
        best = increases ? -.infinity : .infinity
        cooldownCounter = 0
        wait = 0
    }

    public func onTrainBegin(model: Sequential, logs: [String: Double]) throws { reset() }

    public func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout [String: Double]) throws {
        guard let optimizer = model.optimizer else { return }
        let step = optimizer.iterations
        logs["learning_rate"] = Double(optimizer.learningRate.value(atStep: step))
        guard let current = logs[monitor] else {
            model.emit("Warning: learning rate reduction is conditioned on metric `\(monitor)` which is not available. Available metrics are: \(logs.keys.sorted().joined(separator: ",")).\n")
            return
        }
        if cooldownCounter > 0 { cooldownCounter -= 1; wait = 0 }
        let improved = increases ? current > best + minDelta : current < best - minDelta
        if improved {
            best = current
            wait = 0
        } else if cooldownCounter <= 0 {
            wait += 1
            if wait >= patience {
                guard case .constant(let old) = optimizer.learningRate else { return }
                if old > Float(minLR) {
                    let new = max(Double(old) * factor, minLR)
                    optimizer.learningRate = .constant(Float(new))
                    if verbose > 0 { model.emit("\nEpoch \(epoch + 1): ReduceLROnPlateau reducing learning rate to \(Float(new)).\n") }
                    cooldownCounter = cooldown
                    wait = 0
                }
            }
        }
    }
}
