import Foundation

/// The base oracle (Keras Tuner's `Oracle`): owns the search space and the trials, hands out
/// trials, takes their results, retries failed ones and decides when the search ends.
///
/// Subclasses override `populateSpace(trialId:)` (and `kind`, and `extraState`/`restoreExtraState`
/// when they keep state of their own). The oracle is pure in-memory state; the `Tuner` persists it
/// through a `ProjectStore` after every change.
open class Oracle {
    public let objective: Objective
    /// nil = unlimited (Grid's default).
    public var maxTrials: Int?
    /// The search space; grows as trials declare new hyperparameters (unless `tuneNewEntries` is off).
    public internal(set) var hyperparameters: HyperParameters
    public let allowNewEntries: Bool
    public let tuneNewEntries: Bool
    /// The seed this search started from (drawn at random when none was given).
    public private(set) var seed: UInt64
    /// The random stream; persisted, so a resumed search continues it. Subclasses draw from it.
    public var rng: SeededGenerator
    public let maxRetriesPerTrial: Int
    public let maxConsecutiveFailedTrials: Int?

    /// Trials in creation order.
    public private(set) var orderedTrials: [Trial] = []
    public private(set) var trials: [String: Trial] = [:]
    /// Ids in the order trials finished (for the consecutive-failure rule).
    public private(set) var endOrder: [String] = []
    /// Ids waiting to be run again (retries, and trials that were running when a process died).
    public private(set) var retryQueue: [String] = []
    /// Why the last `createTrial` stopped the search, when it was not max_trials.
    public private(set) var stopReason: String?

    /// The best completed trial, kept up to date so the per-trial display needs no sort.
    private var bestCompleted: Trial?
    private var triedSoFar = Set<ConfigurationKey>()
    private var idToHash: [String: ConfigurationKey] = [:]
    private var consecutiveFailures = 0
    /// How many duplicate draws in a row random sampling tolerates before checking exhaustion.
    public var maxCollisions = 20
    /// Stops running trials early from their intermediate values (`pruner = …`); nil = never.
    public var pruner: (any Pruner)?
    /// Optuna's `study_name` for the pruner (the project name: Hyperband's brackets hash it).
    public var studyName = ""
    /// Serializes use by several workers' threads (the search loop, and user code reading trials
    /// while it runs). Recursive: a Lua oracle's `populate_space` reads the oracle it runs in.
    private let lock = NSRecursiveLock()

    /// Runs `body` holding the oracle's lock.
    public func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
    /// Polled inside the oracle's long loops (walking a grid, enumerating a finite space, drawing
    /// at length); when it returns true they throw `EngineError(.interrupted)`. The tuner sets it
    /// to its own Ctrl-C flag, so a search stuck choosing a trial still stops.
    public var interruptRequested: () -> Bool = { false }
    /// How many iterations a long loop runs between two polls of `interruptRequested`.
    static let interruptPollInterval = 4096

    /// Keras Tuner's `Oracle` defaults, defined here once (the oracles and the Lua binding read them).
    public enum Defaults {
        public static let allowNewEntries = true
        public static let tuneNewEntries = true
        public static let maxRetriesPerTrial = 0
        public static let maxConsecutiveFailedTrials: Int? = 3
    }

