import Engine
import Foundation

/// The Swift side of a Lua tuner instance.
final class TunerHandle {
    let tuner: Tuner
    let hypermodel: LuaValue
    let executionsPerTrial: Int
    init(tuner: Tuner, hypermodel: LuaValue, executionsPerTrial: Int) {
        self.tuner = tuner
        self.hypermodel = hypermodel
        self.executionsPerTrial = executionsPerTrial
    }
    nonisolated(unsafe) static let luaClass = LuaClass(name: "TunerHandle")
}

/// How a tuner class makes its oracle from the constructor's arguments (`kt.RandomSearch{…}` takes
/// the oracle's arguments inline, as Keras Tuner's tuners do).
struct OracleFactory {
    /// The tuner's name (`RandomSearch`) and the oracle's (`RandomSearchOracle`).
    let tunerName: String
    var oracleName: String { tunerName + "Oracle" }
    /// The oracle's own arguments beyond the base ones.
    let parameters: [Signature.Param]
    let defaultMaxTrials: Int?
    let make: (_ args: Arguments, _ base: OracleArguments) throws -> Oracle
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
    ]

    init(_ args: Arguments, defaultMaxTrials: Int?, call: LuaCall) throws {
        objective = try ObjectiveBox.parse(args["objective"])
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
        allowNewEntries = args.bool("allow_new_entries", default: true)
        tuneNewEntries = args.bool("tune_new_entries", default: true)
        seed = args.integer("seed")
        maxRetriesPerTrial = args.integer("max_retries_per_trial", default: 0)
        maxConsecutiveFailedTrials = args.values["max_consecutive_failed_trials"] == nil ? 3 : args.integer("max_consecutive_failed_trials")
    }
}

/// `kt.Tuner`, `kt.RandomSearch`, `kt.GridSearch`, `kt.HyperModel`, `kt.oracles.*`, `kt.Objective`,
/// `kt.errors`.
enum TunerBinding {
    /// Methods a user may override by passing a function in the constructor table.
    static let overridable = ["run_trial", "on_trial_begin", "on_trial_end", "on_search_begin", "on_search_end",
                              "on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end", "build",
                              "declare_hyperparameters", "fit"]

    static let tunerParameters: [Signature.Param] = [
        .init("hypermodel", .any), .init("max_model_size", .integer), .init("optimizer", .any), .init("loss", .any),
        .init("metrics", .any), .init("distribution_strategy", .any), .init("directory", .string),
        .init("project_name", .string), .init("logger", .any), .init("tuner_id", .string), .init("overwrite", .boolean),
        .init("executions_per_trial", .integer), .init("storage", .string), .init("verbose", .any),
    ]

