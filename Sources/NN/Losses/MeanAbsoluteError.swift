/// Keras's `MeanAbsoluteError`: mean of `|y_true - y_pred|` over the last axis, then over the batch.
/// The gradient at a zero difference is 0, as `sign(0)` is in every Keras backend.
public struct MeanAbsoluteError: Loss {
    public let name = "mean_absolute_error"

    public init() {}

    public func loss(prediction: Tensor, target: Tensor, gradient: inout Tensor) -> Float {
        LossShapes.elementwise(prediction, target, gradient: &gradient, compute)
    }

    public func loss(prediction: Tensor, target: Tensor) -> Float {
        LossShapes.elementwise(prediction, target, compute)
    }

    private func compute(_ p: UnsafeBufferPointer<Float>, _ t: UnsafeBufferPointer<Float>,
                         _ g: UnsafeMutableBufferPointer<Float>?) -> Float {
        let n = Float(p.count), scale = 1 / n
        var sum: Float = 0
        for i in 0..<p.count {
            let d = p[i] - t[i]
            sum += abs(d)
            g?[i] = d > 0 ? scale : (d < 0 ? -scale : 0)
        }
        return sum / n
    }
}