    public init(objective: Objective = .defaultObjective, maxTrials: Int? = nil, hyperparameters: HyperParameters? = nil,
                allowNewEntries: Bool = Defaults.allowNewEntries, tuneNewEntries: Bool = Defaults.tuneNewEntries, seed: Int? = nil,
                maxRetriesPerTrial: Int = Defaults.maxRetriesPerTrial,
                maxConsecutiveFailedTrials: Int? = Defaults.maxConsecutiveFailedTrials) throws {
        let fn = "\(Self.self)"
        if let maxTrials, maxTrials < 1 {
            throw EngineError.invalid("\(fn): max_trials must be a positive integer or nil, got \(maxTrials)")
        }
        guard maxRetriesPerTrial >= 0 else {
            throw EngineError.invalid("\(fn): max_retries_per_trial must be >= 0, got \(maxRetriesPerTrial)")
        }
        if let m = maxConsecutiveFailedTrials, m < 1 {
            throw EngineError.invalid("\(fn): max_consecutive_failed_trials must be >= 1 or nil, got \(m)")
        }
        let hasSpace = !(hyperparameters?.space.isEmpty ?? true)
        if !hasSpace && !tuneNewEntries {
            throw EngineError.invalid("\(fn): tune_new_entries=false needs the search space in the hyperparameters argument")
        }
        if !hasSpace && !allowNewEntries {
            throw EngineError.invalid("\(fn): allow_new_entries=false needs the search space in the hyperparameters argument")
        }
        self.objective = objective
        self.maxTrials = maxTrials
        self.hyperparameters = hyperparameters?.copy() ?? HyperParameters()
        self.allowNewEntries = allowNewEntries
        self.tuneNewEntries = tuneNewEntries
        // 0 is a real seed (Keras Tuner's `seed or random` treats it as "none").
        let s = seed.map { UInt64(bitPattern: Int64($0)) } ?? UInt64.random(in: 1...10_000)
        self.seed = s
        self.rng = SeededGenerator(seed: s)
        self.maxRetriesPerTrial = maxRetriesPerTrial
        self.maxConsecutiveFailedTrials = maxConsecutiveFailedTrials
    }

    /// The name stored with a project; reopening with another kind is an error.
    open var kind: String { "Oracle" }

    // MARK: - For subclasses

    /// Chooses the next trial's values. The base class has no strategy.
    open func populateSpace(trialId: String) throws -> PopulateResponse {
        throw EngineError(.notImplemented, "\(kind).populate_space: not implemented; use a RandomSearch or GridSearch oracle")
    }

    /// Sets `score` and `bestStep` from the objective's history (Keras Tuner's `score_trial`).
    open func scoreTrial(_ trial: Trial) {
        if objective.isPareto { return scoreParetoTrial(trial) }
        if objective.isMulti {
            // Sum per step, as the objective is defined on a whole report.
            var best: (Double, Int)?
            var steps = Set<Int>()
            for n in objective.requiredNames { for o in trial.metrics.histories[n]?.observations ?? [] { steps.insert(o.step) } }
            for step in steps.sorted() {
                var row: [String: Double] = [:]
                for n in objective.requiredNames {
                    row[n] = trial.metrics.histories[n]?.observations.first { $0.step == step }?.mean
                }
                guard let v = objective.value(in: row), !v.isNaN else { continue }
                if best == nil || v < best!.0 { best = (v, step) }
            }
            trial.score = best?.0 ?? (steps.isEmpty ? nil : .nan)
            trial.bestStep = best?.1 ?? 0
            return
        }
        trial.score = trial.metrics.histories[objective.name]?.bestValue
        trial.bestStep = trial.metrics.histories[objective.name]?.bestStep ?? 0
    }

    /// State a subclass keeps beyond the base (persisted with the oracle). Default: none.
    open func extraState() -> JSON { .null }
    open func restoreExtraState(_ state: JSON) throws {}

    /// Keras Tuner's `_random_values`: a fresh random configuration of the active hyperparameters,
    /// never one tried before; nil when the space is exhausted. Throws `.interrupted` when
    /// `interruptRequested` says so during a long search for one.
    public func randomValues() throws -> HPValues? {
        var collisions = 0
        while true {
            var values = HPValues()
            for hp in hyperparameters.space where hp.conditions.allSatisfy({ $0.isActive(values) }) {
                if values.contains(hp.name) { continue }
                values[hp.name] = hp.probToValue(rng.nextUnit())
            }
            if !isDuplicate(values) { return values }
            collisions += 1
            if collisions > maxCollisions { return try untriedValuesIfFinite() }
        }
    }

