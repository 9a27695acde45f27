import Engine
import Foundation

/// The Swift side of a Lua tuner instance.
final class TunerHandle {
    let tuner: Tuner
    /// The hypermodel (a `kt.HyperModel` instance), or nil for a `run_trial` tuner.
    let hypermodel: LuaValue
    let compile: CompileOverrides
    /// What `tuner.oracle` returns: the oracle userdata, or a Lua oracle's instance table.
    let oracleValue: LuaValue
    /// `directory/project_name`, standardized: what a worker's tuner must name to join this one.
    let projectPath: String
    /// `workers` (already resolved) and `deterministic`, as the constructor was given them.
    let workers: Int
    let deterministic: Bool
    /// In a worker state: the search this tuner joins (the main state's tuner owns the project).
    let joins: WorkerContext?
    /// Set when the project was closed (`tuner:close()`, or reopened by a newer tuner).
    private(set) var closedBecause: String?

    init(tuner: Tuner, projectPath: String, hypermodel: LuaValue, compile: CompileOverrides, oracleValue: LuaValue,
         workers: Int = 1, deterministic: Bool = false, joins: WorkerContext? = nil) {
        self.tuner = tuner
        self.projectPath = projectPath
        self.hypermodel = hypermodel
        self.compile = compile
        self.oracleValue = oracleValue
        self.workers = workers
        self.deterministic = deterministic
        self.joins = joins
    }

    func close(because reason: String) {
        guard closedBecause == nil else { return }
        closedBecause = reason
        if joins == nil { tuner.close() }
    }

    /// The hypermodel adapted for one call (`arguments` go on to its `fit`).
    func adapter(_ state: LuaState, arguments: [LuaValue] = []) -> LuaHypermodel {
        LuaHypermodel(state: state, hypermodel: hypermodel, compile: compile, arguments: arguments)
    }

    nonisolated(unsafe) static let luaClass = LuaClass(name: "TunerHandle")
}

/// A tuner that a worker state's script creates for a project other than the one the worker
/// joined: the main state runs its searches, so here its `search()` does nothing and its other
/// methods say why they cannot work.
final class DormantTuner {
    let project: String
    let searched: String
    init(project: String, searched: String) {
        self.project = project
        self.searched = searched
    }
    nonisolated(unsafe) static let luaClass = LuaClass(name: "DormantTuner")
}

/// The projects this state's tuners hold, so re-creating a tuner on a project an earlier tuner of
/// the same script still holds (the REPL's everyday case) hands the project over, as Keras Tuner
/// reloads it, instead of failing on the lock.
final class OpenProjects {
    private var holders: [String: WeakHandle] = [:]
    private struct WeakHandle { weak var handle: TunerHandle? }

    func holder(of path: String) -> TunerHandle? { holders[path]?.handle }
    func opened(_ path: String, by handle: TunerHandle) { holders[path] = WeakHandle(handle: handle) }
}

/// `kt.Tuner`, `kt.RandomSearch` and the other tuners, `kt.HyperModel`, `kt.oracles.*`,
/// `kt.Objective`, `kt.errors`.
enum TunerBinding {
    /// Methods a user may override by passing a function in the constructor table.
    static let overridable = ["run_trial", "on_trial_begin", "on_trial_end", "on_search_begin", "on_search_end",
                              "on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end", "build",
                              "declare_hyperparameters", "fit", "load_model", "save_model"]

    static let tunerParameters: [Signature.Param] = [
        .init("hypermodel", .any), .init("max_model_size", .integer), .init("optimizer", .any), .init("loss", .any),
        .init("metrics", .any), .init("distribution_strategy", .any), .init("directory", .string),
        .init("project_name", .string), .init("logger", .any), .init("tuner_id", .string), .init("overwrite", .boolean),
        .init("executions_per_trial", .integer), .init("storage", .string), .init("verbose", .any),
        .init("workers", .any), .init("deterministic", .boolean),
        .init("pruner", .any), .init("max_time", .number), .init("trial_timeout", .number),
        .init("stop_after_no_improvement", .integer),
        .init("heartbeat_interval", .number), .init("grace_period", .number),
    ]

