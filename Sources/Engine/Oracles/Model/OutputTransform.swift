import Foundation

/// The monotone map from raw scores (to minimize) to the standardized targets the GP is fitted on.
///
/// A GP assumes roughly Gaussian targets; an objective spanning several orders of magnitude
/// (Rosenbrock: 0 near the optimum, 10⁵ at the corners) makes it spend all its variance on the
/// corners. With `.auto`, strongly right-skewed scores are taken through log(y − min + δ) first.
struct OutputTransform {
    let useLog: Bool
    let shift: Double
    let mean: Double
    let scale: Double

    init(scores: [Double], warping: GaussianProcessProposer.OutputWarping, shiftFraction: Double = 1.0) {
        let lo = scores.min() ?? 0
        let hi = scores.max() ?? 0
        let sorted = scores.sorted()
        let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
        let range = hi - lo
        // Skew test: the median sits in the bottom fifth of the range.
        let skewed = warping == .auto && scores.count >= 4 && range > 0 && (median - lo) < 0.2 * range
        useLog = skewed
        let s = skewed ? max((median - lo) * shiftFraction, range * 1e-9) - lo : 0
        shift = s
        let w = scores.map { skewed ? log($0 + s) : $0 }
        let m = w.reduce(0, +) / Double(max(w.count, 1))
        var v = 0.0
        for t in w { v += (t - m) * (t - m) }
        v /= Double(max(w.count, 1))
        mean = m
        scale = v > 0 ? v.squareRoot() : 1
    }

    func apply(_ scores: [Double]) -> [Double] {
        scores.map { ((useLog ? log($0 + shift) : $0) - mean) / scale }
    }
}
