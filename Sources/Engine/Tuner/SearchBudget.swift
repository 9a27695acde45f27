/// The limits that end a search or a trial early (docs/reference.md, Pruning): `max_time` (per run: a resumed
/// search starts a new budget), `trial_timeout`, `stop_after_no_improvement`.
public struct SearchBudget: Equatable, Sendable {
    /// Seconds after the search began past which no trial starts (running ones finish).
    public var maxTime: Double?
    /// Seconds a trial may run before it is stopped and marked FAILED (not retried).
    public var trialTimeout: Double?
    /// Finished trials in a row without a better score after which the search ends.
    public var stopAfterNoImprovement: Int?

    public init(maxTime: Double? = nil, trialTimeout: Double? = nil, stopAfterNoImprovement: Int? = nil) throws {
        if let maxTime, !(maxTime > 0) { throw EngineError.invalid("Tuner: max_time must be a positive number of seconds, got \(maxTime)") }
        if let trialTimeout, !(trialTimeout > 0) {
            throw EngineError.invalid("Tuner: trial_timeout must be a positive number of seconds, got \(trialTimeout)")
        }
        if let n = stopAfterNoImprovement, n < 1 {
            throw EngineError.invalid("Tuner: stop_after_no_improvement must be a positive integer, got \(n)")
        }
        self.maxTime = maxTime
        self.trialTimeout = trialTimeout
        self.stopAfterNoImprovement = stopAfterNoImprovement
    }

    public static let none = try! SearchBudget()

    /// The message a trial stopped by `trial_timeout` keeps.
    public static func timeoutMessage(_ seconds: Double) -> String { "timed out after \(PyFormat.repr(seconds)) s" }

    /// Why the search must end before starting another trial, or nil.
    func reasonToStop(oracle: Oracle, startedAt start: Double, now: Double) -> String? {
        if let maxTime, now - start >= maxTime {
            return "Search stopped: max_time of \(PyFormat.repr(maxTime)) s reached; no new trial starts (\(oracle.orderedTrials.count) trials in the project)."
        }
        if let n = stopAfterNoImprovement, Self.trialsWithoutImprovement(oracle) >= n {
            return "Search stopped: the last \(n) finished trials did not improve the best \(oracle.objective.isPareto ? "Pareto front" : oracle.objective.name) (stop_after_no_improvement = \(n))."
        }
        return nil
    }

    /// Finished trials since the last one that improved the best score (all of them if none did).
    /// In Pareto mode a trial improves when no earlier trial's values are as good in every objective.
    static func trialsWithoutImprovement(_ oracle: Oracle) -> Int {
        if oracle.objective.isPareto {
            var seen: [[Double]] = []
            var since = 0
            for id in oracle.endOrder {
                guard let trial = oracle.trials[id], trial.status == .completed, let v = trial.objectiveValues,
                      !v.contains(where: \.isNaN) else { since += 1; continue }
                let p = oracle.objective.minimized(v)
                if seen.contains(where: { $0 == p || ParetoFront.dominates($0, p) }) { since += 1 } else { since = 0 }
                seen.append(p)
            }
            return since
        }
        var best: Double?
        var since = 0
        for id in oracle.endOrder {
            guard let trial = oracle.trials[id] else { continue }
            if trial.status == .completed, let score = trial.score, !score.isNaN,
               best == nil || oracle.objective.betterThan(score, best!) {
                best = score
                since = 0
            } else {
                since += 1
            }
        }
        return since
    }
}
