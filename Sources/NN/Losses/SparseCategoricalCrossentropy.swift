import Foundation

/// Keras's `SparseCategoricalCrossentropy`: targets are class indices (floats holding integers),
/// shaped `(N)` or `(N, 1)`, against predictions `(N, classes)`.
///
/// From probabilities Keras clips them to `[1e-7, 1 − 1e-7]` and takes a softmax of their logs,
/// which renormalizes each row; the gradient follows that exactly. From logits it is a stable
/// log-softmax.
public struct SparseCategoricalCrossentropy: Loss {
    public let name = "sparse_categorical_crossentropy"
    public let fromLogits: Bool

    public init(fromLogits: Bool = false) {
        self.fromLogits = fromLogits
    }

    /// Checks the shapes and that every label is an integer in `0..<classes`.
    public func validate(predictionShape: [Int], target: Tensor) throws(LossError) {
        guard predictionShape.count >= 2, let classes = predictionShape.last, classes > 0 else {
            throw LossError("SparseCategoricalCrossentropy",
                            "predictions must have shape (N, classes), got \(predictionShape)")
        }
        let rows = predictionShape.reduce(1, *) / classes
        guard target.count == rows, target.rows == predictionShape[0] else {
            throw LossError("SparseCategoricalCrossentropy",
                            "target shape \(target.shape) does not fit prediction shape \(predictionShape) (expected one class index per row)")
        }
        for (i, label) in target.scalars.enumerated() {
            guard label.isFinite, label == label.rounded(), label >= 0, label < Float(classes) else {
                throw LossError("SparseCategoricalCrossentropy",
                                "label \(label) at index \(i) is out of range for \(classes) classes (expected an integer in 0..<\(classes))")
            }
        }
    }

    public func loss(prediction: Tensor, target: Tensor, gradient: inout Tensor) -> Float {
        gradient.resize(to: prediction.shape)
        guard let classes = fit(prediction, target) else { return .nan }
        return prediction.scalars.withUnsafeBufferPointer { p in
            target.scalars.withUnsafeBufferPointer { t in
                gradient.scalars.withUnsafeMutableBufferPointer { g in compute(p, t, g, classes: classes) }
            }
        }
    }

    public func loss(prediction: Tensor, target: Tensor) -> Float {
        guard let classes = fit(prediction, target) else { return .nan }
        return prediction.scalars.withUnsafeBufferPointer { p in
            target.scalars.withUnsafeBufferPointer { t in compute(p, t, nil, classes: classes) }
        }
    }

    private func fit(_ prediction: Tensor, _ target: Tensor) -> Int? {
        guard prediction.rank >= 1, let classes = prediction.shape.last, classes > 0,
              prediction.count > 0, prediction.count == target.count * classes else { return nil }
        return classes
    }

    private func compute(_ p: UnsafeBufferPointer<Float>, _ t: UnsafeBufferPointer<Float>,
                         _ g: UnsafeMutableBufferPointer<Float>?, classes: Int) -> Float {
        let rows = t.count
        let invRows = 1 / Float(rows)
        var total: Float = 0
        for r in 0..<rows {
            let base = r * classes
            let label = t[r]
            // Invalid labels were rejected by validate(); here they poison the loss instead of crashing.
            guard label >= 0, label < Float(classes), label == label.rounded() else {
                if let g { for j in 0..<classes { g[base + j] = .nan } }
                total = .nan
                continue
            }
            let y = Int(label)
            if fromLogits {
                var maximum = -Float.infinity
                for j in 0..<classes { maximum = max(maximum, p[base + j]) }
                var expSum: Float = 0
                if let g {
                    // The exponentials are kept in the gradient buffer, so each is computed once.
                    for j in 0..<classes {
                        let e = exp(p[base + j] - maximum)
                        g[base + j] = e
                        expSum += e
                    }
                    let scale = invRows / expSum
                    for j in 0..<classes { g[base + j] *= scale }
                    g[base + y] -= invRows
                } else {
                    for j in 0..<classes { expSum += exp(p[base + j] - maximum) }
                }
                total += maximum + log(expSum) - p[base + y]
            } else {
                let low = CrossentropyEpsilon.value, high = 1 - CrossentropyEpsilon.value
                var clippedSum: Float = 0
                for j in 0..<classes { clippedSum += min(max(p[base + j], low), high) }
                let clippedLabel = min(max(p[base + y], low), high)
                total += log(clippedSum) - log(clippedLabel)
                if let g {
                    for j in 0..<classes {
                        let v = p[base + j]
                        let inside = v >= low && v <= high
                        g[base + j] = inside ? (1 / clippedSum - (j == y ? 1 / v : 0)) * invRows : 0
                    }
                }
            }
        }
        return total * invRows
    }
}
