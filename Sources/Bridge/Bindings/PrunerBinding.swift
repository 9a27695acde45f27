import Engine

/// `kt.pruners`: Optuna's pruners with Optuna's argument names and defaults (docs/reference.md, Pruning),
/// passed to any tuner as `pruner = …`. The binding only reads arguments: the rules are Engine's.
enum PrunerBinding {
    nonisolated(unsafe) static let luaClass: LuaClass = {
        let c = LuaClass(name: "Pruner")
        c.getter("kind") { (p: PrunerHandle) in .string(p.pruner.kind) }
        c.metamethod("__tostring") { call in
            call.results(.string("<\(call.object(at: 1, as: PrunerHandle.self)?.pruner.kind ?? "Pruner")>"))
        }
        return c
    }()

    /// Boxes an Engine pruner (a protocol value) for Lua.
    final class PrunerHandle {
        let pruner: any Pruner
        init(_ pruner: any Pruner) { self.pruner = pruner }
    }

    typealias D = PercentilePruner.Defaults
    static let percentileParams: [Signature.Param] = [
        .init("n_startup_trials", .integer), .init("n_warmup_steps", .integer), .init("interval_steps", .integer),
        .init("n_min_trials", .integer),
    ]

    static func install(into module: LuaTable, state: LuaState) {
        let pruners = state.newTable()
        define(pruners, state, Signature("MedianPruner", percentileParams)) { a, _ in
            try MedianPruner(nStartupTrials: a.integer("n_startup_trials", default: D.nStartupTrials),
                             nWarmupSteps: a.integer("n_warmup_steps", default: D.nWarmupSteps),
                             intervalSteps: a.integer("interval_steps", default: D.intervalSteps),
                             nMinTrials: a.integer("n_min_trials", default: D.nMinTrials))
        }
        define(pruners, state, Signature("PercentilePruner", [.init("percentile", .number, required: true)] + percentileParams)) { a, _ in
            try PercentilePruner(percentile: a.double("percentile")!,
                                 nStartupTrials: a.integer("n_startup_trials", default: D.nStartupTrials),
                                 nWarmupSteps: a.integer("n_warmup_steps", default: D.nWarmupSteps),
                                 intervalSteps: a.integer("interval_steps", default: D.intervalSteps),
                                 nMinTrials: a.integer("n_min_trials", default: D.nMinTrials))
        }
        define(pruners, state, Signature("SuccessiveHalvingPruner", [
            .init("min_resource", .any), .init("reduction_factor", .integer), .init("min_early_stopping_rate", .integer),
            .init("bootstrap_count", .integer),
        ])) { a, _ in
            typealias S = SuccessiveHalvingPruner.Defaults
            return try SuccessiveHalvingPruner(minResource: try resource(a, "min_resource"),
                                               reductionFactor: a.integer("reduction_factor", default: S.reductionFactor),
                                               minEarlyStoppingRate: a.integer("min_early_stopping_rate", default: S.minEarlyStoppingRate),
                                               bootstrapCount: a.integer("bootstrap_count", default: S.bootstrapCount))
        }
        define(pruners, state, Signature("HyperbandPruner", [
            .init("min_resource", .integer), .init("max_resource", .any), .init("reduction_factor", .integer),
            .init("bootstrap_count", .integer),
        ])) { a, _ in
            typealias H = HyperbandPruner.Defaults
            return try HyperbandPruner(minResource: a.integer("min_resource", default: H.minResource),
                                       maxResource: try resource(a, "max_resource"),
                                       reductionFactor: a.integer("reduction_factor", default: H.reductionFactor),
                                       bootstrapCount: a.integer("bootstrap_count", default: H.bootstrapCount))
        }
        define(pruners, state, Signature("ThresholdPruner", [
            .init("lower", .number), .init("upper", .number), .init("n_warmup_steps", .integer), .init("interval_steps", .integer),
        ])) { a, _ in
            try ThresholdPruner(lower: a.double("lower"), upper: a.double("upper"),
                                nWarmupSteps: a.integer("n_warmup_steps", default: 0), intervalSteps: a.integer("interval_steps", default: 1))
        }
        define(pruners, state, Signature("PatientPruner", [
            .init("wrapped", .object), .init("patience", .integer, required: true), .init("min_delta", .number),
        ])) { a, state in
            var wrapped: (any Pruner)?
            if !a["wrapped"].isNil {
                guard let given = pruner(in: a["wrapped"], state: state) else {
                    throw a.error("wrapped", "must be a kt.pruners pruner or nil (got \(state.typeName(of: a["wrapped"])))")
                }
                wrapped = given
            }
            return try PatientPruner(wrapped: wrapped, patience: a.integer("patience")!, minDelta: a.double("min_delta", default: 0))
        }
        module["pruners"] = .table(pruners)
    }

    /// `make` gets the calling state: a closure stored in the state must not hold the state
    /// itself (the cycle would keep the state, and its tuners' databases, open at exit).
    private static func define(_ table: LuaTable, _ state: LuaState, _ signature: Signature,
                               _ make: @escaping (Arguments, LuaState) throws -> any Pruner) {
        table[signature.function] = state.function(name: signature.function) { call in
            // `SuccessiveHalvingPruner{}`: an empty table is no value for a first parameter that may
            // take one; it means "all defaults".
            let empty = call.argumentCount == 1 && call.value(at: 1).tableValue.map { !$0.hasMetatable && $0.pairs.isEmpty } == true
            let pruner = try make(empty ? try signature.bind([]) : try signature.bind(call), call.state)
            return call.results(.object(PrunerHandle(pruner), luaClass))
        }
    }

    /// `min_resource` / `max_resource`: a positive integer or "auto" (nil).
    private static func resource(_ a: Arguments, _ name: String) throws -> Int? {
        switch a[name] {
        case .nil: return nil
        case .string(let s) where s == "auto": return nil
        case let v where v.integerValue != nil: return Int(v.integerValue!)
        default: throw a.error(name, "must be a positive integer or \"auto\" (got \(a[name].description))")
        }
    }

    /// The pruner a `pruner =` argument holds.
    static func pruner(in value: LuaValue, state: LuaState) -> (any Pruner)? {
        guard case .userdata(let ref) = value else { return nil }
        return (state.objectValue(ref) as? PrunerHandle)?.pruner
    }
}
