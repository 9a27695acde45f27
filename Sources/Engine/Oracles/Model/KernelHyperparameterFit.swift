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
    /// Prior on log length scales: centre and spread (log space).
    var lengthScalePriorMean = log(0.5)
    var lengthScalePriorSD = 1.0
    var variancePriorSD = 1.5
    var noisePriorMean = log(1e-3)
    var noisePriorSD = 2.0

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
        if let w = warmStart, w.count == d + 2 { starts.append(w) }
        starts.append([Double](repeating: lengthScalePriorMean, count: d) + [0, noisePriorMean])
        // The previous trial's fit is almost always the right basin: refit from it (and from the
        // prior's centre), and try fresh random starts only every fifth observation — the fit is
        // most of a proposal's cost. Depends only on n, so a resumed search does the same.
        let fresh = warmStart == nil ? restarts + 1 : (n % 5 == 0 ? restarts : 0)
        for _ in 0..<fresh {
            var s: [Double] = []
            for _ in 0..<d { s.append(lengthScalePriorMean + lengthScalePriorSD * generator.normal()) }
            s.append(generator.normal() * 0.5)
            s.append(noisePriorMean + generator.normal())
            starts.append(s)
        }
        var optimizer = BoundedLBFGS()
        optimizer.maxIterations = maxIterations
        optimizer.relativeTolerance = 1e-7
        var best = starts[0]
        var bestValue = Double.infinity
        for start in starts {
            let result = optimizer.minimize(from: start, lower: lower, upper: upper) { theta, grad in
                self.negativeLogPosterior(theta, points: points, targets: targets, n: n, d: d, gradient: &grad)
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

    /// −(log p(y | θ) + log prior(θ)), with its gradient.
    func negativeLogPosterior(_ theta: [Double], points x: [Double], targets y: [Double], n: Int, d: Int,
                              gradient: inout [Double]) -> Double {
        let (kernel, noise) = kernel(theta, dimensions: d)
        let gram = GaussianProcess.gram(x, n: n, d: d, kernel: kernel, noise: noise)
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
        var inverseScale = [Double](repeating: 0, count: d)
        for j in 0..<d { inverseScale[j] = 1 / (kernel.lengthScales[j] * kernel.lengthScales[j]) }
        var gVariance = 0.0
        var gNoise = 0.0
        for i in 0..<n {
            let wii = inv[i * n + i] - a[i] * a[i]
            gVariance += 0.5 * wii * kernel.signalVariance
            gNoise += 0.5 * wii * (noise - alpha)
            for k in 0..<i {
                let w = inv[i * n + k] - a[i] * a[k]
                var r2 = 0.0
                for j in 0..<d {
                    let t = x[i * d + j] - x[k * d + j]
                    r2 += t * t * inverseScale[j]
                }
                let (kv, slope) = Matern52Kernel.valueAndSlope(r2: r2, variance: kernel.signalVariance)
                // Off-diagonal terms appear twice in the trace.
                gVariance += w * kv
                for j in 0..<d {
                    let t = x[i * d + j] - x[k * d + j]
                    gradient[j] += w * slope * t * t * inverseScale[j]
                }
            }
        }
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
        let zn = (theta[d + 1] - noisePriorMean) / noisePriorSD
        value += 0.5 * zn * zn
        gradient[d + 1] += zn / noisePriorSD
        return value
    }
}
