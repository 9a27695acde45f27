import Foundation

/// The bridge between a search space and the unit-cube vectors the GP and TPE models work on.
///
/// Every tunable (non-Fixed) hyperparameter is one coordinate, in Keras Tuner's encoding: bucket
/// centres `(index + 0.5) / count` for anything with finitely many values, the sampling's
/// cumulative probability for continuous ones. Indices of stepped values are recovered by
/// rounding, not flooring, so a value like 3.2 + 3 × 0.2 = 3.8000000000000003 lands in its own bucket.
struct ModelSpace {
    let space: [HyperParameter]
    let tunable: [HyperParameter]
    let dimensions: [EncodedDimension]

    init(_ hyperparameters: HyperParameters) {
        space = hyperparameters.space
        tunable = space.filter(\.isTunable)
        dimensions = tunable.map(Self.dimension)
    }

    static func dimension(_ hp: HyperParameter) -> EncodedDimension {
        switch hp.kind {
        case let .float(min, max, step, sampling, _):
            guard let step else { return .continuous }
            return .ordinal(count: hp.numberOfSteps(min: min, max: max, step: step, sampling: sampling))
        case let .int(min, max, step, sampling, _):
            if let step {
                return .ordinal(count: hp.numberOfSteps(min: Double(min), max: Double(max), step: Double(step), sampling: sampling))
            }
            if sampling == .linear && max - min < 1_000_000 { return .ordinal(count: Int(max - min) + 1) }
            return .continuous
        case let .choice(values, ordered, _):
            return ordered ? .ordinal(count: values.count) : .categorical(count: values.count)
        case .boolean:
            return .categorical(count: 2)
        case .fixed:
            return .continuous
        }
    }

    /// The coordinate of `value` for the i-th tunable hyperparameter.
    func encode(_ value: HPValue, at i: Int) -> Double {
        let hp = tunable[i]
        let dim = dimensions[i]
        switch hp.kind {
        case let .float(min, max, step?, sampling, _):
            guard let v = value.numeric else { return 0.5 }
            return dim.center(Self.stepIndex(v, min: min, max: max, step: step, sampling: sampling, count: dim.count!))
        case let .int(min, max, step?, sampling, _):
            guard let v = value.numeric else { return 0.5 }
            return dim.center(Self.stepIndex(v, min: Double(min), max: Double(max), step: Double(step), sampling: sampling, count: dim.count!))
        case let .int(min, _, nil, _, _):
            if let n = dim.count, let v = value.numeric { return dim.center(Swift.min(Swift.max(Int((v - Double(min)).rounded()), 0), n - 1)) }
            return (try? hp.valueToProb(value)) ?? 0.5
        default:
            return dim.snap((try? hp.valueToProb(value)) ?? 0.5)
        }
    }

    /// The value at coordinate `x` for the i-th tunable hyperparameter.
    func decode(_ x: Double, at i: Int) -> HPValue {
        tunable[i].decode(dimensions[i].snap(x))
    }

    static func stepIndex(_ v: Double, min: Double, max: Double, step: Double, sampling: Sampling, count: Int) -> Int {
        let raw: Double
        switch sampling {
        case .linear: raw = (v - min) / step
        case .log: raw = log(v / min) / log(step)
        case .reverseLog: raw = log((max - v + min) / min) / log(step)
        }
        guard raw.isFinite else { return 0 }
        return Swift.min(Swift.max(Int(raw.rounded()), 0), count - 1)
    }

    /// A trial's vector, Keras Tuner's way: an inactive or missing hyperparameter takes its default.
    func vector(_ hps: HyperParameters) -> [Double] {
        tunable.indices.map { i in
            let hp = tunable[i]
            if hps.isActive(hp), let v = hps.values[hp.name] { return encode(v, at: i) }
            return encode(hp.defaultValue, at: i)
        }
    }

    /// A trial's vector for TPE: nil where the hyperparameter was inactive or not yet declared.
    func partialVector(_ hps: HyperParameters) -> [Double?] {
        tunable.indices.map { i in
            let hp = tunable[i]
            if hps.isDeclared(hp.name), hps.isActive(hp), let v = hps.values[hp.name] { return encode(v, at: i) }
            return nil
        }
    }

    /// The values of the active hyperparameters for a vector, in declaration order so that a
    /// parent's value is known before its children's conditions are checked.
    func values(_ vector: [Double]) -> HPValues {
        var values = HPValues()
        var t = 0
        for hp in space {
            let value: HPValue
            if hp.isTunable {
                value = decode(vector[t], at: t)
                t += 1
            } else if case let .fixed(v) = hp.kind {
                value = v
            } else {
                continue
            }
            if values.contains(hp.name) { continue }
            if hp.conditions.allSatisfy({ $0.isActive(values) }) { values[hp.name] = value }
        }
        return values
    }
}
