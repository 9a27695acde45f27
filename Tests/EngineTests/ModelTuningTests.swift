import Testing
@testable import Engine

/// A model whose "weights" are one number, so a test can see which epoch's were kept.
final class ScalarModel: TunableModel {
    var weight: Double = 0
    let parameters: Int?
    init(parameters: Int? = 10) { self.parameters = parameters }
    var trainableParameterCount: Int? { parameters }
    private(set) var stopped = false
    func stopTraining() { stopped = true }
    func weightsData() throws -> [UInt8] { withUnsafeBytes(of: weight.bitPattern) { Array($0) } }
    func loadWeights(_ data: [UInt8], origin: String) throws {
        guard data.count == 8 else { throw TestError("bad weights from \(origin)") }
        weight = Double(bitPattern: data.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
    }
}

/// A hypermodel written in Swift: each fit "trains" through a scripted series of validation
/// losses (one list per execution), setting the weight to the epoch's loss.
final class ScriptedHypermodel: Hypermodel {
    var losses: [[Double]]
    var parameters: Int? = 10
    private(set) var builds = 0
    private(set) var recompiled = 0
    private(set) var fits: [(plan: FitPlan, startWeight: Double)] = []
    var declare: (HyperParameters) throws -> Void = { _ in }
    var buildSpace: (HyperParameters) throws -> Void = { _ in }

    init(losses: [[Double]] = [[3, 1, 2]]) { self.losses = losses }

    func declareHyperparameters(_ hp: HyperParameters) throws { try declare(hp) }
    func build(_ hp: HyperParameters) throws -> any TunableModel {
        builds += 1
        try buildSpace(hp)
        return ScalarModel(parameters: parameters)
    }
    func overrideCompile(_ model: any TunableModel) throws { recompiled += 1 }
    func fit(_ hp: HyperParameters, model: any TunableModel, plan: FitPlan, observer: any FitObserver) throws -> TrialResult {
        let model = model as! ScalarModel
        fits.append((plan, model.weight))
        let series = losses[(fits.count - 1) % losses.count]
        let first = plan.initialEpoch ?? 0
        for (i, loss) in series.enumerated() {
            model.weight = loss
            try observer.epochEnded(first + i, model: model, logs: ["val_loss": loss])
            if model.stopped { return .history([("val_loss", Array(series[...i]))]) }
        }
        return .history([("val_loss", series)])
    }
}

struct ModelTuningTests {
    let dir = TempDirectory()

    func tuner(_ oracle: Oracle? = nil, name: String = "p") throws -> Tuner {
        try Tuner(oracle: oracle ?? RandomSearchOracle(objective: try Objective("val_loss", direction: "min"), maxTrials: 5, seed: 1),
                  directory: dir.path, projectName: name, verbose: 0, output: { _ in })
    }

    func trial(_ tuner: Tuner) throws -> Trial { try tuner.oracle.createTrial() }

    @Test func everyExecutionBuildsAndFitsAndResultsAreAveraged() throws {
        let tuner = try tuner()
        tuner.modelTuning = try ModelTuning(executionsPerTrial: 3)
        let hypermodel = ScriptedHypermodel(losses: [[3, 1], [2, 2], [4, 0.5]])
        let result = try tuner.modelTuning.runTrial(try trial(tuner), tuner: tuner, hypermodel: hypermodel)
        #expect(hypermodel.builds == 3 && hypermodel.fits.count == 3)
        let (metrics, step) = try result.metricsAndStep(objective: tuner.oracle.objective)
        // best per execution: 1 (epoch 1), 2 (epoch 0), 0.5 (epoch 1); the step is their truncated mean
        let mean: Double = (1 + 2 + 0.5) / 3
        #expect(metrics.map(\.1) == [mean])
        #expect(step == 0)
    }

    /// Keras Tuner shares one SaveBestEpoch among a trial's executions: the checkpoint is the best
    /// epoch of all of them, not the last execution's best.
    @Test func checkpointIsTheBestEpochOverAllExecutions() throws {
        let tuner = try tuner()
        tuner.modelTuning = try ModelTuning(executionsPerTrial: 2)
        let hypermodel = ScriptedHypermodel(losses: [[3, 0.25, 2], [5, 4]])
        let trial = try trial(tuner)
        _ = try tuner.modelTuning.runTrial(trial, tuner: tuner, hypermodel: hypermodel)
        let model = try tuner.modelTuning.loadModel(trial, tuner: tuner, hypermodel: hypermodel) as! ScalarModel
        #expect(model.weight == 0.25)
        // a new best replaces the previous checkpoint: only epoch 1's is kept
        #expect(try tuner.store.loadCheckpoint(trialId: trial.trialId, step: 0) == nil)
        #expect(try tuner.store.loadCheckpoint(trialId: trial.trialId, step: 1) != nil)
    }

