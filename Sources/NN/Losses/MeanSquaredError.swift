/// Keras's `MeanSquaredError`: mean of `(y_true - y_pred)²` over the last axis, then over the batch.
public struct MeanSquaredError: Loss {
    public let name = "mean_squared_error"

    public init() {}

    public func loss(prediction: Tensor, target: Tensor, gradient: inout Tensor) -> Float {
        LossShapes.elementwise(prediction, target, gradient: &gradient, compute)
    }

    public func loss(prediction: Tensor, target: Tensor) -> Float {
        LossShapes.elementwise(prediction, target, compute)
    }

    private func compute(_ p: UnsafeBufferPointer<Float>, _ t: UnsafeBufferPointer<Float>,
                         _ g: UnsafeMutableBufferPointer<Float>?) -> Float {
        let n = Float(p.count), scale = 2 / n
        var sum: Float = 0
        for i in 0..<p.count {
            let d = p[i] - t[i]
            sum += d * d
            g?[i] = scale * d
        }
        return sum / n
    }
}
