/// Keras's `metrics.MeanAbsoluteError`, averaged over every sample of the epoch. Named `…Metric`
/// because `MeanAbsoluteError` is the loss.
public final class MeanAbsoluteErrorMetric: Metric {
    public let name: String
    private var mean = MeanMetric()

    public init(name: String = "mean_absolute_error") {
        self.name = name
    }

    public func reset() { mean.reset() }

    public func update(prediction: Tensor, target: Tensor) {
        guard prediction.count == target.count else { return mean.markInvalid() }
        var sum: Double = 0
        for i in 0..<prediction.count { sum += Double(abs(prediction.scalars[i] - target.scalars[i])) }
        mean.add(sum, count: prediction.count)
    }

    public func result() -> Double { mean.result }
}
