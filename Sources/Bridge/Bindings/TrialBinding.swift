import Engine

/// `Trial`, its `metrics` and the `Oracle` as Lua sees them: live handles with Keras Tuner's
/// field and method names.
enum TrialBinding {
    nonisolated(unsafe) static let trialClass: LuaClass = {
        let c = LuaClass(name: "Trial")
        c.getter("trial_id") { (t: Trial) in .string(t.trialId) }
        c.getter("hyperparameters") { (t: Trial) in .object(t.hyperparameters, HyperParametersBinding.luaClass) }
        c.getter("status") { (t: Trial) in .string(t.status.rawValue) }
        c.getter("score") { (t: Trial) in t.score.map { .number($0) } ?? .nil }
        c.getter("best_step") { (t: Trial) in .integer(Int64(t.bestStep)) }
        c.getter("objective_values") { (t: Trial) in t.objectiveValues.map { .array($0.map(LuaValue.number)) } ?? .nil }
        c.getter("message") { (t: Trial) in t.message.map { .string($0) } ?? .nil }
        c.getter("worker") { (t: Trial) in t.worker.map { .string($0) } ?? .nil }
        c.getter("metrics") { (t: Trial) in .object(MetricsHandle(t), metricsClass) }
        // docs/reference.md, Pruning: intermediate values and pruning (Optuna's report / should_prune).
        c.method("report") { call in
            let t = try running(call)
            guard let step = call.value(at: 2).integerValue else { throw call.typeError(2, expected: "integer step") }
            let value = call.value(at: 3)
            if let number = value.doubleValue {
                try t.tuner.report(t.trial, step: Int(step), value: number)
            } else if let table = value.tableValue {
                var metrics: [(String, Double)] = []
                for (key, item) in table.pairs {
                    guard let name = key.stringValue, let number = item.doubleValue else {
                        throw LuaCallError("report: argument #2 must map metric names to numbers (got \(key.typeName) key '\(key.description)' with a \(item.typeName) value)")
                    }
                    metrics.append((name, number))
                }
                try t.tuner.report(t.trial, step: Int(step), metrics: metrics.sorted { $0.0 < $1.0 })
            } else {
                throw call.typeError(3, expected: "number or table of metrics")
            }
            return 0
        }
        c.method("should_prune") { call in
            let t = try running(call)
            return call.results(.boolean(t.tuner.shouldPrune(t.trial)))
        }
        c.method("intermediate_values") { call in
            guard let t = call.object(at: 1, as: Trial.self) else {
                throw LuaCallError("intermediate_values: call it on a Trial, as trial:intermediate_values(name)")
            }
            let name: String
            if call.value(at: 2).isNil {
                guard let objective = t.tuner?.oracle.objective, !objective.isMulti else {
                    throw call.typeError(2, expected: "metric name")
                }
                name = objective.name
            } else {
                guard let given = call.string(at: 2) else { throw call.typeError(2, expected: "metric name") }
                name = given
            }
            let history = (t.tuner.map { tuner in tuner.oracle.locked { t.intermediateValues.history(name) } }) ?? t.intermediateValues.history(name)
            return call.results(.array(history.map {
                .dictionary([("step", .integer(Int64($0.step))), ("value", .number($0.value))])
            }))
        }
        c.method("summary") { call in
            guard let t = call.object(at: 1, as: Trial.self) else {
                throw LuaCallError("summary: call it on a Trial, as trial:summary()")
            }
            // In Pareto mode each objective's value instead of the score (the sum).
            Console.write((t.tuner.map { t.summary(objective: $0.oracle.objective) } ?? t.summary) + "\n")
            return 0
        }
        c.metamethod("__tostring") { call in
            guard let t = call.object(at: 1, as: Trial.self) else { return call.results(.string("Trial")) }
            return call.results(.string(ObjectDescriptions.trial(t)))
        }
        return c
    }()

