import Testing
@testable import Engine

/// Oracles driven directly (no tuner, no storage): the trial cycle by hand.
struct OracleTests {
    /// Runs `oracle` to the end with `declare` as run_trial, returning the values of each run.
    private func drive(_ oracle: Oracle, limit: Int = 1000,
                       _ declare: (HyperParameters) throws -> Double) throws -> [HPValues] {
        var runs: [HPValues] = []
        for _ in 0..<limit {
            let trial = try oracle.createTrial()
            if trial.status == .stopped { break }
            let y = try declare(trial.hyperparameters)
            runs.append(trial.hyperparameters.values)
            try oracle.updateTrial(trial.trialId, metrics: [(oracle.objective.name, y)])
            trial.status = .completed
            _ = try oracle.endTrial(trial)
        }
        return runs
    }

    @Test func twoBooleansWithFifteenMaxTrialsRunExactlyFour() throws {
        for seed in 0..<20 {
            let oracle = try RandomSearchOracle(maxTrials: 15, seed: seed)
            let runs = try drive(oracle) { hp in
                try hp.boolean("a"); try hp.boolean("b"); return 1
            }
            #expect(runs.count == 4)
            #expect(Set(runs.map(\.configurationKey)).count == 4)
            #expect(oracle.stopReason?.contains("exhausted") == true)
        }
    }

    @Test func sameSeedGivesSameTrials() throws {
        func run(_ seed: Int) throws -> [HPValues] {
            try drive(try RandomSearchOracle(maxTrials: 20, seed: seed)) { hp in
                let x = try hp.float("x", minValue: -2, maxValue: 2)!.numeric!
                try hp.int("n", minValue: 1, maxValue: 100, sampling: "log")
                return x * x
            }
        }
        #expect(try run(0) == run(0))
        #expect(try run(0) != run(1))
        #expect(try run(0).count == 20)
    }

    @Test func newEntriesFollowAllowAndTuneFlags() throws {
        let space = HyperParameters()
        try space.float("x", minValue: 0, maxValue: 1)
        let strict = try RandomSearchOracle(maxTrials: 3, hyperparameters: space, allowNewEntries: false, seed: 1)
        #expect(throws: EngineError.self) {
            _ = try drive(strict) { hp in try hp.boolean("surprise"); return 0 }
        }
        let untuned = try RandomSearchOracle(maxTrials: 5, hyperparameters: space, tuneNewEntries: false, seed: 1)
        let runs = try drive(untuned) { hp in try hp.int("n", minValue: 1, maxValue: 9); return 0 }
        #expect(runs.allSatisfy { $0["n"] == .int(1) })
        #expect(throws: EngineError.self) { _ = try RandomSearchOracle(tuneNewEntries: false) }
        #expect(throws: EngineError.self) { _ = try RandomSearchOracle(maxTrials: 0) }
    }

    @Test func seedZeroIsARealSeed() throws {
        let a = try RandomSearchOracle(seed: 0)
        let b = try RandomSearchOracle(seed: 0)
        #expect(a.seed == 0 && a.rng == b.rng)
        #expect(a.rng != (try RandomSearchOracle(seed: 1)).rng)
    }

    @Test func trialIdsArePaddedToTheWidthOfMaxTrials() {
        #expect(Trial.makeId(index: 3, maxTrials: 50) == "03")
        #expect(Trial.makeId(index: 3, maxTrials: 100) == "003")
        #expect(Trial.makeId(index: 3, maxTrials: nil) == "0003")
        #expect(Trial.makeId(index: 12, maxTrials: 9) == "12")
    }

    @Test func smallRandomSpacesRunEveryConfigurationOnce() throws {
        for seed in 0..<10 {
            let oracle = try RandomSearchOracle(maxTrials: 100, seed: seed)
            let runs = try drive(oracle) { hp in
                try hp.choice("a", values: [.int(1), .int(2), .int(3)])
                try hp.int("b", minValue: 1, maxValue: 4)
                let c = try hp.boolean("c")
                try hp.conditionalScope("c", [.bool(true)]) { try hp.choice("d", values: [.string("x"), .string("y")]) }
                _ = c
                return 0
            }
            // 3 × 4 × (1 + 2) = 36 configurations.
            #expect(runs.count == 36)
            #expect(Set(runs.map(\.configurationKey)).count == 36)
        }
    }
}
