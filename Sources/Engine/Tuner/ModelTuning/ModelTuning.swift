/// Keras Tuner's `Tuner` for a hypermodel: how a trial builds, trains, checkpoints and scores a
/// model. The tuner's settings live here; the hypermodel (which carries the search's arguments)
/// is passed per call.
public struct ModelTuning: Sendable {
    /// `executions_per_trial`: models trained per trial; their results are averaged.
    public var executionsPerTrial: Int
    /// `max_model_size`: a model with more trainable parameters fails its trial.
    public var maxModelSize: Int?
    /// Whether the tuner was given `optimizer`, `loss` or `metrics` to compile every model with.
    public var overridesCompile: Bool

    /// One execution, no size limit, the models' own compile arguments.
    public static let standard = ModelTuning(checked: 1, maxModelSize: nil, overridesCompile: false)

    private init(checked executionsPerTrial: Int, maxModelSize: Int?, overridesCompile: Bool) {
        self.executionsPerTrial = executionsPerTrial
        self.maxModelSize = maxModelSize
        self.overridesCompile = overridesCompile
    }

    public init(executionsPerTrial: Int = 1, maxModelSize: Int? = nil, overridesCompile: Bool = false) throws {
        guard executionsPerTrial >= 1 else {
            throw EngineError.invalid("Tuner: executions_per_trial must be >= 1, got \(executionsPerTrial)")
        }
        if let maxModelSize, maxModelSize < 1 {
            throw EngineError.invalid("Tuner: max_model_size must be a positive integer, got \(maxModelSize)")
        }
        self.init(checked: executionsPerTrial, maxModelSize: maxModelSize, overridesCompile: overridesCompile)
    }

    // MARK: - Building

    /// Keras Tuner's `_try_build`: build, apply the tuner's compile arguments, refuse an oversized
    /// model (the trial fails without retry: the same values would build the same model).
    public func build(_ hp: HyperParameters, with hypermodel: any Hypermodel) throws -> any TunableModel {
        let model = try hypermodel.build(hp)
        if overridesCompile { try hypermodel.overrideCompile(model) }
        if let maxModelSize, let size = model.trainableParameterCount, size > maxModelSize {
            throw FailedTrialError("Oversized model: \(size) parameters. Skip model.")
        }
        return model
    }

    // MARK: - One trial

    /// Keras Tuner's `Tuner.run_trial`: per execution, build (a Hyperband trial that continues
    /// another starts from that trial's best weights), fit with the planned epochs, and keep the
    /// best epoch over all executions as the trial's checkpoint. Returns the executions' results
    /// for the oracle to score (a list is averaged per metric).
    public func runTrial(_ trial: Trial, tuner: Tuner, hypermodel: any Hypermodel,
                         hooks: (any TrialRunner)? = nil) throws -> TrialResult {
        let hp = trial.hyperparameters
        let plan = Self.plan(for: hp)
        let parent = hp.values["tuner/trial_id"]?.stringValue
        let checkpoint = BestEpochCheckpoint(objective: tuner.oracle.objective, trialId: trial.trialId, store: tuner.store)
        let observer = TrialFitObserver(trial: trial, tuner: tuner, checkpoint: checkpoint, hooks: hooks)
        var results: [TrialResult] = []
        for _ in 0..<executionsPerTrial {
            let model = try build(hp, with: hypermodel)
            if let parent { try loadBestWeights(of: try tuner.oracle.getTrial(parent), into: model, store: tuner.store) }
            results.append(try hypermodel.fit(hp, model: model, plan: plan, observer: observer))
            // A pruned trial trains no further execution.
            if trial.pruneRequested { break }
        }
        return results.count == 1 ? results[0] : .list(results)
    }

    /// Hyperband's `run_trial`: a trial of a later round trains from `tuner/initial_epoch` to
    /// `tuner/epochs`.
    static func plan(for hp: HyperParameters) -> FitPlan {
        FitPlan(epochs: hp.values["tuner/epochs"]?.intValue, initialEpoch: hp.values["tuner/initial_epoch"]?.intValue)
    }

    // MARK: - Models of finished trials

