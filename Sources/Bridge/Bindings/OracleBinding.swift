import Engine

/// How a tuner class makes its oracle from the constructor's arguments (`kt.RandomSearch{…}` takes
/// the oracle's arguments inline, as Keras Tuner's tuners do).
struct OracleFactory: Sendable {
    /// The tuner's name (`RandomSearch`) and the oracle's (`RandomSearchOracle`).
    let tunerName: String
    var oracleName: String { tunerName + "Oracle" }
    /// The oracle's own arguments beyond the base ones.
    let parameters: [Signature.Param]
    let defaultMaxTrials: Int?
    let make: @Sendable (_ args: Arguments, _ base: OracleArguments) throws -> Oracle
}

/// The arguments every oracle takes (Keras Tuner's `Oracle.__init__`).
struct OracleArguments {
    let objective: Objective
    let maxTrials: Int?
    let hyperparameters: HyperParameters?
    let allowNewEntries: Bool
    let tuneNewEntries: Bool
    let seed: Int?
    let maxRetriesPerTrial: Int
    let maxConsecutiveFailedTrials: Int?

    static let parameters: [Signature.Param] = [
        .init("objective", .any), .init("max_trials", .integer), .init("hyperparameters", .object),
        .init("allow_new_entries", .boolean), .init("tune_new_entries", .boolean), .init("seed", .integer),
        .init("max_retries_per_trial", .integer), .init("max_consecutive_failed_trials", .integer),
        .init("multi_objective", .string),
    ]

    init(_ args: Arguments, defaultMaxTrials: Int?, call: LuaCall) throws {
        objective = try Self.objective(args)
        maxTrials = args.has("max_trials") ? args.integer("max_trials") : defaultMaxTrials
        if args.has("hyperparameters") {
            guard case .userdata(let ref) = args["hyperparameters"],
                  let hp = call.state.objectValue(ref) as? HyperParameters else {
                throw args.error("hyperparameters", "must be a kt.HyperParameters() object")
            }
            hyperparameters = hp
        } else {
            hyperparameters = nil
        }
        allowNewEntries = args.bool("allow_new_entries", default: Oracle.Defaults.allowNewEntries)
        tuneNewEntries = args.bool("tune_new_entries", default: Oracle.Defaults.tuneNewEntries)
        seed = args.integer("seed")
        maxRetriesPerTrial = args.integer("max_retries_per_trial", default: Oracle.Defaults.maxRetriesPerTrial)
        maxConsecutiveFailedTrials = args.has("max_consecutive_failed_trials") ? args.integer("max_consecutive_failed_trials") : Oracle.Defaults.maxConsecutiveFailedTrials
    }
}

extension OracleArguments {
    /// `objective`, made a Pareto objective by `multi_objective = "pareto"` (`"sum"`, the default,
    /// is Keras Tuner's meaning).
    static func objective(_ args: Arguments) throws -> Objective {
        let objective = try ObjectiveBox.parse(args["objective"])
        guard try isPareto(args) else { return objective }
        guard objective.isMulti else {
            throw args.error("multi_objective", "= \"pareto\" needs a list of at least two objectives in objective, got \(objective)")
        }
        return try Objective(pareto: objective.components)
    }

    /// Whether `multi_objective` says `"pareto"` (an unknown mode is an error with a suggestion).
    static func isPareto(_ args: Arguments) throws -> Bool {
        try args.choice("multi_objective", among: ["sum", "pareto"], default: "sum") == "pareto"
    }
}

