import Foundation
import Testing
@testable import Engine

/// Pruning and budgets inside the search loop (docs/reference.md, Pruning), with Swift runners and the real
/// SQLite store.
struct PruningSearchTests {
    let dir = TempDirectory()

    func tuner(_ oracle: Oracle, name: String = "p", out: OutputCollector? = nil, verbose: Int = 0) throws -> Tuner {
        try Tuner(oracle: oracle, directory: dir.path, projectName: name, verbose: verbose, output: out?.sink ?? { _ in })
    }

    func oracle(maxTrials: Int = 10, pruner: (any Pruner)? = nil) throws -> Oracle {
        let o = try RandomSearchOracle(objective: Objective("loss", .min), maxTrials: maxTrials, seed: 4)
        o.pruner = pruner
        return o
    }

    /// A learning curve x + 1/(step+1) over `steps` steps, reported and checked at every step.
    func curves(steps: Int = 6, reports: Locked<Int>? = nil) -> ClosureTrialRunner {
        ClosureTrialRunner { trial in
            guard case let .float(x)? = try trial.hyperparameters.float("x", minValue: 0, maxValue: 1) else { return .none }
            let tuner = trial.tuner!
            var value = 0.0
            for step in 0..<steps {
                value = x + 1 / Double(step + 1)
                try tuner.report(trial, step: step, value: value)
                reports?.withLock { $0 += 1 }
                if tuner.shouldPrune(trial) { return .none }  // ignored: the trial is pruned
            }
            return .number(value)
        }
    }

    @Test func prunedTrialsArePrunedNeverBestNotRetriedAndCounted() throws {
        let out = OutputCollector()
        let t = try tuner(try oracle(pruner: try MedianPruner(nStartupTrials: 2)), out: out, verbose: 1)
        try t.search(curves())
        let trials = t.oracle.orderedTrials
        #expect(trials.count == 10)  // pruned trials count toward max_trials
        let pruned = trials.filter { $0.status == .pruned }
        #expect(!pruned.isEmpty)
        #expect(trials.allSatisfy { $0.runCount == 1 })  // never retried
        #expect(!t.oracle.getBestTrials(10).prefix(trials.count - pruned.count).contains { $0.status == .pruned })
        #expect(t.oracle.getBestTrials(1).first?.status == .completed)
        for p in pruned {
            let last = p.intermediateValues.lastStep!
            #expect(last < 5)
            #expect(p.score == p.intermediateValues.objective[last])  // Optuna: the last value
            #expect(out.text.contains("Trial \(p.index + 1)/10 pruned at step \(last) "))
        }
    }

