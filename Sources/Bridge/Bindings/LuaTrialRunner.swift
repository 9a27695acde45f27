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

    init(state: LuaState, instance: LuaValue, arguments: [LuaValue]) throws {
        self.state = state
        self.instance = instance
        self.arguments = arguments
        let found = try state.invoke(instance, "__overridden_hooks", [])
        overridden = Set((found.first?.tableValue?.array ?? []).compactMap(\.stringValue))
    }

    func runTrial(_ trial: Trial, tuner: Tuner) throws -> TrialResult {
        let results = try translate { try state.invoke(instance, "run_trial", [.object(trial, TrialBinding.trialClass)] + arguments) }
        return TrialResultReader.read(results.first ?? .nil, state: state)
    }

    func onSearchBegin(tuner: Tuner) throws { try hook("on_search_begin", []) }
    func onSearchEnd(tuner: Tuner) throws { try hook("on_search_end", []) }
    func onTrialBegin(_ trial: Trial, tuner: Tuner) throws { try hook("on_trial_begin", [.object(trial, TrialBinding.trialClass)]) }
    func onTrialEnd(_ trial: Trial, tuner: Tuner) throws { try hook("on_trial_end", [.object(trial, TrialBinding.trialClass)]) }

    private func hook(_ name: String, _ arguments: [LuaValue]) throws {
        guard overridden.contains(name) else { return }
        _ = try translate { try state.invoke(instance, name, arguments) }
    }

    /// Maps Lua errors to the engine's kinds: `kt.errors.FailedTrialError` fails the trial without
    /// retry, `kt.errors.FatalError` stops the search, Ctrl-C interrupts it; anything else is an
    /// ordinary error (the trial is retried).
    private func translate(_ body: () throws -> [LuaValue]) throws -> [LuaValue] {
        do {
            return try body()
        } catch let error as LuaError {
            if Interrupt.isRequested { throw SearchInterrupted() }
            switch ErrorsBinding.kind(of: error, state: state) {
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
    static func read(_ value: LuaValue, state: LuaState) -> TrialResult {
        switch value {
        case .nil: return .none
        case .integer(let i): return .number(Double(i))
        case .number(let d): return .number(d)
        case .string(let s): return .string(s)
        case .table(let table):
            if let history = HistoryReader.series(of: value) { return .history(history) }
            let pairs = table.pairs
            if !pairs.isEmpty && table.count == pairs.count {
                return .list(table.array.map { read($0, state: state) })
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
            if let history = HistoryReader.series(of: value) { return .history(history) }
            return .other(typeName: state.typeName(of: value), description: state.typeName(of: value))
        default:
            return .other(typeName: value.typeName, description: value.typeName)
        }
    }
}

/// Finds the per-epoch series of a `History` (the keras binding registers how).
enum HistoryReader {
    nonisolated(unsafe) static var reader: ((LuaValue) -> [(String, [Double])]?)?
    static func series(of value: LuaValue) -> [(String, [Double])]? { reader?(value) }
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
