/// Keras's `SparseCategoricalAccuracy`: the fraction of rows whose predicted arg-max equals the
/// class-index target (targets shaped `(N)` or `(N, 1)`).
public final class SparseCategoricalAccuracy: Metric {
    public let name: String
    private var mean = MeanMetric()

    public init(name: String = "sparse_categorical_accuracy") {
        self.name = name
    }

    public func reset() { mean.reset() }

    public func update(prediction: Tensor, target: Tensor) {
        guard let classes = prediction.shape.last, classes > 0, prediction.count == target.count * classes else {
            return mean.markInvalid()
        }
        var correct = 0
        for r in 0..<target.count where Float(argmax(prediction.scalars, r * classes, classes)) == target.scalars[r] {
            correct += 1
        }
        mean.add(Double(correct), count: target.count)
    }

    public func result() -> Double { mean.result }
}