    /// The trial of a `report`/`should_prune` call and the tuner running it.
    private static func running(_ call: LuaCall) throws -> (trial: Trial, tuner: Tuner) {
        guard let trial = call.object(at: 1, as: Trial.self) else {
            throw LuaCallError("\(call.functionName): call it on a Trial, as trial:\(call.functionName)(…)")
        }
        guard let tuner = trial.tuner, trial.status == .running else {
            throw LuaCallError("\(call.functionName): trial \(trial.trialId) is not running in a search (status \(trial.status.rawValue)); call it from run_trial")
        }
        return (trial, tuner)
    }

    /// `trial.metrics`: a view of the trial's metric histories.
    final class MetricsHandle {
        let trial: Trial
        init(_ trial: Trial) { self.trial = trial }
    }

    nonisolated(unsafe) static let metricsClass: LuaClass = {
        let c = LuaClass(name: "MetricsTracker")
        func named(_ call: LuaCall) throws -> (MetricsTracker, String) {
            guard let handle = call.object(at: 1, as: MetricsHandle.self) else {
                throw LuaCallError("\(call.functionName): call it as trial.metrics:\(call.functionName)(name)")
            }
            guard let name = call.string(at: 2) else { throw call.typeError(2, expected: "string") }
            return (handle.trial.metrics, name)
        }
        c.method("get_history") { call in
            let (metrics, name) = try named(call)
            return call.results(.array(try metrics.getHistory(name).map {
                .dictionary([("step", .integer(Int64($0.step))), ("value", .number($0.value))])
            }))
        }
        c.method("get_best_value") { call in
            let (metrics, name) = try named(call)
            return call.results(try metrics.getBestValue(name).map { .number($0) } ?? .nil)
        }
        c.method("get_last_value") { call in
            let (metrics, name) = try named(call)
            return call.results(try metrics.getLastValue(name).map { .number($0) } ?? .nil)
        }
        c.method("get_best_step") { call in
            let (metrics, name) = try named(call)
            return call.results(try metrics.getBestStep(name).map { .integer(Int64($0)) } ?? .nil)
        }
        c.method("get_direction") { call in
            let (metrics, name) = try named(call)
            return call.results(.string(try metrics.getDirection(name).rawValue))
        }
        c.method("exists") { call in
            let (metrics, name) = try named(call)
            return call.results(.boolean(metrics.exists(name)))
        }
        c.getter("names") { (h: MetricsHandle) in .array(h.trial.metrics.names.map { .string($0) }) }
        return c
    }()

