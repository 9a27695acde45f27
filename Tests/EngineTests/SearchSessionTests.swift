import Foundation
import Testing
@testable import Engine

/// One search shared by several worker threads: the oracle's `createTrial`/`endTrial` and the
/// store's commits race from every thread, and the result must be what one worker would give —
/// every trial once, every commit kept.
struct SearchSessionTests {
    /// Collects what worker threads record, under a lock.
    final class Record: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String: [String]] = [:]
        func add(_ worker: String, _ trialId: String) { lock.withLock { values[worker, default: []].append(trialId) } }
        var byWorker: [String: [String]] { lock.withLock { values } }
    }

    private func space() throws -> HyperParameters {
        let hp = HyperParameters()
        try hp.float("x", minValue: -1, maxValue: 1)
        try hp.int("n", minValue: 1, maxValue: 6)
        return hp
    }

    /// Runs `session` on `workers` threads named tuner0…, returning each thread's error.
    private func run(_ session: SearchSession, workers: Int, runner: @escaping @Sendable (String) -> any TrialRunner) -> [Error?] {
        nonisolated(unsafe) var failures = [Error?](repeating: nil, count: workers)
        let lock = NSLock()
        let group = DispatchGroup()
        for i in 0..<workers {
            group.enter()
            Thread {
                defer { group.leave() }
                do { try session.work(runner("tuner\(i)"), worker: "tuner\(i)") } catch {
                    lock.withLock { failures[i] = error }
                }
            }.start()
        }
        group.wait()
        return lock.withLock { failures }
    }

    /// The trial's `x`, declared as a black-box `run_trial` does.
    private func x(_ trial: Trial) throws -> Double {
        let value = try trial.hyperparameters.float("x", minValue: -1, maxValue: 1)
        guard case let .float(x)? = value else { throw TestError("x is \(String(describing: value))") }
        return x
    }

    /// A trial that takes a moment, so that every thread gets trials.
    private func busy(_ trial: Trial) -> Double {
        usleep(2_000)
        return 0
    }

    @Test(arguments: [2, 4])
    func everyTrialRunsOnceAcrossThreads(workers: Int) throws {
        let dir = TempDirectory()
        let tuner = try Tuner(oracle: RandomSearchOracle(maxTrials: 40, hyperparameters: space(), seed: 3),
                              directory: dir.path, projectName: "p", verbose: 0, output: { _ in })
        let session = tuner.beginSearch(workers: workers)
        let record = Record()
        let errors = run(session, workers: workers) { name in
            ClosureTrialRunner { trial in
                record.add(name, trial.trialId)
                let x = try self.x(trial)
                return .number(x * x + self.busy(trial))
            }
        }
        #expect(errors.allSatisfy { $0 == nil }, "\(errors)")
        let ran = record.byWorker.values.flatMap { $0 }
        #expect(ran.sorted() == (0..<40).map { String(format: "%02d", $0) })
        #expect(record.byWorker.count == workers, "threads that ran trials: \(record.byWorker.keys.sorted())")
        let configurations = Set(tuner.oracle.orderedTrials.map(\.hyperparameters.values.configurationKey))
        #expect(configurations.count == 40)
        #expect(tuner.oracle.orderedTrials.allSatisfy { $0.status == .completed && $0.worker != nil })

        // Every commit reached the database: a reader sees what the workers did.
        tuner.store.close()
        let stored = try #require(try SQLiteStore(readingProjectAt: dir.path + "/p").load())
        #expect(stored.trials.count == 40)
        #expect(stored.trials.allSatisfy { $0.trial.status == .completed })
        #expect(Set(stored.trials.compactMap(\.trial.worker)) == Set(record.byWorker.keys))
    }

    @Test func hyperbandRunsTheSameTrialsOnThreadsAsAlone() throws {
        func search(workers: Int) throws -> [Trial] {
            let dir = TempDirectory()
            let tuner = try Tuner(oracle: HyperbandOracle(maxEpochs: 9, factor: 3, seed: 5, hyperparameters: space()),
                                  directory: dir.path, projectName: "hb", verbose: 0, output: { _ in })
            let session = tuner.beginSearch(workers: workers)
            let errors = run(session, workers: workers) { _ in
                ClosureTrialRunner { trial in
                    let x = try self.x(trial)
                    return .number(x * x + self.busy(trial))
                }
            }
            #expect(errors.allSatisfy { $0 == nil }, "\(errors)")
            return tuner.oracle.orderedTrials
        }
        let alone = try search(workers: 1), parallel = try search(workers: 3)
        #expect(parallel.count == alone.count)
        #expect(parallel.allSatisfy { $0.status == .completed })
        let promoted = parallel.filter { $0.hyperparameters.values["tuner/trial_id"] != nil }
        #expect(!promoted.isEmpty)
        // A promotion continues a trial that had ended when it was proposed.
        let byId = Dictionary(uniqueKeysWithValues: parallel.map { ($0.trialId, $0) })
        for trial in promoted {
            guard case let .string(parent)? = trial.hyperparameters.values["tuner/trial_id"] else { continue }
            #expect(byId[parent]?.status == .completed)
        }
    }

    @Test func modelBasedOraclesNeverProposeARunningConfiguration() throws {
        for oracle in [try TPEOracle(maxTrials: 16, nStartupTrials: 2, seed: 1, hyperparameters: space()) as Oracle,
                       try BayesianOptimizationOracle(maxTrials: 16, numInitialPoints: 2, seed: 1, hyperparameters: space())] {
            let dir = TempDirectory()
            let tuner = try Tuner(oracle: oracle, directory: dir.path, projectName: "m", verbose: 0, output: { _ in })
            let errors = run(tuner.beginSearch(workers: 2), workers: 2) { _ in
                ClosureTrialRunner { trial in
                    let x = try self.x(trial)
                    return .number((x - 0.3) * (x - 0.3) + self.busy(trial))
                }
            }
            #expect(errors.allSatisfy { $0 == nil }, "\(oracle.kind): \(errors)")
            #expect(oracle.orderedTrials.count == 16)
            #expect(Set(oracle.orderedTrials.map(\.hyperparameters.values.configurationKey)).count == 16, "\(oracle.kind)")
        }
    }

    @Test func aFatalErrorInOneThreadStopsEveryThread() throws {
        let dir = TempDirectory()
        let tuner = try Tuner(oracle: RandomSearchOracle(maxTrials: 200, hyperparameters: space(), seed: 3),
                              directory: dir.path, projectName: "f", verbose: 0, output: { _ in })
        let errors = run(tuner.beginSearch(workers: 3), workers: 3) { _ in
            ClosureTrialRunner { trial in
                if trial.trialId == "005" { throw FatalError("stop") }
                usleep(50_000)  // the others are mid-trial when 005 raises
                return .number(0)
            }
        }
        #expect(errors.allSatisfy { $0 is FatalError }, "every worker leaves with the FatalError: \(errors)")
        let trials = tuner.oracle.orderedTrials
        #expect(trials.count <= 6 + 2, "\(trials.count) trials began")
        // The trial that raised stays queued, to run again when the search resumes.
        #expect(trials.first { $0.trialId == "005" }?.status == .running)
    }
}
