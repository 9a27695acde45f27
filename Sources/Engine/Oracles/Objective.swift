/// What the search optimizes: a metric name and a direction, or Keras Tuner's multi-objective
/// (the sum of the "min" metrics minus the sum of the "max" metrics, minimized), or a Pareto
/// objective (`multi_objective = "pareto"`: each part kept on its own; see docs/reference.md).
public struct Objective: Equatable, Sendable, CustomStringConvertible {
    public enum Direction: String, Sendable {
        case min, max
    }

    public let name: String
    public let direction: Direction
    /// The parts of a multi-objective; empty for a single objective.
    public let components: [Objective]
    /// Pareto mode: the trials are ranked by non-dominated fronts of the components' values.
    public private(set) var isPareto = false

    /// `Objective(name, direction)`; `direction` must be "min" or "max".
    public init(_ name: String, direction: String) throws {
        guard !name.isEmpty else { throw EngineError.invalid("Objective: name must be a non-empty string") }
        guard let d = Direction(rawValue: direction) else {
            throw EngineError.invalid("Objective: direction must be \"min\" or \"max\", got \"\(direction)\"")
        }
        self.init(name, d)
    }

    public init(_ name: String, _ direction: Direction) {
        self.name = name
        self.direction = direction
        self.components = []
    }

    /// Keras Tuner's `MultiObjective`.
    public init(multi parts: [Objective]) throws {
        guard !parts.isEmpty else { throw EngineError.invalid("Objective: a list of objectives must not be empty") }
        if parts.count == 1 { self = parts[0]; return }
        var seen = Set<String>()
        for p in parts where !seen.insert(p.name).inserted {
            throw EngineError.invalid("Objective: objective '\(p.name)' appears twice in the list")
        }
        self.name = "multi_objective"
        self.direction = .min
        self.components = parts
    }

    /// `multi_objective = "pareto"` over `parts` (at least two).
    public init(pareto parts: [Objective]) throws {
        guard parts.count >= 2 else {
            throw EngineError.invalid("Objective: multi_objective = \"pareto\" needs a list of at least two objectives, got \(parts.count)")
        }
        try self.init(multi: parts)
        isPareto = true
    }

    /// The objective used when none is given: a returned number, minimized.
    public static let defaultObjective = Objective("default_objective", .min)

    public var isMulti: Bool { !components.isEmpty }
    public var isDefault: Bool { self == Objective.defaultObjective }

    /// A string objective with its direction inferred from the metric name (loss/error/
    /// crossentropy → min; accuracy/auc/precision/recall/f1/r2 → max). Unknown names are an error.
    public static func inferred(_ name: String) throws -> Objective {
        guard let d = inferDirection(name) else {
            throw EngineError.invalid(
                "Objective: could not infer the direction (\"min\" or \"max\") of the unknown metric '\(name)'; pass kt.Objective(\"\(name)\", \"min\") or \"max\"")
        }
        return Objective(name, d)
    }

    /// The direction table. Prefixes `val_` and `weighted_` are ignored, as in Keras Tuner.
    public static func inferDirection(_ metric: String) -> Direction? {
        var n = metric.lowercased()
        if n.hasPrefix("val_") { n.removeFirst(4) }
        if n.hasPrefix("weighted_") { n.removeFirst(9) }
        let maxNames: Set<String> = ["acc", "accuracy", "auc", "precision", "recall", "f1", "f1_score", "fbeta_score",
                                     "r2", "r2_score", "true_positives", "true_negatives", "iou", "mean_iou"]
        let minNames: Set<String> = ["loss", "ce", "mse", "mae", "mape", "msle", "rmse", "huber", "hinge",
                                     "squared_hinge", "categorical_hinge", "logcosh", "log_cosh", "kld",
                                     "kl_divergence", "kullback_leibler_divergence", "poisson",
                                     "false_positives", "false_negatives", "default_objective"]
        if maxNames.contains(n) || n.hasSuffix("accuracy") || n.hasSuffix("_auc") || n.hasSuffix("_precision")
            || n.hasSuffix("_recall") { return .max }
        if minNames.contains(n) || n.hasSuffix("loss") || n.hasSuffix("error") || n.hasSuffix("crossentropy")
            || n.hasSuffix("_mse") || n.hasSuffix("_mae") { return .min }
        return nil
    }

    /// The objective's value from reported metrics, or nil when a part is missing.
    public func value(in metrics: [String: Double]) -> Double? {
        guard isMulti else { return metrics[name] }
        var total = 0.0
        for c in components {
            guard let v = metrics[c.name] else { return nil }
            total += c.direction == .min ? v : -v
        }
        return total
    }

    /// The components' values in `row`, each negated when maximized (Pareto mode minimizes them
    /// all), or nil when one is missing.
    public func minimizedValues(_ row: [String: Double]) -> [Double]? {
        let values = components.compactMap { row[$0.name] }
        return values.count == components.count ? minimized(values) : nil
    }

    /// Signs that turn the components' values into minimized ones.
    public var signs: [Double] { components.map { $0.direction == .min ? 1 : -1 } }

    /// Values in the components' own directions, turned into minimized ones.
    public func minimized(_ values: [Double]) -> [Double] { zip(values, signs).map { $0 * $1 } }

    /// A Pareto trial's values (each in its objective's direction) and the step they come from:
    /// the last step at which every objective has a value; nil when there is none.
    public func paretoValues(of metrics: MetricsTracker) -> (values: [Double], step: Int)? {
        var common: Set<Int>?
        for c in components {
            let steps = Set(metrics.histories[c.name]?.observations.map(\.step) ?? [])
            common = common.map { $0.intersection(steps) } ?? steps
        }
        guard let step = common?.max() else { return nil }
        let values = components.map { c in metrics.histories[c.name]!.observations.first { $0.step == step }!.mean }
        return (values, step)
    }

    /// The names a report must contain.
    public var requiredNames: [String] { isMulti ? components.map(\.name) : [name] }

    /// The direction for a reported metric named `metric`, if the objective knows it.
    func direction(of metric: String) -> Direction? {
        if isMulti { return components.first { $0.name == metric }?.direction }
        return metric == name ? direction : nil
    }

    public func betterThan(_ a: Double, _ b: Double) -> Bool {
        direction == .max ? a > b : a < b
    }

    /// Keras Tuner's `str(objective)`, printed by `results_summary`.
    public var description: String {
        let single = "Objective(name=\"\(name)\", direction=\"\(direction.rawValue)\")"
        guard isMulti else { return single }
        if isPareto { return "Pareto objectives: [" + components.map(\.description).joined(separator: ", ") + "]" }
        return "Multi" + single + ": [" + components.map(\.description).joined(separator: ", ") + "]"
    }

    var json: JSON {
        if isPareto { return .object([("pareto", .array(components.map(\.json)))]) }
        if isMulti { return .array(components.map(\.json)) }
        return .object([("name", .string(name)), ("direction", .string(direction.rawValue))])
    }

    /// Reads what `json` wrote.
    public init(json: JSON) throws {
        if let parts = json["pareto"]?.arrayValue {
            try self.init(pareto: try parts.map(Objective.init(json:)))
            return
        }
        if let parts = json.arrayValue {
            try self.init(multi: try parts.map(Objective.init(json:)))
            return
        }
        guard let name = json["name"]?.stringValue, let d = json["direction"]?.stringValue else {
            throw EngineError(.corruptData, "Objective: malformed stored objective \(json.encoded)")
        }
        try self.init(name, direction: d)
    }
}