    /// Keras Tuner's `load_model(trial)`: the trial's model, rebuilt, with its best weights.
    public func loadModel(_ trial: Trial, tuner: Tuner, hypermodel: any Hypermodel) throws -> any TunableModel {
        let model = try build(trial.hyperparameters, with: hypermodel)
        try loadBestWeights(of: trial, into: model, store: tuner.store)
        return model
    }

    /// The weights saved at the trial's `best_step`, else its most recent checkpoint (the best
    /// epoch over all executions, whose step the averaged `best_step` need not equal).
    func loadBestWeights(of trial: Trial, into model: any TunableModel, store: any ProjectStore) throws {
        guard let data = try store.loadCheckpoint(trialId: trial.trialId, step: trial.bestStep)
                ?? store.loadCheckpoint(trialId: trial.trialId, step: nil) else {
            throw EngineError(.notFound, "load_model: trial \(trial.trialId) has no saved weights (it did not finish an epoch)")
        }
        try model.loadWeights(data, origin: "trial \(trial.trialId)'s checkpoint")
    }
}

/// The checkpoint of a trial's best epoch, shared by its executions (Keras Tuner's `SaveBestEpoch`
/// with one instance per trial), so the weights kept are the best over all of them.
final class BestEpochCheckpoint {
    let objective: Objective
    let trialId: String
    let store: any ProjectStore
    private(set) var best: Double?

    init(objective: Objective, trialId: String, store: any ProjectStore) {
        self.objective = objective
        self.trialId = trialId
        self.store = store
    }

    func epochEnded(_ epoch: Int, model: any TunableModel, logs: [String: Double]) throws {
        guard let value = objective.value(in: logs), !value.isNaN else { return }
        if let best, !objective.betterThan(value, best) { return }
        best = value
        try store.saveCheckpoint(trialId: trialId, step: epoch, data: try model.weightsData(), replacingOthers: true)
    }
}

/// Relays training progress to the checkpoint and to the user's tuner hooks
/// (`on_epoch_end(trial, model, epoch, logs)`, …).
final class TrialFitObserver: FitObserver {
    let trial: Trial
    let tuner: Tuner
    let checkpoint: BestEpochCheckpoint
    let hooks: (any TrialRunner)?

    init(trial: Trial, tuner: Tuner, checkpoint: BestEpochCheckpoint, hooks: (any TrialRunner)?) {
        self.trial = trial
        self.tuner = tuner
        self.checkpoint = checkpoint
        self.hooks = hooks
    }

    var observesBatches: Bool { hooks?.observesBatches ?? false }

    func epochBegan(_ epoch: Int, model: any TunableModel, logs: [String: Double]) throws {
        try hooks?.onEpochBegin(trial, model: model, epoch: epoch, logs: logs, tuner: tuner)
    }

    func epochEnded(_ epoch: Int, model: any TunableModel, logs: [String: Double]) throws {
        try checkpoint.epochEnded(epoch, model: model, logs: logs)
        // Keras Tuner's `oracle.update_trial(trial_id, logs, step=epoch)`: the epoch's logs are
        // intermediate values, and a pruned trial stops at the end of this epoch.
        if trial.status == .running, tuner.oracle.locked({ tuner.oracle.trials[trial.trialId] === trial }) {
            try tuner.report(trial, step: epoch, metrics: logs.sorted { $0.key < $1.key })
            if tuner.shouldPrune(trial) { model.stopTraining() }
        }
        try hooks?.onEpochEnd(trial, model: model, epoch: epoch, logs: logs, tuner: tuner)
    }

    func batchBegan(_ batch: Int, model: any TunableModel, logs: [String: Double]) throws {
        try hooks?.onBatchBegin(trial, model: model, batch: batch, logs: logs, tuner: tuner)
    }

    func batchEnded(_ batch: Int, model: any TunableModel, logs: [String: Double]) throws {
        try hooks?.onBatchEnd(trial, model: model, batch: batch, logs: logs, tuner: tuner)
    }
}

private extension HPValue {
    var intValue: Int? {
        if case let .int(i) = self { return Int(i) }
        return nil
    }
    var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }
}