    @Test func intermediateValuesAndPrunerStateSurviveAResume() throws {
        var first: [String: (TrialStatus, [Int: Double])] = [:]
        var rungs: JSON = .null
        do {
            let pruner = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2)
            let t = try tuner(try oracle(maxTrials: 6, pruner: pruner))
            try t.search(curves())
            for trial in t.oracle.orderedTrials { first[trial.trialId] = (trial.status, trial.intermediateValues.objective) }
            rungs = pruner.state
            t.close()
        }
        #expect(first.values.contains { $0.0 == .pruned })
        let pruner = try SuccessiveHalvingPruner(minResource: 1, reductionFactor: 2)
        let t = try tuner(try oracle(maxTrials: 9, pruner: pruner))
        #expect(pruner.state == rungs)
        for trial in t.oracle.orderedTrials {
            #expect(first[trial.trialId]?.0 == trial.status)
            #expect(first[trial.trialId]?.1 == trial.intermediateValues.objective)
        }
        try t.search(curves())
        #expect(t.oracle.orderedTrials.count == 9)
        // the old trials are not run again
        #expect(t.oracle.orderedTrials.prefix(6).allSatisfy { $0.runCount == 1 })
    }

    @Test func aTrialThatRaisesTrialPrunedIsPruned() throws {
        let t = try tuner(try oracle(maxTrials: 2))
        try t.search(ClosureTrialRunner { trial in
            _ = try trial.hyperparameters.float("x", minValue: 0, maxValue: 1)
            try trial.tuner!.report(trial, step: 0, metrics: [("loss", 3), ("acc", 0.5)])
            if trial.index == 1 { throw TrialPruned() }
            return .number(1)
        })
        #expect(t.oracle.orderedTrials.map(\.status) == [.completed, .pruned])
        #expect(t.oracle.orderedTrials[1].intermediateValues.history("acc").map(\.value) == [0.5])
        #expect(t.oracle.orderedTrials[1].score == 3)
    }

    @Test func aReportedStepKeepsItsFirstValue() throws {
        let t = try tuner(try oracle(maxTrials: 1))
        try t.search(ClosureTrialRunner { trial in
            _ = try trial.hyperparameters.float("x", minValue: 0, maxValue: 1)
            try trial.tuner!.report(trial, step: 0, value: 2)
            try trial.tuner!.report(trial, step: 0, value: 5)
            return .number(1)
        })
        #expect(t.oracle.orderedTrials[0].intermediateValues.history("loss").map(\.value) == [2])
    }

    @Test func stopAfterNoImprovementEndsTheSearchAndSaysWhy() throws {
        let out = OutputCollector()
        let t = try tuner(try oracle(maxTrials: 20), out: out, verbose: 1)
        t.budget = try SearchBudget(stopAfterNoImprovement: 3)
        let scores = [5.0, 4, 4, 6, 3, 7, 3, 8, 1, 1]
        try t.search(ClosureTrialRunner { trial in
            _ = try trial.hyperparameters.float("x", minValue: 0, maxValue: 1)
            return .number(scores[trial.index])
        })
        // 4 (index 1) improves, then 4, 6 do not, 3 improves, then 7, 3, 8: three in a row
        #expect(t.oracle.orderedTrials.count == 8)
        #expect(out.text.contains("the last 3 finished trials did not improve the best loss"))
    }

    @Test func maxTimeStartsNoTrialAfterItAndIsPerRun() throws {
        let out = OutputCollector()
        let t = try tuner(try oracle(maxTrials: 50), out: out, verbose: 1)
        t.budget = try SearchBudget(maxTime: 0.3)
        let started = Date()
        try t.search(ClosureTrialRunner { trial in
            _ = try trial.hyperparameters.float("x", minValue: 0, maxValue: 1)
            usleep(100_000)
            return .number(1)
        })
        let ran = t.oracle.orderedTrials.count
        #expect(ran >= 1 && ran <= 4)
        #expect(Date().timeIntervalSince(started) < 1.5)
        #expect(out.text.contains("max_time of 0.3 s reached"))
        // a second run starts a new budget
        try t.search(ClosureTrialRunner { trial in
            _ = try trial.hyperparameters.float("x", minValue: 0, maxValue: 1)
            usleep(100_000)
            return .number(1)
        })
        #expect(t.oracle.orderedTrials.count > ran)
    }

    @Test func aTimedOutTrialFailsWithItsMessageAndIsNotRetried() throws {
        let o = try RandomSearchOracle(objective: Objective("loss", .min), maxTrials: 3, seed: 4, maxRetriesPerTrial: 2)
        let t = try tuner(o)
        t.budget = try SearchBudget(trialTimeout: 1.5)
        try t.search(ClosureTrialRunner { trial in
            _ = try trial.hyperparameters.float("x", minValue: 0, maxValue: 1)
            if trial.index == 1 { throw TrialTimedOut(seconds: 1.5) }
            return .number(1)
        })
        #expect(t.oracle.orderedTrials.map(\.status) == [.completed, .failed, .completed])
        #expect(t.oracle.orderedTrials[1].message == "timed out after 1.5 s")
        #expect(t.oracle.orderedTrials[1].runCount == 1)
    }

    @Test func budgetArgumentsAreChecked() {
        #expect(throws: EngineError.self) { try SearchBudget(maxTime: 0) }
        #expect(throws: EngineError.self) { try SearchBudget(trialTimeout: -1) }
        #expect(throws: EngineError.self) { try SearchBudget(stopAfterNoImprovement: 0) }
    }

    /// TPE ranks pruned trials after the completed ones (Optuna's `_split_trials`): deeper first.
    @Test func tpeRanksPrunedTrialsByStepThenValue() {
        let objective = Objective("loss", .min)
        func pruned(_ values: [Int: Double]) -> Trial {
            let t = Trial(trialId: "x", index: 0, hyperparameters: HyperParameters(), status: .pruned)
            for (s, v) in values.sorted(by: { $0.key < $1.key }) { t.intermediateValues.record([("loss", v)], step: s, objective: objective) }
            return t
        }
        let deep = TPEOracle.prunedRank(pruned([0: 9, 1: 9, 2: 9]), sign: 1)
        let shallowGood = TPEOracle.prunedRank(pruned([0: 0.1]), sign: 1)
        let shallowBad = TPEOracle.prunedRank(pruned([0: 5]), sign: 1)
        #expect(deep < shallowGood && shallowGood < shallowBad)
    }

    /// Two workers share one oracle and pruner: every trial's reports reach it under the lock and
    /// the pruner sees the others' values.
    @Test func pruningWithSeveralWorkers() throws {
        let t = try tuner(try oracle(maxTrials: 16, pruner: try MedianPruner(nStartupTrials: 2)))
        let session = t.beginSearch(workers: 2)
        let reports = Locked(0)
        let errors = Locked<[String]>([])
        let done = DispatchGroup()
        for k in 0..<2 {
            done.enter()
            let job = Unchecked((session, curves(reports: reports)))
            Thread.detachNewThread {
                do { try job.value.0.work(job.value.1, worker: "tuner\(k)") } catch { errors.withLock { $0.append("\(error)") } }
                done.leave()
            }
        }
        done.wait()
        #expect(errors.withLock { $0 } == [])
        let trials = t.oracle.orderedTrials
        #expect(trials.count == 16)
        // (Which worker ran what is timing; that both take trials is SearchSessionTests' job.)
        #expect(Set(trials.compactMap(\.worker)).isSubset(of: ["tuner0", "tuner1"]))
        #expect(trials.contains { $0.status == .pruned })
        let stored = trials.reduce(0) { $0 + $1.intermediateValues.objective.count }
        #expect(stored == reports.withLock { $0 })
    }
}

/// Hands a value to another thread (the search session is made for that; the type system cannot tell).
struct Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// A value shared between test threads.
final class Locked<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func withLock<R>(_ body: (inout T) -> R) -> R {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
