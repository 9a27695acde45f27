/// Space-filling points for the random phase before a model takes over: a Halton sequence under a
/// seeded random shift (Cranley–Patterson rotation).
///
/// Ten uniform draws in six dimensions leave holes and clumps; a low-discrepancy design covers
/// the cube evenly, so the first model sees the whole space. Point k depends only on the seed and
/// k, which keeps a resumed search exact without storing the design.
public struct StartupDesign: Sendable {
    private let shift: [Double]

    static let primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
                         101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193, 197, 199]

    public init(dimensions: Int, seed: UInt64) {
        var g = SeededGenerator(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B)
        shift = (0..<dimensions).map { _ in g.uniform() }
    }

    /// The k-th point (k from 0) of the design, in [0, 1)^d. Dimensions beyond the prime table
    /// use the seeded shift of a plain radical-inverse in base 2 over a scrambled index.
    public func point(_ k: Int) -> [Double] {
        shift.indices.map { j in
            let base = j < Self.primes.count ? Self.primes[j] : 2
            let index = j < Self.primes.count ? k + 1 : (k + 1) &* (2 * j + 1)
            let v = Self.radicalInverse(index, base) + shift[j]
            return v >= 1 ? v - 1 : v
        }
    }

    static func radicalInverse(_ n: Int, _ base: Int) -> Double {
        var n = n
        var inverse = 0.0
        var factor = 1.0 / Double(base)
        while n > 0 {
            inverse += Double(n % base) * factor
            n /= base
            factor /= Double(base)
        }
        return inverse
    }
}
