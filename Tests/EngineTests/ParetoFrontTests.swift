import Testing
@testable import Engine

/// Non-dominated sorting and the hypervolume, checked against brute force on random points.
struct ParetoFrontTests {
    /// Points on a coarse grid (many ties), some with a NaN coordinate or none at all.
    static func randomPoints(_ n: Int, _ d: Int, seed: UInt64) -> [[Double]?] {
        var g = SeededGenerator(seed: seed)
        return (0..<n).map { _ in
            let u = g.uniform()
            if u < 0.05 { return nil }
            var p = (0..<d).map { _ in Double(Int(g.uniform() * 6)) }
            if u > 0.93 { p[Int(g.next() % UInt64(d))] = .nan }
            return p
        }
    }

    /// Fronts by repeatedly peeling the points no remaining point dominates, by definition.
    static func bruteForceRanks(_ points: [[Double]?]) -> [Int?] {
        func dominates(_ a: [Double], _ b: [Double]) -> Bool {
            zip(a, b).allSatisfy { $0 <= $1 } && zip(a, b).contains { $0 < $1 }
        }
        var rank = [Int?](repeating: nil, count: points.count)
        var left = points.indices.filter { points[$0].map { !$0.contains(where: \.isNaN) } ?? false }
        var r = 0
        while !left.isEmpty {
            let front = left.filter { i in !left.contains { j in dominates(points[j]!, points[i]!) } }
            for i in front { rank[i] = r }
            left.removeAll { front.contains($0) }
            r += 1
        }
        return rank
    }

    @Test(arguments: [2, 3])
    func frontsMatchABruteForceNonDominatedFilter(objectives: Int) {
        for seed in UInt64(1)...20 {
            let points = Self.randomPoints(60, objectives, seed: seed)
            #expect(ParetoFront.ranks(points) == Self.bruteForceRanks(points), "seed \(seed)")
            let front = ParetoFront.front(points)
            #expect(front == points.indices.filter { Self.bruteForceRanks(points)[$0] == 0 })
            // NaN and missing points are on no front, and the order lists every other point once.
            let order = ParetoFront.order(points)
            #expect(Set(order).count == order.count)
            #expect(Set(order) == Set(points.indices.filter { Self.bruteForceRanks(points)[$0] != nil }))
        }
    }

    @Test func theOrderIsByFrontThenCrowdingThenPosition() {
        // Front 0: (0,4), (1,1), (4,0), (2,2) is dominated by (1,1); (1,1) duplicated.
        let points: [[Double]?] = [[2, 2], [1, 1], [0, 4], [4, 0], [1, 1], [.nan, 0], nil, [5, 5]]
        let order = ParetoFront.order(points)
        // Extremes (infinite crowding) first, by position; the two (1,1) next, by position.
        #expect(order == [2, 3, 1, 4, 0, 7])
        #expect(ParetoFront.ranks(points) == [1, 0, 0, 0, 0, nil, nil, 2])
    }

    /// The volume dominated by `points` inside the box below `reference`, summed over the cells of
    /// the grid their coordinates make (exact for any dimension).
    static func bruteForceHypervolume(_ points: [[Double]], _ reference: [Double]) -> Double {
        let d = reference.count
        let axes = (0..<d).map { m in Array(Set(points.map { $0[m] }.filter { $0 < reference[m] } + [reference[m]])).sorted() }
        var total = 0.0
        var index = [Int](repeating: 0, count: d)
        while true {
            if (0..<d).allSatisfy({ index[$0] + 1 < axes[$0].count }) {
                let corner = (0..<d).map { axes[$0][index[$0]] }
                if points.contains(where: { p in (0..<d).allSatisfy { p[$0] <= corner[$0] } }) {
                    total += (0..<d).reduce(1.0) { $0 * (axes[$1][index[$1] + 1] - axes[$1][index[$1]]) }
                }
            }
            var k = 0
            while k < d { index[k] += 1; if index[k] < axes[k].count { break }; index[k] = 0; k += 1 }
            if k == d { break }
        }
        return total
    }

    @Test(arguments: [2, 3])
    func hypervolumeMatchesBruteForce(objectives: Int) {
        var g = SeededGenerator(seed: 9)
        for _ in 0..<15 {
            let points = (0..<25).map { _ in (0..<objectives).map { _ in (g.uniform() * 10).rounded() / 10 } }
            let reference = [Double](repeating: 0.9, count: objectives)
            let exact = Self.bruteForceHypervolume(points, reference)
            #expect(abs(Hypervolume.compute(points, reference: reference) - exact) < 1e-9)
        }
        #expect(Hypervolume.compute([[0, 0, 0]], reference: [1, 2, 3]) == 6)
        #expect(Hypervolume.compute([[2, 0]], reference: [1, 1]) == 0, "a point outside the box adds nothing")
    }

    @Test func contributionsAndGreedySubsetFollowTheVolume() {
        let points: [[Double]] = [[0, 3], [1, 1], [3, 0], [1.1, 1.1]]
        let c = Hypervolume.contributions(points, reference: [4, 4])
        #expect(c[3] == 0, "a dominated point contributes nothing")
        // (1.1, 1.1) covers most of what (1, 1) dominates: 3² − (2.9² + 2 × 0.1 × 1).
        #expect(abs(c[1] - 0.39) < 1e-9)
        let subset = Hypervolume.greedySubset(points, size: 2, reference: [4, 4])
        #expect(subset.first == 1, "(1,1) alone dominates the most")
        let r = Hypervolume.nadirReference([[0, 10], [2, 10]])
        #expect(r[0] == 2.2 && r[1] == 11)
    }
}
