/// Keras's `BinaryAccuracy`: the fraction of outputs where `prediction > threshold` equals the
/// (0 or 1) target.
public final class BinaryAccuracy: Metric {
    public let name: String
    public let threshold: Float
    private var mean = MeanMetric()

    public init(name: String = "binary_accuracy", threshold: Float = 0.5) {
        self.name = name
        self.threshold = threshold
    }

    public func reset() { mean.reset() }

    public func update(prediction: Tensor, target: Tensor) {
        guard prediction.count == target.count else { return mean.markInvalid() }
        var correct = 0
        for i in 0..<prediction.count {
            let predicted: Float = prediction.scalars[i] > threshold ? 1 : 0
            if predicted == target.scalars[i] { correct += 1 }
        }
        mean.add(Double(correct), count: prediction.count)
    }

    public func result() -> Double { mean.result }
}
