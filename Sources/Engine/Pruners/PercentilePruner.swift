/// Optuna's `PercentilePruner`: prunes a trial whose best intermediate value so far is worse than
/// the given percentile of the completed trials' values at the same step. In Pareto mode it prunes
/// a trial whose values are dominated by the Pareto front of the completed trials' values at the
/// same step, scaled toward the reference point by `percentile / 100` (`ParetoPruningRule`).
public class PercentilePruner: Pruner {
    public let percentile: Double
    public let nStartupTrials: Int
    public let nWarmupSteps: Int
    public let intervalSteps: Int
    public let nMinTrials: Int

    /// Optuna's defaults.
    public enum Defaults {
        public static let nStartupTrials = 5
        public static let nWarmupSteps = 0
        public static let intervalSteps = 1
        public static let nMinTrials = 1
    }

    public init(percentile: Double, nStartupTrials: Int = Defaults.nStartupTrials, nWarmupSteps: Int = Defaults.nWarmupSteps,
                intervalSteps: Int = Defaults.intervalSteps, nMinTrials: Int = Defaults.nMinTrials) throws {
        let fn = Self.functionName
        guard percentile >= 0 && percentile <= 100 else {
            throw EngineError.invalid("\(fn): percentile must be between 0 and 100 inclusive, got \(percentile)")
        }
        guard nStartupTrials >= 0 else { throw EngineError.invalid("\(fn): n_startup_trials cannot be negative, got \(nStartupTrials)") }
        guard nWarmupSteps >= 0 else { throw EngineError.invalid("\(fn): n_warmup_steps cannot be negative, got \(nWarmupSteps)") }
        guard intervalSteps >= 1 else { throw EngineError.invalid("\(fn): interval_steps must be at least 1, got \(intervalSteps)") }
        guard nMinTrials >= 1 else { throw EngineError.invalid("\(fn): n_min_trials must be at least 1, got \(nMinTrials)") }
        self.percentile = percentile
        self.nStartupTrials = nStartupTrials
        self.nWarmupSteps = nWarmupSteps
        self.intervalSteps = intervalSteps
        self.nMinTrials = nMinTrials
    }

    class var functionName: String { "PercentilePruner" }
    public var kind: String { Self.functionName }
    public var acceptsPareto: Bool { true }

    public func prune(_ trial: Trial, in study: PruningStudy) -> Bool {
        let completed = study.completed
        if completed.isEmpty || completed.count < nStartupTrials { return false }
        let values = trial.intermediateValues.objective
        guard let step = values.keys.max(), step >= nWarmupSteps else { return false }
        guard PrunerMath.isFirstInInterval(step: step, steps: values.keys, warmup: nWarmupSteps, interval: intervalSteps) else {
            return false
        }
        if study.objective.isPareto {
            return ParetoPruningRule(scale: percentile / 100, minTrials: nMinTrials)
                .prunes(trial, at: step, among: completed, objective: study.objective)
        }
        let best = PrunerMath.nanBest(Array(values.values), study.direction)
        if best.isNaN { return true }
        let others = completed.compactMap { $0.intermediateValues.objective[step] }
        guard others.count >= nMinTrials else { return false }
        let p = PrunerMath.nanPercentile(others, study.direction == .max ? 100 - percentile : percentile)
        if p.isNaN { return false }
        return study.direction == .max ? best < p : best > p
    }
}
