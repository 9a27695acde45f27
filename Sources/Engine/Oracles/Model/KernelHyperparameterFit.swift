import Foundation

/// Fits the kernel's length scales, signal variance and noise by maximizing the log marginal
/// likelihood (plus weak log-normal priors that keep a 10-point fit from collapsing to extremes),
/// in log space, with bounded L-BFGS from several starts.
///
/// θ = [log ℓ₁ … log ℓ_d, log σ², log σₙ²]; the diagonal is σₙ² + alpha, alpha being the user's
/// noise floor (Keras Tuner's `alpha`).
struct KernelHyperparameterFit {
    var alpha: Double
    var restarts = 2
    var maxIterations = 40
    var warmIterations = 20
    /// Prior on log length scales: centre and spread (log space).
    var lengthScalePriorMean = log(0.5)
    var lengthScalePriorSD = 1.0
    var variancePriorSD = 1.5
    var noisePriorMean = log(1e-3)
    var noisePriorSD = 2.0
    /// When set, the noise variance v has a Gamma(1.1, rate) prior instead of the log-normal one:
    /// nearly flat for small v, so a deterministic objective is fitted to ~0 noise, while a noisy
    /// one pays only rate × v for the noise it really has.
    var noisePriorRate: Double?

    static let lengthScaleBounds = (log(0.01), log(20.0))
    static let varianceBounds = (log(0.05), log(20.0))
    static let noiseBounds = (log(1e-9), log(0.5))

    /// The best θ found, starting from `warmStart` (the previous fit) when given.
    func fit(points: [Double], targets: [Double], dimensions d: Int, warmStart: [Double]?,
             generator: inout SeededGenerator) -> [Double] {
        let n = targets.count
        var lower = [Double](repeating: Self.lengthScaleBounds.0, count: d)
        var upper = [Double](repeating: Self.lengthScaleBounds.1, count: d)
        lower += [Self.varianceBounds.0, Self.noiseBounds.0]
        upper += [Self.varianceBounds.1, Self.noiseBounds.1]
        var starts: [[Double]] = []
        let warm = warmStart.flatMap { $0.count == d + 2 ? $0 : nil }
        if let warm { starts.append(warm) }
        // The previous trial's fit is almost always the right basin: refit from it alone, and from
        // the prior's centre and fresh random starts only every fifth observation — the fit is
        // most of a proposal's cost. Depends only on n, so a resumed search does the same.
        let refresh = warm == nil || n % 5 == 0
        if refresh {
            let centre = [Double](repeating: lengthScalePriorMean, count: d)
            starts.append(centre + [0, noisePriorMean])
            // And a noisy start: from tiny noise the fit can settle on interpolating noisy scores
            // with short length scales and never see the better, noisy explanation.
            starts.append(centre + [0, log(0.1)])
        }
        let fresh = warm == nil ? restarts + 1 : (refresh ? restarts : 0)
        for _ in 0..<fresh {
            var s: [Double] = []
            for _ in 0..<d { s.append(lengthScalePriorMean + lengthScalePriorSD * generator.normal()) }
            s.append(generator.normal() * 0.5)
            s.append(noisePriorMean + generator.normal())
            starts.append(s)
        }
        var optimizer = BoundedLBFGS()
        // From the warm start alone the fit is a small correction: fewer iterations suffice.
        optimizer.maxIterations = refresh ? maxIterations : warmIterations
        optimizer.relativeTolerance = 1e-7
        let squares = Self.pairwiseSquares(points, n: n, d: d)
        var best = starts[0]
        var bestValue = Double.infinity
        for start in starts {
            let result = optimizer.minimize(from: start, lower: lower, upper: upper) { theta, grad in
                self.negativeLogPosterior(theta, squares: squares, targets: targets, n: n, d: d, gradient: &grad)
            }
            if result.value < bestValue {
                bestValue = result.value
                best = result.x
            }
        }
        return best
    }

    func kernel(_ theta: [Double], dimensions d: Int) -> (Matern52Kernel, noise: Double) {
        (Matern52Kernel(lengthScales: theta[0..<d].map { exp($0) }, signalVariance: exp(theta[d])),
         exp(theta[d + 1]) + alpha)
    }

