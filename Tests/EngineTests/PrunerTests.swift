import Testing
@testable import Engine

/// The six pruners against cases re-derived by hand from Optuna's own tests
/// (`tests/pruners_tests`): each expected decision follows from Optuna's rules as written there.
struct PrunerTests {
    /// A study of trials whose objective "v" went through `values` (step → value).
    final class Study {
        let objective: Objective
        var trials: [Trial] = []
        init(_ direction: Objective.Direction = .min) { objective = Objective("v", direction) }

        @discardableResult
        func add(_ values: [Int: Double], _ status: TrialStatus = .completed) -> Trial {
            let t = Trial(trialId: String(trials.count), index: trials.count, hyperparameters: HyperParameters(), status: status)
            for (step, v) in values.sorted(by: { $0.key < $1.key }) { report(t, step, v) }
            trials.append(t)
            return t
        }
        func report(_ t: Trial, _ step: Int, _ v: Double) {
            t.intermediateValues.record([("v", v)], step: step, objective: objective)
        }
        func prune(_ pruner: any Pruner, _ t: Trial, name: String = "prj") -> Bool {
            pruner.prune(t, in: PruningStudy(direction: objective.direction, trials: trials, name: name))
        }
    }

    // MARK: - Median / Percentile

    @Test(arguments: [(Objective.Direction.min, 2.0), (.max, 0.5)])
    func medianPrunesAWorseTrialOnceItHasValues(direction: Objective.Direction, value: Double) throws {
        let pruner = try MedianPruner(nStartupTrials: 0)
        let s = Study(direction)
        s.add([1: 1])
        let t = s.add([:], .running)
        #expect(!s.prune(pruner, t))  // no intermediate value yet
        s.report(t, 1, value)
        #expect(s.prune(pruner, t))
    }

    @Test func medianWaitsForStartupTrialsAndCountsOnlyCompletedOnes() throws {
        let pruner = try MedianPruner(nStartupTrials: 2)
        let s = Study()
        s.add([1: 1])
        s.add([1: 0], .pruned)  // pruned trials are not among Optuna's COMPLETE ones
        let t = s.add([1: 2], .running)
        #expect(!s.prune(pruner, t))
        s.add([1: 1])
        #expect(s.prune(pruner, t))
    }

    @Test func medianWarmupSteps() throws {
        let pruner = try MedianPruner(nStartupTrials: 0, nWarmupSteps: 1)
        let s = Study()
        s.add([0: 1, 1: 1])
        let t = s.add([0: 2], .running)
        #expect(!s.prune(pruner, t))
        s.report(t, 1, 2)
        #expect(s.prune(pruner, t))
    }

    /// interval 2 after 1 warmup step: steps 1, 3, 5, … are checked; step 2 is not, although the
    /// trial is worse than the median there.
    @Test func medianIntervalSteps() throws {
        let pruner = try MedianPruner(nStartupTrials: 0, nWarmupSteps: 1, intervalSteps: 2)
        let s = Study()
        s.add([0: 10, 1: 10, 2: 1, 3: 1])
        let t = s.add([0: 5], .running)
        #expect(!s.prune(pruner, t))  // warmup
        s.report(t, 1, 5)
        #expect(!s.prune(pruner, t))  // 5 is better than the median 10
        s.report(t, 2, 5)
        #expect(!s.prune(pruner, t))  // not the first step of its interval
        s.report(t, 3, 5)
        #expect(s.prune(pruner, t))
    }

    /// Skipped steps: a report at step 4 right after step 0 is the first in interval [3, 5).
    @Test func intervalCountsFromTheLastReportedStep() {
        let steps: [Int: Double] = [0: 1, 4: 1]
        #expect(PrunerMath.isFirstInInterval(step: 4, steps: steps.keys, warmup: 1, interval: 2))
        let dense: [Int: Double] = [3: 1, 4: 1]
        #expect(!PrunerMath.isFirstInInterval(step: 4, steps: dense.keys, warmup: 1, interval: 2))
    }

    @Test func medianNeedsNMinTrialsAtTheStep() throws {
        let pruner = try MedianPruner(nStartupTrials: 0, nMinTrials: 2)
        let s = Study()
        s.add([1: 1])
        s.add([0: 1])  // no value at step 1
        let t = s.add([1: 2], .running)
        #expect(!s.prune(pruner, t))
        s.add([1: 1])
        #expect(s.prune(pruner, t))
    }

