import Foundation

/// The search loop (Keras Tuner's `BaseTuner.search`) over an oracle, a project store and the
/// user's `TrialRunner`.
///
/// Every trial start and end is committed to the store before the loop moves on, so a killed
/// process loses at most the running trial, which runs again (same id, same values) on resume.
public final class Tuner {
    public let oracle: Oracle
    public let store: ProjectStore
    public let tunerId: String
    /// 0 prints nothing; 1 (the default) prints Keras Tuner's progress display.
    public var verbose: Int {
        get { display.verbose }
        set { display.verbose = newValue }
    }
    /// Polled between steps; when true, the running trial is left to run again and `search`
    /// throws `EngineError` of kind `.interrupted`. The Lua bridge sets it to its Ctrl-C flag.
    public var interruptRequested: () -> Bool = { false }
    /// Whether this tuner continued a stored project.
    public let reloaded: Bool
    /// How model tuning builds, trains and checkpoints (`executions_per_trial`, `max_model_size`, …).
    public var modelTuning = ModelTuning.standard
    /// `max_time`, `trial_timeout`, `stop_after_no_improvement` (docs/reference.md, Pruning).
    public var budget = SearchBudget.none
    /// Where a failed trial's message and traceback go while the search runs (standard error).
    public var errorOutput: (String) -> Void = Tuner.standardError

    let display: Display
    let write: (String) -> Void

    /// Opens the project in `store` (creating it there when new) and restores a stored search.
    ///
    /// - Parameter output: where printed text goes (default: standard output); `verbose = 0` silences it.
    public init(oracle: Oracle, store: any ProjectStore, tunerId: String = "tuner0", verbose: Int = 1,
                output: ((String) -> Void)? = nil) throws {
        let write = output ?? Tuner.standardOutput
        self.write = write
        self.display = Display(verbose: verbose, write: write)
        self.oracle = oracle
        self.tunerId = tunerId
        self.store = SynchronizedStore(store)
        do {
            try oracle.checkPruner()
            if let stored = try store.load() {
                guard stored.oracleKind == oracle.kind else {
                    throw EngineError(.incompatibleProject, "Tuner: the project '\(store.location)' was created by a \(stored.oracleKind) search, not \(oracle.kind); pass overwrite=true to start over, or choose another project_name")
                }
                // Stored scores were computed for the stored objective; mixing them with another
                // objective's would make "best" meaningless.
                guard stored.objective == oracle.objective else {
                    throw EngineError(.incompatibleProject, "Tuner: the project '\(store.location)' was created with \(stored.objective), not \(oracle.objective); pass overwrite=true to start over, or choose another project_name")
                }
                try oracle.setState(stored.oracleState)
                var trials: [Trial] = []
                for (trial, values) in stored.trials {
                    let hps = oracle.hyperparameters.copy()
                    hps.values = values
                    trial.hyperparameters = hps
                    trials.append(trial)
                }
                oracle.restore(trials: trials, endOrder: stored.endOrder)
                reloaded = true
                display.line("Reloading Tuner from \(store.databasePath)")
            } else {
                try store.create(oracleKind: oracle.kind, objective: oracle.objective, oracleState: oracle.stateText())
                reloaded = false
            }
        } catch {
            store.close()
            throw error
        }
        // Resumed trials know their tuner as new ones do (their summary needs the objective).
        for trial in oracle.orderedTrials { trial.tuner = self }
    }

    deinit { store.close() }

    /// Releases the project (database and lock) before the tuner goes away.
    public func close() { store.close() }

    public var projectDirectory: String { store.location }

    /// `max_trials` minus the trials so far (nil when unlimited).
    public var remainingTrials: Int? { oracle.remainingTrials }

    // MARK: - The loop

    /// Runs trials until the oracle stops, as one worker. `verbose`, when given, sets how much is
    /// printed (as Keras Tuner's `search(verbose=…)`).
    ///
    /// Throws: `FatalError` from user code; `EngineError` of kind `.searchAborted` (consecutive
    /// failures), `.invalidResult` (run_trial returned something unusable), `.interrupted`
    /// (Ctrl-C), or a storage error. In every case the project stays resumable.
    public func search(_ runner: TrialRunner, verbose: Int? = nil, maxTime: Double? = nil) throws {
        try oracle.checkPruner()
        let session = beginSearch(workers: 1, verbose: verbose, maxTime: maxTime)
        try runner.onSearchBegin(tuner: self)
        try session.work(runner, worker: tunerId)
        try runner.onSearchEnd(tuner: self)
    }

    /// Starts a search that `workers` workers run together, each calling the session's `work`.
    /// `maxTime`, when given, replaces the tuner's `max_time` for this run.
    public func beginSearch(workers: Int, deterministic: Bool = false, verbose: Int? = nil, maxTime: Double? = nil) -> SearchSession {
        if let verbose { self.verbose = verbose }
        oracle.interruptRequested = interruptRequested
        oracle.studyName = store.location.split(separator: "/").last.map(String.init) ?? ""
        display.searchBegan()
        var budget = self.budget
        if let maxTime { budget.maxTime = maxTime }
        return SearchSession(tuner: self, workers: workers, deterministic: deterministic, budget: budget)
    }

    /// Reports metrics while a trial runs (for per-epoch reports); committed at once.
    public func reportIntermediate(_ trial: Trial, metrics: [(String, Double)], step: Int) throws {
        try oracle.locked { _ = try oracle.updateTrial(trial.trialId, metrics: metrics, step: step) }
        try store.metricsReported(trialId: trial.trialId,
                                  metrics: metrics.map { ($0.0, $0.1, trial.metrics.histories[$0.0]?.direction ?? .min) },
                                  step: step)
    }

    /// Shows a failed run's error as it happens, as Keras Tuner's debug mode prints the traceback
    /// (the same text is kept in the trial's `message`).
    func reportFailure(_ trial: Trial) {
        guard verbose >= 1, let message = trial.message else { return }
        errorOutput("Trial \(trial.trialId) failed: \(message)\n")
    }

    // MARK: - Model tuning

    /// Keras Tuner's `_populate_initial_space` for a hypermodel. A build that fails here (it may
    /// need what the script sets up after the tuner) leaves the space as gathered so far; returns
    /// whether the exploration finished.
    @discardableResult
    public func populateInitialSpace(_ hypermodel: any Hypermodel) -> Bool {
        do {
            try InitialSpace.populate(oracle, hypermodel: hypermodel)
            return true
        } catch {
            return false
        }
    }

    /// `save_model(trial_id, model, step)`: the model's weights as the trial's checkpoint at `step`.
    public func saveModel(trialId: String, model: any TunableModel, step: Int) throws {
        _ = try oracle.getTrial(trialId)
        try store.saveCheckpoint(trialId: trialId, step: step, data: try model.weightsData(), replacingOthers: false)
    }

    /// The message stored for a failed run: Keras Tuner stores the formatted traceback.
    static func describe(_ error: Error) -> String {
        let message = "\(error)"
        guard let tb = (error as? TracebackCarrying)?.traceback, !tb.isEmpty else { return message }
        return tb.hasPrefix(message) ? tb : message + "\n" + tb
    }

    static func standardError(_ text: String) {
        fflush(nil)  // what was printed before comes first
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func standardOutput(_ text: String) {
        // Swift's print goes through C stdio's stdout, the stream Lua's print uses, so the two
        // never reorder.
        print(text, terminator: "")
    }
}
