import Foundation
import Testing
@testable import Engine

/// Pareto mode in searches (docs/reference.md, "Pareto mode"): the proposals of the oracles on
/// f1 = x², f2 = (x − 2)², whose front is x ∈ [0, 2]; storage and resume; Hyperband's promotion by
/// rank; pruning by the scaled front.
struct ParetoSearchTests {
    let dir = TempDirectory()
    static let objective = try! Objective(pareto: [Objective("f1", .min), Objective("f2", .min)])

    func tuner(_ oracle: Oracle, name: String = "p", output: OutputCollector? = nil) throws -> Tuner {
        try Tuner(oracle: oracle, directory: dir.path, projectName: name, verbose: 0, output: output?.sink ?? { _ in })
    }

    /// f1 = x², f2 = (x − 2)² for x in [-5, 5].
    static var quadratics: ClosureTrialRunner { ClosureTrialRunner { trial in
        let x = try trial.hyperparameters.float("x", minValue: -5, maxValue: 5)!.numeric!
        return .metrics([("f1", x * x), ("f2", (x - 2) * (x - 2))])
    } }

    func frontXs(_ oracle: Oracle) -> [Double] {
        oracle.paretoFront.map { $0.hyperparameters.values["x"]!.numeric! }
    }

    @Test(arguments: ["RandomSearch", "TPE", "BayesianOptimization"])
    func oraclesFindAndSpreadTheFrontOfTwoQuadratics(kind: String) throws {
        let o: Oracle
        switch kind {
        case "TPE": o = try TPEOracle(objective: Self.objective, maxTrials: 40, seed: 3)
        case "BayesianOptimization": o = try BayesianOptimizationOracle(objective: Self.objective, maxTrials: 20, seed: 3)
        default: o = try RandomSearchOracle(objective: Self.objective, maxTrials: 40, seed: 3)
        }
        let t = try tuner(o)
        try t.search(Self.quadratics)
        let xs = frontXs(o)
        let inside = xs.filter { $0 >= 0 && $0 <= 2 }
        #expect(xs.count >= 4, "\(kind): front \(xs)")
        #expect(Double(inside.count) >= 0.8 * Double(xs.count), "\(kind): front \(xs)")
        #expect((inside.max() ?? 0) - (inside.min() ?? 0) >= 1, "\(kind): the front spreads, \(xs)")
        // Every completed trial keeps one value per objective, and the best trials are the fronts in order.
        let best = o.getBestTrials(o.orderedTrials.count)
        #expect(Array(best.prefix(xs.count).map(\.trialId)) == o.paretoFront.map(\.trialId))
        for trial in o.orderedTrials where trial.status == .completed {
            let x = trial.hyperparameters.values["x"]!.numeric!
            #expect(trial.objectiveValues == [x * x, (x - 2) * (x - 2)])
        }
    }

    @Test func modelOraclesBeatRandomSearchOnTheFront() throws {
        // The model-based proposals put more of their trials near the front than random draws.
        func nearFront(_ o: Oracle) throws -> Int {
            try tuner(o, name: o.kind).search(Self.quadratics)
            return o.orderedTrials.filter { t in (t.hyperparameters.values["x"]?.numeric).map { $0 >= -0.2 && $0 <= 2.2 } ?? false }.count
        }
        let random = try nearFront(try RandomSearchOracle(objective: Self.objective, maxTrials: 30, seed: 8))
        let tpe = try nearFront(try TPEOracle(objective: Self.objective, maxTrials: 30, seed: 8))
        let bo = try nearFront(try BayesianOptimizationOracle(objective: Self.objective, maxTrials: 30, seed: 8))
        #expect(tpe > random && bo > random, "random \(random), TPE \(tpe), BO \(bo)")
    }

    @Test func valuesFrontsAndSummaryComeBackFromTheStore() throws {
        let o = try TPEOracle(objective: Self.objective, maxTrials: 12, nStartupTrials: 4, seed: 5)
        let t = try tuner(o)
        try t.search(Self.quadratics)
        let values = o.orderedTrials.map(\.objectiveValues)
        let best = o.getBestTrials(12).map(\.trialId)
        let summary = t.resultsSummaryText(3)
        t.close()
        #expect(summary.contains("Pareto objectives: [Objective(name=\"f1\", direction=\"min\"), Objective(name=\"f2\", direction=\"min\")]"))
        #expect(summary.contains("Pareto front: 1") && summary.contains("\nf1: ") && !summary.contains("Score:"))

        let reopened = try TPEOracle(objective: Self.objective, maxTrials: 16, nStartupTrials: 4, seed: 5)
        let again = try tuner(reopened)
        #expect(reopened.orderedTrials.map(\.objectiveValues) == values)
        #expect(reopened.getBestTrials(12).map(\.trialId) == best)
        #expect(again.resultsSummaryText(3) == summary)
        try again.search(Self.quadratics)
        #expect(reopened.orderedTrials.count == 16)
        let final = again.resultsSummaryText(3)
        again.close()
        #expect(try Tuner.summary(of: SQLiteStore(readingProjectAt: dir.path + "/p"), numTrials: 3) == final)

        // The sum is another objective: the project refuses it.
        let sum = try Objective(multi: [Objective("f1", .min), Objective("f2", .min)])
        #expect(throws: EngineError.self) { try tuner(try TPEOracle(objective: sum, maxTrials: 20, seed: 5)) }
    }