    @Test func aTrialWhoseValuesAreAllNaNIsPruned() throws {
        let s = Study()
        s.add([1: 1])
        let t = s.add([1: .nan], .running)
        #expect(s.prune(try MedianPruner(nStartupTrials: 0), t))
    }

    @Test func medianUsesTheBestValueOverAllSteps() throws {
        let s = Study()
        s.add([0: 5, 1: 5])
        let t = s.add([0: 1, 1: 9], .running)  // best so far 1 < 5
        #expect(!s.prune(try MedianPruner(nStartupTrials: 0), t))
    }

    /// numpy's linear interpolation: the 25th percentile of 1…5 is 2; maximizing uses the 75th (4).
    @Test(arguments: [(Objective.Direction.min, 2.5, true), (.min, 1.5, false), (.max, 3.5, true), (.max, 4.5, false)])
    func percentileAgainstTheCompletedTrials(direction: Objective.Direction, value: Double, pruned: Bool) throws {
        let pruner = try PercentilePruner(percentile: 25, nStartupTrials: 0)
        let s = Study(direction)
        for v in [3.0, 1, 5, 2, 4] { s.add([0: v]) }
        let t = s.add([0: value], .running)
        #expect(s.prune(pruner, t) == pruned)
    }

    @Test func nanPercentileInterpolates() {
        #expect(PrunerMath.nanPercentile([1, 2, 3, 4], 25) == 1.75)
        #expect(PrunerMath.nanPercentile([4, .nan, 1], 50) == 2.5)
        #expect(PrunerMath.nanPercentile([.nan], 50).isNaN)
    }

    @Test func percentileArgumentsAreValidatedAsInOptuna() {
        #expect(throws: EngineError.self) { try PercentilePruner(percentile: -0.1) }
        #expect(throws: EngineError.self) { try PercentilePruner(percentile: 100.1) }
        #expect(throws: EngineError.self) { try MedianPruner(nStartupTrials: -1) }
        #expect(throws: EngineError.self) { try MedianPruner(nWarmupSteps: -1) }
        #expect(throws: EngineError.self) { try MedianPruner(intervalSteps: 0) }
        #expect(throws: EngineError.self) { try MedianPruner(nMinTrials: 0) }
    }

    // MARK: - Threshold

    @Test(arguments: [(2.0, true), (0.5, false), (-1.0, true), (Double.nan, true)])
    func thresholdOutsideTheBounds(value: Double, pruned: Bool) throws {
        let s = Study()
        let t = s.add([0: value], .running)
        #expect(s.prune(try ThresholdPruner(lower: 0, upper: 1), t) == pruned)
    }

    @Test func thresholdWithOneBoundAndWarmupAndInterval() throws {
        let s = Study()
        let t = s.add([0: 10], .running)
        #expect(s.prune(try ThresholdPruner(upper: 1), t))
        #expect(!s.prune(try ThresholdPruner(lower: 1), t))
        #expect(!s.prune(try ThresholdPruner(upper: 1, nWarmupSteps: 2), t))
        s.report(t, 1, 10)
        s.report(t, 2, 10)
        #expect(s.prune(try ThresholdPruner(upper: 1, nWarmupSteps: 2), t))
        let u = s.add([0: 0, 1: 5], .running)
        #expect(!s.prune(try ThresholdPruner(upper: 1, intervalSteps: 2), u))  // step 1 is not checked
        s.report(u, 2, 5)
        #expect(s.prune(try ThresholdPruner(upper: 1, intervalSteps: 2), u))
    }

    @Test func thresholdArguments() {
        #expect(throws: EngineError.self) { try ThresholdPruner() }
        #expect(throws: EngineError.self) { try ThresholdPruner(lower: 2, upper: 1) }
        #expect(throws: EngineError.self) { try ThresholdPruner(lower: 0, nWarmupSteps: -1) }
        #expect(throws: EngineError.self) { try ThresholdPruner(lower: 0, intervalSteps: 0) }
    }

    // MARK: - Patient

