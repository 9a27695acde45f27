/// What a `run_trial` returned, as the binding hands it over (Keras Tuner accepts a number, a dict
/// that contains the objective, a History, or a list of those, which is averaged per metric).
public indirect enum TrialResult: Sendable {
    case number(Double)
    /// A metrics table, in the order the binding met its keys.
    case metrics([(String, Double)])
    /// A `History`: per-metric values by epoch (epoch i is step i).
    case history([(String, [Double])])
    case list([TrialResult])
    /// nil / nothing returned.
    case none
    case string(String)
    /// Anything else: its type name and a short printable form.
    case other(typeName: String, description: String)
    /// A table whose values are not all numbers: the offending key and the type found.
    case badMetric(key: String, typeName: String)

    /// Keras Tuner's `convert_to_metrics_dict` + `get_best_step`, with its validation. Errors name
    /// what was returned.
    public func metricsAndStep(objective: Objective, function: String = "run_trial") throws -> (metrics: [(String, Double)], step: Int) {
        switch self {
        case let .number(v):
            if !objective.isDefault && objective.isMulti {
                throw EngineError(.invalidResult, "\(function): returned a number, but the objective \(objective.name) needs the metrics \(objective.requiredNames); return a table with them")
            }
            return ([(objective.name, v)], 0)
        case let .metrics(pairs):
            let names = Set(pairs.map(\.0))
            let missing = objective.requiredNames.filter { !names.contains($0) }
            if !missing.isEmpty {
                let found = pairs.map { "'\($0.0)'" }.joined(separator: ", ")
                if objective.isDefault {
                    throw EngineError(.invalidResult, "\(function): returned a table without 'default_objective' (found keys: \(found)); with no objective given, return a number, or pass objective=")
                }
                throw EngineError(.invalidResult, "\(function): the returned table has no objective '\(missing.joined(separator: "', '"))' (found keys: \(found.isEmpty ? "none" : found))")
            }
            return (pairs, 0)
        case let .history(series):
            guard let objectiveSeries = objective.isMulti ? series.first : series.first(where: { $0.0 == objective.name }) else {
                let found = series.map { "'\($0.0)'" }.joined(separator: ", ")
                throw EngineError(.invalidResult, "\(function): the returned History has no metric '\(objective.name)' (found: \(found))")
            }
            let epochs = objectiveSeries.1.count
            guard epochs > 0 else { throw EngineError(.invalidResult, "\(function): the returned History is empty") }
            // Best epoch by the objective, as Keras Tuner's _get_best_value_and_best_epoch_from_history.
            var best = 0
            var bestValue: Double?
            for e in 0..<epochs {
                var row: [String: Double] = [:]
                for (k, v) in series where e < v.count { row[k] = v[e] }
                guard let value = objective.value(in: row), !value.isNaN else { continue }
                if bestValue == nil || objective.betterThan(value, bestValue!) { bestValue = value; best = e }
            }
            return (series.compactMap { k, v in best < v.count ? (k, v[best]) : nil }, best)
        case let .list(items):
            guard !items.isEmpty else { throw EngineError(.invalidResult, "\(function): returned an empty list; return a number, a table of metrics, a History, or a list of those") }
            var order: [String] = []
            var sums: [String: [Double]] = [:]
            var steps = 0
            for item in items {
                if case .list = item { throw EngineError(.invalidResult, "\(function): returned a list of lists; return a list of numbers, tables or Histories") }
                let converted = try item.metricsAndStep(objective: objective, function: function)
                steps += converted.step
                for (k, v) in converted.metrics {
                    if sums[k] == nil { order.append(k) }
                    sums[k, default: []].append(v)
                }
            }
            // Keras Tuner: the best step of several executions is the (truncated) mean of theirs.
            return (order.map { ($0, sums[$0]!.reduce(0, +) / Double(sums[$0]!.count)) }, steps / items.count)
        case .none:
            throw EngineError(.invalidResult, "\(function): returned nil; did you forget to return the metrics? Return a number, a table of metrics containing the objective, or a History")
        case let .string(s):
            throw EngineError(.invalidResult, "\(function): returned a string (\"\(s.prefix(40))\"); return a number, a table of metrics containing the objective, or a History")
        case let .other(type, desc):
            throw EngineError(.invalidResult, "\(function): returned a \(type) (\(desc.prefix(40))); return a number, a table of metrics containing the objective, or a History")
        case let .badMetric(key, type):
            throw EngineError(.invalidResult, "\(function): the returned table's value for '\(key)' is a \(type), expected a number")
        }
    }
}
