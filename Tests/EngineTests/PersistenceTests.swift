import Testing
import CSQLite
#if canImport(Glibc)
import Glibc
#endif
@testable import Engine

/// The SQLite project: resume, crash recovery, exact values, and refusing bad projects.
struct PersistenceTests {
    private func open(_ oracle: Oracle, _ dir: TempDirectory, name: String = "p", overwrite: Bool = false) throws -> Tuner {
        try Tuner(oracle: oracle, directory: dir.path, projectName: name, overwrite: overwrite, verbose: 0)
    }

    private func grid12(_ hp: HyperParameters) throws -> Double {
        let a = try hp.choice("a", values: [.int(1), .int(2), .int(3)])!.numeric!
        let b = try hp.choice("b", values: [.string("x"), .string("y"), .string("z"), .string("w")])!
        return a + (b == .string("x") ? 0.5 : 0)
    }

    @Test func gridResumesAfterAStopWithoutRepeats() throws {
        let dir = TempDirectory()
        var first: [ConfigurationKey] = []
        do {
            let t = try open(try GridSearchOracle(maxTrials: 5), dir)
            try t.search(ClosureTrialRunner { trial in .number(try self.grid12(trial.hyperparameters)) })
            first = t.oracle.orderedTrials.map { $0.hyperparameters.values.configurationKey }
            t.close()
        }
        #expect(first.count == 5)
        let t = try open(try GridSearchOracle(maxTrials: 100), dir)
        #expect(t.reloaded && t.oracle.orderedTrials.count == 5)
        try t.search(ClosureTrialRunner { trial in .number(try self.grid12(trial.hyperparameters)) })
        let all = t.oracle.orderedTrials.map { $0.hyperparameters.values.configurationKey }
        #expect(all.count == 12 && Set(all).count == 12)
        #expect(Array(all.prefix(5)) == first)
    }

    @Test func interruptedTrialRunsAgainWithSameIdAndValues() throws {
        let dir = TempDirectory()
        var interruptedId = ""
        var interruptedValues = HPValues()
        do {
            let t = try open(try GridSearchOracle(), dir)
            var n = 0
            t.interruptRequested = { n == 3 }
            do {
                try t.search(ClosureTrialRunner { trial in
                    n += 1
                    let y = try self.grid12(trial.hyperparameters)
                    if n == 3 { interruptedId = trial.trialId; interruptedValues = trial.hyperparameters.values }
                    return .number(y)
                })
                Issue.record("expected an interruption")
            } catch let e as EngineError {
                #expect(e.kind == .interrupted)
            }
            t.close()
        }
        let t = try open(try GridSearchOracle(), dir)
        var rerun: (String, HPValues)?
        try t.search(ClosureTrialRunner { trial in
            if rerun == nil { rerun = (trial.trialId, trial.hyperparameters.values) }
            return .number(try self.grid12(trial.hyperparameters))
        })
        #expect(rerun?.0 == interruptedId && rerun?.1 == interruptedValues)
        let all = t.oracle.orderedTrials.map { $0.hyperparameters.values.configurationKey }
        #expect(all.count == 12 && Set(all).count == 12)
        #expect(t.oracle.orderedTrials.allSatisfy { $0.status == .completed })
    }

