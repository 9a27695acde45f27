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
    /// Pareto mode: one value per objective, in the objectives' order and directions (nil outside
    /// Pareto mode, and for a trial that has not completed with every value).
    public var objectiveValues: [Double]?
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

    /// `trial.summary()` as Keras Tuner prints it; in Pareto mode each objective's value and the
    /// trial's front (1 = non-dominated) replace the score.
    public func summary(objective: Objective, front: Int? = nil) -> String {
        guard objective.isPareto else { return summary }
        var lines = zip(objective.components, objectiveValues ?? []).map { "\($0.name): \(PyFormat.repr($1))" }
        if let front { lines.append("Pareto front: \(front + 1)") }
        return summary(scoreLines: lines)
    }

    /// `trial.summary()` as Keras Tuner prints it.
    public var summary: String { summary(scoreLines: score.map { ["Score: \(PyFormat.repr($0))"] } ?? []) }

    private func summary(scoreLines: [String]) -> String {
        var lines = ["Trial \(trialId) summary", "Hyperparameters:"]
        if hyperparameters.values.isEmpty {
            lines.append("default configuration")
        } else {
            for (name, value) in hyperparameters.values { lines.append("\(name): \(value.description)") }
        }
        lines += scoreLines
        if let message { lines.append(message) }
        return lines.joined(separator: "\n")
    }
}