    /// Oracle kinds by tuner name; later issues add theirs.
    nonisolated(unsafe) static var factories: [OracleFactory] = [
        OracleFactory(tunerName: "RandomSearch", parameters: [], defaultMaxTrials: 10) { _, base in
            try RandomSearchOracle(objective: base.objective, maxTrials: base.maxTrials, hyperparameters: base.hyperparameters,
                                   allowNewEntries: base.allowNewEntries, tuneNewEntries: base.tuneNewEntries, seed: base.seed,
                                   maxRetriesPerTrial: base.maxRetriesPerTrial,
                                   maxConsecutiveFailedTrials: base.maxConsecutiveFailedTrials)
        },
        OracleFactory(tunerName: "BayesianOptimization",
                      parameters: [.init("num_initial_points", .integer), .init("alpha", .number), .init("beta", .number),
                                   .init("acquisition", .string)],
                      defaultMaxTrials: 10) { args, base in
            let acquisition: Acquisition
            switch try args.choice("acquisition", among: ["lcb", "ei"], default: "lcb") {
            case "ei": acquisition = .expectedImprovement
            default: acquisition = .lowerConfidenceBound
            }
            return try BayesianOptimizationOracle(
                objective: base.objective, maxTrials: base.maxTrials, numInitialPoints: args.integer("num_initial_points"),
                alpha: args.double("alpha", default: 1e-4), beta: args.double("beta", default: 2.6), seed: base.seed,
                hyperparameters: base.hyperparameters, allowNewEntries: base.allowNewEntries, tuneNewEntries: base.tuneNewEntries,
                maxRetriesPerTrial: base.maxRetriesPerTrial, maxConsecutiveFailedTrials: base.maxConsecutiveFailedTrials,
                acquisition: acquisition)
        },
        OracleFactory(tunerName: "TPE",
                      parameters: [.init("n_startup_trials", .integer), .init("n_ei_candidates", .integer),
                                   .init("prior_weight", .number), .init("consider_magic_clip", .boolean),
                                   .init("consider_endpoints", .boolean), .init("multivariate", .boolean)],
                      defaultMaxTrials: 10) { args, base in
            try TPEOracle(objective: base.objective, maxTrials: base.maxTrials, nStartupTrials: args.integer("n_startup_trials", default: 10),
                          nEICandidates: args.integer("n_ei_candidates", default: 24), priorWeight: args.double("prior_weight", default: 1.0),
                          considerMagicClip: args.bool("consider_magic_clip", default: true),
                          considerEndpoints: args.bool("consider_endpoints", default: false),
                          multivariate: args.bool("multivariate", default: true), seed: base.seed,
                          hyperparameters: base.hyperparameters, allowNewEntries: base.allowNewEntries,
                          tuneNewEntries: base.tuneNewEntries, maxRetriesPerTrial: base.maxRetriesPerTrial,
                          maxConsecutiveFailedTrials: base.maxConsecutiveFailedTrials)
        },
        OracleFactory(tunerName: "Hyperband",
                      parameters: [.init("max_epochs", .integer), .init("factor", .integer),
                                   .init("hyperband_iterations", .integer)],
                      defaultMaxTrials: nil) { args, base in
            try HyperbandOracle(objective: base.objective, maxEpochs: args.integer("max_epochs", default: 100),
                                factor: args.integer("factor", default: 3),
                                hyperbandIterations: args.integer("hyperband_iterations", default: 1), seed: base.seed,
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

    static func install(into module: LuaTable, state: LuaState) throws {
        module["Objective"] = state.function(name: "Objective") { call in
            let args = try ObjectiveBox.signature.bind(call)
            let objective = try Objective(args.string("name")!, direction: args.string("direction")!)
            return call.results(.object(ObjectiveBox(objective), ObjectiveBox.luaClass))
        }
        module["errors"] = try ErrorsBinding.make(state: state)
        let hyperModel = try makeHyperModelClass(state: state)
        module["HyperModel"] = .table(hyperModel.table)

        let base = try makeTunerClass(state: state, hyperModel: hyperModel)
        module["Tuner"] = .table(base.table)
        let oracles = state.newTable()
        oracles["Oracle"] = state.function(name: "Oracle") { call in
            let args = try Signature("Oracle", OracleArguments.parameters).bind(call)
            let b = try OracleArguments(args, defaultMaxTrials: nil, call: call)
            return call.results(.object(try Oracle(objective: b.objective, maxTrials: b.maxTrials, hyperparameters: b.hyperparameters,
                                                   allowNewEntries: b.allowNewEntries, tuneNewEntries: b.tuneNewEntries, seed: b.seed,
                                                   maxRetriesPerTrial: b.maxRetriesPerTrial,
                                                   maxConsecutiveFailedTrials: b.maxConsecutiveFailedTrials),
                                        TrialBinding.oracleClass))
        }
        for factory in factories {
            let tunerClass = try state.makeClass(factory.tunerName, parent: base)
            tunerClass.initializer { call in try initialize(call, factory: factory) }
            module[factory.tunerName] = .table(tunerClass.table)
            let signature = Signature(factory.oracleName, OracleArguments.parameters + factory.parameters)
            oracles[factory.oracleName] = state.function(name: factory.oracleName) { call in
                let args = try signature.bind(call)
                let b = try OracleArguments(args, defaultMaxTrials: factory.defaultMaxTrials, call: call)
                return call.results(.object(try factory.make(args, b), TrialBinding.oracleClass))
            }
        }
        module["oracles"] = .table(oracles)
    }

    // MARK: - HyperModel

    static func makeHyperModelClass(state: LuaState) throws -> ExtendableClass {
        let hyperModel = try state.makeClass("HyperModel")
        try state.load("""
            local HyperModel = ...
            function HyperModel.__init(self, opts)
              if opts ~= nil and type(opts) ~= "table" then
                error("HyperModel: expected an options table {name=…, tunable=…}", 3)
              end
              opts = opts or {}
              self.name = opts.name
              self.tunable = opts.tunable ~= false
            end
            function HyperModel:build(hp)
              error("HyperModel:build(hp) is not implemented: override it in your subclass", 2)
            end
            function HyperModel:declare_hyperparameters(hp) end
            --- Keras Tuner's HyperModel.fit: trains the built model with the search's arguments.
            function HyperModel:fit(hp, model, ...) return model:fit(...) end
            """, chunkName: "=tunelua.HyperModel").call([.table(hyperModel.table)])
        return hyperModel
    }

    // MARK: - Tuners

    static func makeTunerClass(state: LuaState, hyperModel: ExtendableClass) throws -> ExtendableClass {
        let tuner = try state.makeClass("Tuner")
        tuner.initializer { call in try initialize(call, factory: nil) }
        func handle(_ call: LuaCall) throws -> TunerHandle {
            guard let h = call.handle(at: 1, as: TunerHandle.self) else {
                throw LuaCallError("\(call.functionName): call it on a tuner, as tuner:\(call.functionName)(…)")
            }
            return h
        }
        tuner.method("search") { call in
            let h = try handle(call)
            let arguments = call.values(from: 2)
            var verbose: Int?
            if let options = arguments.last?.tableValue, let v = options["verbose"].integerValue {
                verbose = Int(v)
            }
            // Again if the constructor's build failed (it may need what the script set up after it).
            if h.tuner.oracle.hyperparameters.space.isEmpty && !h.hypermodel.isNil {
                _ = try call.state.invoke(call.value(at: 1), "__populate_initial_space", [])
            }
            let runner = try LuaTrialRunner(state: call.state, instance: call.value(at: 1), arguments: arguments)
            h.tuner.interruptRequested = { Interrupt.isRequested }
            do {
                try h.tuner.search(runner, verbose: verbose)
            } catch is FatalError {
                if let original = runner.lastFatal { throw original }
                throw LuaCallError("search stopped by a FatalError")
            }
            return 0
        }
        tuner.method("get_best_hyperparameters") { call in
            let h = try handle(call)
            let n = call.value(at: 2).integerValue.map(Int.init) ?? 1
            return call.results(.array(h.tuner.getBestHyperparameters(n).map { .object($0, HyperParametersBinding.luaClass) }))
        }
        tuner.method("results_summary") { call in
            let h = try handle(call)
            h.tuner.resultsSummary(call.value(at: 2).integerValue.map(Int.init) ?? 10)
            return 0
        }
        tuner.method("search_space_summary") { call in
            let h = try handle(call)
            h.tuner.searchSpaceSummary(extended: call.value(at: 2).boolValue ?? false)
            return 0
        }
        tuner.method("get_state") { call in call.results(LuaValue(try handle(call).tuner.getState())) }
        tuner.method("set_state") { call in
            let h = try handle(call)
            try h.tuner.setState(try call.value(at: 2).json(path: "set_state"))
            return 0
        }
        tuner.getter("remaining_trials") { call in
            call.results(try handle(call).tuner.remainingTrials.map { .integer(Int64($0)) } ?? .nil)
        }
        tuner.getter("oracle") { call in call.results(.object(try handle(call).tuner.oracle, TrialBinding.oracleClass)) }
        tuner.getter("hypermodel") { call in call.results(try handle(call).hypermodel) }
        tuner.getter("project_dir") { call in call.results(.string(try handle(call).tuner.projectDirectory)) }
        tuner.getter("executions_per_trial") { call in call.results(.integer(Int64(try handle(call).executionsPerTrial))) }
        try HypermodelTuning.install(on: tuner, state: state)
        // Hooks do nothing by default; `run_trial` tunes the hypermodel (needs tunelua.keras).
        try state.load("""
            local Tuner = ...
            function Tuner:on_search_begin() end
            function Tuner:on_search_end() end
            function Tuner:on_trial_begin(trial) end
            function Tuner:on_trial_end(trial) end
            function Tuner:on_epoch_begin(trial, model, epoch, logs) end
            function Tuner:on_epoch_end(trial, model, epoch, logs) end
            function Tuner:on_batch_begin(trial, model, batch, logs) end
            function Tuner:on_batch_end(trial, model, batch, logs) end
            function Tuner:run_trial(trial, ...)
              local ok, keras = pcall(require, "tunelua.keras")
              if not ok or self.hypermodel == nil then
                error("run_trial: this tuner has no run_trial of its own and " ..
                      (self.hypermodel == nil and "no hypermodel" or "model tuning is not available yet") ..
                      "; pass run_trial = function(self, trial, ...) … end, or a build function", 2)
              end
              return keras.__tune_hypermodel(self, trial, ...)
            end
            Tuner.__tostring = function(self) return "<" .. getmetatable(self).__name .. ">" end
            --- Keras Tuner's _populate_initial_space: one build to declare the space, so the first
            --- trial already draws every hyperparameter. A build that fails here is left for the
            --- first trial to report as its failure.
            function Tuner.__populate_initial_space(self)
              local hp = self.oracle:get_space()
              if pcall(self.hypermodel.build, self.hypermodel, hp) then self.oracle:update_space(hp) end
            end
            --- The hooks this instance overrides (the base class's do nothing).
            function Tuner.__overridden_hooks(self)
              local names = {}
              for _, name in ipairs({ "on_search_begin", "on_search_end", "on_trial_begin", "on_trial_end" }) do
                if self[name] ~= Tuner[name] then names[#names + 1] = name end
              end
              return names
            end
            --- Keras Tuner refuses a tuner that has neither a hypermodel nor its own run_trial.
            function Tuner.__check_hypermodel(self)
              if self.hypermodel == nil and self.run_trial == Tuner.run_trial then
                error(getmetatable(self).__name .. ": no hypermodel and no run_trial: pass a build function " ..
                      "(the first argument or hypermodel=), or run_trial = function(self, trial, ...) … end, " ..
                      "or subclass with :extend() and define run_trial", 0)
              end
            end
            """, chunkName: "=tunelua.Tuner").call([.table(tuner.table)])
        _ = hyperModel
        return tuner
    }

    /// `Tuner.__init(self, …)`: binds the arguments, makes the oracle, opens the project.
    static func initialize(_ call: LuaCall, factory: OracleFactory?) throws -> Int32 {
        let name = factory?.tunerName ?? "Tuner"
        var params = tunerParameters
        if let factory { params += OracleArguments.parameters + factory.parameters } else { params.append(.init("oracle", .object)) }
        let signature = Signature(name, params, acceptsExtraKeywords: true)
        let args = try signature.bind(call, from: 2)
        guard let instance = call.value(at: 1).tableValue else { throw LuaCallError("\(name): constructor called without an instance") }
        // Methods given in the constructor table override the class's.
        for (key, value) in args.extra {
            guard overridable.contains(key), value.functionValue != nil else {
                let hint = didYouMean(key, among: params.map(\.name) + overridable).map { " (did you mean '\($0)'?)" } ?? ""
                throw LuaCallError("\(name): unknown argument '\(key)'\(hint)")
            }
            instance[key] = value
        }
        let oracle: Oracle
        if let factory {
            oracle = try factory.make(args, try OracleArguments(args, defaultMaxTrials: factory.defaultMaxTrials, call: call))
        } else {
            guard case .userdata(let ref) = args["oracle"], let given = call.state.objectValue(ref) as? Oracle else {
                throw args.error("oracle", "is required: pass an oracle such as kt.oracles.RandomSearchOracle{…}")
            }
            oracle = given
        }
        let hypermodel = try wrapHypermodel(args["hypermodel"], state: call.state)
        let verbose = args["verbose"].integerValue.map(Int.init) ?? 1
        if args.has("storage") {
            throw args.error("storage", "PostgreSQL storage is not available in this build yet; omit it to use the project's SQLite file")
        }
        if ProcessInfo.processInfo.environment["TUNELUA_STORAGE"] != nil {
            throw LuaCallError("\(name): TUNELUA_STORAGE is set, but PostgreSQL storage is not available in this build yet; unset it to use the project's SQLite file")
        }
        let open = {
            try Tuner(oracle: oracle, directory: args.string("directory", default: "."),
                      projectName: args.string("project_name", default: "untitled_project"),
                      overwrite: args.bool("overwrite", default: false), tunerId: args.string("tuner_id", default: "tuner0"),
                      verbose: verbose)
        }
        let engineTuner: Tuner
        do {
            engineTuner = try open()
        } catch let error as EngineError where error.kind == .projectLocked {
            // The lock may belong to an earlier tuner of this very script that Lua has not collected.
            call.state.collectGarbage()
            engineTuner = try open()
        }
        let executions = args.integer("executions_per_trial", default: 1)
        guard executions >= 1 else { throw args.error("executions_per_trial", "must be >= 1, got \(executions)") }
        call.state.setHandle(TunerHandle(tuner: engineTuner, hypermodel: hypermodel, executionsPerTrial: executions),
                             class: TunerHandle.luaClass, on: instance)
        _ = try call.state.invoke(.table(instance), "__check_hypermodel", [])
        // As Keras Tuner's constructor does, so search_space_summary() shows the space before search.
        if !hypermodel.isNil && oracle.hyperparameters.space.isEmpty {
            _ = try call.state.invoke(.table(instance), "__populate_initial_space", [])
        }
        return 0
    }

    /// A build function becomes a `HyperModel` whose `build(hp)` calls it, as Keras Tuner wraps one.
    static func wrapHypermodel(_ value: LuaValue, state: LuaState) throws -> LuaValue {
        guard let function = value.functionValue else { return value }
        let wrap = try state.load("""
            local build = ...
            local HyperModel = require("tunelua").HyperModel
            local model = HyperModel()
            function model:build(hp) return build(hp) end
            return model
            """, chunkName: "=tunelua.HyperModel")
        return try wrap.call([.function(function)]).first ?? .nil
    }
}

extension LuaState {
    /// The Swift object a userdata reference holds, if it is one of ours.
    func objectValue(_ ref: LuaRef) -> AnyObject? {
        ref.push(L)
        defer { L.pop() }
        return object(at: -1, on: L)
    }
}
