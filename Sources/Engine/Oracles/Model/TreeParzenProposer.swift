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
    ///   - paretoPoints: Pareto mode (MOTPE): the minimized objective values of the first
    ///     `paretoPoints.count` observations, which then split by non-dominated rank instead of by
    ///     `scores`; the observations after them (pruned trials) go to "above".
    public func propose(
        dimensions: [EncodedDimension], observed: [[Double?]], scores: [Double], pending: [[Double?]] = [],
        tried: Set<[Double]>, paretoPoints: [[Double]]? = nil, generator: inout SeededGenerator
    ) -> [Double]? {
        let d = dimensions.count
        guard d > 0 else { return tried.contains([]) ? nil : [] }
        if observed.count < configuration.startupTrials || observed.isEmpty {
            return randomUntried(dimensions: dimensions, tried: tried, generator: &generator)
        }
        let n = observed.count
        let nBelow = Self.gamma(n)
        let belowIndices: [Int]
        var belowWeights: [Double]?
        if let paretoPoints {
            let split = Self.paretoSplit(paretoPoints, below: min(nBelow, paretoPoints.count))
            belowIndices = split.indices
            belowWeights = split.weights
        } else {
            // Stable sort by score keeps trial order among ties; each side keeps trial order for the weights.
            let ranked = scores.indices.sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
            belowIndices = ranked.prefix(nBelow).sorted()
        }
        let isBelow = Set(belowIndices)
        let aboveIndices = observed.indices.filter { !isBelow.contains($0) }
        let below = belowIndices.map { observed[$0] }
        let above = aboveIndices.map { observed[$0] } + pending

        var candidates: [[Double]] = []
        var score: [Double] = []
        if configuration.multivariate {
            let l = estimator(below, dimensions, weights: belowWeights, searchObservations: n)
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
                let active = below.indices.filter { below[$0][j] != nil }
                let bj = active.map { [below[$0][j]] }
                let aj = above.compactMap { $0[j] }.map { [Optional($0)] }
                let l = estimator(bj, [dimensions[j]], weights: belowWeights.map { w in active.map { w[$0] } },
                                  searchObservations: n)
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

    /// `weights` nil = Optuna's default ramp (`weights(_:)`).
    private func estimator(_ observations: [[Double?]], _ dimensions: [EncodedDimension], weights: [Double]? = nil,
                           searchObservations: Int? = nil) -> ParzenEstimator {
        var options = ParzenEstimator.Options()
        options.searchObservations = searchObservations
        options.priorWeight = configuration.priorWeight
        options.considerMagicClip = configuration.considerMagicClip
        options.considerEndpoints = configuration.considerEndpoints
        options.priorAmongNeighbours = !configuration.multivariate
        return ParzenEstimator(observations: observations, weights: weights ?? Self.weights(observations.count),
                               dimensions: dimensions, options: options)
    }

    /// Optuna's MOTPE split: whole non-dominated fronts go "below" while they fit in `size`; the
    /// front that does not fit is cut by greedy hypervolume subset selection. The below points are
    /// weighted by their hypervolume contribution among themselves (scaled so the largest is 1;
    /// points off their front get Optuna's floor, 1e-12). Returns the below indices in order.
    static func paretoSplit(_ points: [[Double]], below size: Int) -> (indices: [Int], weights: [Double]) {
        let floor = 1e-12
        let ranks = ParetoFront.ranks(points)
        var below: [Int] = []
        var rank = 0
        while below.count < size {
            let members = points.indices.filter { ranks[$0] == rank }
            if members.isEmpty { break }
            if below.count + members.count <= size {
                below += members
            } else {
                let front = members.map { points[$0] }
                below += Hypervolume.greedySubset(front, size: size - below.count,
                                                  reference: Hypervolume.nadirReference(front)).map { members[$0] }
            }
            rank += 1
        }
        below.sort()
        let chosen = below.map { points[$0] }
        guard chosen.count > 1 else { return (below, [Double](repeating: 1, count: chosen.count)) }
        let onFront = ParetoFront.front(chosen)
        let contributions = Hypervolume.contributions(onFront.map { chosen[$0] }, reference: Hypervolume.nadirReference(chosen))
        let largest = max(contributions.max() ?? 0, floor)
        var weights = [Double](repeating: floor, count: chosen.count)
        for (k, i) in onFront.enumerated() { weights[i] = max(contributions[k] / largest, floor) }
        return (below, weights)
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