    /// After many duplicates: enumerate a finite space and draw among the untried configurations,
    /// so a small space is neither cut short by bad luck nor repeated. nil = exhausted. A space too
    /// large to enumerate (or continuous) is not declared exhausted after 20 duplicates: drawing
    /// simply goes on longer.
    private func untriedValuesIfFinite() throws -> HPValues? {
        let limit = 200_000
        var size = 1
        var finite = true
        for hp in hyperparameters.space {
            // The product over every hyperparameter, active or not: a bound on the walk below.
            guard let n = hp.supportCount else { finite = false; break }
            let (product, overflow) = size.multipliedReportingOverflow(by: max(n, 1))
            size = overflow ? Int.max : product
            if size > limit { break }
        }
        guard finite, size <= limit,
              let odometer = ConfigurationOdometer(space: hyperparameters.space, valueList: { $0.finiteSupport })
        else {
            return try drawLonger()
        }
        var untried: [HPValues] = []
        // Positions, not values: each value's place in its list is found once, not at every step.
        var current: ConfigurationOdometer.Position? = odometer.position(of: HPValues())
        var steps = 0
        while let c = current {
            steps += 1
            if steps % Oracle.interruptPollInterval == 0 && interruptRequested() {
                throw EngineError(.interrupted, "\(kind): interrupted while enumerating the search space for an untried configuration")
            }
            if !isDuplicate(c.values) { untried.append(c.values) }
            current = odometer.advanced(c)
        }
        guard !untried.isEmpty else { return nil }
        return untried[Int(rng.next() % UInt64(untried.count))]
    }

    /// Many more draws, for finite spaces too large to enumerate.
    private func drawLonger() throws -> HPValues? {
        for i in 1...10_000 {
            if i % Oracle.interruptPollInterval == 0 && interruptRequested() {
                throw EngineError(.interrupted, "\(kind): interrupted while drawing an untried configuration")
            }
            var values = HPValues()
            for hp in hyperparameters.space where hp.conditions.allSatisfy({ $0.isActive(values) }) {
                if values.contains(hp.name) { continue }
                values[hp.name] = hp.probToValue(rng.nextUnit())
            }
            if !isDuplicate(values) { return values }
        }
        return nil
    }

    /// Whether these values (active ones) were already given to a trial.
    public func isDuplicate(_ values: HPValues) -> Bool { triedSoFar.contains(values.configurationKey) }

    /// How many distinct configurations have been handed out.
    public var triedCount: Int { triedSoFar.count }

    // MARK: - The trial cycle

    /// Keras Tuner's `create_trial`: a retry first, else a new trial, or one whose status says the
    /// search is over (STOPPED) or to ask again (IDLE).
    public func createTrial() throws -> Trial {
        stopReason = nil
        if let id = retryQueue.popLast(), let trial = trials[id] {
            trial.status = .running
            // A re-run starts clean: old metrics would be averaged into the new ones (a NaN would
            // poison every retry).
            trial.metrics.removeAll()
            trial.score = nil
            trial.bestStep = 0
            trial.intermediateValues.removeAll()
            trial.pruneRequested = false
            pruner?.forget(trialId: id)
            return trial
        }
        let index = orderedTrials.count
        let trialId = Trial.makeId(index: index, maxTrials: maxTrials)
        let response: PopulateResponse
        if let maxTrials, orderedTrials.count >= maxTrials {
            response = .stopped(reason: nil)
        } else {
            response = try populateSpace(trialId: trialId)
        }
        let hps = hyperparameters.copy()
        switch response {
        case let .running(values):
            hps.values = values
            let trial = Trial(trialId: trialId, index: index, hyperparameters: hps, status: .running)
            recordValues(trial)
            orderedTrials.append(trial)
            trials[trialId] = trial
            return trial
        case .idle:
            return Trial(trialId: trialId, index: index, hyperparameters: hps, status: .idle)
        case let .stopped(reason):
            stopReason = reason
            return Trial(trialId: trialId, index: index, hyperparameters: hps, status: .stopped)
        }
    }