    nonisolated(unsafe) static let oracleClass: LuaClass = {
        let c = LuaClass(name: "Oracle")
        func this(_ call: LuaCall) throws -> Oracle {
            guard let oracle = call.object(at: 1, as: Oracle.self) ?? call.handle(at: 1, as: Oracle.self) else {
                throw LuaCallError("\(call.functionName): call it as oracle:\(call.functionName)(…)")
            }
            return oracle
        }
        c.method("get_best_trials") { call in
            let oracle = try this(call)
            let n = call.value(at: 2).integerValue.map(Int.init) ?? 1
            return call.results(.array(oracle.getBestTrials(n).map { .object($0, trialClass) }))
        }
        c.method("get_trial") { call in
            let oracle = try this(call)
            guard let id = call.string(at: 2) else { throw call.typeError(2, expected: "string") }
            return call.results(.object(try oracle.getTrial(id), trialClass))
        }
        c.method("get_space") { call in
            call.results(.object(try this(call).getSpace(), HyperParametersBinding.luaClass))
        }
        c.method("update_space") { call in
            guard let hp = call.object(at: 2, as: HyperParameters.self) else { throw call.typeError(1, expected: "HyperParameters") }
            try this(call).updateSpace(hp)
            return 0
        }
        c.method("get_state") { call in call.results(LuaValue(try this(call).getState())) }
        c.method("hypervolume") { call in
            let oracle = try this(call)
            let given = call.value(at: 2)
            var reference: [Double]?
            if !given.isNil {
                guard let items = given.tableValue?.array, let values = Optional(items.compactMap(\.doubleValue)),
                      values.count == items.count else {
                    throw LuaCallError("hypervolume: reference_point must be a list of numbers, one per objective")
                }
                reference = values
            }
            return call.results(.number(try oracle.hypervolume(reference: reference)))
        }
        c.getter("trials") { (o: Oracle) in .dictionary(o.orderedTrials.map { ($0.trialId, .object($0, trialClass)) }) }
        c.getter("objective") { (o: Oracle) in .object(ObjectiveBox(o.objective), ObjectiveBox.luaClass) }
        c.getter("max_trials") { (o: Oracle) in o.maxTrials.map { .integer(Int64($0)) } ?? .nil }
        c.getter("remaining_trials") { (o: Oracle) in o.remainingTrials.map { .integer(Int64($0)) } ?? .nil }
        c.getter("hyperparameters") { (o: Oracle) in .object(o.hyperparameters, HyperParametersBinding.luaClass) }
        c.getter("seed") { (o: Oracle) in .integer(Int64(bitPattern: o.seed)) }
        c.metamethod("__tostring") { call in
            guard let o = call.object(at: 1, as: Oracle.self) else { return call.results(.string("<Oracle>")) }
            return call.results(.string(o.locked { ObjectDescriptions.oracle(o) }))
        }
        // Workers' threads share the oracle: every read and write holds its lock.
        c.methods = c.methods.map { name, body in
            (name, { call in
                guard let oracle = call.object(at: 1, as: Oracle.self) ?? call.handle(at: 1, as: Oracle.self) else { return try body(&call) }
                return try oracle.locked { try body(&call) }
            })
        }
        c.getters = c.getters.mapValues { getter in
            { object, state in try (object as! Oracle).locked { try getter(object, state) } }
        }
        return c
    }()
}

/// `kt.Objective(name, direction)`: a value whose kind matters, so an object.
final class ObjectiveBox {
    let objective: Objective
    init(_ objective: Objective) { self.objective = objective }

    nonisolated(unsafe) static let luaClass: LuaClass = {
        let c = LuaClass(name: "Objective")
        c.getter("name") { (o: ObjectiveBox) in .string(o.objective.name) }
        c.getter("direction") { (o: ObjectiveBox) in .string(o.objective.direction.rawValue) }
        c.metamethod("__tostring") { call in
            call.results(.string(call.object(at: 1, as: ObjectiveBox.self)?.objective.description ?? "Objective"))
        }
        return c
    }()

    static let signature = Signature("Objective", [.init("name", .string, required: true), .init("direction", .string, required: true)])

    /// Reads an `objective=` argument: nil, a name, an Objective, or a list of those.
    static func parse(_ value: LuaValue, inList: Bool = false) throws -> Objective {
        switch value {
        case .nil: return .defaultObjective
        case .string(let name): return try Objective.inferred(name)
        case .table where inList:
            // One level only, as in Keras Tuner: no recursion, so no cyclic or deep list can loop.
            throw LuaCallError("objective: a list inside the objective list (each item must be a metric name or a kt.Objective)")
        case .table(let table):
            let parts = try table.array.map { try parse($0, inList: true) }
            guard !parts.isEmpty else { throw LuaCallError("objective: an empty list is not an objective") }
            return parts.count == 1 ? parts[0] : try Objective(multi: parts)
        case .userdata:
            if let box = table(value) { return box.objective }
            fallthrough
        default:
            throw LuaCallError("objective: must be a metric name, a kt.Objective or a list of them (got \(value.typeName))")
        }
    }

    private static func table(_ value: LuaValue) -> ObjectiveBox? {
        guard case .userdata(let ref) = value else { return nil }
        let state = ref.state
        ref.push(state.L)
        defer { state.L.pop() }
        return state.object(at: -1, on: state.L) as? ObjectiveBox
    }
}
