/// Optuna's `SuccessiveHalvingPruner` (asynchronous successive halving, ASHA): at each rung's
/// step (`minResource × reductionFactor^(minEarlyStoppingRate + rung)`) a trial goes on only when
/// its value is in the top `1 / reductionFactor` of the values other trials had at that rung. In
/// Pareto mode the values are the objectives' and the top is by non-dominated rank, then crowding
/// distance (`ParetoFront.order`), as Hyperband promotes.
public final class SuccessiveHalvingPruner: Pruner {
    /// nil = "auto": estimated from the first completed trials (their last step / 100, at least 1).
    public private(set) var minResource: Int?
    public let reductionFactor: Int
    public let minEarlyStoppingRate: Int
    public let bootstrapCount: Int
    /// Optuna's `completed_rung_<k>` system attributes: each trial's value at the rungs it reached.
    private var rungs: [String: [Double]] = [:]
    /// Pareto mode: each trial's minimized objective values at the rungs it reached.
    private var paretoRungs: [String: [[Double]]] = [:]

    public enum Defaults {
        public static let reductionFactor = 4
        public static let minEarlyStoppingRate = 0
        public static let bootstrapCount = 0
    }

    public init(minResource: Int? = nil, reductionFactor: Int = Defaults.reductionFactor,
                minEarlyStoppingRate: Int = Defaults.minEarlyStoppingRate, bootstrapCount: Int = Defaults.bootstrapCount) throws {
        let fn = "SuccessiveHalvingPruner"
        if let minResource, minResource < 1 {
            throw EngineError.invalid("\(fn): min_resource must be >= 1 or \"auto\", got \(minResource)")
        }
        guard reductionFactor >= 2 else { throw EngineError.invalid("\(fn): reduction_factor must be >= 2, got \(reductionFactor)") }
        guard minEarlyStoppingRate >= 0 else {
            throw EngineError.invalid("\(fn): min_early_stopping_rate must be >= 0, got \(minEarlyStoppingRate)")
        }
        guard bootstrapCount >= 0 else { throw EngineError.invalid("\(fn): bootstrap_count must be >= 0, got \(bootstrapCount)") }
        if bootstrapCount > 0 && minResource == nil {
            throw EngineError.invalid("\(fn): bootstrap_count > 0 and min_resource = \"auto\" are mutually incompatible (bootstrap_count is \(bootstrapCount))")
        }
        self.minResource = minResource
        self.reductionFactor = reductionFactor
        self.minEarlyStoppingRate = minEarlyStoppingRate
        self.bootstrapCount = bootstrapCount
    }

    public var kind: String { "SuccessiveHalvingPruner" }
    public var acceptsPareto: Bool { true }

    /// The rungs `trialId` has completed, with its value at each.
    public func completedRungs(_ trialId: String) -> [Double] { rungs[trialId] ?? [] }

    public func prune(_ trial: Trial, in study: PruningStudy) -> Bool {
        if study.objective.isPareto { return prunePareto(trial, in: study) }
        let values = trial.intermediateValues.objective
        guard let step = values.keys.max() else { return false }
        var rung = rungs[trial.trialId]?.count ?? 0
        let value = values[step]!
        while true {
            guard let minResource = resolvedMinResource(study) else { return false }
            let promotionStep = minResource * Self.power(reductionFactor, minEarlyStoppingRate + rung)
            if step < promotionStep { return false }
            if value.isNaN { return true }
            // The others' values at this rung, taken before this trial's is recorded, plus its own.
            var competing = study.trials.compactMap { t in t.trialId == trial.trialId ? nil : rungs[t.trialId].flatMap { $0.count > rung ? $0[rung] : nil } }
            competing.append(value)
            rungs[trial.trialId, default: []].append(value)
            if competing.count <= bootstrapCount { return true }
            if !isPromotable(value, competing, study.direction) { return true }
            rung += 1
        }
    }

    /// `min_resource`, "auto" resolved once a trial has completed: its last step / 100, at least 1.
    private func resolvedMinResource(_ study: PruningStudy) -> Int? {
        if minResource == nil {
            let steps = study.trials.filter { $0.status == .completed }.compactMap { $0.intermediateValues.lastStep }
            guard let last = steps.max() else { return nil }
            minResource = max(last / 100, 1)
        }
        return minResource
    }

    /// The rule above with the objectives' values at each rung, ranked by `ParetoFront.order`.
    private func prunePareto(_ trial: Trial, in study: PruningStudy) -> Bool {
        let iv = trial.intermediateValues
        guard let step = iv.lastStep, let value = study.objective.minimizedValues(iv.row(at: step)) else { return false }
        var rung = paretoRungs[trial.trialId]?.count ?? 0
        while true {
            guard let minResource = resolvedMinResource(study) else { return false }
            let promotionStep = minResource * Self.power(reductionFactor, minEarlyStoppingRate + rung)
            if step < promotionStep { return false }
            if value.contains(where: \.isNaN) { return true }
            var competing = study.trials.compactMap { t in
                t.trialId == trial.trialId ? nil : paretoRungs[t.trialId].flatMap { $0.count > rung ? $0[rung] : nil }
            }
            competing.append(value)
            paretoRungs[trial.trialId, default: []].append(value)
            if competing.count <= bootstrapCount { return true }
            let position = ParetoFront.order(competing).firstIndex(of: competing.count - 1) ?? competing.count
            if position > max(competing.count / reductionFactor - 1, 0) { return true }
            rung += 1
        }
    }

    /// Optuna's `_is_trial_promotable_to_next_rung`: the first `reductionFactor - 1` trials to reach
    /// a rung go on only as the best so far.
    private func isPromotable(_ value: Double, _ competing: [Double], _ direction: Objective.Direction) -> Bool {
        var index = competing.count / reductionFactor - 1
        if index == -1 { index = 0 }
        let sorted = competing.sorted()
        return direction == .max ? value >= sorted[sorted.count - 1 - index] : value <= sorted[index]
    }

    static func power(_ base: Int, _ exponent: Int) -> Int {
        var result = 1
        for _ in 0..<exponent {
            let (p, overflow) = result.multipliedReportingOverflow(by: base)
            if overflow { return Int.max }
            result = p
        }
        return result
    }

    public var state: JSON {
        .object([
            ("min_resource", minResource.map { .int(Int64($0)) } ?? .null),
            ("rungs", .object(rungs.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map(JSON.double))) })),
            ("pareto_rungs", .object(paretoRungs.sorted { $0.key < $1.key }.map {
                ($0.key, .array($0.value.map { .array($0.map(JSON.double)) }))
            })),
        ])
    }

    public func restore(_ state: JSON) throws {
        if let m = state["min_resource"]?.intValue { minResource = Int(m) }
        if case let .object(pairs)? = state["pareto_rungs"] {
            paretoRungs = [:]
            for (id, values) in pairs { paretoRungs[id] = (values.arrayValue ?? []).map { ($0.arrayValue ?? []).compactMap(\.doubleValue) } }
        }
        guard case let .object(pairs)? = state["rungs"] else { return }
        rungs = [:]
        for (id, values) in pairs { rungs[id] = (values.arrayValue ?? []).compactMap(\.doubleValue) }
    }

    public func forget(trialId: String) {
        rungs[trialId] = nil
        paretoRungs[trialId] = nil
    }
}