    /// Keras Tuner's `update_trial`: records metrics reported at `step`. The objective must be among them.
    @discardableResult
    public func updateTrial(_ trialId: String, metrics: [(String, Double)], step: Int = 0) throws -> Trial {
        guard let trial = trials[trialId] else { throw EngineError(.notFound, "update_trial: no trial with id '\(trialId)'") }
        let names = Set(metrics.map(\.0))
        let missing = objective.requiredNames.filter { !names.contains($0) }
        if !missing.isEmpty {
            throw EngineError(.invalidResult, "update_trial: objective value missing in the reported metrics, expected: \(missing), found: \(metrics.map(\.0))")
        }
        for (name, value) in metrics {
            trial.metrics.update(name, value, step: step, direction: objective.direction(of: name))
        }
        return trial
    }

    /// What `endTrial` decided.
    public struct EndOutcome: Sendable {
        /// The trial will run again (INVALID with retries left).
        public var willRetry: Bool
        /// Set when `max_consecutive_failed_trials` was reached: the search must stop with it.
        public var abort: EngineError?
        /// Keras Tuner's "Trial 3 failed 1 times. 2 retries left." line, when retrying.
        public var retryNotice: String?
    }

    /// Keras Tuner's `end_trial`: merges new hyperparameters, scores, turns a NaN score INVALID,
    /// schedules retries, and applies the consecutive-failure limit.
    public func endTrial(_ trial: Trial) throws -> EndOutcome {
        guard let known = trials[trial.trialId] else {
            throw EngineError(.notFound, "end_trial: no trial with id '\(trial.trialId)'")
        }
        try updateSpace(trial.hyperparameters)
        if known.status == .pruned { scorePruned(known) }
        if known.status == .completed {
            scoreTrial(known)
            if known.score == nil || known.score!.isNaN {
                known.status = .invalid
                known.message = known.score == nil
                    ? "The trial reported no value for the objective '\(objective.name)'."
                    : "The objective '\(objective.name)' is NaN."
            } else {
                known.message = nil
            }
        }
        recordValues(known)
        known.runCount += 1
        var outcome = EndOutcome(willRetry: false)
        if known.status == .invalid {
            if known.runCount > maxRetriesPerTrial {
                known.status = .failed
            } else {
                retryQueue.append(known.trialId)
                outcome.willRetry = true
                outcome.retryNotice = "Trial \(known.trialId) failed \(known.runCount) times. \(maxRetriesPerTrial - known.runCount + 1) retries left."
                return outcome
            }
        }
        endOrder.append(known.trialId)
        if known.status == .completed { considerForBest(known) }
        consecutiveFailures = known.status == .failed ? consecutiveFailures + 1 : 0
        if let limit = maxConsecutiveFailedTrials, consecutiveFailures >= limit {
            let detail = known.message.map { "\n" + $0 } ?? ""
            outcome.abort = EngineError(.searchAborted, "Number of consecutive failures exceeded the limit of \(limit).\(detail)")
        }
        return outcome
    }

    /// Keras Tuner's `update_space`: adds hyperparameters a trial declared.
    public func updateSpace(_ hps: HyperParameters) throws {
        let new = hps.space.filter { !hyperparameters.exists($0) }
        if new.isEmpty { return }
        if !allowNewEntries {
            throw EngineError.invalid("end_trial: allow_new_entries is false, but the trial declared new hyperparameters \(new.map(\.name))")
        }
        if !tuneNewEntries { return }
        try hyperparameters.merge(new, overwrite: false)
    }

    private func recordValues(_ trial: Trial) {
        trial.hyperparameters.ensureActiveValues()
        let key = trial.hyperparameters.values.configurationKey
        triedSoFar.insert(key)
        if let old = idToHash[trial.trialId], old != key { triedSoFar.remove(old) }
        idToHash[trial.trialId] = key
    }

    // MARK: - Queries

    public func getTrial(_ trialId: String) throws -> Trial {
        guard let t = trials[trialId] else { throw EngineError(.notFound, "get_trial: no trial with id '\(trialId)'") }
        return t
    }

