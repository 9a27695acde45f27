#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Engine

/// The grid oracle driven by hand (no tuner, no storage): Keras Tuner's value lists, the full
/// product exactly once, conditional spaces, exact resume and interruption.
struct GridSearchOracleTests {
    /// Runs `oracle` to the end (or `limit` trials) with `declare` as run_trial; the values of each run.
    private func drive(_ oracle: Oracle, limit: Int = 10_000,
                       _ declare: (HyperParameters) throws -> Void) throws -> [HPValues] {
        var runs: [HPValues] = []
        for _ in 0..<limit {
            let trial = try oracle.createTrial()
            if trial.status != .running { break }
            try declare(trial.hyperparameters)
            runs.append(trial.hyperparameters.values)
            try oracle.updateTrial(trial.trialId, metrics: [(oracle.objective.name, 0)])
            trial.status = .completed
            _ = try oracle.endTrial(trial)
        }
        return runs
    }

    /// The list a grid walks for one hyperparameter.
    private func walked(_ hp: HyperParameter) -> [HPValue] {
        ConfigurationOdometer(space: [hp], valueList: { $0.gridValues })!.lists[0]
    }

    /// The centres of Keras Tuner's 10 equal-probability buckets on a linear [lo, hi].
    private func centres(_ lo: Double, _ hi: Double) -> [HPValue] {
        (0..<10).map { .float(lo + (Double($0) * 0.1 + 0.05) * (hi - lo)) }
    }

    /// Loads `original`'s state and trials into `resumed` as the tuner does on resume (the state
    /// through its JSON text, the trials as copies).
    private func resume(_ resumed: Oracle, from original: Oracle) throws {
        try resumed.setState(try JSON.parse(original.getState().encoded))
        resumed.restore(trials: original.orderedTrials.map { t in
            let c = Trial(trialId: t.trialId, index: t.index, hyperparameters: t.hyperparameters.copy(), status: t.status)
            c.score = t.score
            return c
        }, endOrder: original.endOrder)
    }

    /// Completed trials with these values, as if loaded from a project.
    private func seeded(_ space: HyperParameters, _ rows: [HPValues]) -> [Trial] {
        rows.enumerated().map { i, values in
            let hps = space.copy()
            hps.values = values
            let t = Trial(trialId: Trial.makeId(index: i, maxTrials: nil), index: i, hyperparameters: hps, status: .completed)
            t.score = 0
            return t
        }
    }

    // MARK: - Value lists

    @Test func floatWithoutStepHasItsDefaultAndTenBucketCentres() throws {
        let hp = try HyperParameter.float("f", minValue: 1, maxValue: 2)
        #expect(walked(hp) == [.float(1)] + centres(1, 2))
        #expect(hp.gridCount == 11)
        // A default elsewhere is its own value, first; one on a centre is not repeated.
        let mid = try HyperParameter.float("f", minValue: 1, maxValue: 2, default: 1.5)
        #expect(walked(mid) == [.float(1.5)] + centres(1, 2))
        let onCentre = try HyperParameter.float("f", minValue: 0, maxValue: 1, default: 0.05)
        #expect(walked(onCentre) == centres(0, 1))
        #expect(onCentre.gridCount == 10)
    }

    @Test func steppedNumbersPutTheDefaultFirstWithoutRepeatingIt() throws {
        let int = try HyperParameter.int("i", minValue: 1, maxValue: 5, default: 3)
        #expect(walked(int) == [3, 1, 2, 4, 5].map { HPValue.int($0) })
        #expect(int.gridCount == 5)
        let quarters = try HyperParameter.float("q", minValue: 0, maxValue: 1, step: 0.25)
        #expect(walked(quarters) == [0, 0.25, 0.5, 0.75, 1].map { HPValue.float($0) })
        #expect(quarters.gridCount == 5)
        // 0.5 is not min + k * 0.3, so it is an extra value (as in Keras Tuner).
        let offGrid = try HyperParameter.float("o", minValue: 0, maxValue: 0.9, step: 0.3, default: 0.5)
        #expect(walked(offGrid).first == .float(0.5) && walked(offGrid).count == 5)
        #expect(offGrid.gridCount == 5)
        let logInt = try HyperParameter.int("b", minValue: 2, maxValue: 32, step: 2, sampling: "log", default: 8)
        #expect(walked(logInt) == [8, 2, 4, 16, 32].map { HPValue.int($0) })
        #expect(logInt.gridCount == 5)
        let logFloat = try HyperParameter.float("lr", minValue: 0.001, maxValue: 10, step: 10, sampling: "log", default: 0.5)
        #expect(logFloat.gridCount == 6 && walked(logFloat).count == 6)
    }