    @Test func eachTrialPrintsItsValuesAndTheFrontSoFar() throws {
        let out = OutputCollector()
        let o = try RandomSearchOracle(objective: Self.objective, maxTrials: 3, seed: 1)
        try Tuner(oracle: o, directory: dir.path, projectName: "shown", verbose: 1, output: out.sink).search(Self.quadratics)
        let x = o.orderedTrials[2].hyperparameters.values["x"]!.numeric!
        #expect(out.text.contains("Trial 3/3 Complete"))
        #expect(out.text.contains("f1: \(PyFormat.repr(x * x))\nf2: \(PyFormat.repr((x - 2) * (x - 2)))\n\nPareto front so far: \(o.paretoFront.count) trials\n"))
        #expect(!out.text.contains("So Far:"))
    }

    @Test func aTrialMissingAValueIsOnNoFront() throws {
        let o = try RandomSearchOracle(objective: Self.objective, maxTrials: 6, seed: 1)
        let t = try tuner(o)
        var n = 0
        try t.search(ClosureTrialRunner { trial in
            n += 1
            _ = try trial.hyperparameters.float("x", minValue: 0, maxValue: 1)
            // Trial 2 is the best in both objectives but its f2 is NaN.
            return .metrics(n == 2 ? [("f1", -10), ("f2", .nan)] : [("f1", Double(n)), ("f2", Double(-n))])
        })
        let second = o.orderedTrials[1]
        #expect(second.status == .failed || second.status == .invalid)
        #expect(!o.paretoFront.contains { $0 === second })
        #expect(o.paretoFront.count == 5)
        #expect(o.getBestTrials(6).last === second, "padding after the fronts")
    }