    /// Completed trials best first (ties by creation order; in Pareto mode front by front),
    /// padded with the others as in Keras Tuner.
    public func getBestTrials(_ numTrials: Int = 1) -> [Trial] {
        if objective.isPareto { return Self.ranking(orderedTrials, objective: objective, numTrials: numTrials) }
        if numTrials == 1 {
            if let bestCompleted { return [bestCompleted] }
            return orderedTrials.first.map { [$0] } ?? []
        }
        return Self.ranking(orderedTrials, objective: objective, numTrials: numTrials)
    }

    /// The best `numTrials` of `trials` for `objective`: completed ones by score (ties by creation
    /// order) or by Pareto fronts, padded with the others as in Keras Tuner.
    static func ranking(_ trials: [Trial], objective: Objective, numTrials: Int) -> [Trial] {
        if objective.isPareto { return Array(paretoRanking(trials, objective: objective).prefix(max(0, numTrials))) }
        let completed = trials.filter { $0.status == .completed && $0.score != nil }
        let maximize = objective.direction == .max
        var sorted = completed.sorted { a, b in
            if a.score! != b.score! { return maximize ? a.score! > b.score! : a.score! < b.score! }
            return a.index < b.index
        }
        if sorted.count < numTrials {
            sorted += trials.filter { !($0.status == .completed && $0.score != nil) }
        }
        return Array(sorted.prefix(max(0, numTrials)))
    }

    private func considerForBest(_ trial: Trial) {
        guard let score = trial.score, !score.isNaN else { return }
        if let best = bestCompleted, let b = best.score {
            let better = objective.direction == .max ? score > b : score < b
            if better || (score == b && trial.index < best.index) { bestCompleted = trial }
        } else {
            bestCompleted = trial
        }
    }

    /// Stored trials keep their metrics, not their Pareto values: those are derived again.
    private func restoreObjectiveValues(_ trial: Trial) {
        if objective.isPareto { trial.objectiveValues = objective.paretoValues(of: trial.metrics)?.values }
    }

    /// `max_trials` minus the trials created so far; nil when unlimited.
    public var remainingTrials: Int? { maxTrials.map { $0 - orderedTrials.count } }

    /// A copy of the search space.
    public func getSpace() -> HyperParameters { hyperparameters.copy() }

    // MARK: - State

    /// The oracle's own state (not the trials, which are stored one by one): small, so it can be
    /// written with every change.
    public func getState() -> JSON {
        .object([
            ("kind", .string(kind)),
            ("seed", .int(Int64(bitPattern: seed))),
            ("rng", rng.json),
            ("hyperparameters", hyperparameters.spaceJSON),
            ("extra", extraState()),
            ("pruner", prunerState),
        ])
    }

    private var cachedSpace: (ObjectIdentifier, Int, String)?

    /// `getState()` as JSON text, re-encoding the space only when it changed (this is written with
    /// every trial start, so it must stay cheap).
    public func stateText() -> String {
        let id = ObjectIdentifier(hyperparameters)
        let space: String
        if let c = cachedSpace, c.0 == id, c.1 == hyperparameters.spaceVersion {
            space = c.2
        } else {
            space = hyperparameters.spaceJSON.encoded
            cachedSpace = (id, hyperparameters.spaceVersion, space)
        }
        var out = "{\"kind\":"
        JSON.quote(kind, into: &out)
        out += ",\"seed\":"
        out += String(Int64(bitPattern: seed))
        let r = rng.state
        out += ",\"rng\":["
        out += String(Int64(bitPattern: r.0))
        out += ","
        out += String(Int64(bitPattern: r.1))
        out += ","
        out += String(Int64(bitPattern: r.2))
        out += ","
        out += String(Int64(bitPattern: r.3))
        out += "],\"hyperparameters\":"
        out += space
        out += ",\"extra\":"
        extraState().encode(into: &out)
        out += ",\"pruner\":"
        prunerState.encode(into: &out)
        out += "}"
        return out
    }

