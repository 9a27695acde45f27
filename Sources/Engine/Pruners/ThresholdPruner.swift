/// Optuna's `ThresholdPruner`: prunes a trial whose latest value leaves `[lower, upper]` (or is NaN).
public final class ThresholdPruner: Pruner {
    public let lower: Double
    public let upper: Double
    public let nWarmupSteps: Int
    public let intervalSteps: Int

    public init(lower: Double? = nil, upper: Double? = nil, nWarmupSteps: Int = 0, intervalSteps: Int = 1) throws {
        guard lower != nil || upper != nil else {
            throw EngineError.invalid("ThresholdPruner: either lower or upper must be specified")
        }
        let lo = lower ?? -.infinity
        let hi = upper ?? .infinity
        guard lo <= hi else { throw EngineError.invalid("ThresholdPruner: lower (\(lo)) must not be greater than upper (\(hi))") }
        guard nWarmupSteps >= 0 else { throw EngineError.invalid("ThresholdPruner: n_warmup_steps cannot be negative, got \(nWarmupSteps)") }
        guard intervalSteps >= 1 else { throw EngineError.invalid("ThresholdPruner: interval_steps must be at least 1, got \(intervalSteps)") }
        self.lower = lo
        self.upper = hi
        self.nWarmupSteps = nWarmupSteps
        self.intervalSteps = intervalSteps
    }

    public var kind: String { "ThresholdPruner" }

    public func prune(_ trial: Trial, in study: PruningStudy) -> Bool {
        let values = trial.intermediateValues.objective
        guard let step = values.keys.max(), step >= nWarmupSteps else { return false }
        guard PrunerMath.isFirstInInterval(step: step, steps: values.keys, warmup: nWarmupSteps, interval: intervalSteps) else {
            return false
        }
        let latest = values[step]!
        return latest.isNaN || latest < lower || latest > upper
    }
}