    @Test func loadModelReadsTheWeightsSavedAtBestStep() throws {
        let tuner = try tuner()
        let trial = try trial(tuner)
        for (step, weight) in [(0, 7.0), (1, 8.0), (2, 9.0)] {
            let m = ScalarModel()
            m.weight = weight
            try tuner.saveModel(trialId: trial.trialId, model: m, step: step)
        }
        trial.bestStep = 1
        let loaded = try tuner.modelTuning.loadModel(trial, tuner: tuner, hypermodel: ScriptedHypermodel()) as! ScalarModel
        #expect(loaded.weight == 8)
        #expect(throws: EngineError.self) { try tuner.saveModel(trialId: "missing", model: ScalarModel(), step: 0) }
    }

    @Test func oversizedModelFailsTheTrialWithKerasTunersMessage() throws {
        let tuner = try tuner()
        tuner.modelTuning = try ModelTuning(maxModelSize: 100)
        let hypermodel = ScriptedHypermodel()
        hypermodel.parameters = 101
        #expect {
            try tuner.modelTuning.runTrial(try trial(tuner), tuner: tuner, hypermodel: hypermodel)
        } throws: { ($0 as? FailedTrialError)?.message == "Oversized model: 101 parameters. Skip model." }
        #expect(hypermodel.fits.isEmpty)
        hypermodel.parameters = nil   // not built yet: nothing to measure, as in Keras Tuner
        _ = try tuner.modelTuning.runTrial(try trial(tuner), tuner: tuner, hypermodel: hypermodel)
        #expect(hypermodel.fits.count == 1)
    }

    @Test func compileOverridesApplyToEveryBuildOnlyWhenGiven() throws {
        let tuner = try tuner()
        let hypermodel = ScriptedHypermodel()
        _ = try tuner.modelTuning.runTrial(try trial(tuner), tuner: tuner, hypermodel: hypermodel)
        #expect(hypermodel.recompiled == 0)
        tuner.modelTuning = try ModelTuning(executionsPerTrial: 2, overridesCompile: true)
        _ = try tuner.modelTuning.runTrial(try trial(tuner), tuner: tuner, hypermodel: hypermodel)
        #expect(hypermodel.recompiled == 2)
    }

    /// Hyperband's later rounds: the trial trains from `tuner/initial_epoch` to `tuner/epochs`,
    /// starting from its parent's best weights.
    @Test func continuedTrialStartsFromItsParentsBestWeights() throws {
        let space = HyperParameters()
        try space.int("units", minValue: 1, maxValue: 1000)
        let oracle = try HyperbandOracle(objective: try Objective("val_loss", direction: "min"), maxEpochs: 9, factor: 3, seed: 4,
                                         hyperparameters: space)
        let tuner = try tuner(oracle, name: "hb")
        let hypermodel = ScriptedHypermodel(losses: [[0.9, 0.5, 0.7]])
        var continued: Trial?
        for _ in 0..<40 {
            let trial = try tuner.oracle.createTrial()
            guard trial.status == .running else { break }
            let result = try tuner.modelTuning.runTrial(trial, tuner: tuner, hypermodel: hypermodel)
            let (metrics, step) = try result.metricsAndStep(objective: oracle.objective)
            try oracle.updateTrial(trial.trialId, metrics: metrics, step: step)
            trial.status = .completed
            _ = try oracle.endTrial(trial)
            if trial.hyperparameters.values["tuner/trial_id"] != nil { continued = trial; break }
        }
        let trial = try #require(continued)
        let fit = try #require(hypermodel.fits.last)
        guard case .int(let epochs)? = trial.hyperparameters.values["tuner/epochs"],
              case .int(let initial)? = trial.hyperparameters.values["tuner/initial_epoch"] else {
            Issue.record("a continued trial carries its epoch range")
            return
        }
        #expect(fit.plan == FitPlan(epochs: Int(epochs), initialEpoch: Int(initial)))
        #expect(fit.startWeight == 0.5, "the parent's best epoch's weights")
    }

    // MARK: - The initial space

