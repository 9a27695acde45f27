/// Keras's `metrics.MeanSquaredError`, averaged over every sample of the epoch (not a mean of
/// batch means). Named `…Metric` because `MeanSquaredError` is the loss.
public final class MeanSquaredErrorMetric: Metric {
    public let name: String
    private var mean = MeanMetric()

    public init(name: String = "mean_squared_error") {
        self.name = name
    }

    public func reset() { mean.reset() }

    public func update(prediction: Tensor, target: Tensor) {
        guard prediction.count == target.count else { return mean.markInvalid() }
        var sum: Double = 0
        for i in 0..<prediction.count {
            let d = Double(prediction.scalars[i] - target.scalars[i])
            sum += d * d
        }
        mean.add(sum, count: prediction.count)
    }

    public func result() -> Double { mean.result }
}
