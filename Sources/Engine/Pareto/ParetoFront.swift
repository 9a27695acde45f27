/// Non-dominated sorting of points to minimize (NSGA-II's fronts), the order Pareto mode ranks
/// trials by: front 0 (the non-dominated points), then front 1, …; inside a front, by crowding
/// distance (the front's extremes first, then points in sparse regions), ties by position. A
/// point with a NaN coordinate (or none) belongs to no front. See docs/reference.md, "Pareto mode".
public enum ParetoFront {
    /// Whether `a` dominates `b` (no worse in every objective, better in one), both minimized.
    public static func dominates(_ a: [Double], _ b: [Double]) -> Bool {
        var better = false
        for i in a.indices {
            if a[i] > b[i] { return false }
            if a[i] < b[i] { better = true }
        }
        return better
    }

    static func isValid(_ p: [Double]?) -> Bool { p.map { !$0.isEmpty && !$0.contains(where: \.isNaN) } ?? false }

    /// Each point's front (0 = non-dominated), nil for points with no valid value. O(m n²).
    public static func ranks(_ points: [[Double]?]) -> [Int?] {
        let valid = points.indices.filter { isValid(points[$0]) }
        var dominatedBy = [Int](repeating: 0, count: points.count)
        var dominates = [[Int]](repeating: [], count: points.count)
        for (k, i) in valid.enumerated() {
            for j in valid[(k + 1)...] {
                if Self.dominates(points[i]!, points[j]!) { dominates[i].append(j); dominatedBy[j] += 1 }
                else if Self.dominates(points[j]!, points[i]!) { dominates[j].append(i); dominatedBy[i] += 1 }
            }
        }
        var rank = [Int?](repeating: nil, count: points.count)
        var current = valid.filter { dominatedBy[$0] == 0 }
        var r = 0
        while !current.isEmpty {
            var next: [Int] = []
            for i in current {
                rank[i] = r
                for j in dominates[i] {
                    dominatedBy[j] -= 1
                    if dominatedBy[j] == 0 { next.append(j) }
                }
            }
            current = next.sorted()
            r += 1
        }
        return rank
    }

    /// The indices of the non-dominated points, in position order.
    public static func front(_ points: [[Double]?]) -> [Int] {
        ranks(points).enumerated().compactMap { $0.element == 0 ? $0.offset : nil }
    }

    /// NSGA-II's crowding distance of each point of one front: per objective, the gap between the
    /// nearest distinct values on either side over the front's range (infinite at the extremes),
    /// so equal points get equal distances.
    public static func crowdingDistances(_ front: [[Double]]) -> [Double] {
        guard let d = front.first?.count, front.count > 2 else { return [Double](repeating: .infinity, count: front.count) }
        var distance = [Double](repeating: 0, count: front.count)
        for m in 0..<d {
            let values = Array(Set(front.map { $0[m] })).sorted()
            let lo = values.first!, hi = values.last!
            for (i, p) in front.enumerated() {
                guard hi > lo, p[m] > lo, p[m] < hi else { distance[i] = .infinity; continue }
                let k = values.firstIndex(of: p[m])!
                distance[i] += (values[k + 1] - values[k - 1]) / (hi - lo)
            }
        }
        return distance
    }

    /// The indices of the valid points, best first: by front, then crowding distance (larger
    /// first), then position. Points without a valid value are left out.
    public static func order(_ points: [[Double]?]) -> [Int] {
        let rank = ranks(points)
        var byFront: [Int: [Int]] = [:]
        for (i, r) in rank.enumerated() { if let r { byFront[r, default: []].append(i) } }
        var out: [Int] = []
        for r in byFront.keys.sorted() {
            let members = byFront[r]!
            let distance = crowdingDistances(members.map { points[$0]! })
            out += members.indices.sorted { distance[$0] > distance[$1] || (distance[$0] == distance[$1] && $0 < $1) }
                .map { members[$0] }
        }
        return out
    }
}
