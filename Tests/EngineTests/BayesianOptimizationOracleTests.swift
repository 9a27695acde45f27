import Foundation
import Testing
@testable import Engine

/// Keras Tuner's BayesianOptimization behaviours, and the defects it has that tunelua fixes.
struct BayesianOptimizationOracleTests {
    /// Runs the oracle's trial cycle with `objective` as run_trial; returns each run's values and score.
    @discardableResult
    static func drive(_ oracle: Oracle, limit: Int = 1000,
                      _ objective: (HyperParameters) throws -> Double) throws -> [(values: HPValues, score: Double)] {
        var runs: [(HPValues, Double)] = []
        for _ in 0..<limit {
            let trial = try oracle.createTrial()
            if trial.status == .stopped { break }
            let y = try objective(trial.hyperparameters)
            runs.append((trial.hyperparameters.values, y))
            try oracle.updateTrial(trial.trialId, metrics: [(oracle.objective.name, y)])
            trial.status = .completed
            let outcome = try oracle.endTrial(trial)
            if outcome.abort != nil { break }
        }
        return runs
    }

    /// Loads `original`'s state and trials into `resumed` as the tuner does on resume (the state
    /// through its JSON text, the trials as copies).
    static func resume(_ resumed: Oracle, from original: Oracle) throws {
        try resumed.setState(try JSON.parse(original.getState().encoded))
        resumed.restore(trials: original.orderedTrials.map { t in
            let c = Trial(trialId: t.trialId, index: t.index, hyperparameters: t.hyperparameters.copy(), status: t.status)
            c.score = t.score
            return c
        }, endOrder: original.endOrder)
    }

    /// Completed trials with the given values and scores, as if loaded from a project.
    static func seeded(_ space: HyperParameters, _ rows: [([(String, HPValue)], Double)]) -> [Trial] {
        rows.enumerated().map { i, row in
            let hps = space.copy()
            hps.values = HPValues(row.0)
            let t = Trial(trialId: Trial.makeId(index: i, maxTrials: 100), index: i, hyperparameters: hps, status: .completed)
            t.score = row.1
            return t
        }
    }

    @Test func maximizingProposesWhereTheSeededScoresRise() throws {
        let space = HyperParameters()
        try space.int("a", minValue: -100, maxValue: 100)
        for seed in 0..<5 {
            let oracle = try BayesianOptimizationOracle(objective: Objective("score", .max), maxTrials: 20,
                                                        numInitialPoints: 2, seed: seed, hyperparameters: space)
            var rows: [([(String, HPValue)], Double)] = []
            for i in 0..<5 { rows.append(([("a", HPValue.int(Int64(10 * i)))], Double(i))) }
            for i in 0..<5 { rows.append(([("a", HPValue.int(Int64(-10 * i)))], Double(-i))) }
            oracle.restore(trials: Self.seeded(space, rows), endOrder: [])
            let trial = try oracle.createTrial()
            #expect(trial.status == .running)
            #expect((trial.hyperparameters.values["a"]?.numeric ?? -1) > 0)
        }
    }

