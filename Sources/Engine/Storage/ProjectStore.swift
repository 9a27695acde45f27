/// Where a project's search lives: the oracle's state, every trial, and checkpoints.
///
/// Narrow on purpose so that a PostgreSQL store can sit beside the SQLite one. Every method that
/// writes commits before it returns: the loop never moves on with uncommitted state.
public protocol ProjectStore: AnyObject {
    /// Human-readable location (`./untitled_project`), printed by summaries.
    var location: String { get }
    /// What holds the project, as messages name it (`./untitled_project/tunelua.db`).
    var databasePath: String { get }

    /// The stored project, or nil when the store is new.
    func load() throws -> StoredProject?

    /// Starts a new project (meta + initial oracle state).
    func create(oracleKind: String, objective: Objective, oracleState: String) throws

    /// A trial starts (new, or re-run with the same id and values): its row says RUNNING, old
    /// metrics of a re-run are dropped; the oracle state that chose it is saved with it.
    func trialStarted(_ trial: Trial, rerun: Bool, worker: String, oracleState: String?) throws

    /// Metrics reported at `step` while a trial runs (appended, never rewritten).
    func metricsReported(trialId: String, metrics: [(name: String, value: Double, direction: Objective.Direction)], step: Int) throws

    /// Intermediate values a running trial reported at `step` (`trial:report`, Keras epochs).
    func intermediateReported(trialId: String, step: Int, values: [(String, Double)]) throws

    /// A trial run ends: status, score, best step, message, values; `metrics` reported with it
    /// are written in the same transaction. `endSeq` orders finished trials.
    func trialEnded(_ trial: Trial, metrics: [(name: String, value: Double, direction: Objective.Direction)], step: Int,
                    endSeq: Int?, oracleState: String?) throws

    /// Saves the oracle's state alone.
    func saveOracleState(_ state: String) throws

    /// Weights blobs per trial and step (for model tuning). `replacingOthers` drops the trial's
    /// other checkpoints in the same transaction (a new best epoch replaces the previous one).
    func saveCheckpoint(trialId: String, step: Int, data: [UInt8], replacingOthers: Bool) throws
    /// The checkpoint saved at `step`; with `step` nil, the trial's most recently saved one.
    func loadCheckpoint(trialId: String, step: Int?) throws -> [UInt8]?

    /// Releases the database and the project lock.
    func close()

    /// Where `tunelua report` and `tuner:report()` write by default: `DIR/PROJECT/report.html` for
    /// a project in a directory, `PROJECT-report.html` in the current directory otherwise.
    var defaultReportPath: String { get }

    /// Another store on the same project that only reads, without the project lock, each `load` one
    /// consistent snapshot (`tuner:report` while the tuner's own store writes).
    func reader() throws -> ProjectStore

    /// Runs an oracle decision under the project's lock, the oracle first refreshed with other
    /// processes' changes (default: just runs it; see `ProjectStore+Decisions.swift`).
    func decide<T>(_ oracle: Oracle, _ body: () throws -> T) throws -> T
    /// While other processes' trials run: how long to wait before asking again (default nil).
    var peerWait: Double? { get }
    /// Whether other processes may share the project (default false).
    var isShared: Bool { get }
}

/// Defaults: the report beside the project's files; no second reader (the test and benchmark
/// doubles that keep trials in memory).
extension ProjectStore {
    public var defaultReportPath: String { location + "/report.html" }

    public func reader() throws -> ProjectStore {
        throw EngineError(.notImplemented, "report: the store at '\(location)' cannot be read apart from its tuner")
    }
}
