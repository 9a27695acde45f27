/// One configuration and its runs (Keras Tuner's `Trial`). A retry runs the same trial again:
/// same id, same values.
public final class Trial {
    /// Keras Tuner's id: the 0-based creation counter, zero-padded to the width of `max_trials`.
    public let trialId: String
    /// The 0-based creation counter behind `trialId`.
    public let index: Int
    public var hyperparameters: HyperParameters
    public var status: TrialStatus
    public var score: Double?
    public var bestStep: Int = 0
    public var metrics = MetricsTracker()
    /// The error message and traceback of the last failed run; cleared when a retry succeeds.
    public var message: String?
    /// How many times the trial has finished a run (ran to an end status).
    public var runCount = 0
    /// The worker that ran it last (`tuner0`, `tuner1`, …, Keras Tuner's `tuner_id` convention).
    public var worker: String?
    /// When the last run started and ended (Unix seconds, as stored; nil until known), for the
    /// report's timeline and the export.
    public var started: Double?
    public var ended: Double?
    /// What the trial reported while running (Optuna's `intermediate_values`), apart from `metrics`.
    public var intermediateValues = IntermediateValues()
    /// Set once the pruner said to stop: the run then ends PRUNED whatever it returns.
    public var pruneRequested = false
    /// The tuner running the trial, so `trial:report` reaches its oracle and store.
    public internal(set) weak var tuner: Tuner?

    public init(trialId: String, index: Int, hyperparameters: HyperParameters, status: TrialStatus = .running) {
        self.trialId = trialId
        self.index = index
        self.hyperparameters = hyperparameters
        self.status = status
    }

    /// Keras Tuner's id format: `f"{index:0{len(str(max_trials))}d}"` (`max_trials=None` gives 4).
    public static func makeId(index: Int, maxTrials: Int?) -> String {
        let width = maxTrials.map { String($0).count } ?? 4
        let digits = String(index)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// `trial.summary()` as Keras Tuner prints it.
    public var summary: String {
        var lines = ["Trial \(trialId) summary", "Hyperparameters:"]
        if hyperparameters.values.isEmpty {
            lines.append("default configuration")
        } else {
            for (name, value) in hyperparameters.values { lines.append("\(name): \(value.description)") }
        }
        if let score { lines.append("Score: \(PyFormat.repr(score))") }
        if let message { lines.append(message) }
        return lines.joined(separator: "\n")
    }
}
