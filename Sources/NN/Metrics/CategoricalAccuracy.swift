/// Keras's `CategoricalAccuracy`: the fraction of rows whose predicted arg-max equals the arg-max
/// of the one-hot target (ties go to the first index, as in `argmax`).
public final class CategoricalAccuracy: Metric {
    public let name: String
    private var mean = MeanMetric()

    public init(name: String = "categorical_accuracy") {
        self.name = name
    }

    public func reset() { mean.reset() }

    public func update(prediction: Tensor, target: Tensor) {
        guard let classes = prediction.shape.last, classes > 0, prediction.count == target.count else {
            return mean.markInvalid()
        }
        let rows = prediction.count / classes
        var correct = 0
        for r in 0..<rows where argmax(prediction.scalars, r * classes, classes) == argmax(target.scalars, r * classes, classes) {
            correct += 1
        }
        mean.add(Double(correct), count: rows)
    }

    public func result() -> Double { mean.result }
}

/// Index of the largest of `count` values starting at `start`, relative to `start`.
func argmax(_ values: [Float], _ start: Int, _ count: Int) -> Int {
    var best = 0
    for j in 1..<max(count, 1) where values[start + j] > values[start + best] { best = j }
    return best
}
