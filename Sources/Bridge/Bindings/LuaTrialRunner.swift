import Engine

/// Adapts a Lua tuner instance to the engine's `TrialRunner`: the engine's loop calls the
/// instance's `run_trial` and hooks, so Lua overrides (in a subclass or the constructor table) win.
final class LuaTrialRunner: TrialRunner {
    let state: LuaState
    let instance: LuaValue
    let arguments: [LuaValue]
    /// The Lua error behind the last `FatalError`, re-raised unchanged when the search stops.
    var lastFatal: LuaError?
    /// Hooks the user overrode; the base class's do nothing, so the rest are not called.
    let overridden: Set<String>
    static let hooks = ["on_search_begin", "on_search_end", "on_trial_begin", "on_trial_end",
                        "on_epoch_begin", "on_epoch_end", "on_batch_begin", "on_batch_end"]

    /// A Lua oracle's instance in this state, which proposes this worker's trials.
    let oracleInstance: LuaTable?

    init(state: LuaState, instance: LuaValue, base: LuaTable, arguments: [LuaValue], oracleInstance: LuaTable? = nil) throws {
        self.state = state
        self.instance = instance
        self.arguments = arguments
        self.oracleInstance = oracleInstance
        overridden = try state.overridden(instance, base: base, Self.hooks)
    }

    /// Attaches this state's instance of a Lua oracle class to the search's oracle while it
    /// proposes, so `populate_space` runs in the state (and on the thread) that asks.
    func proposing<T>(with oracle: Oracle, _ body: () throws -> T) throws -> T {
        guard let instance = oracleInstance, let oracle = oracle as? LuaOracle else { return try body() }
        let previous = oracle.instance
        oracle.instance = instance
        defer { oracle.instance = previous }
        return try body()
    }

    func runTrial(_ trial: Trial, tuner: Tuner) throws -> TrialResult {
        let results = try translate { try state.invoke(instance, "run_trial", [.object(trial, TrialBinding.trialClass)] + arguments) }
        return TrialResultReader.read(results.first ?? .nil, state: state)
    }

    /// `trial_timeout` and the state's CPU limit (`--cpu-limit`): the state's count hook stops Lua
    /// code, and training stops between batches.
    func running<T>(timeout: Double?, _ body: () throws -> T) throws -> T {
        let cpuLimit = state.trialCPULimit
        guard timeout != nil || cpuLimit != nil else { return try body() }
        let interrupt = state.interrupt
        interrupt.arm(timeout: timeout, cpuLimit: cpuLimit)
        defer { interrupt.disarm() }
        do {
            return try body()
        } catch {
            // A limit that surfaced as another error (training's cancellation, a wrapped error).
            if !interrupt.isRequested, let stop = interrupt.timedOut { throw TrialTimedOut(seconds: stop.seconds, cpu: stop.cpu) }
            throw error
        }
    }

    func onSearchBegin(tuner: Tuner) throws { try hook("on_search_begin", []) }
    func onSearchEnd(tuner: Tuner) throws { try hook("on_search_end", []) }
    func onTrialBegin(_ trial: Trial, tuner: Tuner) throws { try hook("on_trial_begin", [.object(trial, TrialBinding.trialClass)]) }
    func onTrialEnd(_ trial: Trial, tuner: Tuner) throws { try hook("on_trial_end", [.object(trial, TrialBinding.trialClass)]) }

    var observesBatches: Bool { overridden.contains("on_batch_begin") || overridden.contains("on_batch_end") }
    func onEpochBegin(_ trial: Trial, model: any TunableModel, epoch: Int, logs: [String: Double], tuner: Tuner) throws {
        try training("on_epoch_begin", trial, model, epoch, logs)
    }
    func onEpochEnd(_ trial: Trial, model: any TunableModel, epoch: Int, logs: [String: Double], tuner: Tuner) throws {
        try training("on_epoch_end", trial, model, epoch, logs)
    }
    func onBatchBegin(_ trial: Trial, model: any TunableModel, batch: Int, logs: [String: Double], tuner: Tuner) throws {
        try training("on_batch_begin", trial, model, batch, logs)
    }
    func onBatchEnd(_ trial: Trial, model: any TunableModel, batch: Int, logs: [String: Double], tuner: Tuner) throws {
        try training("on_batch_end", trial, model, batch, logs)
    }