    @Test func patientPrunesAfterPatienceStepsWithoutImprovement() throws {
        let s = Study()
        let t = s.add([0: 1.0, 1: 1.1], .running)
        let pruner = try PatientPruner(wrapped: nil, patience: 1)
        #expect(!s.prune(pruner, t))  // two steps are not more than patience + 1
        s.report(t, 2, 1.2)
        #expect(s.prune(pruner, t))   // min(1.0) + 0 < min(1.1, 1.2)
        #expect(!s.prune(try PatientPruner(wrapped: nil, patience: 1, minDelta: 0.2), t))  // 1.2 < 1.1 is false
    }

    @Test func patientMaximizes() throws {
        let s = Study(.max)
        let t = s.add([0: 1.0, 1: 0.9, 2: 0.8], .running)
        #expect(s.prune(try PatientPruner(wrapped: nil, patience: 1), t))
        let u = s.add([0: 1.0, 1: 0.9, 2: 1.1], .running)
        #expect(!s.prune(try PatientPruner(wrapped: nil, patience: 1), u))
    }

    @Test func patientAsksTheWrappedPruner() throws {
        let s = Study()
        let t = s.add([0: 10, 1: 11], .running)
        #expect(s.prune(try PatientPruner(wrapped: try ThresholdPruner(upper: 5), patience: 0), t))
        #expect(!s.prune(try PatientPruner(wrapped: try ThresholdPruner(upper: 20), patience: 0), t))
        #expect(throws: EngineError.self) { try PatientPruner(wrapped: nil, patience: -1) }
        #expect(throws: EngineError.self) { try PatientPruner(wrapped: nil, patience: 0, minDelta: -1) }
    }

    // MARK: - Successive halving

