import Foundation

/// ParEGO's random scalarization (Knowles, 2006), how Bayesian optimization proposes in Pareto
/// mode: each proposal draws weights uniformly from the simplex, normalizes every objective to
/// [0, 1] over the observed values, and models the augmented Chebyshev scalarization
/// max_i λ_i f_i + ρ Σ_i λ_i f_i with the single-objective Gaussian process. Chosen over expected
/// hypervolume improvement because it reuses the GP, its kernel fit and its log-EI optimizer
/// unchanged, costs one GP per proposal for any number of objectives (EHVI needs one model per
/// objective and a box decomposition per evaluation, growing fast past 2 objectives), and over a
/// run its changing weights reach every part of the front, the Chebyshev term reaching the
/// non-convex parts a weighted sum misses.
struct ParEGOScalarization {
    /// Knowles' ρ: the small linear term that breaks ties among weakly dominated points.
    static let rho = 0.05
    let weights: [Double]

    /// Weights drawn uniformly from the simplex (normalized exponential draws).
    init(objectives: Int, generator: inout SeededGenerator) {
        let draws = (0..<objectives).map { _ in -log(max(generator.uniform(), 1e-300)) }
        let total = draws.reduce(0, +)
        weights = draws.map { $0 / total }
    }

    init(weights: [Double]) { self.weights = weights }

    /// The scalarized value of each point (to minimize), normalized over `points` themselves.
    func scalarize(_ points: [[Double]]) -> [Double] {
        guard let d = points.first?.count else { return [] }
        let lo = (0..<d).map { m in points.map { $0[m] }.min()! }
        let hi = (0..<d).map { m in points.map { $0[m] }.max()! }
        return points.map { p in
            var worst = -Double.infinity, sum = 0.0
            for m in 0..<d {
                let f = hi[m] > lo[m] ? (p[m] - lo[m]) / (hi[m] - lo[m]) : 0
                worst = max(worst, weights[m] * f)
                sum += weights[m] * f
            }
            return worst + Self.rho * sum
        }
    }
}