/// `kt.oracles`: the built-in oracles, and `kt.oracles.Oracle`, the base a Lua oracle extends.
enum OracleBinding {
    /// Oracle kinds by tuner name; later issues add theirs.
    static let factories: [OracleFactory] = [
        OracleFactory(tunerName: "RandomSearch", parameters: [], defaultMaxTrials: RandomSearchOracle.defaultMaxTrials) { _, base in
            try RandomSearchOracle(objective: base.objective, maxTrials: base.maxTrials, hyperparameters: base.hyperparameters,
                                   allowNewEntries: base.allowNewEntries, tuneNewEntries: base.tuneNewEntries, seed: base.seed,
                                   maxRetriesPerTrial: base.maxRetriesPerTrial,
                                   maxConsecutiveFailedTrials: base.maxConsecutiveFailedTrials)
        },
        OracleFactory(tunerName: "BayesianOptimization",
                      parameters: [.init("num_initial_points", .integer), .init("alpha", .number), .init("beta", .number),
                                   .init("acquisition", .string)],
                      defaultMaxTrials: BayesianOptimizationOracle.BayesianDefaults.maxTrials) { args, base in
            let defaults = BayesianOptimizationOracle.BayesianDefaults.self
            let acquisition = try Acquisition(rawValue: args.choice("acquisition", among: ["lcb", "ei"],
                                                                     default: defaults.acquisition.rawValue))
                ?? defaults.acquisition
            return try BayesianOptimizationOracle(
                objective: base.objective, maxTrials: base.maxTrials, numInitialPoints: args.integer("num_initial_points"),
                alpha: args.double("alpha", default: defaults.alpha),
                beta: args.double("beta", default: defaults.beta), seed: base.seed,
                hyperparameters: base.hyperparameters, allowNewEntries: base.allowNewEntries, tuneNewEntries: base.tuneNewEntries,
                maxRetriesPerTrial: base.maxRetriesPerTrial, maxConsecutiveFailedTrials: base.maxConsecutiveFailedTrials,
                acquisition: acquisition)
        },
        OracleFactory(tunerName: "TPE",
                      parameters: [.init("n_startup_trials", .integer), .init("n_ei_candidates", .integer),
                                   .init("prior_weight", .number), .init("consider_magic_clip", .boolean),
                                   .init("consider_endpoints", .boolean), .init("multivariate", .boolean)],
                      defaultMaxTrials: TPEOracle.TPEDefaults.maxTrials) { args, base in
            try TPEOracle(objective: base.objective, maxTrials: base.maxTrials, nStartupTrials: args.integer("n_startup_trials", default: TPEOracle.TPEDefaults.nStartupTrials),
                          nEICandidates: args.integer("n_ei_candidates", default: TPEOracle.TPEDefaults.nEICandidates),
                          priorWeight: args.double("prior_weight", default: TPEOracle.TPEDefaults.priorWeight),
                          considerMagicClip: args.bool("consider_magic_clip", default: TPEOracle.TPEDefaults.considerMagicClip),
                          considerEndpoints: args.bool("consider_endpoints", default: TPEOracle.TPEDefaults.considerEndpoints),
                          multivariate: args.has("multivariate") ? args.bool("multivariate", default: true) : nil, seed: base.seed,
                          hyperparameters: base.hyperparameters, allowNewEntries: base.allowNewEntries,
                          tuneNewEntries: base.tuneNewEntries, maxRetriesPerTrial: base.maxRetriesPerTrial,
                          maxConsecutiveFailedTrials: base.maxConsecutiveFailedTrials)
        },
        OracleFactory(tunerName: "Hyperband",
                      parameters: [.init("max_epochs", .integer), .init("factor", .integer),
                                   .init("hyperband_iterations", .integer)],
                      defaultMaxTrials: nil) { args, base in
            try HyperbandOracle(objective: base.objective, maxEpochs: args.integer("max_epochs", default: HyperbandOracle.HyperbandDefaults.maxEpochs),
                                factor: args.integer("factor", default: HyperbandOracle.HyperbandDefaults.factor),
                                hyperbandIterations: args.integer("hyperband_iterations", default: HyperbandOracle.HyperbandDefaults.hyperbandIterations), seed: base.seed,
                                hyperparameters: base.hyperparameters, allowNewEntries: base.allowNewEntries,
                                tuneNewEntries: base.tuneNewEntries, maxRetriesPerTrial: base.maxRetriesPerTrial,
                                maxConsecutiveFailedTrials: base.maxConsecutiveFailedTrials, maxTrials: base.maxTrials)
        },
        OracleFactory(tunerName: "GridSearch", parameters: [], defaultMaxTrials: nil) { _, base in
            try GridSearchOracle(objective: base.objective, maxTrials: base.maxTrials, hyperparameters: base.hyperparameters,
                                 allowNewEntries: base.allowNewEntries, tuneNewEntries: base.tuneNewEntries, seed: base.seed,
                                 maxRetriesPerTrial: base.maxRetriesPerTrial,
                                 maxConsecutiveFailedTrials: base.maxConsecutiveFailedTrials)
        },
    ]

