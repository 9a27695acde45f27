import Foundation

/// One run of `search` shared by its workers (Keras Tuner's parallel tuning, inside one process):
/// each worker calls `work` on its own thread with its own `TrialRunner`, and they take trials
/// from the one oracle until the search is over.
///
/// Oracle decisions and store commits happen under one lock; trials run outside it. A worker that
/// finds nothing to run while others' trials run waits for one of them to end (Hyperband's
/// rounds, a space that the first trial is still declaring, retries that may come), and leaves
/// only when nothing is running and nothing is left. The first error that must stop the search
/// (a `FatalError`, the consecutive-failure limit, Ctrl-C, storage) stops every worker: the
/// others are asked to stop through `stopWorkers`, and their running trials run again on resume.
public final class SearchSession: @unchecked Sendable {
    public let tuner: Tuner
    public let workers: Int
    /// With `deterministic`, trials are proposed in batches of `workers`, each batch after the
    /// previous one has ended, so model-based proposals never depend on which worker finished first.
    public let deterministic: Bool
    /// Called once when the search must stop early, so the other workers' running trials end too
    /// (the Lua bridge interrupts their states).
    public var stopWorkers: () -> Void = {}

    private let condition = NSCondition()
    private var running = 0
    private var batchIssued = 0
    private var stopError: Error?
    private var finished = false
    private var reasonShown = false
    /// This run's limits; `max_time` counts from `startedAt` (a resumed search starts anew).
    let budget: SearchBudget
    let startedAt = Display.monotonic()

    init(tuner: Tuner, workers: Int, deterministic: Bool, budget: SearchBudget = .none) {
        self.tuner = tuner
        self.workers = max(1, workers)
        self.deterministic = deterministic
        self.budget = budget
    }

    /// Whether the search stopped because of an error (set once; the first wins).
    public var error: Error? { condition.withLock { stopError } }

    /// Stops the search with `error` unless it already stopped; every worker leaves after its
    /// running trial ends.
    public func stop(with error: Error) {
        let first = condition.withLock { () -> Bool in
            guard stopError == nil else { return false }
            stopError = error
            condition.broadcast()
            return true
        }
        if first { stopWorkers() }
    }

    // MARK: - One worker

    /// Runs trials on this thread as `worker` until the search is over. Throws what stopped the
    /// search (the same error in every worker).
    public func work(_ runner: any TrialRunner, worker: String) throws {
        do {
            while let trial = try nextTrial(runner, worker: worker) {
                try run(trial, runner: runner, worker: worker)
            }
        } catch {
            stop(with: error)
        }
        if let error = self.error { throw error }
    }

