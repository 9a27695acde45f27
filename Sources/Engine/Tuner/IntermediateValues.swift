/// A trial's intermediate values (Optuna's `trial.report`; Keras Tuner's per-epoch
/// `update_trial`): per metric, one value per step, the first report of a step winning as in
/// Optuna. `objective` is the series the pruners read: the objective's value at each step where
/// the reported metrics define it.
public struct IntermediateValues: Equatable, Sendable {
    public private(set) var names: [String] = []
    private var series: [String: [Int: Double]] = [:]
    /// The objective's value by step.
    public private(set) var objective: [Int: Double] = [:]

    public init() {}

    public var isEmpty: Bool { series.isEmpty }

    /// Records `metrics` at `step`; returns the ones kept (a step already reported for a name keeps
    /// its first value).
    @discardableResult
    public mutating func record(_ metrics: [(String, Double)], step: Int, objective definition: Objective) -> [(String, Double)] {
        var kept: [(String, Double)] = []
        for (name, value) in metrics where series[name]?[step] == nil {
            if series[name] == nil { names.append(name) }
            series[name, default: [:]][step] = value
            kept.append((name, value))
        }
        if objective[step] == nil, let value = definition.value(in: row(at: step)) { objective[step] = value }
        return kept
    }

    /// Every metric reported at `step`.
    public func row(at step: Int) -> [String: Double] {
        var row: [String: Double] = [:]
        for (name, values) in series { if let v = values[step] { row[name] = v } }
        return row
    }

    /// `[(step, value)]` of one metric, by step (empty for a name never reported).
    public func history(_ name: String) -> [(step: Int, value: Double)] {
        (series[name] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Optuna's `trial.last_step`: the highest step with an objective value.
    public var lastStep: Int? { objective.keys.max() }

    public mutating func removeAll() { self = IntermediateValues() }
}