    @Test func initialSpaceDeclaresThenExploresEveryConditionalBranch() throws {
        let tuner = try tuner()
        let hypermodel = ScriptedHypermodel()
        hypermodel.declare = { hp in try hp.float("dropout", minValue: 0, maxValue: 0.5) }
        hypermodel.buildSpace = { hp in
            try hp.choice("kind", values: [.string("a"), .string("b"), .string("c")])
            try hp.conditionalScope("kind", [.string("a")]) { try hp.int("a_units", minValue: 1, maxValue: 4) }
            try hp.conditionalScope("kind", [.string("b")]) {
                try hp.boolean("b_flag")
                try hp.conditionalScope("b_flag", [.bool(true)]) { try hp.float("b_scale", minValue: 0, maxValue: 1) }
            }
            try hp.conditionalScope("kind", [.string("c")]) { try hp.int("c_layers", minValue: 1, maxValue: 3) }
        }
        #expect(tuner.populateInitialSpace(hypermodel))
        #expect(tuner.oracle.hyperparameters.space.map(\.name) == ["dropout", "kind", "a_units", "b_flag", "b_scale", "c_layers"])
        // one build per branch that needed activating: a (default), b, b_flag=true, c
        #expect(hypermodel.builds == 4)
    }

    /// A scope no value can activate (its parent value is outside the parent's choices) ends the
    /// exploration; Keras Tuner would build forever.
    @Test func unreachableScopeDoesNotLoopForever() throws {
        let tuner = try tuner()
        let hypermodel = ScriptedHypermodel()
        hypermodel.buildSpace = { hp in
            try hp.choice("kind", values: [.string("a"), .string("b")])
            try hp.conditionalScope("kind", [.string("z")]) { try hp.int("never", minValue: 1, maxValue: 2) }
        }
        #expect(tuner.populateInitialSpace(hypermodel))
        #expect(hypermodel.builds <= 3)
    }

    @Test func failingBuildLeavesTheSpaceForTheFirstTrial() throws {
        let tuner = try tuner()
        let hypermodel = ScriptedHypermodel()
        hypermodel.buildSpace = { hp in
            try hp.int("units", minValue: 1, maxValue: 4)
            throw TestError("needs data set up later")
        }
        #expect(!tuner.populateInitialSpace(hypermodel))
        #expect(tuner.oracle.hyperparameters.space.isEmpty)
    }
}

/// Keras training under a pruner: every epoch's logs are intermediate values, committed at once,
/// and a pruned trial stops at the end of the epoch with no further execution.
struct ModelTuningPruningTests {
    let dir = TempDirectory()

    @Test func aPrunedTrialStopsAtTheEndOfItsEpochAndRunsNoMoreExecutions() throws {
        let oracle = try RandomSearchOracle(objective: try Objective("val_loss", direction: "min"), maxTrials: 1, seed: 1)
        oracle.pruner = try ThresholdPruner(upper: 2.5)
        let tuner = try Tuner(oracle: oracle, directory: dir.path, projectName: "p", verbose: 0, output: { _ in })
        tuner.modelTuning = try ModelTuning(executionsPerTrial: 2)
        let hypermodel = ScriptedHypermodel(losses: [[2, 2.4, 3, 1, 1]])
        let runner = ClosureTrialRunner { trial in try tuner.modelTuning.runTrial(trial, tuner: tuner, hypermodel: hypermodel) }
        try tuner.search(runner)
        let trial = oracle.orderedTrials[0]
        #expect(trial.status == .pruned)
        #expect(hypermodel.fits.count == 1)  // the second execution never starts
        #expect(trial.intermediateValues.history("val_loss").map(\.value) == [2, 2.4, 3])  // stopped after epoch 2
        #expect(trial.bestStep == 2)
        tuner.close()
        // stored as it happened
        let reopened = try Tuner(oracle: try RandomSearchOracle(objective: try Objective("val_loss", direction: "min"), maxTrials: 1, seed: 1),
                                 directory: dir.path, projectName: "p", verbose: 0, output: { _ in })
        let stored = reopened.oracle.orderedTrials[0]
        #expect(stored.status == .pruned)
        #expect(stored.intermediateValues.history("val_loss").map(\.value) == [2, 2.4, 3])
    }

    @Test func withoutAPrunerEveryEpochIsStillAnIntermediateValue() throws {
        let oracle = try RandomSearchOracle(objective: try Objective("val_loss", direction: "min"), maxTrials: 1, seed: 1)
        let tuner = try Tuner(oracle: oracle, directory: dir.path, projectName: "q", verbose: 0, output: { _ in })
        let hypermodel = ScriptedHypermodel(losses: [[3, 1, 2]])
        try tuner.search(ClosureTrialRunner { trial in try tuner.modelTuning.runTrial(trial, tuner: tuner, hypermodel: hypermodel) })
        let trial = oracle.orderedTrials[0]
        #expect(trial.status == .completed)
        #expect(trial.intermediateValues.history("val_loss").map(\.step) == [0, 1, 2])
        #expect(trial.score == 1)  // trial.metrics still scores by the best epoch, as Keras Tuner
    }
}