    /// A tuner constructor's parameters (the reference and the editor stubs read them too).
    static func constructorParameters(_ factory: OracleFactory?) -> [Signature.Param] {
        factory.map { tunerParameters.prefix(1) + OracleArguments.parameters + $0.parameters + tunerParameters.dropFirst() }
            ?? [.init("oracle", .any), .init("multi_objective", .string)] + tunerParameters
    }

    static func install(into module: LuaTable, state: LuaState) throws {
        module["Objective"] = state.function(name: "Objective") { call in
            let args = try ObjectiveBox.signature.bind(call)
            let objective = try Objective(args.string("name")!, direction: args.string("direction")!)
            return call.results(.object(ObjectiveBox(objective), ObjectiveBox.luaClass))
        }
        let errors = try ErrorsBinding.make(state: state)
        ErrorsBinding.remember(errors, in: state)
        module["errors"] = errors
        let hyperModel = try HyperModelBinding.makeClass(state: state)
        module["HyperModel"] = .table(hyperModel.table)

        let base = try makeTunerClass(state: state, hyperModel: hyperModel)
        module["Tuner"] = .table(base.table)
        for factory in OracleBinding.factories {
            let tunerClass = try state.makeClass(factory.tunerName, parent: base)
            tunerClass.initializer { call in try initialize(call, factory: factory, base: base, hyperModel: hyperModel) }
            module[factory.tunerName] = .table(tunerClass.table)
        }
        PrunerBinding.install(into: module, state: state)
        let oracles = state.newTable()
        _ = try OracleBinding.install(into: oracles, state: state)
        module["oracles"] = .table(oracles)
    }

    // MARK: - The tuner class

    static func handle(_ call: LuaCall) throws -> TunerHandle {
        if let dormant = call.handle(at: 1, as: DormantTuner.self) {
            throw LuaCallError("\(call.functionName): in a worker, only the tuner being searched (project \(dormant.searched)) works; this one is for \(dormant.project): guard code that uses it with `if not kt.is_worker() then … end`")
        }
        guard let h = call.handle(at: 1, as: TunerHandle.self) else {
            throw LuaCallError("\(call.functionName): call it on a tuner, as tuner:\(call.functionName)(…)")
        }
        if let reason = h.closedBecause {
            throw LuaCallError("\(call.functionName): this tuner is closed (\(reason)); use the newer tuner, or create one again")
        }
        return h
    }

