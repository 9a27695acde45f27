#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The observations of one metric in one trial, by step; several reports at one step are averaged
/// (as Keras Tuner does for multiple executions).
public struct MetricHistory: Equatable, Sendable {
    /// One step's observation: the reported values and their mean.
    public struct Observation: Equatable, Sendable {
        public let step: Int
        public var values: [Double]
        public var mean: Double { values.reduce(0, +) / Double(values.count) }
    }

    public let direction: Objective.Direction
    /// Observations sorted by step.
    public private(set) var observations: [Observation] = []

    public init(direction: Objective.Direction) { self.direction = direction }

    public mutating func update(_ value: Double, step: Int) {
        if let last = observations.last, last.step < step {
            observations.append(Observation(step: step, values: [value]))
        } else if let i = observations.firstIndex(where: { $0.step == step }) {
            observations[i].values.append(value)
        } else {
            let at = observations.firstIndex { $0.step > step } ?? observations.count
            observations.insert(Observation(step: step, values: [value]), at: at)
        }
    }

    /// The best step mean ignoring NaN (NaN when every value is NaN, nil when empty), as numpy's
    /// `nanmin`/`nanmax` in Keras Tuner.
    public var bestValue: Double? {
        guard !observations.isEmpty else { return nil }
        var best = Double.nan
        for o in observations {
            let m = o.mean
            if m.isNaN { continue }
            if best.isNaN || (direction == .min ? m < best : m > best) { best = m }
        }
        return best
    }

    /// The first step whose mean is the best value.
    public var bestStep: Int? {
        guard let best = bestValue else { return nil }
        if best.isNaN { return observations.first?.step }
        return observations.first { $0.mean == best }?.step
    }

    public var lastValue: Double? { observations.last?.mean }
}
