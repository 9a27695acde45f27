/// Intermediate values and pruning as the search runs: what a trial reports reaches the oracle
/// (and its pruner) and is committed to the store before the trial goes on.
extension Tuner {
    /// `trial:report(step, metrics)`, and every epoch of Keras training.
    public func report(_ trial: Trial, step: Int, metrics: [(String, Double)]) throws {
        // The store's lock first, then the oracle's: the order every decision takes them in.
        try store.decide(oracle) {
            try oracle.locked {
                let kept = try oracle.report(trial.trialId, step: step, metrics: metrics)
                if !kept.isEmpty { try store.intermediateReported(trialId: trial.trialId, step: step, values: kept) }
            }
        }
    }

    /// `trial:report(step, number)`: a bare number is the objective's value.
    public func report(_ trial: Trial, step: Int, value: Double) throws {
        if !oracle.objective.isDefault && oracle.objective.isMulti {
            throw EngineError.invalid("report: a bare number cannot stand for the objective \(oracle.objective.name), which needs the metrics \(oracle.objective.requiredNames); report a table with them")
        }
        try report(trial, step: step, metrics: [(oracle.objective.name, value)])
    }

    /// `trial:should_prune()`: asks the oracle's pruner about the trial's last reported step.
    public func shouldPrune(_ trial: Trial) -> Bool { oracle.locked { oracle.shouldPrune(trial) } }
}