    /// (xᵢⱼ − xₖⱼ)² for every pair k < i, pair by pair (the order `negativeLogPosterior` walks):
    /// computed once per fit instead of once per likelihood evaluation.
    static func pairwiseSquares(_ x: [Double], n: Int, d: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n * (n - 1) / 2 * d)
        var p = 0
        for i in 0..<n {
            for k in 0..<i {
                for j in 0..<d {
                    let t = x[i * d + j] - x[k * d + j]
                    out[p] = t * t
                    p += 1
                }
            }
        }
        return out
    }

    /// −(log p(y | θ) + log prior(θ)), with its gradient.
    func negativeLogPosterior(_ theta: [Double], points x: [Double], targets y: [Double], n: Int, d: Int,
                              gradient: inout [Double]) -> Double {
        negativeLogPosterior(theta, squares: Self.pairwiseSquares(x, n: n, d: d), targets: y, n: n, d: d, gradient: &gradient)
    }

    func negativeLogPosterior(_ theta: [Double], squares: [Double], targets y: [Double], n: Int, d: Int,
                              gradient: inout [Double]) -> Double {
        let (kernel, noise) = kernel(theta, dimensions: d)
        var inverseScale = [Double](repeating: 0, count: d)
        for j in 0..<d { inverseScale[j] = 1 / (kernel.lengthScales[j] * kernel.lengthScales[j]) }
        let pairs = n * (n - 1) / 2
        var gram = [Double](repeating: 0, count: n * n)
        var values = [Double](repeating: 0, count: pairs)
        var slopes = [Double](repeating: 0, count: pairs)
        squares.withUnsafeBufferPointer { sq in
            var p = 0
            for i in 0..<n {
                gram[i * n + i] = kernel.signalVariance + noise
                for k in 0..<i {
                    var r2 = 0.0
                    for j in 0..<d { r2 += sq[p * d + j] * inverseScale[j] }
                    let (kv, slope) = Matern52Kernel.valueAndSlope(r2: r2, variance: kernel.signalVariance)
                    gram[i * n + k] = kv
                    gram[k * n + i] = kv
                    values[p] = kv
                    slopes[p] = slope
                    p += 1
                }
            }
        }
        guard let factor = CholeskyFactor(symmetric: gram, n: n, maxRelativeJitter: 1e-6) else {
            for i in gradient.indices { gradient[i] = 0 }
            return .infinity
        }
        let a = factor.solve(y)
        let inv = factor.inverse()
        var fit = 0.0
        for i in 0..<n { fit += y[i] * a[i] }
        var value = 0.5 * fit + 0.5 * factor.logDeterminant + 0.5 * Double(n) * log(2 * Double.pi)
        // W = K⁻¹ − ααᵀ; ∂(−log p)/∂θ = ½ tr(W ∂K/∂θ).
        for i in gradient.indices { gradient[i] = 0 }
        var gVariance = 0.0
        var gNoise = 0.0
        var gScale = [Double](repeating: 0, count: d)
        squares.withUnsafeBufferPointer { sq in
            var p = 0
            for i in 0..<n {
                let wii = inv[i * n + i] - a[i] * a[i]
                gVariance += 0.5 * wii * kernel.signalVariance
                gNoise += 0.5 * wii * (noise - alpha)
                for k in 0..<i {
                    let w = inv[i * n + k] - a[i] * a[k]
                    // Off-diagonal terms appear twice in the trace.
                    gVariance += w * values[p]
                    let ws = w * slopes[p]
                    for j in 0..<d { gScale[j] += ws * sq[p * d + j] }
                    p += 1
                }
            }
        }
        for j in 0..<d { gradient[j] = gScale[j] * inverseScale[j] }
        gradient[d] = gVariance
        gradient[d + 1] = gNoise
        // Log-normal priors, as Gaussian penalties in log space.
        for j in 0..<d {
            let z = (theta[j] - lengthScalePriorMean) / lengthScalePriorSD
            value += 0.5 * z * z
            gradient[j] += z / lengthScalePriorSD
        }
        let zv = theta[d] / variancePriorSD
        value += 0.5 * zv * zv
        gradient[d] += zv / variancePriorSD
        if let rate = noisePriorRate {
            let v = exp(theta[d + 1])
            value += rate * v - 0.1 * theta[d + 1]
            gradient[d + 1] += rate * v - 0.1
        } else {
            let zn = (theta[d + 1] - noisePriorMean) / noisePriorSD
            value += 0.5 * zn * zn
            gradient[d + 1] += zn / noisePriorSD
        }
        return value
    }
}
