/// A trial's metrics by name, in the order they were first reported.
public struct MetricsTracker: Equatable, Sendable {
    public private(set) var names: [String] = []
    public private(set) var histories: [String: MetricHistory] = [:]

    public init() {}

    public func exists(_ name: String) -> Bool { histories[name] != nil }

    /// Registers a metric; the direction defaults to the inferred one, else "min" (Keras Tuner).
    public mutating func register(_ name: String, direction: Objective.Direction? = nil) throws {
        guard histories[name] == nil else { throw EngineError.invalid("MetricsTracker.register: metric '\(name)' already exists") }
        histories[name] = MetricHistory(direction: direction ?? Objective.inferDirection(name) ?? .min)
        names.append(name)
    }

    public mutating func update(_ name: String, _ value: Double, step: Int = 0, direction: Objective.Direction? = nil) {
        if histories[name] == nil {
            histories[name] = MetricHistory(direction: direction ?? Objective.inferDirection(name) ?? .min)
            names.append(name)
        }
        histories[name]!.update(value, step: step)
    }

    private func history(_ name: String, _ fn: String) throws -> MetricHistory {
        guard let h = histories[name] else { throw EngineError(.notFound, "\(fn): unknown metric '\(name)'") }
        return h
    }

    /// `[(step, mean)]` sorted by step.
    public func getHistory(_ name: String) throws -> [(step: Int, value: Double)] {
        try history(name, "get_history").observations.map { ($0.step, $0.mean) }
    }
    public func getBestValue(_ name: String) throws -> Double? { try history(name, "get_best_value").bestValue }
    public func getBestStep(_ name: String) throws -> Int? { try history(name, "get_best_step").bestStep }
    public func getLastValue(_ name: String) throws -> Double? { try history(name, "get_last_value").lastValue }
    public func getDirection(_ name: String) throws -> Objective.Direction { try history(name, "get_direction").direction }

    public mutating func removeAll() {
        names = []
        histories = [:]
    }
}