    @Test(arguments: [(Objective.Direction.min, 2.0), (.max, 0.5)])
    func successiveHalvingPrunesTheSecondWorseTrial(direction: Objective.Direction, value: Double) throws {
        let pruner = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2)
        let s = Study(direction)
        let first = s.add([1: 1], .running)
        #expect(!s.prune(pruner, first))
        let second = s.add([:], .running)
        #expect(!s.prune(pruner, second))
        s.report(second, 1, value)
        #expect(s.prune(pruner, second))
    }

    /// Optuna's rung check: seven trials at 0.1 … 0.7, then 0.75 reaches rung 0 only, 0.25 rung 1,
    /// 0.05 rung 2.
    @Test func successiveHalvingRungs() throws {
        let pruner = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2)
        let s = Study()
        for i in 0..<7 { _ = s.prune(pruner, s.add([7: 0.1 * Double(i + 1)], .running)) }
        for (value, rungs) in [(0.75, 1), (0.25, 2), (0.05, 3)] {
            let t = s.add([7: value], .running)
            _ = s.prune(pruner, t)
            #expect(pruner.completedRungs(t.trialId).count == rungs, "value \(value)")
        }
    }

    @Test func successiveHalvingNeverPrunesTheFirstTrial() throws {
        let pruner = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2)
        let s = Study()
        let t = s.add([:], .running)
        for step in 0..<10 {
            s.report(t, step, 1)
            #expect(!s.prune(pruner, t))
        }
        #expect(pruner.completedRungs(t.trialId).count == 4)  // rungs end at steps 1, 2, 4, 8
    }

    @Test func successiveHalvingNaNAtARungIsPruned() throws {
        let pruner = try SuccessiveHalvingPruner(minResource: 2, reductionFactor: 2)
        let s = Study()
        let t = s.add([1: .nan], .running)
        #expect(!s.prune(pruner, t))
        s.report(t, 2, .nan)
        #expect(s.prune(pruner, t))
    }

    @Test func successiveHalvingEstimatesMinResourceFromCompletedTrials() throws {
        let pruner = try SuccessiveHalvingPruner()
        let s = Study()
        let t = s.add([0: 1], .running)
        #expect(!s.prune(pruner, t))
        #expect(pruner.minResource == nil)
        s.add([250: 1])
        _ = s.prune(pruner, t)
        #expect(pruner.minResource == 2)
    }

    @Test func successiveHalvingMinEarlyStoppingRateAndBootstrap() throws {
        let rate = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2, minEarlyStoppingRate: 1)
        let s = Study()
        let t = s.add([1: 1], .running)
        _ = s.prune(rate, t)
        #expect(rate.completedRungs(t.trialId).isEmpty)  // rung 0 ends at step 2
        s.report(t, 2, 1)
        _ = s.prune(rate, t)
        #expect(rate.completedRungs(t.trialId).count == 1)

        let boot = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2, bootstrapCount: 1)
        let b = Study()
        let first = b.add([:], .running)
        let second = b.add([:], .running)
        b.report(first, 1, 1)
        #expect(b.prune(boot, first))
        b.report(second, 1, 1)
        #expect(!b.prune(boot, second))
    }

    @Test func successiveHalvingArguments() {
        #expect(throws: EngineError.self) { try SuccessiveHalvingPruner(minResource: 0) }
        #expect(throws: EngineError.self) { try SuccessiveHalvingPruner(reductionFactor: 1) }
        #expect(throws: EngineError.self) { try SuccessiveHalvingPruner(minEarlyStoppingRate: -1) }
        #expect(throws: EngineError.self) { try SuccessiveHalvingPruner(minResource: 1, bootstrapCount: -1) }
        #expect(throws: EngineError.self) { try SuccessiveHalvingPruner(bootstrapCount: 1) }  // with "auto"
    }

    @Test func successiveHalvingStateRoundTripsAndForgetsARerun() throws {
        let pruner = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2)
        let s = Study()
        let t = s.add([:], .running)
        for step in 0..<5 { s.report(t, step, 1) }
        _ = s.prune(pruner, t)
        let copy = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2)
        try copy.restore(try JSON.parse(pruner.state.encoded))
        #expect(copy.completedRungs(t.trialId) == pruner.completedRungs(t.trialId))
        copy.forget(trialId: t.trialId)
        #expect(copy.completedRungs(t.trialId).isEmpty)
    }

    // MARK: - Hyperband

    /// max_resource 9, factor 3: floor(log_3 9) + 1 = 3 brackets with budgets ceil(3·3^s/(s+1)) =
    /// 9, 5, 3; bracket = crc32("prj_<n>") mod 17 (Python: 12, 1, 10, 7 for n = 0…3).
    @Test func hyperbandBracketsAndTheirHash() throws {
        let pruner = try HyperbandPruner(minResource: 1, maxResource: 9)
        let s = Study()
        let trials = (0..<4).map { _ in s.add([0: 1], .running) }
        _ = s.prune(pruner, trials[0])
        #expect(pruner.bracketCount == 3)
        let study = PruningStudy(direction: .min, trials: s.trials, name: "prj")
        #expect(trials.map { pruner.bracketId(of: $0, study: study) } == [1, 0, 1, 0])
        #expect(CRC32.checksum(Array("prj_0".utf8)) == 2_692_497_412)
    }

    @Test func hyperbandAutoMaxResourceWaitsForACompletedTrial() throws {
        let pruner = try HyperbandPruner()
        let s = Study()
        let t = s.add([0: 1], .running)
        #expect(!s.prune(pruner, t))
        #expect(pruner.bracketCount == 0)
        s.add(Dictionary(uniqueKeysWithValues: (0..<9).map { ($0, 1.0) }))
        _ = s.prune(pruner, t)
        #expect(pruner.maxResource == 9)
        #expect(pruner.bracketCount == 3)
        #expect(throws: EngineError.self) { try HyperbandPruner(bootstrapCount: 1) }
    }

    /// Trials compete only within their bracket: trial 1 (bracket 0) is worse than trial 0, which
    /// sits in bracket 1, so it is not pruned, while trial 3 (bracket 0) is compared with trial 1.
    @Test func hyperbandComparesTrialsOfOneBracket() throws {
        let pruner = try HyperbandPruner(minResource: 1, maxResource: 9)
        let s = Study()
        let t0 = s.add([1: 1], .running)
        _ = s.prune(pruner, t0)
        let t1 = s.add([1: 5], .running)
        #expect(!s.prune(pruner, t1))  // alone in bracket 0
        s.add([:], .running)
        let t3 = s.add([1: 6], .running)
        #expect(s.prune(pruner, t3))   // worse than trial 1 at bracket 0's first rung
    }
}
