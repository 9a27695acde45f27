import Engine
import NN

/// Adapts a Lua hypermodel (`build(hp)`, `fit(hp, model, …)`, `declare_hyperparameters(hp)`) to the
/// engine's `Hypermodel`, for one `run_trial` call: it carries that call's search arguments to
/// `fit`, and keeps what each `fit` returned so `run_trial` can return it to Lua.
final class LuaHypermodel: Hypermodel {
    let state: LuaState
    let hypermodel: LuaValue
    let compile: CompileOverrides
    /// The search's positional arguments and its trailing keyword table (fit's options).
    let positional: [LuaValue]
    let options: LuaTable?
    /// What each execution's `fit` returned, in order.
    private(set) var fitResults: [LuaValue] = []

    init(state: LuaState, hypermodel: LuaValue, compile: CompileOverrides, arguments: [LuaValue] = []) {
        self.state = state
        self.hypermodel = hypermodel
        self.compile = compile
        (positional, options) = Self.split(arguments)
    }

    /// Splits off a trailing keyword table: a plain table (no metatable) with a string key.
    static func split(_ arguments: [LuaValue]) -> ([LuaValue], LuaTable?) {
        guard let table = arguments.last?.tableValue, !table.hasMetatable,
              table.pairs.contains(where: { $0.key.stringValue != nil }) else { return (arguments, nil) }
        return (Array(arguments.dropLast()), table)
    }

    func declareHyperparameters(_ hp: HyperParameters) throws {
        _ = try state.invoke(hypermodel, "declare_hyperparameters", [.object(hp, HyperParametersBinding.luaClass)])
    }

    func build(_ hp: HyperParameters) throws -> any TunableModel {
        let built = try state.invoke(hypermodel, "build", [.object(hp, HyperParametersBinding.luaClass)]).first ?? .nil
        guard case .userdata(let ref) = built, let model = state.objectValue(ref) as? ModelBox else {
            throw FatalError("build(hp) must return a keras model (keras.Sequential), got \(state.typeName(of: built))")
        }
        return model
    }

    func overrideCompile(_ model: any TunableModel) throws {
        guard let box = model as? ModelBox else { return }
        try box.recompile(optimizer: compile.optimizer, loss: compile.loss, metrics: compile.metrics)
    }

    func fit(_ hp: HyperParameters, model: any TunableModel, plan: FitPlan, observer: any FitObserver) throws -> TrialResult {
        guard let box = model as? ModelBox else { throw FatalError("fit: not a keras model") }
        let options = state.newTable()
        for (key, value) in self.options?.pairs ?? [] { options.set(key, value) }
        if let epochs = plan.epochs { options["epochs"] = .integer(Int64(epochs)) }
        if let initial = plan.initialEpoch { options["initial_epoch"] = .integer(Int64(initial)) }
        var callbacks = self.options?["callbacks"].tableValue?.array ?? []
        callbacks.append(.object(KerasBinding.CallbackBox(ObserverCallback(observer, model: box)), KerasBinding.CallbackBox.luaClass))
        options["callbacks"] = .array(callbacks)
        let arguments: [LuaValue] = [.object(hp, HyperParametersBinding.luaClass), .object(box, ModelBox.luaClass)]
            + positional + [.table(options)]
        let result = try state.invoke(hypermodel, "fit", arguments).first ?? .nil
        fitResults.append(result)
        return TrialResultReader.read(result, state: state)
    }
}

/// The tuner's `optimizer`, `loss` and `metrics` arguments (nil where not given).
struct CompileOverrides {
    var optimizer: LuaValue = .nil
    var loss: LuaValue = .nil
    var metrics: LuaValue = .nil
    var isEmpty: Bool { optimizer.isNil && loss.isNil && metrics.isNil }
}

/// Relays `fit`'s progress to the engine (the checkpoint of the best epoch, the tuner's hooks).
final class ObserverCallback: Callback {
    let observer: any FitObserver
    let box: ModelBox
    init(_ observer: any FitObserver, model: ModelBox) {
        self.observer = observer
        self.box = model
    }
    func onEpochBegin(_ epoch: Int, model: Sequential, logs: [String: Double]) throws {
        try observer.epochBegan(epoch, model: box, logs: logs)
    }
    func onEpochEnd(_ epoch: Int, model: Sequential, logs: inout [String: Double]) throws {
        try observer.epochEnded(epoch, model: box, logs: logs)
    }
    func onTrainBatchBegin(_ batch: Int, model: Sequential, logs: [String: Double]) throws {
        if observer.observesBatches { try observer.batchBegan(batch, model: box, logs: logs) }
    }
    func onTrainBatchEnd(_ batch: Int, model: Sequential, logs: [String: Double]) throws {
        if observer.observesBatches { try observer.batchEnded(batch, model: box, logs: logs) }
    }
}

extension ModelBox: TunableModel {
    var trainableParameterCount: Int? {
        model.isBuilt ? model.trainableParameters.reduce(0) { $0 + $1.value.count } : nil
    }
    func weightsData() throws -> [UInt8] { try model.weightsData() }
    func loadWeights(_ data: [UInt8], origin: String) throws { try model.loadWeights(data: data, what: origin) }
    func stopTraining() { model.stopTraining = true }
}
