/// Keras's `AUC` with its defaults: the area under the ROC curve, approximated from confusion
/// counts at `numThresholds` thresholds (−ε, 1/(n−1), …, (n−2)/(n−1), 1+ε) and summed with the
/// trapezoidal rule ("interpolation"). For binary problems: predictions are probabilities (clipped
/// to [0, 1]), a target is positive when it is non-zero.
///
/// Counts are kept per threshold bucket, so an update is one binary search per prediction and the
/// result one pass over the thresholds.
public final class AUC: Metric {
    public let name: String
    public let numThresholds: Int
    /// Ascending, as Keras builds them (in float32, the dtype Keras compares in).
    public let thresholds: [Float]
    /// `positives[k]`: positive samples above exactly `k` thresholds; likewise `negatives`.
    private var positives: [Double]
    private var negatives: [Double]
    private var invalid = false

    /// - Throws: `MetricError` when `numThresholds` ≤ 1.
    public init(name: String = "auc", numThresholds: Int = 200) throws(MetricError) {
        guard numThresholds > 1 else {
            throw MetricError("AUC", "num_thresholds must be an integer > 1, got \(numThresholds)")
        }
        self.name = name
        self.numThresholds = numThresholds
        let epsilon = 1e-7
        var values = [Float(0 - epsilon)]
        for i in 0..<(numThresholds - 2) { values.append(Float(Double(i + 1) / Double(numThresholds - 1))) }
        values.append(Float(1 + epsilon))
        thresholds = values
        positives = [Double](repeating: 0, count: numThresholds + 1)
        negatives = positives
    }

    public func reset() {
        for k in positives.indices { positives[k] = 0; negatives[k] = 0 }
        invalid = false
    }

    public func update(prediction: Tensor, target: Tensor) {
        guard prediction.count == target.count else { invalid = true; return }
        for i in 0..<prediction.count {
            let p = min(max(prediction.scalars[i], 0), 1)
            // Number of thresholds strictly below p (Keras counts `prediction > threshold`).
            var low = 0, high = thresholds.count
            while low < high {
                let mid = (low + high) / 2
                if thresholds[mid] < p { low = mid + 1 } else { high = mid }
            }
            if target.scalars[i] != 0 { positives[low] += 1 } else { negatives[low] += 1 }
        }
    }

    public func result() -> Double {
        if invalid { return .nan }
        let totalPositives = positives.reduce(0, +), totalNegatives = negatives.reduce(0, +)
        // Counts above threshold i are the samples in buckets k > i.
        var truePositives = [Double](repeating: 0, count: numThresholds)
        var falsePositives = truePositives
        var tp: Double = 0, fp: Double = 0
        for i in stride(from: numThresholds - 1, through: 0, by: -1) {
            tp += positives[i + 1]
            fp += negatives[i + 1]
            truePositives[i] = tp
            falsePositives[i] = fp
        }
        func rate(_ x: Double, _ total: Double) -> Double { total > 0 ? x / total : 0 }
        var area: Double = 0
        for i in 0..<(numThresholds - 1) {
            let width = rate(falsePositives[i], totalNegatives) - rate(falsePositives[i + 1], totalNegatives)
            let height = (rate(truePositives[i], totalPositives) + rate(truePositives[i + 1], totalPositives)) / 2
            area += width * height
        }
        return area
    }
}
