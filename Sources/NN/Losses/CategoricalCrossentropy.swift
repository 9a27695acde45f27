import Foundation

/// Keras's `CategoricalCrossentropy` for one-hot (or soft) targets over the last axis.
///
/// From probabilities, each row is first divided by its sum and clipped to `[1e-7, 1 − 1e-7]`, as
/// Keras does; the gradient includes that normalization. From logits it uses a log-softmax with
/// the row maximum subtracted, so large logits do not overflow.
public struct CategoricalCrossentropy: Loss {
    public let name = "categorical_crossentropy"
    public let fromLogits: Bool
    public let labelSmoothing: Float

    /// - Throws: `LossError` when `labelSmoothing` is outside `[0, 1]`.
    public init(fromLogits: Bool = false, labelSmoothing: Float = 0) throws(LossError) {
        guard labelSmoothing >= 0, labelSmoothing <= 1 else {
            throw LossError("CategoricalCrossentropy", "label_smoothing must be in [0, 1], got \(labelSmoothing)")
        }
        self.fromLogits = fromLogits
        self.labelSmoothing = labelSmoothing
    }

    public func validate(predictionShape: [Int], target: Tensor) throws(LossError) {
        guard predictionShape.count >= 2, target.shape == predictionShape else {
            throw LossError("CategoricalCrossentropy",
                            "target shape \(target.shape) must equal prediction shape \(predictionShape) (one-hot targets; use SparseCategoricalCrossentropy for class indices)")
        }
    }

    public func loss(prediction: Tensor, target: Tensor, gradient: inout Tensor) -> Float {
        gradient.resize(to: prediction.shape)
        guard fits(prediction, target) else { return .nan }
        return prediction.scalars.withUnsafeBufferPointer { p in
            target.scalars.withUnsafeBufferPointer { t in
                gradient.scalars.withUnsafeMutableBufferPointer { g in
                    compute(p, t, g, classes: prediction.shape.last!)
                }
            }
        }
    }

    public func loss(prediction: Tensor, target: Tensor) -> Float {
        guard fits(prediction, target) else { return .nan }
        return prediction.scalars.withUnsafeBufferPointer { p in
            target.scalars.withUnsafeBufferPointer { t in compute(p, t, nil, classes: prediction.shape.last!) }
        }
    }

    private func fits(_ prediction: Tensor, _ target: Tensor) -> Bool {
        prediction.rank >= 1 && prediction.count > 0 && prediction.count == target.count && prediction.shape.last! > 0
    }

    private func compute(_ p: UnsafeBufferPointer<Float>, _ t: UnsafeBufferPointer<Float>,
                         _ g: UnsafeMutableBufferPointer<Float>?, classes: Int) -> Float {
        let rows = p.count / classes
        let keep = 1 - labelSmoothing, shift = labelSmoothing / Float(classes)
        let invRows = 1 / Float(rows)
        var total: Float = 0
        for r in 0..<rows {
            let base = r * classes
            if fromLogits {
                var maximum = -Float.infinity
                for j in 0..<classes { maximum = max(maximum, p[base + j]) }
                var expSum: Float = 0
                for j in 0..<classes {
                    let e = exp(p[base + j] - maximum)
                    g?[base + j] = e  // kept so each exponential is computed once
                    expSum += e
                }
                let logSumExp = maximum + log(expSum)
                var targetSum: Float = 0
                for j in 0..<classes {
                    let z = t[base + j] * keep + shift
                    targetSum += z
                    total += z * (logSumExp - p[base + j])
                }
                if let g {
                    let scale = targetSum / expSum
                    for j in 0..<classes {
                        let z = t[base + j] * keep + shift
                        g[base + j] = (g[base + j] * scale - z) * invRows
                    }
                }
            } else {
                var rowSum: Float = 0
                for j in 0..<classes { rowSum += p[base + j] }
                let low = CrossentropyEpsilon.value, high = 1 - CrossentropyEpsilon.value
                // d/dp_k of −Σ z_j log(clip(p_j / S)) = −z_k/p_k·[k inside] + (Σ_inside z_j)/S
                var insideTargetSum: Float = 0
                for j in 0..<classes {
                    let z = t[base + j] * keep + shift
                    let q = p[base + j] / rowSum
                    let inside = q >= low && q <= high
                    if inside { insideTargetSum += z }
                    total -= z * log(min(max(q, low), high))
                }
                if let g {
                    for j in 0..<classes {
                        let z = t[base + j] * keep + shift
                        let q = p[base + j] / rowSum
                        let inside = q >= low && q <= high
                        g[base + j] = ((inside ? -z / p[base + j] : 0) + insideTargetSum / rowSum) * invRows
                    }
                }
            }
        }
        return total * invRows
    }
}