    @Test func logIntWithoutStepUsesBucketCentresAndItsDefault() throws {
        let hp = try HyperParameter.int("n", minValue: 1, maxValue: 1000, sampling: "log")
        let want = Set((0..<10).map { k in HPValue.int(Int64(pow(1001.0, Double(k) * 0.1 + 0.05))) })
        let list = walked(hp)
        #expect(list.first == .int(1))
        #expect(Set(list) == want.union([.int(1)]) && list.count == Set(list).count)
        #expect(hp.gridCount == list.count)
    }

    @Test func choiceBooleanAndFixedPutTheDefaultFirst() throws {
        let choice = try HyperParameter.choice("c", values: [.string("a"), .string("b"), .string("c")], default: .string("b"))
        #expect(walked(choice) == [.string("b"), .string("a"), .string("c")])
        #expect(walked(HyperParameter.boolean("t", default: true)) == [.bool(true), .bool(false)])
        #expect(walked(HyperParameter.boolean("f")) == [.bool(false), .bool(true)])
        #expect(walked(HyperParameter.fixed("x", value: .int(7))) == [.int(7)])
    }

    // MARK: - Enumeration

    @Test func intTimesFloatRunsAllFiftyFiveCombinationsOnce() throws {
        let runs = try drive(try GridSearchOracle()) { hp in
            try hp.int("i", minValue: 1, maxValue: 5)
            try hp.float("f", minValue: 1, maxValue: 2)
        }
        var want = Set<ConfigurationKey>()
        for i in 1...5 {
            for f in [HPValue.float(1)] + centres(1, 2) {
                want.insert(HPValues([("i", .int(Int64(i))), ("f", f)]).configurationKey)
            }
        }
        #expect(runs.count == 55)
        #expect(Set(runs.map(\.configurationKey)) == want)
        // i = 2..5 also run with f at its default.
        #expect(runs.filter { $0["f"] == .float(1) }.count == 5)
    }

    @Test func defaultsComeFirstThenTheLastDeclaredTurnsFastest() throws {
        let runs = try drive(try GridSearchOracle()) { hp in
            try hp.int("n", minValue: 1, maxValue: 3, default: 2)
            try hp.choice("c", values: [.string("x"), .string("y"), .string("z")], default: .string("z"))
        }
        var want: [HPValues] = []
        for n in [2, 1, 3] {
            for c in ["z", "x", "y"] { want.append(HPValues([("n", .int(Int64(n))), ("c", .string(c))])) }
        }
        #expect(runs == want)
    }

    @Test func gridOfTwentyFourPointsRunsEachOnce() throws {
        let runs = try drive(try GridSearchOracle()) { hp in
            try hp.choice("a", values: [.string("x"), .string("y")])
            try hp.boolean("b")
            try hp.choice("c", values: [.int(1), .int(2)])
            try hp.choice("d", values: [.float(0.1), .float(0.2), .float(0.3)])
            try hp.fixed("e", value: .string("const"))
        }
        #expect(runs.count == 24)
        #expect(Set(runs.map(\.configurationKey)).count == 24)
        #expect(runs[0]["d"] == .float(0.1) && runs[1]["d"] == .float(0.2) && runs[2]["d"] == .float(0.3))
        #expect(runs[3]["c"] == .int(2) && runs[3]["d"] == .float(0.1))
    }