    @Test func runningTrialLeftByACrashIsRerunAndMaxTrialsHolds() throws {
        let dir = TempDirectory()
        var crashed: (String, HPValues)?
        do {
            let t = try open(try RandomSearchOracle(maxTrials: 8, seed: 11), dir)
            var n = 0
            do {
                try t.search(ClosureTrialRunner { trial in
                    n += 1
                    let x = try trial.hyperparameters.float("x", minValue: -2, maxValue: 2)!.numeric!
                    if n == 4 {
                        crashed = (trial.trialId, trial.hyperparameters.values)
                        throw FatalError("simulated crash")  // leaves the row RUNNING, as a kill would
                    }
                    return .number(x * x)
                })
            } catch is FatalError {}
            t.close()
        }
        // The database says RUNNING for the crashed trial.
        let raw = try SQLiteStore(readingProjectAt: dir.path + "/p")
        let stored = try raw.load()!
        raw.close()
        #expect(stored.trials.first { $0.trial.trialId == crashed!.0 }?.trial.status == .running)

        let t = try open(try RandomSearchOracle(maxTrials: 8, seed: 11), dir)
        var firstRun: (String, HPValues)?
        try t.search(ClosureTrialRunner { trial in
            let x = try trial.hyperparameters.float("x", minValue: -2, maxValue: 2)!.numeric!
            if firstRun == nil { firstRun = (trial.trialId, trial.hyperparameters.values) }
            return .number(x * x)
        })
        #expect(firstRun?.0 == crashed?.0 && firstRun?.1 == crashed?.1)
        #expect(t.oracle.orderedTrials.count == 8)
        #expect(t.oracle.orderedTrials.allSatisfy { $0.status == .completed })
        #expect(Set(t.oracle.orderedTrials.map(\.trialId)).count == 8)
    }

    @Test func rerunTrialKeepsOnlyItsNewMetrics() throws {
        let dir = TempDirectory()
        do {
            let t = try open(try RandomSearchOracle(maxTrials: 1, seed: 4), dir)
            do {
                try t.search(ClosureTrialRunner { trial in
                    try t.reportIntermediate(trial, metrics: [("default_objective", 100)], step: 0)
                    try t.reportIntermediate(trial, metrics: [("default_objective", 50)], step: 1)
                    throw FatalError("killed mid-trial")
                })
            } catch is FatalError {}
            t.close()
        }
        do {
            let t = try open(try RandomSearchOracle(maxTrials: 1, seed: 4), dir)
            try t.search(ClosureTrialRunner { trial in
                try t.reportIntermediate(trial, metrics: [("default_objective", 7)], step: 0)
                return .number(5)
            })
            t.close()
        }
        let t = try open(try RandomSearchOracle(maxTrials: 1, seed: 4), dir)
        let trial = t.oracle.orderedTrials[0]
        #expect(try trial.metrics.getHistory("default_objective").map(\.value) == [6])  // step 0: mean of 7 and 5
        #expect(trial.score == 6 && trial.status == .completed)
    }

    @Test func resumedRandomSearchContinuesTheSeedStream() throws {
        func body(_ trial: Trial) throws -> TrialResult {
            let x = try trial.hyperparameters.float("x", minValue: -2, maxValue: 2)!.numeric!
            try trial.hyperparameters.int("n", minValue: 1, maxValue: 64, step: 2, sampling: "log")
            return .number(x * x)
        }
        let a = TempDirectory()
        let whole = try open(try RandomSearchOracle(maxTrials: 10, seed: 0), a)
        try whole.search(ClosureTrialRunner(body))
        let b = TempDirectory()
        do {
            let half = try open(try RandomSearchOracle(maxTrials: 5, seed: 0), b)
            try half.search(ClosureTrialRunner(body))
            half.close()
        }
        let rest = try open(try RandomSearchOracle(maxTrials: 10, seed: 0), b)
        try rest.search(ClosureTrialRunner(body))
        #expect(whole.oracle.orderedTrials.map(\.hyperparameters.values) == rest.oracle.orderedTrials.map(\.hyperparameters.values))
    }

