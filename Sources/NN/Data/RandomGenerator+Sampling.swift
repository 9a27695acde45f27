/// Unbiased integers and permutations from the engine's `RandomGenerator`, written here (not
/// taken from the standard library's `shuffle`, whose algorithm may change) so a seed gives the
/// same split on every platform and Swift version.
extension RandomGenerator {
    /// A uniform integer in `0..<bound` (Lemire's multiply-and-reject, unbiased). `bound` must be > 0.
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let bound = UInt64(bound)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
        }
        return Int(product.high)
    }

    /// The indices `0..<count` in a random order (Fisher–Yates).
    public mutating func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        if count < 2 { return indices }
        for i in stride(from: count - 1, to: 0, by: -1) {
            indices.swapAt(i, nextInt(below: i + 1))
        }
        return indices
    }
}