    @Test func conditionalChildrenAreEnumeratedOnlyWhileTheirBranchIsTaken() throws {
        let runs = try drive(try GridSearchOracle()) { hp in
            try hp.choice("model", values: [.string("mlp"), .string("cnn"), .string("none")])
            try hp.conditionalScope("model", [.string("mlp")]) {
                try hp.int("units", minValue: 1, maxValue: 3)
                try hp.boolean("deep")
                try hp.conditionalScope("deep", [.bool(true)]) { try hp.int("layers", minValue: 2, maxValue: 3) }
            }
            try hp.conditionalScope("model", [.string("cnn")]) {
                try hp.choice("filters", values: [.int(8), .int(16)])
                try hp.boolean("pool", default: true)
            }
        }
        var want: [HPValues] = []
        for u in 1...3 {
            want.append(HPValues([("model", .string("mlp")), ("units", .int(Int64(u))), ("deep", .bool(false))]))
            for l in 2...3 {
                want.append(HPValues([("model", .string("mlp")), ("units", .int(Int64(u))), ("deep", .bool(true)),
                                      ("layers", .int(Int64(l)))]))
            }
        }
        for f in [8, 16] {
            for p in [true, false] {
                want.append(HPValues([("model", .string("cnn")), ("filters", .int(Int64(f))), ("pool", .bool(p))]))
            }
        }
        want.append(HPValues([("model", .string("none"))]))
        #expect(runs.count == 14)
        #expect(runs == want)
    }

    @Test func oneNameUnderTwoParentsTakesEachBranchsValuesWithoutWandering() throws {
        let oracle = try GridSearchOracle()
        // A regression that turns inactive declarations walks duplicates: stop it rather than hang.
        oracle.interruptRequested = { [unowned oracle] in oracle.odometerSteps > 100_000 }
        let runs = try drive(oracle) { hp in
            try hp.choice("model", values: [.string("a"), .string("b")])
            try hp.conditionalScope("model", [.string("a")]) { try hp.int("units", minValue: 1, maxValue: 1000) }
            try hp.conditionalScope("model", [.string("b")]) { try hp.int("units", minValue: 1, maxValue: 500, default: 250) }
        }
        #expect(runs.count == 1500)
        #expect(Set(runs.map(\.configurationKey)).count == 1500)
        #expect(runs[1000] == HPValues([("model", .string("b")), ("units", .int(250))]))
        #expect(runs.filter { $0["model"] == .string("b") }.allSatisfy { $0["units"]!.numeric! <= 500 })
        // One step per trial after the first: the walk never passes a duplicate.
        #expect(oracle.odometerSteps == runs.count - 1)
    }

    @Test func manyInactiveChildrenCostNothingBetweenTrials() throws {
        let oracle = try GridSearchOracle()
        oracle.interruptRequested = { [unowned oracle] in oracle.odometerSteps > 100_000 }
        // 6 branches of 6 Booleans each: 384 active configurations, 6 * 2^36 over every declaration.
        let runs = try drive(oracle) { hp in
            try hp.choice("branch", values: (0..<6).map { HPValue.int(Int64($0)) })
            for b in 0..<6 {
                try hp.conditionalScope("branch", [.int(Int64(b))]) {
                    for k in 0..<6 { try hp.boolean("b\(b)_\(k)") }
                }
            }
        }
        #expect(runs.count == 384)
        #expect(Set(runs.map(\.configurationKey)).count == 384)
        #expect(runs.allSatisfy { $0.count == 7 })
        #expect(oracle.odometerSteps == runs.count - 1)
    }

    @Test func waitsWhileAnotherTrialMayStillDeclareHyperparameters() throws {
        let oracle = try GridSearchOracle()
        let first = try oracle.createTrial()
        #expect(first.status == .running && first.hyperparameters.values.isEmpty)
        #expect(try oracle.createTrial().status == .idle)
        try first.hyperparameters.boolean("b")
        try oracle.updateTrial(first.trialId, metrics: [(oracle.objective.name, 0)])
        first.status = .completed
        _ = try oracle.endTrial(first)
        #expect(try oracle.createTrial().hyperparameters.values["b"] == .bool(true))
        #expect(try oracle.createTrial().status == .idle)
    }

    // MARK: - Resume

    private func space(_ hp: HyperParameters) throws {
        try hp.int("n", minValue: 1, maxValue: 3, default: 2)
        try hp.choice("kind", values: [.string("x"), .string("y")])
        try hp.conditionalScope("kind", [.string("y")]) { try hp.float("rate", minValue: 0, maxValue: 1) }
    }