    @Test func storedValuesRoundTripBitIdentically() throws {
        let dir = TempDirectory()
        var ran: [HPValues] = []
        do {
            let t = try open(try RandomSearchOracle(maxTrials: 20, seed: 5), dir)
            try t.search(ClosureTrialRunner { trial in
                let hp = trial.hyperparameters
                let x = try hp.float("x", minValue: 1e-9, maxValue: 1e3, sampling: "log")!.numeric!
                try hp.float("y", minValue: -1, maxValue: 1)
                try hp.int("n", minValue: -5, maxValue: 5)
                try hp.choice("s", values: [.string("a\"b"), .string("é")])
                try hp.boolean("b")
                ran.append(hp.values)
                return .metrics([("default_objective", x / 3), ("other", .nan)])
            })
            t.close()
        }
        let t = try open(try RandomSearchOracle(maxTrials: 20, seed: 5), dir)
        let back = t.oracle.orderedTrials.map(\.hyperparameters.values)
        #expect(back.count == ran.count)
        for (a, b) in zip(ran, back) {
            for (name, v) in a {
                if case let .float(x) = v, case let .float(y) = b[name]! { #expect(x.bitPattern == y.bitPattern) } else { #expect(v == b[name]) }
            }
            #expect(a.names == b.names)
        }
        let scores = t.oracle.orderedTrials.map(\.score)
        #expect(zip(ran, scores).allSatisfy { $0.0["x"]!.numeric! / 3 == $0.1 })
        #expect(try t.oracle.orderedTrials[0].metrics.getLastValue("other")?.isNaN == true)
    }

    @Test func overwriteStartsFresh() throws {
        let dir = TempDirectory()
        do {
            let t = try open(try RandomSearchOracle(maxTrials: 3, seed: 1), dir)
            try t.search(ClosureTrialRunner { _ in .number(1) })
            t.close()
        }
        let t = try open(try GridSearchOracle(), dir, overwrite: true)
        #expect(!t.reloaded && t.oracle.orderedTrials.isEmpty)
    }

    @Test func otherOracleKindIsAClearError() throws {
        let dir = TempDirectory()
        do {
            let t = try open(try RandomSearchOracle(maxTrials: 2, seed: 1), dir)
            try t.search(ClosureTrialRunner { _ in .number(1) })
            t.close()
        }
        do {
            _ = try open(try GridSearchOracle(), dir)
            Issue.record("expected an error")
        } catch let e as EngineError {
            #expect(e.kind == .incompatibleProject && e.message.contains("RandomSearch") && e.message.contains("GridSearch"))
        }
        do {
            _ = try open(try RandomSearchOracle(objective: Objective("y", .max), maxTrials: 2, seed: 1), dir)
            Issue.record("expected an error")
        } catch let e as EngineError {
            #expect(e.kind == .incompatibleProject && e.message.contains("default_objective") && e.message.contains("\"y\""))
        }
        // The failed open released the lock: the right kind opens.
        _ = try open(try RandomSearchOracle(maxTrials: 2, seed: 1), dir)
    }

    @Test func secondOpenOfAProjectIsRefusedWhileTheFirstHoldsIt() throws {
        let dir = TempDirectory()
        let first = try open(try RandomSearchOracle(seed: 1), dir)
        do {
            _ = try open(try RandomSearchOracle(seed: 1), dir)
            Issue.record("expected the project to be locked")
        } catch let e as EngineError {
            #expect(e.kind == .projectLocked && e.message.contains("already open in this process"))
        }
        first.close()
        _ = try open(try RandomSearchOracle(seed: 1), dir)
    }

    @Test func projectHeldByAnotherProcessIsAClearError() throws {
        let dir = TempDirectory()
        mkdir(dir.path + "/p", 0o755)
        let lock = dir.path + "/p/tunelua.lock"
        var pid: pid_t = 0
        let args = ["/usr/bin/flock", lock, "/usr/bin/sleep", "5"]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        #expect(posix_spawn(&pid, args[0], nil, nil, &argv, environ) == 0)
        defer { kill(pid, SIGKILL); var st: Int32 = 0; waitpid(pid, &st, 0) }
        // Wait until the child holds the lock.
        for _ in 0..<200 {
            let fd = Glibc.open(lock, O_RDWR)
            let held = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0
            if fd >= 0 { Glibc.close(fd) }
            if held { break }
            usleep(10_000)
        }
        do {
            _ = try open(try RandomSearchOracle(seed: 1), dir)
            Issue.record("expected the project to be locked")
        } catch let e as EngineError {
            #expect(e.kind == .projectLocked && e.message.contains("in use by another process"))
        }
    }

    @Test func corruptOrForeignDatabaseIsRefusedAndLeftUntouched() throws {
        let dir = TempDirectory()
        mkdir(dir.path + "/bad", 0o755); mkdir(dir.path + "/foreign", 0o755)
        let junk = Array("this is not a database at all, just some bytes that a user put here ..........................................".utf8)
        writeFile(dir.path + "/bad/tunelua.db", junk)
        #expect(throws: EngineError.self) { _ = try open(try RandomSearchOracle(seed: 1), dir, name: "bad") }
        #expect(throws: EngineError.self) { _ = try open(try RandomSearchOracle(seed: 1), dir, name: "bad", overwrite: true) }
        #expect(readFile(dir.path + "/bad/tunelua.db") == junk)

        var db: OpaquePointer?
        sqlite3_open(dir.path + "/foreign/tunelua.db", &db)
        sqlite3_exec(db, "CREATE TABLE songs(title TEXT); INSERT INTO songs VALUES ('x');", nil, nil, nil)
        sqlite3_close(db)
        let before = readFile(dir.path + "/foreign/tunelua.db")
        do {
            _ = try open(try RandomSearchOracle(seed: 1), dir, name: "foreign")
            Issue.record("expected an error")
        } catch let e as EngineError {
            #expect(e.kind == .corruptData && e.message.contains("did not create"))
        }
        #expect(readFile(dir.path + "/foreign/tunelua.db") == before)
    }

    @Test func badProjectNamesAndUnwritableDirectoriesAreClearErrors() throws {
        let dir = TempDirectory()
        for name in ["..", "a/b", "../up", ""] {
            do {
                _ = try open(try RandomSearchOracle(seed: 1), dir, name: name)
                Issue.record("expected an error for '\(name)'")
            } catch let e as EngineError {
                #expect(e.kind == .invalidArgument && e.message.contains("project_name"))
            }
        }
        writeFile(dir.path + "/file", [1])
        do {
            _ = try Tuner(oracle: try RandomSearchOracle(seed: 1), directory: dir.path + "/file/sub", verbose: 0)
            Issue.record("expected an error")
        } catch let e as EngineError {
            #expect(e.kind == .storage && e.message.contains("cannot create the project directory"))
        }
    }

    @Test func summaryOfAStoredProjectMatchesResultsSummary() throws {
        let dir = TempDirectory()
        let t = try open(try RandomSearchOracle(objective: Objective("y", .min), maxTrials: 4, seed: 2), dir)
        try t.search(ClosureTrialRunner { trial in
            let x = try trial.hyperparameters.float("x", minValue: -2, maxValue: 2)!.numeric!
            return .metrics([("y", x * x + 2 * x + 1)])
        })
        // Read while the tuner still holds the project (a running search), and after it closed.
        let text = t.resultsSummaryText(3)
        #expect(try Tuner.summary(ofProjectAt: dir.path + "/p", numTrials: 3) == text)
        t.close()
        #expect(try Tuner.summary(ofProjectAt: dir.path + "/p", numTrials: 3) == text)
    }

    @Test func checkpointsRoundTrip() throws {
        let dir = TempDirectory()
        let t = try open(try RandomSearchOracle(seed: 1), dir)
        try t.store.saveCheckpoint(trialId: "00", step: 3, data: [1, 2, 3, 255], replacingOthers: false)
        #expect(try t.store.loadCheckpoint(trialId: "00", step: 3) == [1, 2, 3, 255])
        #expect(try t.store.loadCheckpoint(trialId: "00", step: 4) == nil)
    }
}
