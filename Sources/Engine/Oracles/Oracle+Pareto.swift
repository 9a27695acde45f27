/// Pareto mode (`multi_objective = "pareto"`): each trial keeps one value per objective, and the
/// best trials are the non-dominated fronts in order (docs/reference.md, "Pareto mode").
extension Oracle {
    /// Completed trials with every objective's value, best first (`ParetoFront.order`: front,
    /// crowding distance, creation order), then the other trials in creation order (Keras Tuner's
    /// padding).
    static func paretoRanking(_ trials: [Trial], objective: Objective) -> [Trial] {
        let (candidates, points) = rankable(trials, objective)
        let ranked = ParetoFront.order(points).map { candidates[$0] }
        let onFront = Set(ranked.map(\.trialId))
        return ranked + trials.filter { !onFront.contains($0.trialId) }
    }

    /// Each ranked trial's front (0 = non-dominated), by trial id.
    static func paretoFronts(_ trials: [Trial], objective: Objective) -> [String: Int] {
        let (candidates, points) = rankable(trials, objective)
        var out: [String: Int] = [:]
        for (t, r) in zip(candidates, ParetoFront.ranks(points)) { if let r { out[t.trialId] = r } }
        return out
    }

    /// The non-dominated completed trials, in `paretoRanking`'s order.
    public var paretoFront: [Trial] {
        let (candidates, points) = Self.rankable(orderedTrials, objective)
        let ranks = ParetoFront.ranks(points)
        return ParetoFront.order(points).filter { ranks[$0] == 0 }.map { candidates[$0] }
    }

    /// The completed trials with values, and those values minimized (NaN ones are ranked on no front).
    private static func rankable(_ trials: [Trial], _ objective: Objective) -> ([Trial], [[Double]?]) {
        let candidates = trials.filter { $0.status == .completed && $0.objectiveValues != nil }
        return (candidates, candidates.map { objective.minimized($0.objectiveValues!) })
    }

    /// The hypervolume of the completed trials' values (Pareto mode), bounded by `reference` (in
    /// the objectives' own directions) or by the nadir-based reference of those values.
    public func hypervolume(reference: [Double]? = nil) throws -> Double {
        guard objective.isPareto else {
            throw EngineError.invalid("hypervolume: the search is not in Pareto mode (multi_objective = \"pareto\")")
        }
        if let reference, reference.count != objective.components.count {
            throw EngineError.invalid("hypervolume: reference_point has \(reference.count) values, the objective \(objective.components.count)")
        }
        let points = Self.rankable(orderedTrials, objective).1.compactMap { $0 }.filter { !$0.contains(where: \.isNaN) }
        return Hypervolume.compute(points, reference: reference.map(objective.minimized) ?? Hypervolume.nadirReference(points))
    }

    /// Sets a Pareto trial's values from its metrics: those of the last step where every objective
    /// was reported (a black-box trial's one report; a History's epoch with the best sum, as Keras
    /// Tuner picks it, whose weights are the checkpoint); `score` is
    /// their Keras Tuner sum at that step, for display (NaN there makes the trial INVALID).
    func scoreParetoTrial(_ trial: Trial) {
        guard let (values, step) = objective.paretoValues(of: trial.metrics) else {
            trial.objectiveValues = nil
            trial.score = nil
            trial.bestStep = 0
            return
        }
        trial.objectiveValues = values
        trial.score = zip(values, objective.signs).reduce(0) { $0 + $1.0 * $1.1 }
        trial.bestStep = step
    }
}