    @Test(arguments: [1, 2, 5, 13, 30])
    func resumedSearchContinuesExactlyAsAnUninterruptedOne(stopAfter: Int) throws {
        let whole = try drive(try GridSearchOracle(), space)
        #expect(whole.count == 3 * (1 + 11))
        let original = try GridSearchOracle()
        let before = try drive(original, limit: stopAfter, space)
        let resumed = try GridSearchOracle()
        try resume(resumed, from: original)
        let after = try drive(resumed, space)
        #expect(before + after == whole)
    }

    @Test func trialLeftRunningByACrashRerunsThenTheGridGoesOn() throws {
        let whole = try drive(try GridSearchOracle(), space)
        let original = try GridSearchOracle()
        let before = try drive(original, limit: 4, space)
        let crashed = try original.createTrial()
        try space(crashed.hyperparameters)
        let resumed = try GridSearchOracle()
        try resume(resumed, from: original)
        let after = try drive(resumed, space)
        #expect(after.first == crashed.hyperparameters.values)
        #expect(before + after == whole)
    }

    // MARK: - Interruption and sizes

    @Test func interruptStopsALongWalkOverTriedPoints() throws {
        let space = HyperParameters()
        try space.int("a", minValue: 1, maxValue: 20_000)
        // Every point tried, the first one last: the walk from it passes 19,999 duplicates.
        let rows = (2...20_000).map { HPValues([("a", .int(Int64($0)))]) } + [HPValues([("a", .int(1))])]
        let free = try GridSearchOracle(hyperparameters: space)
        free.restore(trials: seeded(space, rows), endOrder: [])
        #expect(try free.createTrial().status == .stopped)
        #expect(free.odometerSteps == 19_999)

        let stopped = try GridSearchOracle(hyperparameters: space)
        stopped.restore(trials: seeded(space, rows), endOrder: [])
        var polls = 0
        stopped.interruptRequested = { polls += 1; return polls >= 2 }
        #expect { _ = try stopped.createTrial() } throws: { ($0 as? EngineError)?.kind == .interrupted }
        #expect(polls == 2 && stopped.odometerSteps == 2 * Oracle.interruptPollInterval)
        #expect(stopped.orderedTrials.count == 20_000)
    }

    @Test func interruptStopsRandomSearchEnumeratingAFiniteSpace() throws {
        let space = HyperParameters()
        try space.int("a", minValue: 1, maxValue: 5000)
        let rows = (1...5000).map { HPValues([("a", .int(Int64($0)))]) }
        let free = try RandomSearchOracle(maxTrials: nil, hyperparameters: space, seed: 3)
        free.restore(trials: seeded(space, rows), endOrder: [])
        #expect(try free.createTrial().status == .stopped)
        #expect(free.stopReason?.contains("exhausted") == true)

        let stopped = try RandomSearchOracle(maxTrials: nil, hyperparameters: space, seed: 3)
        stopped.restore(trials: seeded(space, rows), endOrder: [])
        var polls = 0
        stopped.interruptRequested = { polls += 1; return true }
        #expect { _ = try stopped.createTrial() } throws: { ($0 as? EngineError)?.kind == .interrupted }
        #expect(polls == 1)
    }

    @Test func hugeProductsDoNotTrap() throws {
        // 40 Ints of 10^6 values that are never active: random search draws only {mode: off}, which
        // is tried, so after 20 collisions it sizes the space (10^240: the product overflows Int),
        // finds it too large to enumerate, draws at length and stops.
        let space = HyperParameters()
        try space.fixed("mode", value: .string("off"))
        try space.conditionalScope("mode", [.string("on")]) {
            for i in 0..<40 { try space.int("p\(i)", minValue: 1, maxValue: 1_000_000) }
        }
        let random = try RandomSearchOracle(hyperparameters: space, seed: 1)
        random.restore(trials: seeded(space, [HPValues([("mode", .string("off"))])]), endOrder: [])
        #expect(try random.createTrial().status == .stopped)
        #expect(random.stopReason?.contains("exhausted") == true)
        // The grid never multiplies: 4 Ints of 10^5 values start at once and turn the last first.
        let wide = HyperParameters()
        for i in 0..<4 { try wide.int("q\(i)", minValue: 1, maxValue: 100_000) }
        let runs = try drive(try GridSearchOracle(maxTrials: 3, hyperparameters: wide)) { _ in }
        #expect(runs.count == 3 && runs[2]["q3"] == .int(3) && runs[2]["q0"] == .int(1))
    }
}
