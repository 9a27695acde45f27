/// Intermediate values and pruning (Optuna's `trial.report` / `trial.should_prune`). Callers hold
/// the oracle's lock: the pruner's decisions read every trial and may record rungs.
extension Oracle {
    /// Records what `trialId` reported at `step`; returns the values kept (a step already
    /// reported for a name keeps its first value, as in Optuna).
    public func report(_ trialId: String, step: Int, metrics: [(String, Double)]) throws -> [(String, Double)] {
        guard let trial = trials[trialId] else { throw EngineError(.notFound, "report: no trial with id '\(trialId)'") }
        guard trial.status == .running else {
            throw EngineError.invalid("report: trial \(trialId) is \(trial.status.rawValue), not running; report only while it runs")
        }
        guard step >= 0 else { throw EngineError.invalid("report: step must be a non-negative integer, got \(step)") }
        return trial.intermediateValues.record(metrics, step: step, objective: objective)
    }

    /// Whether the pruner stops `trial` at its last reported step. Once it has said so the answer
    /// stays yes (the run ends PRUNED whatever it returns).
    public func shouldPrune(_ trial: Trial) -> Bool {
        if trial.pruneRequested { return true }
        guard let pruner, trial.status == .running else { return false }
        let study = PruningStudy(direction: objective.direction, trials: orderedTrials, name: studyName, objective: objective)
        if pruner.prune(trial, in: study) { trial.pruneRequested = true }
        return trial.pruneRequested
    }

    /// Optuna gives a pruned trial its last intermediate value (when it is a number) as its value.
    func scorePruned(_ trial: Trial) {
        let last = trial.intermediateValues.lastStep
        let value = last.flatMap { trial.intermediateValues.objective[$0] }
        trial.score = value.flatMap { $0.isNaN ? nil : $0 }
        trial.bestStep = last ?? 0
    }

    /// Pareto mode takes only the pruners that have a multi-objective meaning.
    public func checkPruner() throws {
        guard objective.isPareto, let pruner, !pruner.acceptsPareto else { return }
        throw EngineError.invalid("\(pruner.kind) does not support multi_objective = \"pareto\": it compares one value per trial; in Pareto mode use kt.pruners.MedianPruner, PercentilePruner, SuccessiveHalvingPruner or HyperbandPruner")
    }

    var prunerState: JSON {
        guard let pruner else { return .null }
        return .object([("kind", .string(pruner.kind)), ("state", pruner.state)])
    }

    /// A stored pruner state is restored into a pruner of the same kind; another pruner starts afresh.
    func restorePruner(_ stored: JSON) throws {
        guard let pruner, stored["kind"]?.stringValue == pruner.kind else { return }
        try pruner.restore(stored["state"] ?? .null)
    }
}
