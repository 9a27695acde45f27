/// One snapshot of a stored project, as the report and the export read it: the objective, the
/// declared search space, and every trial with its values, metrics, intermediate values, worker
/// and times.
///
/// Read through `ProjectStore.load`, which a reading store runs in one transaction, so a project a
/// search is writing shows whole trials only (docs/command-line.md, "Reading a running search").
public struct ReportData {
    public let location: String
    public let objective: Objective
    /// The declared hyperparameters in declaration order (a name declared under several
    /// conditions appears once per declaration).
    public let space: [HyperParameter]
    /// Every trial in creation order.
    public let trials: [Trial]
    /// Hyperparameter names: the space's, then any stored value the space does not declare.
    public let parameterNames: [String]
    /// Metric names, sorted.
    public let metricNames: [String]

    /// Reads `store`'s project; throws `.notFound` when it holds none yet.
    public init(store: ProjectStore) throws {
        guard let project = try store.load() else {
            throw EngineError(.notFound, "'\(store.location)' holds no tunelua project yet")
        }
        let space = try (project.oracleState["hyperparameters"]?.arrayValue ?? []).map(HyperParameter.init(json:))
        self.init(location: store.location, objective: project.objective, space: space, trials: project.trials.map(\.trial))
    }

    public init(location: String, objective: Objective, space: [HyperParameter], trials: [Trial]) {
        self.location = location
        self.objective = objective
        self.space = space
        self.trials = trials.sorted { $0.index < $1.index }
        var names: [String] = []
        var seen = Set<String>()
        for name in space.map(\.name) + self.trials.flatMap({ $0.hyperparameters.values.map(\.name) }) where seen.insert(name).inserted {
            names.append(name)
        }
        parameterNames = names
        var metrics: [String] = []
        var seenMetrics = Set<String>()
        for trial in self.trials {
            for name in trial.metrics.names where seenMetrics.insert(name).inserted { metrics.append(name) }
        }
        // Sorted: the order a run_trial's returned table happens to have must not reorder columns.
        metricNames = metrics.sorted()
    }

    /// The first declaration of `name` (its kind decides the plots' axis).
    public func declaration(of name: String) -> HyperParameter? { space.first { $0.name == name } }

    /// Completed trials with a finite score, in creation order.
    public var scored: [Trial] {
        trials.filter { $0.status == .completed && ($0.score?.isFinite ?? false) }
    }

    /// Whether `a` is a better score than `b` for this objective.
    public func better(_ a: Double, _ b: Double) -> Bool {
        objective.direction == .max ? a > b : a < b
    }

    /// The best completed trial (the earliest among equals), as `results_summary` ranks them.
    public var best: Trial? {
        scored.reduce(nil) { (best: Trial?, t: Trial) in
            guard let b = best else { return t }
            return better(t.score!, b.score!) ? t : b
        }
    }
}
