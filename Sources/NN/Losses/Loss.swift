/// A loss reduces a batch of predictions to one number (Keras's "sum_over_batch_size": the mean
/// over the batch) and gives the gradient of that number with respect to the predictions.
public protocol Loss: Sendable {
    /// Keras's name, used in `History` logs and the model's config (e.g. "sparse_categorical_crossentropy").
    var name: String { get }
    /// The mean loss over the batch, and d(mean loss)/d(prediction) written into `gradient`
    /// (resized to the prediction's shape; its buffer is reused when it already fits).
    func loss(prediction: Tensor, target: Tensor, gradient: inout Tensor) -> Float
    /// The mean loss over the batch, without a gradient (evaluation).
    func loss(prediction: Tensor, target: Tensor) -> Float
    /// Checks once, before training, that `target` fits predictions of `predictionShape` (shapes,
    /// label ranges), since the per-batch calls above cannot throw (they return NaN instead).
    /// A default implementation (element-wise pairing) is in `Loss+Validation.swift`.
    func validate(predictionShape: [Int], target: Tensor) throws(LossError)
}
