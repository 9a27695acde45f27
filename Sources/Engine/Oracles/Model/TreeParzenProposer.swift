import Foundation

/// Proposes the next point by Optuna's Tree-structured Parzen Estimator.
///
/// Observations are split into the best γ(n) ("below") and the rest ("above"); candidates are
/// drawn from the below density l(x) and the one maximizing log l(x) − log g(x) wins. Pending
/// trials of other workers join "above" (Optuna's constant liar), which steers workers apart.
/// Stateless between calls apart from the caller's generator, so resuming is exact by construction.
public struct TreeParzenProposer: Sendable {
    public struct Configuration: Codable, Sendable, Equatable {
        public var startupTrials = 10
        public var eiCandidates = 24
        public var priorWeight = 1.0
        public var considerMagicClip = true
        public var considerEndpoints = false
        /// Joint sampling over all hyperparameters, as Optuna 5 always does (`multivariate=True`);
        /// false samples each hyperparameter on its own, as Optuna's older default did.
        public var multivariate = true
        public init() {}
    }

    public var configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Optuna's default γ: min(⌈0.1 n⌉, 25).
    static func gamma(_ n: Int) -> Int { min(Int((0.1 * Double(n)).rounded(.up)), 25) }

    /// Optuna's default weights: flat for the newest 25, a linear ramp down for older trials.
    static func weights(_ n: Int) -> [Double] {
        if n == 0 { return [] }
        if n < 25 { return [Double](repeating: 1, count: n) }
        let rampCount = n - 25
        var ramp: [Double] = []
        for i in 0..<rampCount {
            ramp.append(rampCount == 1 ? 1.0 / Double(n) : 1.0 / Double(n) + (1 - 1.0 / Double(n)) * Double(i) / Double(rampCount - 1))
        }
        return ramp + [Double](repeating: 1, count: 25)
    }

    /// The next point, or nil when a finite space is exhausted.
    ///
    /// - Parameters:
    ///   - observed: completed trials in trial order, nil where a hyperparameter was inactive.
    ///   - scores: their scores, to minimize (finite only).
    ///   - pending: running trials of other workers.
    public func propose(
        dimensions: [EncodedDimension], observed: [[Double?]], scores: [Double], pending: [[Double?]] = [],
        tried: Set<[Double]>, generator: inout SeededGenerator
    ) -> [Double]? {
        let d = dimensions.count
        guard d > 0 else { return tried.contains([]) ? nil : [] }
        if observed.count < configuration.startupTrials || observed.isEmpty {
            return randomUntried(dimensions: dimensions, tried: tried, generator: &generator)
        }
        let n = observed.count
        let nBelow = Self.gamma(n)
        // Stable sort by score keeps trial order among ties; each side keeps trial order for the weights.
        let ranked = scores.indices.sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        let belowIndices = ranked.prefix(nBelow).sorted()
        let aboveIndices = ranked.dropFirst(nBelow).sorted()
        let below = belowIndices.map { observed[$0] }
        let above = aboveIndices.map { observed[$0] } + pending

        var candidates: [[Double]] = []
        var score: [Double] = []
        if configuration.multivariate {
            let l = estimator(below, dimensions, searchObservations: n)
            let g = estimator(above, dimensions)
            for _ in 0..<configuration.eiCandidates {
                let x = l.sample(&generator)
                candidates.append(x)
                score.append(l.logDensity(x) - g.logDensity(x))
            }
        } else {
            // Independent per hyperparameter; each uses only the trials where it was active.
            candidates = [[Double]](repeating: [Double](repeating: 0, count: d), count: configuration.eiCandidates)
            score = [Double](repeating: 0, count: configuration.eiCandidates)
            for j in 0..<d {
                let bj = below.compactMap { $0[j] }.map { [Optional($0)] }
                let aj = above.compactMap { $0[j] }.map { [Optional($0)] }
                let l = estimator(bj, [dimensions[j]], searchObservations: n)
                let g = estimator(aj, [dimensions[j]])
                var best = -Double.infinity
                var bestValue = 0.0
                for c in 0..<configuration.eiCandidates {
                    let x = l.sample(&generator)
                    let s = l.logDensity(x) - g.logDensity(x)
                    candidates[c][j] = x[0]
                    score[c] += s
                    if s > best { best = s; bestValue = x[0] }
                }
                // The univariate winner of each dimension forms the first candidate.
                candidates[0][j] = bestValue
            }
            score[0] = .infinity
        }
        let order = candidates.indices.sorted { score[$0] > score[$1] }
        for i in order where !tried.contains(candidates[i]) { return candidates[i] }
        return randomUntried(dimensions: dimensions, tried: tried, generator: &generator)
    }

    private func estimator(_ observations: [[Double?]], _ dimensions: [EncodedDimension],
                           searchObservations: Int? = nil) -> ParzenEstimator {
        var options = ParzenEstimator.Options()
        options.searchObservations = searchObservations
        options.priorWeight = configuration.priorWeight
        options.considerMagicClip = configuration.considerMagicClip
        options.considerEndpoints = configuration.considerEndpoints
        options.priorAmongNeighbours = !configuration.multivariate
        return ParzenEstimator(observations: observations, weights: Self.weights(observations.count),
                               dimensions: dimensions, options: options)
    }

    /// Uniform sampling (Optuna's startup `RandomSampler`), avoiding tried configurations.
    public func randomUntried(dimensions: [EncodedDimension], tried: Set<[Double]>, generator: inout SeededGenerator) -> [Double]? {
        for _ in 0..<100 {
            let x = dimensions.snap(dimensions.map { _ in generator.uniform() })
            if !tried.contains(x) { return x }
        }
        if let total = dimensions.configurationCount(limit: 1_000_000) {
            // Collisions keep happening: walk the finite space for what is left.
            var indices = [Int](repeating: 0, count: dimensions.count)
            for _ in 0..<total {
                let x = dimensions.indices.map { dimensions[$0].center(indices[$0]) }
                if !tried.contains(x) { return x }
                var k = 0
                while k < dimensions.count { indices[k] += 1; if indices[k] < dimensions[k].count! { break }; indices[k] = 0; k += 1 }
            }
        }
        return nil
    }
}