    /// The next trial for this worker, or nil when the search is over; waits while others' trials
    /// run and nothing can be proposed.
    private func nextTrial(_ runner: any TrialRunner, worker: String) throws -> Trial? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if stopError != nil || finished { return nil }
            if tuner.interruptRequested() {
                throw EngineError(.interrupted, "search: interrupted before trial \(tuner.oracle.orderedTrials.count + 1); the project can be resumed")
            }
            if deterministic && batchIssued >= workers {
                if running > 0 { condition.wait(); continue }
                batchIssued = 0
            }
            // Until the space is known, one trial at a time (it declares the space as it runs).
            if running > 0 && tuner.oracle.hyperparameters.space.isEmpty && tuner.oracle.retryQueue.isEmpty {
                condition.wait()
                continue
            }
            if let reason = budget.reasonToStop(oracle: tuner.oracle, startedAt: startedAt, now: Display.monotonic()) {
                if !reasonShown { reasonShown = true; tuner.display.line(reason) }
                finished = true
                condition.broadcast()
                return nil
            }
            let oracle = tuner.oracle
            let isRetry = !oracle.retryQueue.isEmpty
            let trial = try oracle.locked { try runner.proposing(with: oracle) { try oracle.createTrial() } }
            switch trial.status {
            case .running:
                running += 1
                batchIssued += 1
                trial.worker = worker
                trial.tuner = tuner
                try tuner.store.trialStarted(trial, rerun: isRetry, worker: worker, oracleState: isRetry ? nil : oracle.stateText())
                tuner.display.trialBegan(trial, oracle: oracle, worker: workers > 1 ? worker : nil)
                return trial
            case .stopped where running == 0, .idle where running == 0:
                if trial.status == .stopped, let reason = oracle.stopReason, !reasonShown {
                    reasonShown = true
                    tuner.display.line(reason)
                }
                finished = true
                condition.broadcast()
                return nil
            default:
                // Others' trials run: one of them ending may make a trial (or a retry) possible.
                condition.wait()
            }
        }
    }

    /// Runs one trial (outside the lock) and records its end (inside it).
    private func run(_ trial: Trial, runner: any TrialRunner, worker: String) throws {
        let oracle = tuner.oracle
        var ended = false
        defer {
            if !ended {
                condition.withLock {
                    running -= 1
                    condition.broadcast()
                }
            }
        }
        try runner.onTrialBegin(trial, tuner: tuner)
        var reported: [(name: String, value: Double, direction: Objective.Direction)] = []
        var step = 0
        // Set on the trial under the lock: other workers' proposals read every trial's status.
        var ending: (status: TrialStatus, message: String?) = (.completed, nil)
        do {
            let result = try runner.running(timeout: budget.trialTimeout) { try runner.runTrial(trial, tuner: tuner) }
            if tuner.interruptRequested() || error != nil { throw SearchInterrupted() }
            // A pruned run's result is ignored (a bare `return` included): its values are the reports.
            if trial.pruneRequested { throw TrialPruned() }
            let converted = try result.metricsAndStep(objective: oracle.objective)
            step = converted.step
            try oracle.locked { _ = try oracle.updateTrial(trial.trialId, metrics: converted.metrics, step: step) }
            reported = converted.metrics.map { ($0.0, $0.1, trial.metrics.histories[$0.0]?.direction ?? .min) }
        } catch let error as EngineError where error.kind == .invalidResult {
            // A programming error: retrying cannot help. Like Keras Tuner's FatalTypeError it
            // stops the search; the trial stays queued for when the script is fixed. The search
            // stops first, so that no other worker takes the queued trial meanwhile.
            stop(with: error)
            requeue(trial)
            throw error
        } catch let error as FatalError {
            stop(with: error)
            requeue(trial)
            throw error
        } catch is TrialPruned {
            ending = (.pruned, nil)
        } catch let error as TrialTimedOut {
            ending = (.failed, error.description)
        } catch let error as FailedTrialError {
            ending = (.failed, Tuner.describe(error))
        } catch {
            if error is SearchInterrupted || (error as? EngineError)?.kind == .interrupted || tuner.interruptRequested()
                || self.error != nil {
                requeue(trial)
                if let stopping = self.error { throw stopping }
                condition.withLock {
                    tuner.display.line("\nSearch interrupted: trial \(trial.trialId) will run again when the search resumes.")
                }
                throw EngineError(.interrupted, "search: interrupted during trial \(trial.trialId); it will run again when the search resumes")
            }
            ending = (.invalid, Tuner.describe(error))
        }

        let outcome = try condition.withLock { () throws -> Oracle.EndOutcome in
            let outcome = try oracle.locked { () throws -> Oracle.EndOutcome in
                trial.status = ending.status
                if let message = ending.message { trial.message = message }
                return try oracle.endTrial(trial)
            }
            if ending.message != nil { tuner.reportFailure(trial) }
            try tuner.store.trialEnded(trial, metrics: reported, step: step,
                                       endSeq: outcome.willRetry ? nil : oracle.endOrder.count - 1,
                                       oracleState: oracle.stateText())
            if let notice = outcome.retryNotice { tuner.display.line(notice) }
            tuner.display.trialEnded(trial, oracle: oracle)
            running -= 1
            ended = true
            condition.broadcast()
            return outcome
        }
        try runner.onTrialEnd(trial, tuner: tuner)
        if let abort = outcome.abort { throw abort }
    }

    private func requeue(_ trial: Trial) {
        tuner.oracle.locked { tuner.oracle.requeue(trial) }
    }
}
