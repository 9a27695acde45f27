/// A metric accumulated over the batches of an epoch (Keras's stateful metrics).
public protocol Metric: AnyObject {
    /// The log key without prefix: "accuracy", "mae", "mse", "auc".
    var name: String { get }
    func reset()
    func update(prediction: Tensor, target: Tensor)
    /// The value over everything seen since the last `reset`.
    func result() -> Double
}