    static func makeTunerClass(state: LuaState, hyperModel: ExtendableClass) throws -> ExtendableClass {
        let tuner = try state.makeClass("Tuner")
        tuner.initializer { call in try initialize(call, factory: nil, base: tuner, hyperModel: hyperModel) }
        // The hooks do nothing unless overridden (the search loop calls only overridden ones).
        for name in LuaTrialRunner.hooks { tuner.method(name) { _ in 0 } }
        tuner.method("search") { call in
            // A worker state's other tuners: the main state ran (or runs) their searches.
            if call.handle(at: 1, as: DormantTuner.self) != nil { return 0 }
            let h = try handle(call)
            var arguments = call.values(from: 2)
            let verbose = arguments.last?.tableValue?["verbose"].integerValue.map(Int.init)
            let maxTime = try searchMaxTime(&arguments, state: call.state)
            // Again if the constructor's build failed (it may need what the script set up after it).
            if h.tuner.oracle.hyperparameters.space.isEmpty && !h.hypermodel.isNil {
                h.tuner.populateInitialSpace(h.adapter(call.state))
            }
            let runner = try LuaTrialRunner(state: call.state, instance: call.value(at: 1), base: tuner.table, arguments: arguments,
                                            oracleInstance: h.oracleValue.tableValue)
            if let joins = h.joins {
                // A worker takes trials until the search is over; then its script ends here.
                try? joins.session.work(runner, worker: joins.name)
                joins.finished = true
                // Code after search() is the main state's: stop it even if a pcall catches this.
                call.state.interrupt.request()
                throw LuaError(message: WorkerContext.finishedMessage)
            }
            let interrupt = call.state.interrupt
            h.tuner.interruptRequested = { interrupt.isRequested }
            do {
                try search(h, runner: runner, verbose: verbose, maxTime: maxTime, state: call.state)
            } catch is FatalError {
                if let original = runner.lastFatal { throw original }
                throw LuaCallError("search stopped by a FatalError")
            }
            return 0
        }
        // Keras Tuner's Tuner.run_trial for a hypermodel; the engine owns what a trial does.
        tuner.method("run_trial") { call in
            let h = try handle(call)
            guard let trial = call.object(at: 2, as: Trial.self) else { throw call.typeError(1, expected: "Trial") }
            guard !h.hypermodel.isNil else {
                throw LuaCallError("run_trial: this tuner has no run_trial of its own and no hypermodel; pass run_trial = function(self, trial, ...) … end, or a build function")
            }
            let hypermodel = h.adapter(call.state, arguments: call.values(from: 3))
            let hooks = try LuaTrialRunner(state: call.state, instance: call.value(at: 1), base: tuner.table, arguments: [])
            try ErrorsBinding.raisingEngineKinds(call.state) {
                _ = try h.tuner.modelTuning.runTrial(trial, tuner: h.tuner, hypermodel: hypermodel, hooks: hooks)
            }
            let results = hypermodel.fitResults
            return call.results(results.count == 1 ? results[0] : .array(results))
        }
        tuner.method("load_model") { call in
            let h = try handle(call)
            guard !h.hypermodel.isNil else { throw LuaCallError("load_model: this tuner has no hypermodel") }
            let trial: Trial
            if let id = call.string(at: 2) {
                trial = try h.tuner.oracle.getTrial(id)
            } else if let given = call.object(at: 2, as: Trial.self) {
                trial = given
            } else {
                throw call.typeError(1, expected: "Trial or trial id")
            }
            let model = try ErrorsBinding.raisingEngineKinds(call.state) {
                try h.tuner.modelTuning.loadModel(trial, tuner: h.tuner, hypermodel: h.adapter(call.state))
            }
            guard let box = model as? ModelBox else { return call.results(.nil) }
            return call.results(.object(box, ModelBox.luaClass))
        }
        tuner.method("get_best_models") { call in
            let h = try handle(call)
            guard !h.hypermodel.isNil else { throw LuaCallError("get_best_models: this tuner has no hypermodel") }
            let n = call.value(at: 2).integerValue.map(Int.init) ?? 1
            let instance = call.value(at: 1)
            // Through load_model, so an override of it is used, as in Keras Tuner.
            return call.results(.array(try h.tuner.oracle.getBestTrials(n).map { trial in
                try call.state.invoke(instance, "load_model", [.object(trial, TrialBinding.trialClass)]).first ?? .nil
            }))
        }
        tuner.method("save_model") { call in
            let h = try handle(call)
            guard let id = call.string(at: 2) else { throw call.typeError(1, expected: "string") }
            guard let model = call.object(at: 3, as: ModelBox.self) else { throw call.typeError(2, expected: "model") }
            try h.tuner.saveModel(trialId: id, model: model, step: call.value(at: 4).integerValue.map(Int.init) ?? 0)
            return 0
        }
        tuner.method("get_best_hyperparameters") { call in
            let h = try handle(call)
            let n = call.value(at: 2).integerValue.map(Int.init) ?? 1
            return call.results(.array(h.tuner.getBestHyperparameters(n).map { .object($0, HyperParametersBinding.luaClass) }))
        }
        tuner.method("results_summary") { call in
            try handle(call).tuner.resultsSummary(call.value(at: 2).integerValue.map(Int.init) ?? 10)
            return 0
        }
        tuner.method("report") { call in
            let h = try handle(call)
            let given = call.string(at: 2)
            if given == nil && !call.isNil(at: 2) { throw call.argumentError(1, "string expected, got \(call.typeName(at: 2))") }
            // The default path lies in the project's directory, which the sandbox already allowed.
            let path = try given.map { try call.state.allowedPath($0, function: "report") }
            return call.results(.string(try h.tuner.report(to: path)))
        }
        tuner.method("search_space_summary") { call in
            try handle(call).tuner.searchSpaceSummary(extended: call.value(at: 2).boolValue ?? false)
            return 0
        }
        tuner.method("get_state") { call in call.results(LuaValue(try handle(call).tuner.getState())) }
        tuner.method("set_state") { call in
            try handle(call).tuner.setState(try call.value(at: 2).json(path: "set_state"))
            return 0
        }
        tuner.method("close") { call in
            call.handle(at: 1, as: TunerHandle.self)?.close(because: "tuner:close() was called")
            return 0
        }
        tuner.getter("remaining_trials") { call in
            call.results(try handle(call).tuner.remainingTrials.map { .integer(Int64($0)) } ?? .nil)
        }
        tuner.getter("oracle") { call in call.results(try handle(call).oracleValue) }
        tuner.getter("hypermodel") { call in call.results(try handle(call).hypermodel) }
        tuner.getter("project_dir") { call in call.results(.string(try handle(call).tuner.projectDirectory)) }
        tuner.getter("tuner_id") { call in call.results(.string(try handle(call).joins?.name ?? handle(call).tuner.tunerId)) }
        tuner.getter("workers") { call in call.results(.integer(Int64(try handle(call).workers))) }
        tuner.getter("executions_per_trial") { call in
            call.results(.integer(Int64(try handle(call).tuner.modelTuning.executionsPerTrial)))
        }
        tuner.getter("max_model_size") { call in
            call.results(try handle(call).tuner.modelTuning.maxModelSize.map { .integer(Int64($0)) } ?? .nil)
        }
        tuner.table["__tostring"] = state.function(name: "__tostring") { call in
            let name = call.value(at: 1).tableValue?.metatable?["__name"].stringValue ?? "Tuner"
            guard let h = call.handle(at: 1, as: TunerHandle.self) else { return call.results(.string("<\(name)>")) }
            return call.results(.string(h.tuner.oracle.locked { ObjectDescriptions.tuner(name, h.tuner, closed: h.closedBecause != nil) }))
        }
        return tuner
    }

