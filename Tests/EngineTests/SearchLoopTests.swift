import Testing
@testable import Engine

/// The search loop: results, retries, failures, printing.
struct SearchLoopTests {
    private func tuner(_ oracle: Oracle, _ dir: TempDirectory, name: String = "p", out: OutputCollector? = nil,
                       verbose: Int = 0) throws -> Tuner {
        try Tuner(oracle: oracle, directory: dir.path, projectName: name, verbose: verbose, output: out?.sink ?? { _ in })
    }

    private func fiveValueGrid(_ hp: HyperParameters) throws -> Int64 {
        guard case let .int(v) = try hp.choice("v", values: (1...5).map { HPValue.int($0) })! else { return -1 }
        return v
    }

    @Test func ordinaryErrorsAreRetriedWithSameTrial() throws {
        let dir = TempDirectory()
        let t = try tuner(try GridSearchOracle(maxRetriesPerTrial: 2), dir)
        var calls = 0
        var seen: [String: [HPValues]] = [:]
        try t.search(ClosureTrialRunner { trial in
            calls += 1
            let v = try self.fiveValueGrid(trial.hyperparameters)
            seen[trial.trialId, default: []].append(trial.hyperparameters.values)
            if v == 2 || v == 4 { throw TestError("boom \(v)") }
            return .number(Double(v))
        })
        #expect(calls == 9)
        #expect(t.oracle.orderedTrials.count == 5)
        #expect(t.oracle.orderedTrials.filter { $0.status == .failed }.count == 2)
        #expect(seen.values.allSatisfy { Set($0.map(\.configurationKey)).count == 1 })
        let failed = t.oracle.orderedTrials.first { $0.status == .failed }!
        #expect(failed.message?.contains("boom") == true)
    }

    @Test func failedTrialErrorIsNotRetried() throws {
        let dir = TempDirectory()
        let t = try tuner(try GridSearchOracle(maxRetriesPerTrial: 2), dir)
        var calls = 0
        try t.search(ClosureTrialRunner { trial in
            calls += 1
            let v = try self.fiveValueGrid(trial.hyperparameters)
            if v == 2 || v == 4 { throw FailedTrialError("bad value") }
            return .number(Double(v))
        })
        #expect(calls == 5)
    }

    @Test func consecutiveFailuresAbortTheSearch() throws {
        let dir = TempDirectory()
        let t = try tuner(try RandomSearchOracle(maxTrials: 10, seed: 1), dir)
        var calls = 0
        do {
            try t.search(ClosureTrialRunner { trial in
                calls += 1
                try trial.hyperparameters.float("x", minValue: 0, maxValue: 1)
                throw TestError("always")
            })
            Issue.record("expected the search to abort")
        } catch let e as EngineError {
            #expect(e.kind == .searchAborted)
            #expect(e.message.hasPrefix("Number of consecutive failures exceeded the limit of 3."))
            #expect(e.message.contains("always"))
        }
        #expect(calls == 3)
    }

    @Test func nanObjectiveIsInvalidAndSucceedsOnRetryLosingTheMessage() throws {
        let dir = TempDirectory()
        let t = try tuner(try RandomSearchOracle(maxTrials: 1, seed: 3, maxRetriesPerTrial: 1), dir)
        var calls = 0
        try t.search(ClosureTrialRunner { trial in
            calls += 1
            try trial.hyperparameters.float("x", minValue: 0, maxValue: 1)
            return .number(calls == 1 ? .nan : 2.5)
        })
        let trial = t.oracle.orderedTrials[0]
        #expect(calls == 2)
        #expect(trial.status == .completed && trial.score == 2.5 && trial.message == nil)
    }

    @Test func resultsAreConvertedAsKerasTunerDoes() throws {
        let objective = Objective("loss", .min)
        #expect(try TrialResult.number(3).metricsAndStep(objective: objective).metrics.first?.1 == 3)
        let avg = try TrialResult.list([.metrics([("loss", 1), ("acc", 0.5)]), .metrics([("loss", 3), ("acc", 1)])])
            .metricsAndStep(objective: objective).metrics
        #expect(avg.map(\.0) == ["loss", "acc"] && avg.map(\.1) == [2, 0.75])
        let hist = try TrialResult.history([("loss", [3, 1, 2]), ("acc", [0.1, 0.9, 0.5])]).metricsAndStep(objective: objective)
        #expect(hist.step == 1 && hist.metrics.map(\.1) == [1, 0.9])
        let twoRuns = try TrialResult.list([.history([("loss", [3, 1, 2])]), .history([("loss", [3, 2, 0])])]).metricsAndStep(objective: objective)
        #expect(twoRuns.step == 1 && twoRuns.metrics.first?.1 == 0.5)
        for bad: TrialResult in [.none, .string("hello"), .metrics([("acc", 1)]), .other(typeName: "function", description: "f")] {
            do {
                _ = try bad.metricsAndStep(objective: objective)
                Issue.record("expected an error for \(bad)")
            } catch let e as EngineError {
                #expect(e.kind == .invalidResult && e.message.hasPrefix("run_trial: "))
            }
        }
    }