    @Test func hyperbandPromotesByNonDominatedRank() throws {
        let o = try HyperbandOracle(objective: Self.objective, maxEpochs: 9, factor: 3, seed: 2)
        let t = try tuner(o)
        try t.search(ClosureTrialRunner { trial in
            let x = try trial.hyperparameters.float("x", minValue: -1, maxValue: 3)!.numeric!
            let y = try trial.hyperparameters.float("y", minValue: 0, maxValue: 3)!.numeric!
            return .metrics([("f1", x * x + y), ("f2", (x - 2) * (x - 2) + y)])
        })
        func int(_ t: Trial, _ k: String) -> Int? { t.hyperparameters.values[k]?.numeric.map { Int($0) } }
        var checked = 0
        for promoted in o.orderedTrials {
            guard case let .string(pastId)? = promoted.hyperparameters.values["tuner/trial_id"],
                  let round = int(promoted, "tuner/round"), let bracket = int(promoted, "tuner/bracket") else { continue }
            let past = try o.getTrial(pastId)
            let sameRound = o.orderedTrials.filter { int($0, "tuner/bracket") == bracket && int($0, "tuner/round") == round }
            let survivors = Set(sameRound.compactMap { t -> String? in
                if case let .string(id)? = t.hyperparameters.values["tuner/trial_id"] { return id }
                return nil
            })
            let unpromoted = o.orderedTrials.filter {
                int($0, "tuner/bracket") == bracket && int($0, "tuner/round") == round - 1 && !survivors.contains($0.trialId)
                    && $0.status == .completed
            }
            for u in unpromoted {
                #expect(!ParetoFront.dominates(u.objectiveValues!, past.objectiveValues!),
                        "trial \(past.trialId) went on although \(u.trialId) dominates it")
            }
            checked += 1
        }
        #expect(checked >= 3)
    }

    /// Three completed trials improve from step 0 to step 1; a fourth is level with them at step
    /// 0 and then stalls: from its second step on, the front (halfway to the reference) dominates it.
    @Test func theMedianPrunerPrunesATrialDominatedFromItsSecondStep() throws {
        let space = HyperParameters()
        _ = try space.float("x", minValue: 0, maxValue: 1)
        let o = try RandomSearchOracle(objective: Self.objective, maxTrials: 10, hyperparameters: space, seed: 1)
        o.pruner = try MedianPruner(nStartupTrials: 3)
        let curves: [[[Double]]] = [[[3, 5], [1, 3]], [[5, 3], [3, 1]], [[4, 4], [2, 2]]]
        for curve in curves {
            let trial = try o.createTrial()
            for (step, v) in curve.enumerated() {
                _ = try o.report(trial.trialId, step: step, metrics: [("f1", v[0]), ("f2", v[1])])
                #expect(!o.shouldPrune(trial))
            }
            try o.updateTrial(trial.trialId, metrics: [("f1", curve[1][0]), ("f2", curve[1][1])])
            trial.status = .completed
            _ = try o.endTrial(trial)
        }
        let stalled = try o.createTrial()
        _ = try o.report(stalled.trialId, step: 0, metrics: [("f1", 4), ("f2", 4)])
        #expect(!o.shouldPrune(stalled), "level with the others at step 0")
        _ = try o.report(stalled.trialId, step: 1, metrics: [("f1", 3.8), ("f2", 3.8)])
        #expect(o.shouldPrune(stalled), "dominated by the scaled front at step 1")

        // A trial that keeps up is not pruned.
        let keeping = try o.createTrial()
        _ = try o.report(keeping.trialId, step: 0, metrics: [("f1", 4), ("f2", 4)])
        _ = try o.report(keeping.trialId, step: 1, metrics: [("f1", 2.5), ("f2", 2.5)])
        #expect(!o.shouldPrune(keeping))
    }

    /// Successive halving at reduction factor 2: a trial goes on only in the top half of its rung by
    /// front; a dominated one stops, one that dominates everyone goes on.
    @Test func successiveHalvingRanksARungByFront() throws {
        let space = HyperParameters()
        _ = try space.float("x", minValue: 0, maxValue: 1)
        let o = try RandomSearchOracle(objective: Self.objective, maxTrials: 10, hyperparameters: space, seed: 1)
        o.pruner = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2)
        func run(_ v: [Double]) throws -> Bool {
            let trial = try o.createTrial()
            _ = try o.report(trial.trialId, step: 1, metrics: [("f1", v[0]), ("f2", v[1])])
            return o.shouldPrune(trial)
        }
        #expect(try !run([1, 1]), "alone at its rung")
        #expect(try run([2, 2]), "dominated by the first")
        #expect(try !run([0.9, 0.9]), "dominates every other")
        let state = o.pruner!.state
        let fresh = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2)
        try fresh.restore(state)
        #expect(fresh.state == state, "the rungs' values are kept with the project")
    }

    @Test func prunersWithoutAMultiObjectiveMeaningAreRefused() throws {
        for pruner in [try PatientPruner(wrapped: nil, patience: 1) as any Pruner, try ThresholdPruner(lower: 0)] {
            let o = try RandomSearchOracle(objective: Self.objective, maxTrials: 2, seed: 1)
            o.pruner = pruner
            #expect(throws: EngineError.self) { try tuner(o, name: pruner.kind) }
        }
        let o = try RandomSearchOracle(objective: Self.objective, maxTrials: 2, seed: 1)
        o.pruner = try HyperbandPruner()
        _ = try tuner(o, name: "hyperband")
    }

    /// A trial improves when no earlier one is as good in every objective.
    @Test func noImprovementCountsTrialsThatJoinNoFront() throws {
        let space = HyperParameters()
        _ = try space.float("x", minValue: 0, maxValue: 1)
        let o = try RandomSearchOracle(objective: Self.objective, maxTrials: 10, hyperparameters: space, seed: 1)
        for v in [[2.0, 2.0], [1, 3], [3, 3], [1, 3], [0.5, 4]] {
            let trial = try o.createTrial()
            try o.updateTrial(trial.trialId, metrics: [("f1", v[0]), ("f2", v[1])])
            trial.status = .completed
            _ = try o.endTrial(trial)
            if v == [1, 3] && o.endOrder.count == 4 { #expect(SearchBudget.trialsWithoutImprovement(o) == 2) }
        }
        #expect(SearchBudget.trialsWithoutImprovement(o) == 0, "(0.5, 4) joins the front")
    }

    @Test func tpeSamplesEachHyperparameterAloneInParetoModeUnlessTold() throws {
        #expect(try TPEOracle(objective: Self.objective).multivariate == false)
        #expect(try TPEOracle(objective: Self.objective, multivariate: true).multivariate == true)
        #expect(try TPEOracle(objective: Objective("loss", .min)).multivariate == true)
    }

    @Test func paretoNeedsAtLeastTwoObjectives() {
        #expect(throws: EngineError.self) { try Objective(pareto: [Objective("f1", .min)]) }
    }
}
