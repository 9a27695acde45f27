/// The hypervolume indicator: the volume dominated by a set of points (minimized) and bounded by a
/// reference point. Exact: a sweep for 2 objectives, and slicing along the last objective (HSO)
/// down to that sweep for 3 or more (O(n² log n) for 3). Points not strictly better than the
/// reference in every objective, and points with NaN, add nothing.
public enum Hypervolume {
    public static func compute(_ points: [[Double]], reference: [Double]) -> Double {
        let inside = points.filter { p in p.count == reference.count && p.indices.allSatisfy { p[$0] < reference[$0] } }
        guard !inside.isEmpty else { return 0 }
        return volume(inside, reference)
    }

    private static func volume(_ points: [[Double]], _ reference: [Double]) -> Double {
        let d = reference.count
        if d == 1 { return reference[0] - points.map { $0[0] }.min()! }
        if d == 2 { return sweep2D(points, reference) }
        // Slices between consecutive values of the last objective: in each, the points below it
        // dominate a (d−1)-dimensional volume.
        let sorted = points.sorted { $0[d - 1] < $1[d - 1] }
        let lower = Array(reference.prefix(d - 1))
        var total = 0.0
        for k in sorted.indices {
            let top = k + 1 < sorted.count ? sorted[k + 1][d - 1] : reference[d - 1]
            let height = top - sorted[k][d - 1]
            if height <= 0 { continue }
            total += height * volume(sorted[0...k].map { Array($0.prefix(d - 1)) }, lower)
        }
        return total
    }

    private static func sweep2D(_ points: [[Double]], _ reference: [Double]) -> Double {
        let sorted = points.sorted { $0[0] < $1[0] || ($0[0] == $1[0] && $0[1] < $1[1]) }
        var total = 0.0
        var bestY = reference[1]
        for p in sorted where p[1] < bestY {
            total += (reference[0] - p[0]) * (bestY - p[1])
            bestY = p[1]
        }
        return total
    }

    /// Each point's exclusive contribution: the hypervolume lost without it.
    public static func contributions(_ points: [[Double]], reference: [Double]) -> [Double] {
        let whole = compute(points, reference: reference)
        return points.indices.map { i in
            var rest = points
            rest.remove(at: i)
            return max(0, whole - compute(rest, reference: reference))
        }
    }

    /// Greedy hypervolume subset selection (HSSP, as Optuna's MOTPE breaks ties in a front): picks
    /// `size` of `points`, each time the one adding the most hypervolume (ties by position).
    public static func greedySubset(_ points: [[Double]], size: Int, reference: [Double]) -> [Int] {
        var chosen: [Int] = []
        var left = Array(points.indices)
        var current = 0.0
        while chosen.count < min(size, points.count) {
            var best = left[0], bestGain = -Double.infinity
            for i in left {
                let gain = compute(chosen.map { points[$0] } + [points[i]], reference: reference) - current
                if gain > bestGain { best = i; bestGain = gain }
            }
            chosen.append(best)
            left.removeAll { $0 == best }
            current += max(0, bestGain)
        }
        return chosen
    }

    /// The nadir-based reference point tunelua uses when none is given: each objective's worst
    /// value among `points`, pushed 10% of its range further (10% of its size when the range is 0),
    /// so every point, extremes included, adds volume.
    public static func nadirReference(_ points: [[Double]]) -> [Double] {
        let valid = points.filter { !$0.contains(where: \.isNaN) }
        guard let d = valid.first?.count else { return [] }
        return (0..<d).map { m in
            let values = valid.map { $0[m] }.filter(\.isFinite)
            guard let worst = values.max(), let best = values.min() else { return .infinity }
            let range = worst - best
            return worst + (range > 0 ? 0.1 * range : max(0.1 * abs(worst), 1e-12))
        }
    }
}