    /// Installs `kt.oracles`; returns the Lua oracle base class.
    static func install(into oracles: LuaTable, state: LuaState) throws -> ExtendableClass {
        for factory in factories {
            let signature = Signature(factory.oracleName, OracleArguments.parameters + factory.parameters)
            oracles[factory.oracleName] = state.function(name: factory.oracleName) { call in
                let args = try signature.bind(call)
                let b = try OracleArguments(args, defaultMaxTrials: factory.defaultMaxTrials, call: call)
                return call.results(.object(try factory.make(args, b), TrialBinding.oracleClass))
            }
        }
        let base = try makeOracleClass(state: state)
        oracles["Oracle"] = .table(base.table)
        return base
    }

    /// `kt.oracles.Oracle`: Keras Tuner's `Oracle`, extended in Lua as its custom-oracle guide does
    /// (`populate_space(trial_id)` returns `{status = "RUNNING", values = {…}}` or `"STOPPED"`).
    /// Instances have every method and field of the built-in oracles.
    static func makeOracleClass(state: LuaState) throws -> ExtendableClass {
        let oracle = try state.makeClass("Oracle")
        let signature = Signature("Oracle", OracleArguments.parameters)
        oracle.initializer { call in
            guard let instance = call.value(at: 1).tableValue else { throw LuaCallError("Oracle: constructor called without an instance") }
            let args = try signature.bind(call, from: 2)
            let b = try OracleArguments(args, defaultMaxTrials: nil, call: call)
            // The class name is what the project stores: reopening it with another class is refused.
            let kind = instance.metatable?["__name"].stringValue ?? "Oracle"
            let made = try LuaOracle(kind: kind, objective: b.objective, maxTrials: b.maxTrials, hyperparameters: b.hyperparameters,
                                     allowNewEntries: b.allowNewEntries, tuneNewEntries: b.tuneNewEntries, seed: b.seed,
                                     maxRetriesPerTrial: b.maxRetriesPerTrial, maxConsecutiveFailedTrials: b.maxConsecutiveFailedTrials)
            call.state.setHandle(made, class: TrialBinding.oracleClass, on: instance)
            return 0
        }
        oracle.method("populate_space") { call in
            throw LuaCallError("populate_space: not implemented; define function MyOracle:populate_space(trial_id) returning {status = \"RUNNING\", values = {…}}")
        }
        for (name, body) in TrialBinding.oracleClass.methods { oracle.method(name, body) }
        oracle.table["__tostring"] = state.function(name: "__tostring") { call in
            guard let o = call.handle(at: 1, as: Oracle.self) else { return call.results(.string("<Oracle>")) }
            return call.results(.string(o.locked { ObjectDescriptions.oracle(o) }))
        }
        for (name, getter) in TrialBinding.oracleClass.getters {
            oracle.getter(name) { call in
                guard let handle = call.handle(at: 1, as: Oracle.self) else { return call.results(.nil) }
                return call.results(try getter(handle, call.state))
            }
        }
        return oracle
    }

    /// The oracle an `oracle=` argument holds: a built-in one, or a Lua oracle's instance.
    static func oracle(in value: LuaValue, state: LuaState) -> Oracle? {
        switch value {
        case .userdata(let ref): return state.objectValue(ref) as? Oracle
        case .table(let table):
            table.push(state.L)
            defer { state.L.pop() }
            return state.handle(at: -1, on: state.L) as? Oracle
        default: return nil
        }
    }
}
