import Foundation

/// Keras's `BinaryCrossentropy` for one or more independent yes/no outputs.
///
/// From probabilities (a sigmoid output) they are clipped to `[1e-7, 1 − 1e-7]` as Keras does, so
/// a saturated sigmoid gives a large finite loss instead of infinity. From logits it uses the
/// stable form `max(x, 0) − x·z + log(1 + e^−|x|)`, which never overflows.
public struct BinaryCrossentropy: Loss {
    public let name = "binary_crossentropy"
    public let fromLogits: Bool
    public let labelSmoothing: Float

    /// - Throws: `LossError` when `labelSmoothing` is outside `[0, 1]`.
    public init(fromLogits: Bool = false, labelSmoothing: Float = 0) throws(LossError) {
        guard labelSmoothing >= 0, labelSmoothing <= 1 else {
            throw LossError("BinaryCrossentropy", "label_smoothing must be in [0, 1], got \(labelSmoothing)")
        }
        self.fromLogits = fromLogits
        self.labelSmoothing = labelSmoothing
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
        let keep = 1 - labelSmoothing, shift = 0.5 * labelSmoothing
        var sum: Float = 0
        if fromLogits {
            for i in 0..<p.count {
                let x = p[i], z = t[i] * keep + shift
                sum += max(x, 0) - x * z + log1p(exp(-abs(x)))
                let sigmoid = x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
                g?[i] = (sigmoid - z) / n
            }
        } else {
            let low = CrossentropyEpsilon.value, high = 1 - CrossentropyEpsilon.value
            for i in 0..<p.count {
                let z = t[i] * keep + shift
                let inside = p[i] >= low && p[i] <= high
                let q = min(max(p[i], low), high)
                sum -= z * log(q) + (1 - z) * log(1 - q)
                g?[i] = inside ? -(z / q - (1 - z) / (1 - q)) / n : 0
            }
        }
        return sum / n
    }
}

/// Keras's `backend.epsilon()`, the clip applied to probabilities before taking logs.
enum CrossentropyEpsilon {
    static let value: Float = 1e-7
}