    @Test func steppedFloatIsProposedOnlyOnItsGrid() throws {
        let oracle = try BayesianOptimizationOracle(objective: Objective("score", .max), maxTrials: 10,
                                                    numInitialPoints: 2, seed: 3)
        let runs = try Self.drive(oracle) { hp in
            let b = try hp.float("b", minValue: 0, maxValue: 10, step: 3)!.numeric!
            return -abs(b - 5)
        }
        #expect(runs.count >= 4)
        for run in runs {
            if let b = run.values["b"]?.numeric { #expect([0, 3, 6, 9].contains(b)) }
        }
        // Four grid points and the first, undeclared run: then the space is exhausted.
        #expect(Set(runs.compactMap { $0.values["b"]?.numeric }).count == 4)
        #expect(oracle.stopReason?.contains("exhausted") == true)
    }

    @Test func hyperparametersDeclaredLaterAreIncluded() throws {
        let space = HyperParameters()
        try space.int("a", minValue: -100, maxValue: 100)
        let oracle = try BayesianOptimizationOracle(objective: Objective("score", .max), maxTrials: 20,
                                                    numInitialPoints: 2, seed: 1, hyperparameters: space)
        var rows: [([(String, HPValue)], Double)] = []
        for i in 0..<10 { rows.append(([("a", HPValue.int(Int64(10 * i)))], Double(i))) }
        oracle.restore(trials: Self.seeded(space, rows), endOrder: [])
        let later = HyperParameters()
        try later.float("b", minValue: 3.2, maxValue: 6.4, step: 0.2, default: 3.6)
        try later.boolean("c", default: true)
        try oracle.updateSpace(later)
        let trial = try oracle.createTrial()
        #expect(trial.status == .running)
        #expect(trial.hyperparameters.values["b"] != nil)
        #expect(trial.hyperparameters.values["c"] != nil)
        if let b = trial.hyperparameters.values["b"]?.numeric {
            let index = (b - 3.2) / 0.2
            #expect(abs(index - index.rounded()) < 1e-6)
        }
    }

    @Test func reachesTheMaximumOfACubicSumInFiftyTrials() throws {
        let oracle = try BayesianOptimizationOracle(objective: Objective("score", .max), maxTrials: 50, seed: 7)
        let runs = try Self.drive(oracle) { hp in
            let a = try hp.float("a", minValue: -1, maxValue: 1)!.numeric!
            let b = try hp.float("b", minValue: -1, maxValue: 1)!.numeric!
            let c = try hp.float("c", minValue: -1, maxValue: 1)!.numeric!
            let d = try hp.float("d", minValue: -1, maxValue: 1)!.numeric!
            let cubes: Double = b * b * b - a * a * a
            return cubes + c - abs(d)
        }
        #expect(runs.count == 50)
        let best = runs.map(\.score).max()!
        #expect(abs(best - 3) < 0.1)
    }

    @Test func smallDiscreteSpaceIsNeverRepeatedThenStopsWithAReason() throws {
        for seed in 0..<3 {
            let oracle = try BayesianOptimizationOracle(objective: Objective("score", .max), maxTrials: 30,
                                                        numInitialPoints: 2, seed: seed)
            let runs = try Self.drive(oracle) { hp in
                let x = try hp.choice("x", values: [.int(1), .int(2), .int(3)])!.numeric!
                let y = try hp.boolean("y")! == .bool(true)
                let bonus: Double = y ? 1 : 0
                return x + bonus
            }
            // The first run declares the space with its defaults; the remaining five follow.
            let keys = runs.map(\.values.configurationKey)
            #expect(runs.count == 6)
            #expect(Set(keys).count == keys.count)
            #expect(oracle.stopReason?.contains("exhausted") == true)
        }
    }

    @Test func invalidArgumentsAreClearErrors() {
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return "\(error)" }
        }
        #expect(message { _ = try BayesianOptimizationOracle(beta: -1) }.contains("beta must be >= 0"))
        #expect(message { _ = try BayesianOptimizationOracle(alpha: 0) }.contains("alpha must be a positive number"))
        #expect(message { _ = try BayesianOptimizationOracle(alpha: -1e-3) }.contains("alpha must be a positive number"))
        #expect(message { _ = try BayesianOptimizationOracle(numInitialPoints: 0) }.contains("num_initial_points must be >= 1"))
        #expect(message { _ = try BayesianOptimizationOracle(numInitialPoints: 1, beta: 0) }.isEmpty)
    }

    @Test func spaceOfOnlyFixedValuesRunsOnceAndSaysWhy() throws {
        let space = HyperParameters()
        try space.fixed("lr", value: .float(0.01))
        let oracle = try BayesianOptimizationOracle(maxTrials: 10, seed: 1, hyperparameters: space)
        let runs = try Self.drive(oracle) { _ in 1 }
        #expect(runs.count == 1)
        #expect(runs[0].values["lr"] == .float(0.01))
        #expect(oracle.stopReason?.contains("only Fixed values") == true)
    }

    @Test func alwaysNaNObjectiveEndsInsteadOfLooping() throws {
        let oracle = try BayesianOptimizationOracle(maxTrials: 12, numInitialPoints: 2, seed: 1, maxConsecutiveFailedTrials: nil)
        var calls = 0
        try Self.drive(oracle, limit: 100) { hp in
            calls += 1
            _ = try hp.float("x", minValue: 0, maxValue: 1)
            return .nan
        }
        #expect(calls == 12)
        #expect(oracle.orderedTrials.allSatisfy { $0.status == .failed })
    }

    @Test func failedAndInfiniteScoresStayOutOfTheModel() throws {
        // Keras Tuner turns +inf into 0.0, which would make the worst point look best when minimizing.
        let space = HyperParameters()
        try space.float("x", minValue: 0, maxValue: 1)
        let oracle = try BayesianOptimizationOracle(maxTrials: 30, numInitialPoints: 2, seed: 2, hyperparameters: space)
        var rows: [([(String, HPValue)], Double)] = []
        for i in 0..<8 {
            let x = Double(i) / 7
            rows.append(([("x", .float(x))], x > 0.8 ? .infinity : (x - 0.3) * (x - 0.3) + 1))
        }
        oracle.restore(trials: Self.seeded(space, rows), endOrder: [])
        let trial = try oracle.createTrial()
        let x = trial.hyperparameters.values["x"]!.numeric!
        #expect(x < 0.7)
    }

    @Test func runningTrialsOfOtherWorkersAreNotProposedAgain() throws {
        let oracle = try BayesianOptimizationOracle(objective: Objective("score", .max), maxTrials: 40,
                                                    numInitialPoints: 3, seed: 5)
        try Self.drive(oracle, limit: 8) { hp in
            let x: Double = try hp.float("x", minValue: 0, maxValue: 1)!.numeric!
            return -(x - 0.4) * (x - 0.4)
        }
        // Three workers ask in a row before any finishes.
        let t1 = try oracle.createTrial(), t2 = try oracle.createTrial(), t3 = try oracle.createTrial()
        let xs: [Double] = [t1, t2, t3].map { $0.hyperparameters.values["x"]!.numeric! }
        #expect(Set(xs).count == 3)
        #expect(abs(xs[0] - xs[1]) > 1e-3 && abs(xs[1] - xs[2]) > 1e-3)
    }

    @Test func resumedOracleProposesExactlyWhatTheOriginalWould() throws {
        func make() throws -> BayesianOptimizationOracle {
            try BayesianOptimizationOracle(maxTrials: 30, numInitialPoints: 3, seed: 11)
        }
        let objective: (HyperParameters) throws -> Double = { hp in
            let x = try hp.float("x", minValue: -2, maxValue: 2)!.numeric!
            let n = try hp.int("n", minValue: 1, maxValue: 8)!.numeric!
            return (x - 0.5) * (x - 0.5) + abs(n - 3)
        }
        let original = try make()
        try Self.drive(original, limit: 9, objective)
        let resumed = try make()
        try Self.resume(resumed, from: original)
        for _ in 0..<3 {
            let a = try original.createTrial(), b = try resumed.createTrial()
            #expect(a.hyperparameters.values == b.hyperparameters.values)
            for (oracle, trial) in [(original as Oracle, a), (resumed as Oracle, b)] {
                try oracle.updateTrial(trial.trialId, metrics: [(oracle.objective.name, try objective(trial.hyperparameters))])
                trial.status = .completed
                _ = try oracle.endTrial(trial)
            }
        }
    }

    @Test func expectedImprovementAlsoFindsTheOptimum() throws {
        let oracle = try BayesianOptimizationOracle(maxTrials: 25, seed: 4, acquisition: .expectedImprovement)
        let runs = try Self.drive(oracle) { hp in
            let x = try hp.float("x", minValue: -3, maxValue: 3)!.numeric!
            let y = try hp.float("y", minValue: -3, maxValue: 3)!.numeric!
            return (x - 1) * (x - 1) + (y + 0.5) * (y + 0.5)
        }
        #expect(runs.map(\.score).min()! < 0.01)
    }

    @Test func conditionalHyperparametersAreProposedOnlyWhenActive() throws {
        let oracle = try BayesianOptimizationOracle(objective: Objective("score", .max), maxTrials: 25,
                                                    numInitialPoints: 4, seed: 8)
        let runs = try Self.drive(oracle) { hp in
            let layers = try hp.choice("layers", values: [.int(1), .int(2)])!.numeric!
            var score = layers
            if let u = try hp.int("units_2", minValue: 8, maxValue: 64, step: 8, parentName: "layers", parentValues: [.int(2)]) {
                score += u.numeric! / 64
            }
            return score
        }
        // One configuration with a single layer, eight with two: nine in all, each run once.
        #expect(runs.count == 9)
        #expect(Set(runs.map(\.values.configurationKey)).count == 9)
        #expect(oracle.stopReason?.contains("exhausted") == true)
        for run in runs.dropFirst() {
            let deep = run.values["layers"] == .int(2)
            #expect((run.values["units_2"] != nil) == deep)
        }
        #expect(runs.map(\.score).max()! == 3)
    }
}