    /// `tuner:on_epoch_end(trial, model, epoch, logs)` and the other training hooks.
    private func training(_ name: String, _ trial: Trial, _ model: any TunableModel, _ index: Int, _ logs: [String: Double]) throws {
        guard overridden.contains(name), let box = model as? ModelBox else { return }
        _ = try state.invoke(instance, name, [.object(trial, TrialBinding.trialClass), .object(box, ModelBox.luaClass),
                                              .integer(Int64(index)), LuaCallback.logsTable(logs)])
    }

    private func hook(_ name: String, _ arguments: [LuaValue]) throws {
        guard overridden.contains(name) else { return }
        _ = try translate { try state.invoke(instance, name, arguments) }
    }

    /// Maps Lua errors to the engine's kinds: `kt.errors.FailedTrialError` fails the trial without
    /// retry, `kt.errors.FatalError` (and its kinds) stops the search, Ctrl-C interrupts it;
    /// anything else is an ordinary error (the trial is retried).
    private func translate(_ body: () throws -> [LuaValue]) throws -> [LuaValue] {
        do {
            return try body()
        } catch let error as LuaError {
            if state.interrupt.isRequested { throw SearchInterrupted() }
            // Before any more Lua runs: the timeout's hook would stop that too.
            if let stop = state.interrupt.timedOut { throw TrialTimedOut(seconds: stop.seconds, cpu: stop.cpu) }
            switch ErrorsBinding.kind(of: error, state: state) {
            case "TrialPruned":
                throw TrialPruned(ErrorsBinding.message(of: error, state: state))
            case "FailedTrialError":
                throw FailedTrialError(ErrorsBinding.message(of: error, state: state), traceback: error.traceback)
            case let kind? where ErrorsBinding.isFatal(kind: kind):
                lastFatal = error
                throw FatalError(ErrorsBinding.message(of: error, state: state), traceback: error.traceback)
            default:
                throw error
            }
        }
    }
}

extension LuaError: TracebackCarrying {}

/// Reads what `run_trial` returned into the engine's `TrialResult`.
enum TrialResultReader {
    /// `nested` is set for the items of a returned list: a list there is reported as a list of
    /// lists without reading it, so a cyclic or deep table never recurses.
    static func read(_ value: LuaValue, state: LuaState, nested: Bool = false) -> TrialResult {
        if nested, case .table(let table) = value, table.count > 0 { return .list([]) }
        switch value {
        case .nil: return .none
        case .integer(let i): return .number(Double(i))
        case .number(let d): return .number(d)
        case .string(let s): return .string(s)
        case .table(let table):
            let pairs = table.pairs
            if !pairs.isEmpty && table.count == pairs.count {
                return .list(table.array.map { read($0, state: state, nested: true) })
            }
            var metrics: [(String, Double)] = []
            for (key, item) in pairs {
                guard case .string(let name) = key else {
                    return .badMetric(key: key.description, typeName: key.typeName + " key")
                }
                guard let number = item.doubleValue else { return .badMetric(key: name, typeName: item.typeName) }
                metrics.append((name, number))
            }
            return .metrics(metrics.sorted { $0.0 < $1.0 })
        case .userdata:
            if let history = HistoryBox.series(of: value, state: state) { return .history(history) }
            return .other(typeName: state.typeName(of: value), description: state.typeName(of: value))
        default:
            return .other(typeName: value.typeName, description: value.typeName)
        }
    }
}

extension LuaState {
    /// The `__name` of a userdata's class, or its Lua type name.
    func typeName(of value: LuaValue) -> String {
        guard case .userdata(let ref) = value else { return value.typeName }
        ref.push(L)
        defer { L.pop() }
        return className(at: -1, on: L) ?? "userdata"
    }
}