    @Test func unusableResultStopsTheSearchNamingWhatWasReturned() throws {
        let dir = TempDirectory()
        let t = try tuner(try RandomSearchOracle(objective: Objective("y", .min), maxTrials: 3, seed: 1), dir)
        do {
            try t.search(ClosureTrialRunner { _ in .metrics([("z", 1)]) })
            Issue.record("expected an error")
        } catch let e as EngineError {
            #expect(e.kind == .invalidResult)
            #expect(e.message.contains("no objective 'y'") && e.message.contains("'z'"))
        }
    }

    @Test func fatalErrorStopsTheSearch() throws {
        let dir = TempDirectory()
        let t = try tuner(try RandomSearchOracle(maxTrials: 5, seed: 1), dir)
        #expect(throws: FatalError.self) {
            try t.search(ClosureTrialRunner { _ in throw FatalError("stop now") })
        }
    }

    @Test func exhaustedSpacePrintsHowManyTrialsRan() throws {
        let dir = TempDirectory()
        let out = OutputCollector()
        let t = try tuner(try RandomSearchOracle(maxTrials: 15, seed: 0), dir, out: out, verbose: 1)
        try t.search(ClosureTrialRunner { trial in
            try trial.hyperparameters.boolean("a")
            try trial.hyperparameters.boolean("b")
            return .number(1)
        })
        #expect(t.oracle.orderedTrials.count == 4)
        #expect(out.text.contains("Search space exhausted: all 4 distinct configurations have been tried (4 trials ran)."))
    }

    @Test func printsKerasTunerDisplayAndNothingAtVerboseZero() throws {
        let dir = TempDirectory()
        let out = OutputCollector()
        let t = try tuner(try RandomSearchOracle(objective: Objective("y", .min), maxTrials: 2, seed: 7), dir, out: out, verbose: 1)
        try t.search(ClosureTrialRunner { trial in
            let x = try trial.hyperparameters.float("x", minValue: -2, maxValue: 2)!.numeric!
            return .metrics([("y", x * x)])
        })
        let second = t.oracle.orderedTrials[1].hyperparameters.values["x"]!.numeric!
        let expected = """

            Search: Running Trial #1

            default configuration

            Trial 1/2 Complete [00h 00m 00s]
            y: 4.0

            Best y So Far: 4.0
            Total elapsed time: 00h 00m 00s

            Search: Running Trial #2

            Value             |Best Value So Far |Hyperparameter
            \(pad(PyFormat.general(second)))|-2                |x

            Trial 2/2 Complete [00h 00m 00s]
            y: \(PyFormat.repr(second * second))

            Best y So Far: \(PyFormat.repr(min(4, second * second)))
            Total elapsed time: 00h 00m 00s

            """
        #expect(out.text == expected)

        let quiet = OutputCollector()
        let t2 = try tuner(try RandomSearchOracle(maxTrials: 2, seed: 7), dir, name: "q", out: quiet, verbose: 0)
        try t2.search(ClosureTrialRunner { _ in .number(1) })
        #expect(quiet.text.isEmpty)
    }

    private func pad(_ s: String) -> String { s + String(repeating: " ", count: max(0, 18 - s.count)) }

    @Test func summariesReadAsKerasTunerPrintsThem() throws {
        let dir = TempDirectory()
        let t = try tuner(try GridSearchOracle(objective: Objective("y", .max)), dir)
        try t.search(ClosureTrialRunner { trial in
            let v = try trial.hyperparameters.choice("units", values: [.int(8), .int(16)])!
            try trial.hyperparameters.float("lr", minValue: 0.001, maxValue: 0.1, sampling: "log")
            return .metrics([("y", v.numeric!)])
        })
        let text = t.resultsSummaryText(1)
        #expect(text.hasPrefix("Results summary\nResults in \(dir.path)/p\nShowing 1 best trials\nObjective(name=\"y\", direction=\"max\")\n\nTrial "))
        #expect(text.contains("Hyperparameters:\nunits: 16\nlr: "))
        #expect(text.hasSuffix("Score: 16.0\n"))
        let space = t.searchSpaceSummaryText()
        #expect(space == """
            Search space summary
            Default search space size: 2
            units (Choice)
            {'default': 8, 'conditions': [], 'values': [8, 16], 'ordered': True}
            lr (Float)
            {'default': 0.001, 'conditions': [], 'min_value': 0.001, 'max_value': 0.1, 'step': None, 'sampling': 'log'}

            """)
        #expect(t.getBestHyperparameters(1).first?.values["units"] == .int(16))
    }

    private struct ScriptError: Error, CustomStringConvertible, TracebackCarrying {
        let description = "search.lua:4: boom"
        let traceback: String? = "stack traceback:\n\tsearch.lua:4: in function 'run_trial'"
    }

    @Test func retriesPrintKerasTunerNoticeAndFailuresKeepTheTraceback() throws {
        let dir = TempDirectory()
        let out = OutputCollector()
        let t = try tuner(try RandomSearchOracle(maxTrials: 1, seed: 1, maxRetriesPerTrial: 1), dir, out: out, verbose: 1)
        try t.search(ClosureTrialRunner { _ in throw ScriptError() })
        #expect(out.text.contains("Trial 0 failed 1 times. 1 retries left.\nTrial 1/1 Complete ["))
        #expect(out.text.contains("Best default_objective So Far: None"))
        let trial = t.oracle.orderedTrials[0]
        #expect(trial.status == .failed)
        #expect(trial.message == "search.lua:4: boom\nstack traceback:\n\tsearch.lua:4: in function 'run_trial'")
        #expect(t.resultsSummaryText().hasSuffix("Trial 0 summary\nHyperparameters:\ndefault configuration\nsearch.lua:4: boom\nstack traceback:\n\tsearch.lua:4: in function 'run_trial'\n"))
    }

    @Test func searchSpaceSummaryPrintsEveryKindAsKerasTuner() throws {
        let hp = HyperParameters()
        try hp.int("units", minValue: 32, maxValue: 512, step: 32)
        try hp.boolean("bn", default: true)
        try hp.fixed("opt", value: .string("adam"))
        try hp.conditionalScope("bn", [.bool(true)]) { try hp.float("momentum", minValue: 0.5, maxValue: 0.99, step: 0.01) }
        let dir = TempDirectory()
        let t = try tuner(try GridSearchOracle(hyperparameters: hp), dir)
        #expect(t.searchSpaceSummaryText() == """
            Search space summary
            Default search space size: 4
            units (Int)
            {'default': None, 'conditions': [], 'min_value': 32, 'max_value': 512, 'step': 32, 'sampling': 'linear'}
            bn (Boolean)
            {'default': True, 'conditions': []}
            opt (Fixed)
            {'conditions': [], 'value': 'adam'}
            momentum (Float)
            {'default': 0.5, 'conditions': [{'class_name': 'Parent', 'config': {'name': 'bn', 'values': [True]}}], 'min_value': 0.5, 'max_value': 0.99, 'step': 0.01, 'sampling': 'linear'}

            """)
    }

    @Test func hooksRunAroundTheSearchAndEachTrial() throws {
        let dir = TempDirectory()
        let t = try tuner(try RandomSearchOracle(maxTrials: 2, seed: 1), dir)
        var log: [String] = []
        let runner = ClosureTrialRunner { trial in
            log.append("run \(trial.trialId)")
            try trial.hyperparameters.float("x", minValue: 0, maxValue: 1)
            return .number(1)
        }
        runner.searchBegin = { log.append("begin") }
        runner.searchEnd = { log.append("end") }
        runner.trialBegin = { log.append("trial+ \($0.trialId) \($0.status.rawValue)") }
        runner.trialEnd = { log.append("trial- \($0.trialId) \($0.status.rawValue)") }
        try t.search(runner)
        #expect(log == ["begin", "trial+ 0 RUNNING", "run 0", "trial- 0 COMPLETED", "trial+ 1 RUNNING", "run 1", "trial- 1 COMPLETED", "end"])
        #expect(t.remainingTrials == 0)
    }
}
