import Foundation

/// A Gaussian-process regressor over points of the unit cube, conditioned on standardized targets.
///
/// Holds the Cholesky factor, the weights K⁻¹y and the dense inverse of the kernel matrix, so that
/// predicting thousands of acquisition candidates is two matrix products.
struct GaussianProcess {
    let dimensions: Int
    let count: Int
    /// Row-major, `count × dimensions`.
    let points: [Double]
    let targets: [Double]
    let kernel: Matern52Kernel
    /// Total diagonal noise (the user's alpha plus the fitted noise).
    let noise: Double
    private let factor: CholeskyFactor
    private let weights: [Double]
    private let inverse: [Double]
    /// L⁻¹, row-major: a variance is σ² − ‖L⁻¹k‖², half the work of kᵀK⁻¹k with the dense inverse.
    private let lowerInverse: [Double]

    /// Conditions the process on the data; nil when the kernel matrix cannot be factored even with jitter.
    init?(points: [Double], targets: [Double], dimensions: Int, kernel: Matern52Kernel, noise: Double) {
        let n = targets.count
        guard n > 0, points.count == n * dimensions else { return nil }
        self.dimensions = dimensions
        self.count = n
        self.points = points
        self.targets = targets
        self.kernel = kernel
        self.noise = noise
        let gram = Self.gram(points, n: n, d: dimensions, kernel: kernel, noise: noise)
        guard let factor = CholeskyFactor(symmetric: gram, n: n) else { return nil }
        self.factor = factor
        weights = factor.solve(targets)
        lowerInverse = factor.lowerInverse()
        inverse = CholeskyFactor.inverse(fromLowerInverse: lowerInverse, n: n)
        guard weights.allSatisfy(\.isFinite) else { return nil }
    }

    static func gram(_ x: [Double], n: Int, d: Int, kernel: Matern52Kernel, noise: Double) -> [Double] {
        var k = [Double](repeating: 0, count: n * n)
        x.withUnsafeBufferPointer { p in
            let base = p.baseAddress!
            for i in 0..<n {
                k[i * n + i] = kernel.signalVariance + noise
                for j in 0..<i {
                    let v = kernel.value(base + i * d, base + j * d)
                    k[i * n + j] = v
                    k[j * n + i] = v
                }
            }
        }
        return k
    }

    /// Posterior means and variances (of the latent function) at `m` points, row-major `m × d`.
    func predict(_ x: [Double], m: Int) -> (mean: [Double], variance: [Double]) {
        let n = count, d = dimensions
        var inverseScale = [Double](repeating: 0, count: d)
        for j in 0..<d { inverseScale[j] = 1 / (kernel.lengthScales[j] * kernel.lengthScales[j]) }
        let variance0 = kernel.signalVariance
        // Plain loops rather than BLAS: threaded BLAS may sum in a different order from run to run,
        // and a resumed search must propose bit-identical points.
        var mean = [Double](repeating: 0, count: m)
        var variance = [Double](repeating: 0, count: m)
        var cross = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xp in
            points.withUnsafeBufferPointer { pp in
                lowerInverse.withUnsafeBufferPointer { li in
                    weights.withUnsafeBufferPointer { w in
                        cross.withUnsafeMutableBufferPointer { c in
                            do {
                                for a in 0..<m {
                                    var mu = 0.0
                                    for b in 0..<n {
                                        var r2 = 0.0
                                        for j in 0..<d {
                                            let t = xp[a * d + j] - pp[b * d + j]
                                            r2 += t * t * inverseScale[j]
                                        }
                                        let rr = r2.squareRoot()
                                        let k = variance0 * (1 + Matern52Kernel.sqrt5 * rr + 5.0 / 3.0 * r2) * exp(-Matern52Kernel.sqrt5 * rr)
                                        c[b] = k
                                        mu += k * w[b]
                                    }
                                    mean[a] = mu
                                    var q = 0.0
                                    for i in 0..<n {
                                        var v = 0.0
                                        let base = i * n
                                        for k in 0...i { v += li[base + k] * c[k] }
                                        q += v * v
                                    }
                                    variance[a] = max(variance0 - q, 1e-12 * variance0)
                                }
                            }
                        }
                    }
                }
            }
        }
        return (mean, variance)
    }

    /// Mean and variance at one point, with their gradients with respect to the point.
    func predictWithGradient(_ x: [Double], dMean: inout [Double], dVariance: inout [Double]) -> (mean: Double, variance: Double) {
        let n = count, d = dimensions
        var cross = [Double](repeating: 0, count: n)
        // dk(x, xᵢ)/dx_j = −slope · δ_j / ℓ_j², stored row per training point.
        var crossGradient = [Double](repeating: 0, count: n * d)
        var inverseScale = [Double](repeating: 0, count: d)
        for j in 0..<d { inverseScale[j] = 1 / (kernel.lengthScales[j] * kernel.lengthScales[j]) }
        for i in 0..<n {
            var r2 = 0.0
            for j in 0..<d {
                let t = x[j] - points[i * d + j]
                r2 += t * t * inverseScale[j]
            }
            let (k, slope) = Matern52Kernel.valueAndSlope(r2: r2, variance: kernel.signalVariance)
            cross[i] = k
            for j in 0..<d { crossGradient[i * d + j] = -slope * (x[j] - points[i * d + j]) * inverseScale[j] }
        }
        var mean = 0.0
        for i in 0..<n { mean += cross[i] * weights[i] }
        var v = [Double](repeating: 0, count: n)
        for k in 0..<n {
            let c = cross[k]
            for i in 0..<n { v[i] += c * inverse[k * n + i] }
        }
        var q = 0.0
        for i in 0..<n { q += v[i] * cross[i] }
        let variance = kernel.signalVariance - q
        for j in 0..<d {
            var gm = 0.0, gv = 0.0
            for i in 0..<n {
                gm += crossGradient[i * d + j] * weights[i]
                gv += crossGradient[i * d + j] * v[i]
            }
            dMean[j] = gm
            dVariance[j] = -2 * gv
        }
        if variance < 1e-12 * kernel.signalVariance {
            for j in 0..<d { dVariance[j] = 0 }
            return (mean, 1e-12 * kernel.signalVariance)
        }
        return (mean, variance)
    }
}
