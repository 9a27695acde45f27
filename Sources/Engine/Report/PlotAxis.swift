import Foundation

/// One axis of a report plot: how a value maps to a fraction of the axis, and its ticks.
///
/// A log-sampled hyperparameter gets a log axis, a Choice or Boolean a categorical one (its values
/// evenly spaced, in declaration order), so the plots show the space as the oracle samples it.
public struct PlotAxis {
    public enum Scale {
        case linear(Double, Double)
        case log(Double, Double)
        case categorical([String])
    }

    public let label: String
    public let scale: Scale

    public init(label: String, scale: Scale) {
        self.label = label
        self.scale = scale
    }

    /// A linear (or log, when `log` and every value is positive) axis spanning `values` with a
    /// little margin; a single value gets a unit-wide span around it.
    public static func fitting(_ label: String, _ values: [Double], log: Bool = false) -> PlotAxis {
        let finite = values.filter(\.isFinite)
        guard var lo = finite.min(), var hi = finite.max() else { return PlotAxis(label: label, scale: .linear(0, 1)) }
        if log && lo > 0 {
            if lo == hi { lo /= 2; hi *= 2 }
            let pad = Foundation.pow(hi / lo, 0.04)
            return PlotAxis(label: label, scale: .log(lo / pad, hi * pad))
        }
        if lo == hi { lo -= 0.5; hi += 0.5 }
        let pad = (hi - lo) * 0.04
        return PlotAxis(label: label, scale: .linear(lo - pad, hi + pad))
    }

    /// The axis of hyperparameter `hp`, given the values trials took (which may leave the declared
    /// range when the space changed).
    public static func of(_ hp: HyperParameter?, name: String, values: [HPValue]) -> PlotAxis {
        switch hp?.kind {
        case let .float(lo, hi, _, sampling, _)?:
            return fitting(name, [lo, hi] + values.compactMap(\.numeric), log: sampling == .log)
        case let .int(lo, hi, _, sampling, _)?:
            return fitting(name, [Double(lo), Double(hi)] + values.compactMap(\.numeric), log: sampling == .log)
        case let .choice(choices, _, _)?:
            return categorical(name, choices + values)
        case .boolean?:
            return categorical(name, [.bool(false), .bool(true)] + values)
        case let .fixed(v)?:
            return categorical(name, [v] + values)
        case nil:
            if values.allSatisfy({ $0.numeric != nil }) { return fitting(name, values.compactMap(\.numeric)) }
            return categorical(name, values)
        }
    }

    private static func categorical(_ name: String, _ values: [HPValue]) -> PlotAxis {
        var seen = Set<String>()
        let labels = values.map(\.description).filter { seen.insert($0).inserted }
        return PlotAxis(label: name, scale: .categorical(labels))
    }

    public var isCategorical: Bool { if case .categorical = scale { return true }; return false }

    /// The number of categories of a categorical axis (0 otherwise).
    var categoryCount: Int { if case let .categorical(labels) = scale { return labels.count }; return 0 }

    /// Where a hyperparameter value sits on this axis (0 = start, 1 = end); nil when it cannot.
    public func fraction(_ value: HPValue) -> Double? {
        if case let .categorical(labels) = scale {
            guard let i = labels.firstIndex(of: value.description) else { return nil }
            return (Double(i) + 0.5) / Double(labels.count)
        }
        return value.numeric.flatMap(fraction)
    }

    /// Where a number sits on this axis (0 = start, 1 = end); nil when it cannot.
    public func fraction(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        switch scale {
        case let .linear(lo, hi): return (v - lo) / (hi - lo)
        case let .log(lo, hi): return v > 0 ? Foundation.log(v / lo) / Foundation.log(hi / lo) : nil
        case let .categorical(labels):
            let i = v.rounded()
            return i >= 0 && Int(i) < labels.count ? (i + 0.5) / Double(labels.count) : nil
        }
    }

    /// Tick positions (fractions) and their labels: round numbers, powers of ten, or every category.
    public var ticks: [(Double, String)] {
        switch scale {
        case let .categorical(labels):
            return labels.enumerated().map { ((Double($0.offset) + 0.5) / Double(labels.count), $0.element) }
        case let .log(lo, hi):
            var out: [(Double, String)] = []
            let first = Int(Foundation.floor(Foundation.log10(lo))), last = Int(Foundation.ceil(Foundation.log10(hi)))
            let stride = max(1, (last - first) / 6)
            for e in Swift.stride(from: first, through: last, by: stride) {
                let v = Foundation.pow(10, Double(e))
                if let f = fraction(v), f >= -1e-9, f <= 1 + 1e-9 { out.append((f, PlotAxis.label(v))) }
            }
            if out.count < 2 { return PlotAxis(label: label, scale: .linear(lo, hi)).ticks.compactMap { t in
                // Linear ticks placed on the log axis.
                let v = lo + t.0 * (hi - lo)
                return fraction(v).map { ($0, t.1) }
            } }
            return out
        case let .linear(lo, hi):
            let raw = (hi - lo) / 5
            let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
            let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
            var out: [(Double, String)] = []
            var v = Foundation.ceil(lo / step) * step
            // Bounded: a span of a few ulps would never step past `hi`.
            while v <= hi + step * 1e-9 && out.count < 12 {
                out.append(((v - lo) / (hi - lo), PlotAxis.label(abs(v) < step * 1e-9 ? 0 : v)))
                v += step
            }
            return out
        }
    }

    /// A short tick label: `0.001`, `1e-05`, `2.5`, `1200`.
    static func label(_ v: Double) -> String {
        if v != 0 && (abs(v) < 1e-3 || abs(v) >= 1e6) { return String(format: "%.0e", v) }
        let s = String(format: "%.4g", v)
        return s
    }
}
