/// Keras's `Huber`: `½e²` where `|e| ≤ delta`, else `delta·|e| − ½delta²`, averaged like MSE.
/// Quadratic near zero and linear in the tails, so outliers pull less than with MSE.
public struct Huber: Loss {
    public let name = "huber_loss"
    public let delta: Float

    /// - Throws: `LossError` when `delta` is not a positive finite number.
    public init(delta: Float = 1.0) throws(LossError) {
        guard delta.isFinite, delta > 0 else { throw LossError("Huber", "delta must be > 0, got \(delta)") }
        self.delta = delta
    }

    public func loss(prediction: Tensor, target: Tensor, gradient: inout Tensor) -> Float {
        LossShapes.elementwise(prediction, target, gradient: &gradient, compute)
    }

    public func loss(prediction: Tensor, target: Tensor) -> Float {
        LossShapes.elementwise(prediction, target, compute)
    }

    private func compute(_ p: UnsafeBufferPointer<Float>, _ t: UnsafeBufferPointer<Float>,
                         _ g: UnsafeMutableBufferPointer<Float>?) -> Float {
        let n = Float(p.count)
        let halfDeltaSquared = 0.5 * delta * delta
        var sum: Float = 0
        for i in 0..<p.count {
            let e = p[i] - t[i]
            if abs(e) <= delta {
                sum += 0.5 * e * e
                g?[i] = e / n
            } else {
                sum += delta * abs(e) - halfDeltaSquared
                g?[i] = (e > 0 ? delta : -delta) / n
            }
        }
        return sum / n
    }
}