    /// Restores state written by `getState` (the seed stream continues where it stopped).
    public func setState(_ state: JSON) throws {
        if let k = state["kind"]?.stringValue, k != kind {
            throw EngineError(.incompatibleProject, "set_state: the state belongs to a \(k) oracle, not \(kind)")
        }
        guard let g = state["rng"].flatMap(SeededGenerator.init(json:)) else {
            throw EngineError(.corruptData, "set_state: the stored oracle state has no random generator state")
        }
        rng = g
        if let s = state["seed"]?.intValue { seed = UInt64(bitPattern: s) }
        let space = HyperParameters()
        try space.merge(try (state["hyperparameters"]?.arrayValue ?? []).map(HyperParameter.init(json:)), overwrite: false)
        space.values = HPValues()
        space.ensureActiveValues()
        hyperparameters = space
        try restoreExtraState(state["extra"] ?? .null)
        try restorePruner(state["pruner"] ?? .null)
    }

    /// Puts stored trials back (creation order). Trials that were RUNNING (the process died or was
    /// interrupted) and INVALID ones with retries left are queued to run again with the same values;
    /// `rerun`, when given, says which RUNNING ones (a shared store: not those whose process lives).
    public func restore(trials stored: [Trial], endOrder: [String], rerun: ((Trial) -> Bool)? = nil) {
        orderedTrials = stored.sorted { $0.index < $1.index }
        trials = Dictionary(uniqueKeysWithValues: orderedTrials.map { ($0.trialId, $0) })
        triedSoFar = []
        idToHash = [:]
        for t in orderedTrials {
            let key = t.hyperparameters.values.configurationKey
            triedSoFar.insert(key)
            idToHash[t.trialId] = key
        }
        self.endOrder = endOrder.filter { trials[$0] != nil }
        bestCompleted = nil
        for t in orderedTrials where t.status == .completed { restoreObjectiveValues(t); considerForBest(t) }
        consecutiveFailures = 0
        for id in self.endOrder { consecutiveFailures = trials[id]!.status == .failed ? consecutiveFailures + 1 : 0 }
        // popLast takes from the end: the lowest index reruns first.
        retryQueue = orderedTrials.filter { $0.status == .invalid || ($0.status == .running && rerun?($0) ?? true) }
            .map(\.trialId).reversed()
    }

    /// Takes in trials that other processes sharing the project created or changed (a shared
    /// store's refresh), in O(changed) rather than `restore`'s O(all): `changed` are already
    /// updated in place or new (`trials` does not know them yet); `newlyEnded` ended after every end
    /// known here, in their order; RUNNING trials in `rerun` (their process stopped) and INVALID
    /// ones are queued to run again, others' RUNNING ones are not.
    public func absorb(changed: [Trial], newlyEnded: [String], rerun: Set<String>) {
        var added = false
        for t in changed {
            if trials[t.trialId] == nil {
                trials[t.trialId] = t
                orderedTrials.append(t)
                added = true
            }
            let key = t.hyperparameters.values.configurationKey
            if let old = idToHash[t.trialId], old != key { triedSoFar.remove(old) }
            triedSoFar.insert(key)
            idToHash[t.trialId] = key
            if t.status == .completed { restoreObjectiveValues(t); considerForBest(t) }
        }
        if added { orderedTrials.sort { $0.index < $1.index } }
        for id in newlyEnded where trials[id] != nil {
            endOrder.append(id)
            consecutiveFailures = trials[id]!.status == .failed ? consecutiveFailures + 1 : 0
        }
        retryQueue = orderedTrials.filter { $0.status == .invalid || ($0.status == .running && rerun.contains($0.trialId)) }
            .map(\.trialId).reversed()
    }

    /// Marks a running trial to be run again later (Ctrl-C), without counting a run.
    public func requeue(_ trial: Trial) {
        trial.status = .running
        if !retryQueue.contains(trial.trialId) { retryQueue.append(trial.trialId) }
    }
}
