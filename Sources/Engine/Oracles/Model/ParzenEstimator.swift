import Foundation

/// A mixture of product kernels over encoded points, one kernel per observation plus a prior
/// kernel: the density l(x) or g(x) of Optuna's Tree-structured Parzen Estimator.
///
/// Works in the unit-cube encoding, which is exactly Optuna's transformed domain: continuous
/// dimensions are truncated normals on [0, 1] (log sampling is already linear here), ordinal ones
/// are truncated normals integrated over their bucket (Optuna widens the range by half a step on
/// each side, which is the bucket edges here), categorical ones put weight 1 on the observed index
/// plus `priorWeight / kernels` everywhere. An observation whose value is nil (the hyperparameter
/// was inactive) uses the prior's factor for that dimension.
struct ParzenEstimator {
    struct Options {
        var priorWeight = 1.0
        var considerMagicClip = true
        var considerEndpoints = false
        /// Counts the prior's mean among the neighbours of the bandwidth rule (Optuna before 5).
        var priorAmongNeighbours = false
        /// The completed trials of the whole search, when they rather than this density's own
        /// observations set the magic clip's floor (the good density; see `init`).
        var searchObservations: Int? = nil
    }

    let dimensions: [EncodedDimension]
    /// kernels × (categorical) count, per dimension; empty for numeric dimensions.
    private let categoricalWeights: [[[Double]]]
    private let logWeights: [Double]
    /// Per kernel and dimension, at index `kernel × dimensions + dimension` (the prior kernel is
    /// last): the kernel's centre and width (0.5 and 1 where the value is nil, as for the prior),
    /// and the terms of its log density that do not depend on the point, `−log σ − ½ log 2π − log Z`
    /// for a continuous dimension and `−log Z` for an ordinal one, Z being the normal's mass on
    /// [0, 1]. Computed once, they keep `logDensity` free of `erfc`.
    private let centers: [Double]
    private let widths: [Double]
    private let logNormalizers: [Double]
    /// Per kernel, its log weight plus the point-independent terms of all its continuous factors:
    /// with only continuous dimensions, a kernel's log density is this minus ½ Σ z².
    private let logOffsets: [Double]
    private let allContinuous: Bool

    init(observations: [[Double?]], weights rawWeights: [Double], dimensions: [EncodedDimension], options: Options) {
        self.dimensions = dimensions
        let n = observations.count, d = dimensions.count, kernels = n + 1
        var weights = rawWeights + [options.priorWeight]
        let total = weights.reduce(0, +)
        weights = weights.map { $0 / total }
        logWeights = weights.map { $0 > 0 ? log($0) : -Double.infinity }
        var centers = [Double](repeating: 0.5, count: kernels * d)
        var widths = [Double](repeating: 1, count: kernels * d)
        var cats = [[[Double]]](repeating: [], count: d)
        for (j, dim) in dimensions.enumerated() {
            let present = (0..<n).filter { observations[$0][j] != nil }
            if case .categorical(let count) = dim {
                var table = [[Double]]()
                for k in 0..<kernels {
                    var row = [Double](repeating: options.priorWeight / Double(kernels), count: count)
                    if k < n, let v = observations[k][j] { row[dim.index(of: v)] += 1 }
                    let s = row.reduce(0, +)
                    table.append(row.map { $0 / s })
                }
                cats[j] = table
                continue
            }
            let values = present.map { observations[$0][j]! }
            for (i, k) in present.enumerated() { centers[k * d + j] = values[i] }
            var s = [Double](repeating: 1, count: present.count)
            if !present.isEmpty {
                // Neighbour rule: the larger gap to either neighbour, the range ends acting as fences
                // (Optuna 5 leaves the prior's mean out of the neighbours; earlier versions put it in).
                let points = values + (options.priorAmongNeighbours ? [0.5] : [])
                let order = points.indices.sorted { points[$0] < points[$1] }
                let sorted = [0.0] + order.map { points[$0] } + [1.0]
                var sortedSigmas = [Double](repeating: 0, count: points.count)
                for i in 0..<points.count {
                    sortedSigmas[i] = max(sorted[i + 1] - sorted[i], sorted[i + 2] - sorted[i + 1])
                }
                if !options.considerEndpoints && sorted.count >= 4 {
                    sortedSigmas[0] = sorted[2] - sorted[1]
                    sortedSigmas[points.count - 1] = sorted[points.count] - sorted[points.count - 1]
                }
                var byValue = [Double](repeating: 0, count: points.count)
                for (rank, index) in order.enumerated() { byValue[index] = sortedSigmas[rank] }
                s = Array(byValue.prefix(present.count))
            }
            // Optuna floors each bandwidth at range / (1 + kernels of this density). The good density
            // has at most 25 kernels, so its floor stays near range / 8 at 60 trials and the search
            // cannot home in on a minimum. tunelua floors the good density at range / (1 + kernels of
            // the whole search), the resolution the search has reached: median regret at 60 trials
            // is 1.1–15× lower than with Optuna's floor on bench-oracles' four functions.
            let kernelsForClip = (options.searchObservations ?? present.count) + 1
            let minSigma = options.considerMagicClip ? 1.0 / min(100.0, 1.0 + Double(kernelsForClip)) : 1e-12
            for (i, k) in present.enumerated() { widths[k * d + j] = min(max(s[i], minSigma), 1.0) }
        }
        categoricalWeights = cats
        var logNormalizers = [Double](repeating: 0, count: kernels * d)
        for index in 0..<kernels * d {
            let mu = centers[index], sigma = widths[index]
            switch dimensions[index % d] {
            case .categorical: break
            case .continuous: logNormalizers[index] = -log(sigma) - 0.5 * log(2 * Double.pi) - Self.logMassInUnitInterval(mu, sigma)
            case .ordinal: logNormalizers[index] = -Self.logMassInUnitInterval(mu, sigma)
            }
        }
        var logOffsets = logWeights
        for k in 0..<kernels {
            for j in 0..<d where dimensions[j] == .continuous { logOffsets[k] += logNormalizers[k * d + j] }
        }
        self.centers = centers
        self.widths = widths
        self.logNormalizers = logNormalizers
        self.logOffsets = logOffsets
        allContinuous = dimensions.allSatisfy { $0 == .continuous }
    }

