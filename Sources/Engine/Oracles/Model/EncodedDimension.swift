/// How one hyperparameter lives in the unit interval that the models work in.
///
/// Keras Tuner embeds every hyperparameter in [0, 1]: continuous values by their sampling
/// (linear, log, reverse log), and anything with finitely many values (an Int, a stepped Float, a
/// Choice, a Boolean) at the centre of its bucket, `(index + 0.5) / count`. The models see only this
/// encoding; the oracle maps it back to values.
public enum EncodedDimension: Sendable, Equatable, Codable {
    /// Any point of [0, 1] is a valid value.
    case continuous
    /// `count` ordered values at the bucket centres (Int, stepped Float).
    case ordinal(count: Int)
    /// `count` unordered values at the bucket centres (Choice, Boolean).
    case categorical(count: Int)

    /// The number of distinct values, or nil when continuous.
    public var count: Int? {
        switch self {
        case .continuous: return nil
        case .ordinal(let n), .categorical(let n): return n
        }
    }

    /// The index of the bucket holding `x` (discrete kinds only).
    public func index(of x: Double) -> Int {
        guard let n = count else { return 0 }
        return min(max(Int((x * Double(n)).rounded(.down)), 0), n - 1)
    }

    /// The encoded value of bucket `index`.
    public func center(_ index: Int) -> Double {
        guard let n = count else { return 0.5 }
        return (Double(index) + 0.5) / Double(n)
    }

    /// The nearest valid encoded value: a bucket centre, or `x` clamped to [0, 1].
    public func snap(_ x: Double) -> Double {
        if count == nil { return min(max(x, 0), 1) }
        return center(index(of: x))
    }
}

extension Array where Element == EncodedDimension {
    /// Snaps every coordinate of `x` to a valid value of its dimension.
    func snap(_ x: [Double]) -> [Double] {
        var out = x
        for i in indices { out[i] = self[i].snap(x[i]) }
        return out
    }

    /// The number of distinct configurations, or nil when a dimension is continuous or the product
    /// overflows `limit`.
    func configurationCount(limit: Int) -> Int? {
        var total = 1
        for d in self {
            guard let n = d.count else { return nil }
            let (p, overflow) = total.multipliedReportingOverflow(by: n)
            if overflow || p > limit { return nil }
            total = p
        }
        return total
    }
}
