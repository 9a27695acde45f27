/// Keras's `TerminateOnNaN`: stops training as soon as a batch's loss is NaN or infinite.
public final class TerminateOnNaN: Callback {
    public init() {}

    public func onTrainBatchEnd(_ batch: Int, model: Sequential, logs: [String: Double]) throws {
        if let loss = logs["loss"], loss.isNaN || loss.isInfinite {
            model.emit("Batch \(batch): Invalid loss, terminating training\n")
            model.stopTraining = true
        }
    }
}
