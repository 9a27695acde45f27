#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Keras Tuner's progress display (`oracle.Display`), text for text, through an injectable sink.
/// One addition: "Trial N/M Complete" when max_trials is known (Keras Tuner prints "Trial N").
final class Display {
    var verbose: Int
    let colWidth = 18
    private var searchStart: Double?
    private var trialStart: [String: Double] = [:]
    private let write: (String) -> Void

    init(verbose: Int, write: @escaping (String) -> Void) {
        self.verbose = verbose
        self.write = write
    }

    /// Python's `print(text)`.
    func line(_ text: String = "") {
        if verbose >= 1 { write(text + "\n") }
    }

    func searchBegan() { searchStart = Display.monotonic() }

    /// Keras Tuner's banner; with several workers it names the one running the trial.
    func trialBegan(_ trial: Trial, oracle: Oracle, worker: String? = nil) {
        guard verbose >= 1 else { return }
        let now = Display.monotonic()
        trialStart[trial.trialId] = now
        if searchStart == nil { searchStart = now }
        var out = "\nSearch: Running Trial #\(trial.index + 1)" + (worker.map { " on \($0)" } ?? "") + "\n\n"
        out += hyperparameterTable(trial, oracle: oracle)
        out += "\n"
        write(out)
    }

    func trialEnded(_ trial: Trial, oracle: Oracle) {
        guard verbose >= 1 else { return }
        let now = Display.monotonic()
        let taken = Display.formatDuration(now - (trialStart[trial.trialId] ?? now))
        let number = oracle.maxTrials.map { "\(trial.index + 1)/\($0)" } ?? "\(trial.index + 1)"
        var out = trial.status == .pruned
            ? "Trial \(number) pruned at step \(trial.intermediateValues.lastStep ?? 0) [\(taken)]\n"
            : "Trial \(number) Complete [\(taken)]\n"
        if oracle.objective.isPareto {
            // Each objective's value, and the front instead of a best score.
            for (c, v) in zip(oracle.objective.components, trial.objectiveValues ?? []) { out += "\(c.name): \(PyFormat.repr(v))\n" }
            out += "\nPareto front so far: \(oracle.paretoFront.count) trials\n"
        } else {
            if let score = trial.score { out += "\(oracle.objective.name): \(PyFormat.repr(score))\n" }
            out += "\n"
            let best = oracle.getBestTrials(1).first?.score
            out += "Best \(oracle.objective.name) So Far: \(PyFormat.optional(best))\n"
        }
        out += "Total elapsed time: \(Display.formatDuration(now - (searchStart ?? now)))\n"
        write(out)
    }

    func hyperparameterTable(_ trial: Trial, oracle: Oracle) -> String {
        let values = trial.hyperparameters.values
        guard !values.isEmpty else { return "default configuration\n" }
        let best = oracle.getBestTrials(1).first
        var out = pad("Value") + "|" + pad("Best Value So Far") + "|Hyperparameter\n"
        for (name, value) in values {
            let bestValue = best.map { $0.hyperparameters.values[name].map(format) ?? "None" } ?? "?"
            out += pad(format(value)) + "|" + pad(bestValue) + "|" + name + "\n"
        }
        return out
    }

    private func pad(_ s: String) -> String {
        s.count >= colWidth ? s : s + String(repeating: " ", count: colWidth - s.count)
    }

    /// Keras Tuner's `format_value`: numbers with `.5g`, long text cut with "...".
    func format(_ v: HPValue) -> String {
        switch v {
        case let .int(i): return PyFormat.general(Double(i))
        case let .float(d): return PyFormat.general(d)
        default:
            let s = v.description
            return s.count > colWidth ? String(s.prefix(colWidth - 3)) + "..." : s
        }
    }

    /// Keras Tuner's `format_duration` (`00h 00m 03s`, days when needed; Python's round-half-even).
    static func formatDuration(_ seconds: Double) -> String {
        var s = Int(seconds.rounded(.toNearestOrEven))
        let d = s / 86400
        s %= 86400
        let h = s / 3600
        s %= 3600
        let m = s / 60
        s %= 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let hms = "\(two(h))h \(two(m))m \(two(s))s"
        return d > 0 ? "\(d)d \(hms)" : hms
    }

    static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