    /// One draw: a kernel by weight, then each dimension from that kernel's factor.
    func sample(_ generator: inout SeededGenerator) -> [Double] {
        var u = generator.uniform()
        var k = logWeights.count - 1
        for (i, lw) in logWeights.enumerated() {
            u -= exp(lw)
            if u < 0 { k = i; break }
        }
        let d = dimensions.count
        return dimensions.indices.map { j in
            let dim = dimensions[j]
            if case .categorical = dim {
                let row = categoricalWeights[j][k]
                var v = generator.uniform()
                for (c, p) in row.enumerated() {
                    v -= p
                    if v < 0 { return dim.center(c) }
                }
                return dim.center(row.count - 1)
            }
            return dim.snap(Self.truncatedNormal(mu: centers[k * d + j], sigma: widths[k * d + j], generator: &generator))
        }
    }

    /// log density (log mass for discrete dimensions) of `x`: a log-sum-exp over the kernels,
    /// accumulated in one pass.
    func logDensity(_ x: [Double]) -> Double {
        let d = dimensions.count
        var maximum = -Double.infinity, sum = 0.0
        centers.withUnsafeBufferPointer { centers in
            widths.withUnsafeBufferPointer { widths in
                for k in 0..<logOffsets.count {
                    var s = logOffsets[k]
                    let base = k * d
                    for j in 0..<d {
                        let z = (x[j] - centers[base + j]) / widths[base + j]
                        switch allContinuous ? .continuous : dimensions[j] {
                        case .continuous:
                            s -= 0.5 * z * z
                        case .categorical:
                            s += log(max(categoricalWeights[j][k][dimensions[j].index(of: x[j])], 1e-300))
                        case .ordinal(let count):
                            let i = Double(dimensions[j].index(of: x[j])), n = Double(count)
                            s += Self.logMass(centers[base + j], widths[base + j], i / n, (i + 1) / n)
                                + logNormalizers[base + j]
                        }
                    }
                    if s > maximum {
                        sum = sum * exp(maximum - s) + 1
                        maximum = s
                    } else if s > maximum - 40 {
                        // Below that a term adds less than 4e-18 of the sum: under a double's epsilon.
                        sum += exp(s - maximum)
                    }
                }
            }
        }
        return maximum.isFinite ? maximum + log(sum) : maximum
    }

    /// log P(0 ≤ X ≤ 1), taken as 0 when both ends are over 8.5 σ away (it is then above −2e-17,
    /// lost in the sums it joins).
    static func logMassInUnitInterval(_ mu: Double, _ sigma: Double) -> Double {
        if mu > 8.5 * sigma && 1 - mu > 8.5 * sigma { return 0 }
        return logMass(mu, sigma, 0, 1)
    }

    /// log P(a ≤ X ≤ b) for X ~ N(mu, sigma²).
    static func logMass(_ mu: Double, _ sigma: Double, _ a: Double, _ b: Double) -> Double {
        let za = (a - mu) / sigma / 2.0.squareRoot()
        let zb = (b - mu) / sigma / 2.0.squareRoot()
        // Use the tail that keeps precision.
        let p = za > 0 ? 0.5 * (erfc(za) - erfc(zb)) : 0.5 * (erfc(-zb) - erfc(-za))
        return log(max(p, 1e-300))
    }

    /// A draw of N(mu, sigma²) restricted to [0, 1], by rejection with an inverse-CDF fallback.
    static func truncatedNormal(mu: Double, sigma: Double, generator: inout SeededGenerator) -> Double {
        for _ in 0..<64 {
            let v = mu + sigma * generator.normal()
            if v >= 0 && v <= 1 { return v }
        }
        return min(max(mu, 0), 1)
    }
}