    // MARK: - Construction

    /// `Tuner.__init(self, …)`: binds the arguments, makes the oracle, opens the project, and
    /// declares the hypermodel's search space.
    static func initialize(_ call: LuaCall, factory: OracleFactory?, base: ExtendableClass, hyperModel: ExtendableClass) throws -> Int32 {
        let name = factory?.tunerName ?? "Tuner"
        // Keras Tuner's order: `Tuner(oracle, hypermodel, …)`, `RandomSearch(hypermodel, objective, …)`.
        let params = constructorParameters(factory)
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
        let context = call.state.workerContext
        for ignored in ["logger", "distribution_strategy"] where args.has(ignored) && context == nil {
            warn(call, "\(name): the `\(ignored)` argument is not supported and will be ignored"
                 + (ignored == "distribution_strategy" ? " (run trials in parallel with workers = N)" : ""))
        }
        let oracle: Oracle
        var oracleValue: LuaValue
        if let factory {
            oracle = try factory.make(args, try OracleArguments(args, defaultMaxTrials: factory.defaultMaxTrials, call: call))
            oracleValue = .object(oracle, TrialBinding.oracleClass)
        } else {
            oracleValue = args["oracle"]
            guard let given = OracleBinding.oracle(in: oracleValue, state: call.state) else {
                throw args.error("oracle", oracleValue.isNil
                    ? "is required: pass an oracle such as kt.oracles.RandomSearchOracle{…}"
                    : "must be an oracle such as kt.oracles.RandomSearchOracle{…} or an instance of a kt.oracles.Oracle subclass (got \(call.state.typeName(of: oracleValue)))")
            }
            oracle = given
            // The oracle owns the objective; the tuner's argument may only repeat its mode.
            if args.has("multi_objective"), try OracleArguments.isPareto(args) != given.objective.isPareto {
                throw args.error("multi_objective", "must match the oracle's: pass multi_objective to the oracle's constructor (kt.oracles.…Oracle{…, multi_objective = \"pareto\"})")
            }
            if case .userdata = oracleValue { oracleValue = .object(oracle, TrialBinding.oracleClass) }
        }
        let hypermodel = try HyperModelBinding.hypermodel(args["hypermodel"], tunerName: name, hyperModel: hyperModel, state: call.state)
        if hypermodel.isNil, try call.state.overridden(.table(instance), base: base.table, ["run_trial"]).isEmpty {
            throw LuaCallError("\(name): no hypermodel and no run_trial: pass a build function (the first argument or hypermodel=), or run_trial = function(self, trial, ...) … end, or subclass with :extend() and define run_trial")
        }
        let storage = args.string("storage") ?? ProcessInfo.processInfo.environment["TUNELUA_STORAGE"].flatMap { $0.isEmpty ? nil : $0 }
        if let storage, !PostgresURL.isPostgres(storage) {
            throw LuaCallError("\(name): storage must be a postgresql://user:password@host:port/database URL (omit it to use the project's SQLite file), got '\(PostgresURL.scrub(storage))'")
        }
        var compile = CompileOverrides(optimizer: args["optimizer"], loss: args["loss"], metrics: args["metrics"])
        if !compile.metrics.isNil && compile.metrics.tableValue == nil { throw args.error("metrics", "must be a list of metric names") }
        if compile.isEmpty { compile = CompileOverrides() }

        let directory = args.string("directory", default: ".")
        let projectName = args.string("project_name", default: "untitled_project")
        let path = URL(fileURLWithPath: directory).appendingPathComponent(projectName).standardizedFileURL.path
        _ = try call.state.allowedPath(path, function: name)
        let workers = try WorkerCount.resolve(args["workers"], host: call.state.scriptHost, function: name)
        let deterministic = args.bool("deterministic", default: false)
        if let context {
            // A worker never opens a project: it joins the main state's search of the same one.
            guard context.projectPath == path else {
                call.state.setHandle(DormantTuner(project: path, searched: context.projectPath), class: DormantTuner.luaClass, on: instance)
                return 0
            }
            let shared = context.session.tuner
            if case .table(let luaOracle) = oracleValue {
                call.state.setHandle(shared.oracle, class: TrialBinding.oracleClass, on: luaOracle)
            } else {
                oracleValue = .object(shared.oracle, TrialBinding.oracleClass)
            }
            call.state.setHandle(TunerHandle(tuner: shared, projectPath: path, hypermodel: hypermodel, compile: compile, oracleValue: oracleValue,
                                             workers: workers, deterministic: deterministic, joins: context),
                                 class: TunerHandle.luaClass, on: instance)
            return 0
        }
        // Before the project opens: a stored search restores the pruner's state into it.
        if !args["pruner"].isNil {
            guard let pruner = PrunerBinding.pruner(in: args["pruner"], state: call.state) else {
                throw args.error("pruner", "must be a pruner such as kt.pruners.MedianPruner{…} (got \(call.state.typeName(of: args["pruner"])))")
            }
            oracle.pruner = pruner
        }
        let budget = try SearchBudget(maxTime: args.double("max_time"), trialTimeout: args.double("trial_timeout"),
                                      stopAfterNoImprovement: args.integer("stop_after_no_improvement"))
        let projects = call.state.perState("tunelua.projects") { OpenProjects() }
        // An earlier tuner of this script holds the project: it hands it over.
        projects.holder(of: path)?.close(because: "its project was reopened by a newer tuner")
        let engineTuner: Tuner
        if let storage {
            // Every process with this storage and project_name is a peer in one search.
            let store = try PostgresStore(url: storage, projectName: projectName, overwrite: args.bool("overwrite", default: false),
                                          heartbeatInterval: args.double("heartbeat_interval", default: 10),
                                          gracePeriod: args.double("grace_period"), workers: workers)
            let tunerId = args.string("tuner_id").map { store.firstWorker == 0 ? $0 : "\($0)-\(store.firstWorker)" }
                ?? "tuner\(store.firstWorker)"
            engineTuner = try Tuner(oracle: oracle, store: store, tunerId: tunerId, verbose: args["verbose"].integerValue.map(Int.init) ?? 1)
        } else {
            engineTuner = try Tuner(oracle: oracle, directory: directory, projectName: projectName,
                                    overwrite: args.bool("overwrite", default: false),
                                    tunerId: args.string("tuner_id", default: "tuner0"),
                                    verbose: args["verbose"].integerValue.map(Int.init) ?? 1)
        }
        engineTuner.modelTuning = try ModelTuning(executionsPerTrial: args.integer("executions_per_trial", default: 1),
                                                  maxModelSize: args.integer("max_model_size"),
                                                  overridesCompile: !compile.isEmpty)
        engineTuner.budget = budget
        let handle = TunerHandle(tuner: engineTuner, projectPath: path, hypermodel: hypermodel, compile: compile, oracleValue: oracleValue,
                                 workers: workers, deterministic: deterministic)
        projects.opened(path, by: handle)
        call.state.setHandle(handle, class: TunerHandle.luaClass, on: instance)
        // As Keras Tuner's constructor does, so search_space_summary() shows the space before search.
        if !hypermodel.isNil && oracle.hyperparameters.space.isEmpty {
            engineTuner.populateInitialSpace(handle.adapter(call.state))
        }
        return 0
    }

