/// Keras's `MeanAbsoluteError`: mean of `|y_true - y_pred|` over the last axis, then over the batch.
/// The gradient at a zero difference is 0, as `sign(0)` is in every Keras backend.
public struct MeanAbsoluteError: Loss {
    public let name = "mean_absolute_error"

    public init() {}

    public func loss(prediction: Tensor, target: Tensor, gradient: inout Tensor) -> Float {
        gradient.resize(to: prediction.shape)
        guard LossShapes.fits(prediction, target), prediction.count > 0 else { return .nan }
        let scale = 1 / Float(prediction.count)
        var sum: Float = 0
        prediction.scalars.withUnsafeBufferPointer { p in
            target.scalars.withUnsafeBufferPointer { t in
                gradient.scalars.withUnsafeMutableBufferPointer { g in
                    for i in 0..<p.count {
                        let d = p[i] - t[i]
                        sum += abs(d)
                        g[i] = d > 0 ? scale : (d < 0 ? -scale : 0)
                    }
                }
            }
        }
        return sum / Float(prediction.count)
    }

    public func loss(prediction: Tensor, target: Tensor) -> Float {
        guard LossShapes.fits(prediction, target), prediction.count > 0 else { return .nan }
        var sum: Float = 0
        for i in 0..<prediction.count { sum += abs(prediction.scalars[i] - target.scalars[i]) }
        return sum / Float(prediction.count)
    }
}
