/// Keras's `MeanSquaredError`: mean of `(y_true - y_pred)²` over the last axis, then over the batch.
public struct MeanSquaredError: Loss {
    public let name = "mean_squared_error"

    public init() {}

    public func loss(prediction: Tensor, target: Tensor, gradient: inout Tensor) -> Float {
        gradient.resize(to: prediction.shape)
        guard LossShapes.fits(prediction, target), prediction.count > 0 else { return .nan }
        let scale = 2 / Float(prediction.count)
        var sum: Float = 0
        prediction.scalars.withUnsafeBufferPointer { p in
            target.scalars.withUnsafeBufferPointer { t in
                gradient.scalars.withUnsafeMutableBufferPointer { g in
                    for i in 0..<p.count {
                        let d = p[i] - t[i]
                        sum += d * d
                        g[i] = scale * d
                    }
                }
            }
        }
        return sum / Float(prediction.count)
    }

    public func loss(prediction: Tensor, target: Tensor) -> Float {
        guard LossShapes.fits(prediction, target), prediction.count > 0 else { return .nan }
        var sum: Float = 0
        for i in 0..<prediction.count {
            let d = prediction.scalars[i] - target.scalars[i]
            sum += d * d
        }
        return sum / Float(prediction.count)
    }
}