    // MARK: - Searching

    /// The main state's search: alone, or with `workers - 1` more states that run the script up
    /// to this tuner's `search()` and take trials there (docs/reference.md, Parallel search).
    static func search(_ h: TunerHandle, runner: LuaTrialRunner, verbose: Int?, maxTime: Double?, state: LuaState) throws {
        guard h.workers > 1, let host = state.scriptHost, host.canLaunch else {
            if h.workers > 1 {
                Console.writeError("warning: workers = \(h.workers) needs a script file (tunelua --workers \(h.workers) search.lua); this search runs one worker\n")
            }
            try h.tuner.search(runner, verbose: verbose, maxTime: maxTime)
            return
        }
        let session = h.tuner.beginSearch(workers: h.workers, deterministic: h.deterministic, verbose: verbose, maxTime: maxTime)
        let pool = WorkerPool(session: session, host: host, projectPath: h.projectPath)
        // This state trains as one of the workers until the search ends.
        let threads = state.trainingThreads, alone = threads.threadCount
        threads.threadCount = WorkerCount.trainingThreads(workers: h.workers)
        defer { threads.threadCount = alone }
        let interrupt = state.interrupt
        session.stopWorkers = {
            pool.interruptAll()
            interrupt.request()
        }
        try runner.onSearchBegin(tuner: h.tuner)
        // "tuner<k>" continues from its own number (a PostgreSQL peer's block starts past 0).
        let digits = h.tuner.tunerId.reversed().prefix { $0.isNumber }.count
        let first = h.tuner.tunerId.hasPrefix("tuner") && digits > 0 ? Int(h.tuner.tunerId.suffix(digits)) ?? 0 : 0
        let base = h.tuner.tunerId.hasPrefix("tuner") && digits > 0 ? String(h.tuner.tunerId.dropLast(digits)) : h.tuner.tunerId
        pool.start(names: (1..<h.workers).map { "\(base)\(first + $0)" })
        var mainError: Error?
        do {
            try session.work(runner, worker: h.tuner.tunerId)
        } catch {
            mainError = error
        }
        pool.join()
        interrupt.clear()
        if let failure = pool.setupError ?? session.error ?? mainError {
            // A worker's own FatalError is raised here as a kt.errors.FatalError of this state.
            if failure is FatalError, runner.lastFatal == nil {
                try ErrorsBinding.raisingEngineKinds(state) { throw failure }
            }
            throw failure.portable
        }
        try runner.onSearchEnd(tuner: h.tuner)
    }

    /// `search{…, max_time = s}`: the tuner's own keyword, taken out of the table that goes on to
    /// `run_trial` and `fit` (docs/reference.md, Pruning).
    static func searchMaxTime(_ arguments: inout [LuaValue], state: LuaState) throws -> Double? {
        guard let options = arguments.last?.tableValue, !options.hasMetatable, !options["max_time"].isNil else { return nil }
        guard let seconds = options["max_time"].doubleValue, seconds > 0 else {
            throw LuaCallError("search: argument 'max_time' must be a positive number of seconds (got \(options["max_time"].description))")
        }
        let rest = state.newTable()
        for (key, value) in options.pairs where key.stringValue != "max_time" { rest.set(key, value) }
        arguments[arguments.count - 1] = .table(rest)
        return seconds
    }

    /// A warning on standard error at the user's line, as Python's `warnings.warn` prints one.
    static func warn(_ call: LuaCall, _ message: String) {
        Console.flush()
        Console.writeError("\(userPosition(call.L))warning: \(message)\n")
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
