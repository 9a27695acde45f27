/// Pareto mode (`multi_objective = "pareto"`): each trial keeps one value per objective, and the
/// best trials are the non-dominated fronts in order (docs/reference.md, "Pareto mode").
extension Oracle {
    /// Completed trials with every objective's value, best first (`ParetoFront.order`: front,
    /// crowding distance, creation order), then the other trials in creation order (Keras Tuner's
    /// padding).
    static func paretoRanking(_ trials: [Trial], objective: Objective) -> [Trial] {
        let candidates = trials.filter { $0.status == .completed && $0.objectiveValues != nil }
        let order = ParetoFront.order(candidates.map { objective.minimized($0.objectiveValues!) })
        let ranked = order.map { candidates[$0] }
        let onFront = Set(ranked.map(\.trialId))
        return ranked + trials.filter { !onFront.contains($0.trialId) }
    }

    /// Each ranked trial's front (0 = non-dominated), by trial id.
    static func paretoFronts(_ trials: [Trial], objective: Objective) -> [String: Int] {
        let candidates = trials.filter { $0.status == .completed && $0.objectiveValues != nil }
        let ranks = ParetoFront.ranks(candidates.map { objective.minimized($0.objectiveValues!) })
        var out: [String: Int] = [:]
        for (t, r) in zip(candidates, ranks) { if let r { out[t.trialId] = r } }
        return out
    }

    /// The non-dominated completed trials, in `paretoRanking`'s order.
    public var paretoFront: [Trial] {
        let candidates = orderedTrials.filter { $0.status == .completed && $0.objectiveValues != nil }
        let points = candidates.map { objective.minimized($0.objectiveValues!) }
        let ranks = ParetoFront.ranks(points)
        return ParetoFront.order(points).filter { ranks[$0] == 0 }.map { candidates[$0] }
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
        let points = minimizedVectors(orderedTrials.filter { $0.status == .completed }).map(\.point)
        return Hypervolume.compute(points, reference: reference.map(objective.minimized) ?? Hypervolume.nadirReference(points))
    }

    /// Sets a Pareto trial's values from its metrics: those of the last step where every objective
    /// was reported (a black-box trial's one report, a fitted model's last epoch); `score` is
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

    /// The minimized objective vectors of `trials` that have one, with the trials.
    func minimizedVectors(_ trials: [Trial]) -> [(trial: Trial, point: [Double])] {
        trials.compactMap { t in
            guard let v = t.objectiveValues, !v.contains(where: \.isNaN) else { return nil }
            return (t, objective.minimized(v))
        }
    }
}

extension Objective {
    /// Values in the components' own directions, turned into minimized ones.
    public func minimized(_ values: [Double]) -> [Double] { zip(values, signs).map { $0 * $1 } }

    /// A Pareto trial's values (each in its objective's direction) and the step they come from:
    /// the last step at which every objective has a value; nil when there is none.
    public func paretoValues(of metrics: MetricsTracker) -> (values: [Double], step: Int)? {
        var common: Set<Int>?
        for c in components {
            let steps = Set(metrics.histories[c.name]?.observations.map(\.step) ?? [])
            common = common.map { $0.intersection(steps) } ?? steps
        }
        guard let step = common?.max() else { return nil }
        let values = components.map { c in metrics.histories[c.name]!.observations.first { $0.step == step }!.mean }
        return (values, step)
    }
}
