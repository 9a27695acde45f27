import Foundation
import Testing
@testable import Engine

/// The Tree-structured Parzen Estimator oracle.
struct TPEOracleTests {
    typealias Helpers = BayesianOptimizationOracleTests

    @Test func beatsItsOwnStartupOnAQuadratic() throws {
        let oracle = try TPEOracle(maxTrials: 60, seed: 3)
        let runs = try Helpers.drive(oracle) { hp in
            let x = try hp.float("x", minValue: -5, maxValue: 5)!.numeric!
            let y = try hp.float("y", minValue: -5, maxValue: 5)!.numeric!
            return (x - 1) * (x - 1) + (y - 2) * (y - 2)
        }
        #expect(runs.count == 60)
        let startupBest = runs.prefix(10).map(\.score).min()!
        let best = runs.map(\.score).min()!
        #expect(best < 0.5)
        #expect(best < startupBest)
    }

    @Test func conditionalHyperparametersAppearOnlyWhenActive() throws {
        let oracle = try TPEOracle(objective: Objective("score", .max), maxTrials: 40, nStartupTrials: 5, seed: 2)
        let runs = try Helpers.drive(oracle) { hp in
            let model = try hp.choice("model", values: [.string("linear"), .string("tree")])!
            var score = 0.0
            if let w = try hp.float("w", minValue: 0, maxValue: 1, parentName: "model", parentValues: [.string("linear")]) {
                score = 1 - abs(w.numeric! - 0.7)
            }
            if let depth = try hp.int("depth", minValue: 1, maxValue: 10, parentName: "model", parentValues: [.string("tree")]) {
                score = depth.numeric! / 20
            }
            _ = model
            return score
        }
        for run in runs.dropFirst() {
            let model = run.values["model"]
            if model == .string("linear") {
                #expect(run.values["w"] != nil && run.values["depth"] == nil)
            } else {
                #expect(run.values["depth"] != nil && run.values["w"] == nil)
            }
        }
        // The better branch (linear, up to 1.0 against at most 0.5) dominates once the model has data.
        let late = runs.suffix(15).filter { $0.values["model"] == .string("linear") }.count
        #expect(late >= 10)
    }

    @Test func smallDiscreteSpaceIsNeverRepeatedThenStopsWithAReason() throws {
        let oracle = try TPEOracle(maxTrials: 50, nStartupTrials: 3, seed: 9)
        let runs = try Helpers.drive(oracle) { hp in
            let a = try hp.choice("a", values: [.string("x"), .string("y"), .string("z")])!
            let b = try hp.int("b", minValue: 1, maxValue: 3)!.numeric!
            let bonus: Double = a == .string("y") ? 0 : 1
            return b + bonus
        }
        let keys = runs.map(\.values.configurationKey)
        #expect(runs.count == 9)
        #expect(Set(keys).count == 9)
        #expect(oracle.stopReason?.contains("exhausted") == true)
    }

    @Test func invalidArgumentsAreClearErrors() {
        #expect(throws: EngineError.self) { _ = try TPEOracle(nStartupTrials: -1) }
        #expect(throws: EngineError.self) { _ = try TPEOracle(nEICandidates: 0) }
        #expect(throws: EngineError.self) { _ = try TPEOracle(priorWeight: 0) }
    }

    @Test func resumedOracleProposesExactlyWhatTheOriginalWould() throws {
        let objective: (HyperParameters) throws -> Double = { hp in
            let x = try hp.float("x", minValue: 1e-4, maxValue: 1, sampling: "log")!.numeric!
            let k = try hp.choice("k", values: [.int(8), .int(16), .int(32)])!.numeric!
            return abs(log10(x) + 2) + k / 32
        }
        let original = try TPEOracle(maxTrials: 40, nStartupTrials: 5, seed: 21)
        try Helpers.drive(original, limit: 14, objective)
        let resumed = try TPEOracle(maxTrials: 40, nStartupTrials: 5, seed: 21)
        try Helpers.resume(resumed, from: original)
        let a = try original.createTrial(), b = try resumed.createTrial()
        #expect(a.hyperparameters.values == b.hyperparameters.values)
    }

    /// Optuna floors the good density's bandwidths at range / (1 + its kernels), about range / 8 at
    /// 60 trials; tunelua floors them by the whole search's observations, so the good density can
    /// concentrate where the good trials are.
    @Test func goodDensityNarrowsWithTheWholeSearch() {
        let good: [[Double?]] = (0..<6).map { [0.5 + Double($0) * 1e-4] }
        var options = ParzenEstimator.Options()
        let optunaFloor = ParzenEstimator(observations: good, weights: [Double](repeating: 1, count: 6),
                                          dimensions: [.continuous], options: options)
        options.searchObservations = 60
        let searchFloor = ParzenEstimator(observations: good, weights: [Double](repeating: 1, count: 6),
                                          dimensions: [.continuous], options: options)
        // The peak density of a kernel is proportional to 1 / sigma: about 7 times higher here.
        #expect(searchFloor.logDensity([0.5]) - optunaFloor.logDensity([0.5]) > log(4.0))
        // Far from the good trials only the prior remains, the same in both.
        #expect(abs(searchFloor.logDensity([0.05]) - optunaFloor.logDensity([0.05])) < 0.5)
    }

    @Test func optunaGammaAndWeightsMatchTheirDefinitions() {
        #expect(TreeParzenProposer.gamma(10) == 1)
        #expect(TreeParzenProposer.gamma(11) == 2)
        #expect(TreeParzenProposer.gamma(1000) == 25)
        #expect(TreeParzenProposer.weights(3) == [1, 1, 1])
        let w = TreeParzenProposer.weights(30)
        #expect(w.count == 30)
        #expect(abs(w[0] - 1.0 / 30) < 1e-12)
        #expect(w[4] == 1 && w[29] == 1)
    }
}
