import Engine

/// What the REPL prints for a tuner, an oracle and a trial: the facts a person checks at the
/// prompt (where the project is, how far the search got, the best score so far), in one line
/// each, as a model shows its layers and a tensor its shape. Callers hold the oracle's lock.
enum ObjectDescriptions {
    /// `<RandomSearch ./my_dir/demo: 3/10 trials, best loss=0.125 (trial 02)>`; a closed tuner
    /// says so, since its methods now refuse to work.
    static func tuner(_ name: String, _ tuner: Tuner, closed: Bool = false) -> String {
        "<\(name) \(tuner.projectDirectory): \(progress(tuner.oracle))\(closed ? ", closed" : "")>"
    }

    /// `<RandomSearchOracle objective=loss (min), 2 hyperparameters: 3/10 trials, best loss=0.125 (trial 02)>`
    static func oracle(_ oracle: Oracle) -> String {
        let count = oracle.hyperparameters.space.count
        let kind = oracle.kind.hasSuffix("Oracle") ? oracle.kind : oracle.kind + "Oracle"
        return "<\(kind) objective=\(objective(oracle.objective)), "
            + "\(count) hyperparameter\(count == 1 ? "" : "s"): \(progress(oracle))>"
    }

    /// `Trial(02, COMPLETED, score=0.125, values={x=0.5, units=64})`
    static func trial(_ trial: Trial) -> String {
        let values = trial.hyperparameters.values.map { "\($0.name)=\($0.value.pythonRepr)" }.joined(separator: ", ")
        return "Trial(\(trial.trialId), \(trial.status.rawValue), score=\(trial.score.map { LuaValue.format($0) } ?? "nil"), values={\(values)})"
    }

    /// `3/10 trials, best loss=0.125 (trial 02)`; a search with no `max_trials` counts trials alone.
    static func progress(_ oracle: Oracle) -> String {
        let done = oracle.orderedTrials.filter { $0.status != .running && $0.status != .idle }.count
        let trials = oracle.maxTrials.map { "\(done)/\($0) trials" } ?? "\(done) trial\(done == 1 ? "" : "s")"
        if oracle.objective.isPareto {
            let front = oracle.paretoFront.count
            return trials + (front == 0 ? ", no score yet" : ", Pareto front of \(front) trial\(front == 1 ? "" : "s")")
        }
        guard let best = oracle.getBestTrials(1).first, let score = best.score else { return trials + ", no score yet" }
        let metric = oracle.objective.isMulti ? "score" : oracle.objective.name
        return trials + ", best \(metric)=\(LuaValue.format(score)) (trial \(best.trialId))"
    }

    /// `loss (min)`, or `multi (a: min, b: max)` for a list of objectives (`pareto (…)` in Pareto mode).
    static func objective(_ objective: Objective) -> String {
        guard objective.isMulti else { return "\(objective.name) (\(objective.direction.rawValue))" }
        return (objective.isPareto ? "pareto (" : "multi (") + objective.components.map { "\($0.name): \($0.direction.rawValue)" }.joined(separator: ", ") + ")"
    }
}
