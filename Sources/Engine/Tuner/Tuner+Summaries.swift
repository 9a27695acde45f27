/// Results and summaries, printed as Keras Tuner prints them.
extension Tuner {
    /// The best trials' hyperparameters, best first.
    public func getBestHyperparameters(_ numTrials: Int = 1) -> [HyperParameters] {
        oracle.getBestTrials(numTrials).map(\.hyperparameters)
    }

    /// Keras Tuner's `results_summary(num_trials=10)` text.
    public func resultsSummaryText(_ numTrials: Int = 10) -> String {
        Tuner.resultsSummary(location: store.location, objective: oracle.objective, trials: oracle.orderedTrials,
                             best: oracle.getBestTrials(numTrials), numTrials: numTrials)
    }

    /// Prints `resultsSummaryText` to the tuner's output (regardless of `verbose`, as Keras Tuner).
    public func resultsSummary(_ numTrials: Int = 10) {
        write(resultsSummaryText(numTrials))
    }

    /// In Pareto mode the trials are shown front by front, each with its values and its front.
    static func resultsSummary(location: String, objective: Objective, trials: [Trial], best: [Trial], numTrials: Int) -> String {
        var out = "Results summary\nResults in \(location)\nShowing \(numTrials) best trials\n\(objective)\n"
        let fronts = objective.isPareto ? Oracle.paretoFronts(trials, objective: objective) : [:]
        for trial in best { out += "\n" + trial.summary(objective: objective, front: fronts[trial.trialId]) + "\n" }
        return out
    }

    /// Keras Tuner's `search_space_summary()` text (`extended` is accepted and, as there, unused).
    public func searchSpaceSummaryText(extended: Bool = false) -> String {
        let space = oracle.getSpace().space
        var out = "Search space summary\nDefault search space size: \(space.count)\n"
        for hp in space { out += "\(hp.name) (\(hp.className))\n\(hp.configRepr)\n" }
        return out
    }

    public func searchSpaceSummary(extended: Bool = false) {
        write(searchSpaceSummaryText(extended: extended))
    }

    /// The oracle's state (Keras Tuner's `get_state`).
    public func getState() -> JSON { oracle.getState() }
    public func setState(_ state: JSON) throws {
        try oracle.setState(state)
        try store.saveOracleState(oracle.stateText())
    }

    /// The `results_summary` text of a stored project (`tunelua summary DIR/PROJECT`).
    public static func summary(of store: ProjectStore, numTrials: Int = 10) throws -> String {
        guard let project = try store.load() else {
            throw EngineError(.notFound, "summary: '\(store.location)' holds no tunelua project yet")
        }
        let trials = project.trials.map(\.trial)
        if project.objective.isPareto {
            for t in trials where t.status == .completed { t.objectiveValues = project.objective.paretoValues(of: t.metrics)?.values }
        }
        return resultsSummary(location: store.location, objective: project.objective, trials: trials,
                              best: Oracle.ranking(trials, objective: project.objective, numTrials: numTrials), numTrials: numTrials)
    }
}
