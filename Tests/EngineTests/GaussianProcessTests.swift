import Foundation
import Testing
@testable import Engine

/// The GP model under the Bayesian optimizer: factorization, likelihood, prediction.
struct GaussianProcessTests {
    @Test func singularKernelMatrixIsFactoredWithJitter() throws {
        // Two identical points make the Gram matrix exactly singular without noise.
        let kernel = Matern52Kernel(lengthScales: [0.3, 0.3], signalVariance: 1)
        let x = [0.2, 0.4, 0.2, 0.4, 0.9, 0.1]
        let gram = GaussianProcess.gram(x, n: 3, d: 2, kernel: kernel, noise: 0)
        let factor = try #require(CholeskyFactor(symmetric: gram, n: 3))
        #expect(factor.jitter > 0)
    }

    @Test func nonFiniteMatrixIsRefusedNotCrashed() {
        #expect(CholeskyFactor(symmetric: [1, .nan, .nan, 1], n: 2) == nil)
        #expect(GaussianProcess(points: [0.1, .infinity], targets: [0, 1], dimensions: 1,
                                kernel: Matern52Kernel(lengthScales: [0.5], signalVariance: 1), noise: 1e-4) == nil)
    }

    @Test func likelihoodGradientMatchesFiniteDifferences() {
        var g = SeededGenerator(seed: 3)
        let n = 12, d = 3
        let x = (0..<(n * d)).map { _ in g.uniform() }
        let y = (0..<n).map { i in sin(6 * x[i * d]) + x[i * d + 1] }
        let fit = KernelHyperparameterFit(alpha: 1e-4)
        let theta = [log(0.4), log(0.7), log(1.3), 0.2, log(1e-2)]
        var grad = [Double](repeating: 0, count: theta.count)
        _ = fit.negativeLogPosterior(theta, points: x, targets: y, n: n, d: d, gradient: &grad)
        var scratch = grad
        for i in theta.indices {
            var up = theta, down = theta
            up[i] += 1e-5; down[i] -= 1e-5
            let numeric = (fit.negativeLogPosterior(up, points: x, targets: y, n: n, d: d, gradient: &scratch)
                - fit.negativeLogPosterior(down, points: x, targets: y, n: n, d: d, gradient: &scratch)) / 2e-5
            #expect(abs(numeric - grad[i]) < 1e-4 * max(1, abs(numeric)))
        }
    }

    @Test func predictionInterpolatesTheDataAndRevertsFarAway() throws {
        let kernel = Matern52Kernel(lengthScales: [0.2], signalVariance: 1)
        let gp = try #require(GaussianProcess(points: [0.1, 0.5, 0.9], targets: [1, -1, 0.5], dimensions: 1,
                                              kernel: kernel, noise: 1e-6))
        let (mean, variance) = gp.predict([0.5, 0.3], m: 2)
        #expect(abs(mean[0] + 1) < 1e-3)
        #expect(variance[0] < 1e-4)
        #expect(variance[1] > variance[0])
        var dm = [0.0], dv = [0.0]
        let single = gp.predictWithGradient([0.3], dMean: &dm, dVariance: &dv)
        #expect(abs(single.mean - mean[1]) < 1e-9)
        // Finite-difference check of the mean's gradient.
        var a = [0.0], b = [0.0]
        let up = gp.predictWithGradient([0.3 + 1e-6], dMean: &a, dVariance: &b).mean
        let down = gp.predictWithGradient([0.3 - 1e-6], dMean: &a, dVariance: &b).mean
        #expect(abs((up - down) / 2e-6 - dm[0]) < 1e-4)
    }

    @Test func expectedImprovementGradientMatchesFiniteDifferences() {
        for (mean, variance) in [(0.3, 0.04), (2.0, 0.01), (-0.5, 1.0), (9.0, 0.01)] {
            let e = Acquisition.expectedImprovement.evaluate(mean: mean, variance: variance, beta: 0, best: 0)
            let dm = (Acquisition.expectedImprovement.evaluate(mean: mean + 1e-6, variance: variance, beta: 0, best: 0).value
                - Acquisition.expectedImprovement.evaluate(mean: mean - 1e-6, variance: variance, beta: 0, best: 0).value) / 2e-6
            #expect(abs(dm - e.dMean) < 1e-3 * max(1, abs(dm)))
            #expect(e.value.isFinite)
        }
    }

    @Test func skewedScoresAreLogWarpedAndOthersAreNot() {
        let skewed = OutputTransform(scores: [1, 2, 3, 4, 5, 1000, 50000], warping: .auto)
        #expect(skewed.useLog)
        let even = OutputTransform(scores: [1, 2, 3, 4, 5, 6, 7], warping: .auto)
        #expect(!even.useLog)
        #expect(!OutputTransform(scores: [1, 2, 3, 4, 5, 1000, 50000], warping: .none).useLog)
    }
}
