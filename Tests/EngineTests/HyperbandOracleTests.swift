import Foundation
import Testing
@testable import Engine

/// Keras Tuner's Hyperband schedule, its bookkeeping values, and what tunelua fixes in it.
struct HyperbandOracleTests {
    typealias Helpers = BayesianOptimizationOracleTests

    static func space() throws -> HyperParameters {
        let hps = HyperParameters()
        try hps.int("units", minValue: 32, maxValue: 512, step: 32)
        try hps.float("rate", minValue: 1e-4, maxValue: 1e-1, sampling: "log")
        return hps
    }

    static func int(_ values: HPValues, _ name: String) -> Int? {
        if case .int(let v)? = values[name] { return Int(v) }
        return nil
    }

    /// max_epochs 10, factor 3 (the tutorial's): brackets 2, 1, 0 of 12+4+2, 6+2 and 4 trials.
    @Test func tutorialScheduleHasKerasTunersThirtyTrials() throws {
        let oracle = try HyperbandOracle(objective: Objective("score", .max), maxEpochs: 10, factor: 3, seed: 1,
                                         hyperparameters: Self.space())
        #expect(oracle.bracketCount == 3)
        #expect([0, 1, 2].map { oracle.size(bracket: 2, round: $0) } == [12, 4, 2])
        #expect([0, 1, 2].map { oracle.epochs(bracket: 2, round: $0) } == [2, 4, 10])
        let runs = try Helpers.drive(oracle) { hp in Double(try hp.get("units").numeric!) }
        #expect(runs.count == 30)
        let schedule = runs.map { (Self.int($0.values, "tuner/bracket")!, Self.int($0.values, "tuner/round")!,
                                   Self.int($0.values, "tuner/initial_epoch")!, Self.int($0.values, "tuner/epochs")!) }
        func count(_ b: Int, _ r: Int, _ from: Int, _ to: Int) -> Int { schedule.filter { $0 == (b, r, from, to) }.count }
        #expect(count(2, 0, 0, 2) == 12 && count(2, 1, 2, 4) == 4 && count(2, 2, 4, 10) == 2)
        #expect(count(1, 0, 0, 4) == 6 && count(1, 1, 4, 10) == 2)
        #expect(count(0, 0, 0, 10) == 4)
    }

    @Test func promotionsContinueTheBestTrialsOfTheRoundBefore() throws {
        let oracle = try HyperbandOracle(objective: Objective("score", .max), maxEpochs: 9, factor: 3, seed: 4,
                                         hyperparameters: Self.space())
        let runs = try Helpers.drive(oracle) { hp in Double(try hp.get("units").numeric!) }
        let firstRound = runs.prefix { Self.int($0.values, "tuner/round") == 0 }
        let promoted = runs.dropFirst(firstRound.count).prefix { Self.int($0.values, "tuner/round") == 1 }
        #expect(!promoted.isEmpty)
        let expected = firstRound.map(\.score).sorted(by: >).prefix(promoted.count)
        #expect(promoted.map(\.score) == Array(expected))
        for run in promoted {
            guard case .string(let parentId)? = run.values["tuner/trial_id"] else {
                Issue.record("a promoted trial names the trial it continues")
                continue
            }
            let parent = try oracle.getTrial(parentId)
            #expect(parent.hyperparameters.values["units"] == run.values["units"])
            #expect(parent.hyperparameters.values["rate"] == run.values["rate"])
        }
    }

    /// Keras Tuner never counts a failed trial as finished: when more trials of a round fail than
    /// the next round drops, its bracket stalls for good. Here failures are passed over and the
    /// survivors go on to the last round.
    @Test func failedTrialsDoNotStallTheirBracket() throws {
        let oracle = try HyperbandOracle(objective: Objective("score", .max), maxEpochs: 10, factor: 3, seed: 2,
                                         hyperparameters: Self.space(), maxConsecutiveFailedTrials: nil)
        var roundZero = 0
        var reached: [(bracket: Int, round: Int)] = []
        for _ in 0..<200 {
            let trial = try oracle.createTrial()
            if trial.status == .stopped { break }
            let values = trial.hyperparameters.values
            let round = Self.int(values, "tuner/round")!
            reached.append((Self.int(values, "tuner/bracket")!, round))
            if round == 0 { roundZero += 1 }
            if round == 0 && roundZero % 4 != 0 {
                trial.status = .failed   // three of every four first-round trials fail
            } else {
                try oracle.updateTrial(trial.trialId, metrics: [("score", Double(try trial.hyperparameters.get("units").numeric!))])
                trial.status = .completed
            }
            _ = try oracle.endTrial(trial)
        }
        #expect(reached.contains { $0 == (2, 2) }, "bracket 2 reaches its last round")
        #expect(reached.contains { $0 == (0, 0) }, "and the search goes on to the last bracket")
    }

    @Test func resumedOracleContinuesTheSameSchedule() throws {
        let objective: (HyperParameters) throws -> Double = { hp in Double(try hp.get("units").numeric!) }
        let original = try HyperbandOracle(objective: Objective("score", .max), maxEpochs: 9, seed: 8, hyperparameters: Self.space())
        try Helpers.drive(original, limit: 11, objective)
        let resumed = try HyperbandOracle(objective: Objective("score", .max), maxEpochs: 9, seed: 8, hyperparameters: Self.space())
        try Helpers.resume(resumed, from: original)
        for _ in 0..<6 {
            let a = try original.createTrial(), b = try resumed.createTrial()
            #expect(a.hyperparameters.values == b.hyperparameters.values)
            for (oracle, trial) in [(original, a), (resumed, b)] {
                try oracle.updateTrial(trial.trialId, metrics: [("score", try objective(trial.hyperparameters))])
                trial.status = .completed
                _ = try oracle.endTrial(trial)
            }
        }
    }

    @Test func invalidArgumentsAreClearErrors() {
        #expect(throws: EngineError.self) { try HyperbandOracle(maxEpochs: 0) }
        #expect(throws: EngineError.self) { try HyperbandOracle(factor: 1) }
        #expect(throws: EngineError.self) { try HyperbandOracle(hyperbandIterations: 0) }
    }
}
