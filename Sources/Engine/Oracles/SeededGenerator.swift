/// xoshiro256** seeded through SplitMix64: a small, fast, deterministic generator whose whole
/// state is four words, so it can be stored and a resumed search continues the same stream.
public struct SeededGenerator: RandomNumberGenerator, Equatable, Sendable {
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// Every seed is a real seed, 0 included.
    public init(seed: UInt64) {
        var z = seed
        func splitmix() -> UInt64 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            return x ^ (x >> 31)
        }
        state = (splitmix(), splitmix(), splitmix(), splitmix())
    }

    public init(state: (UInt64, UInt64, UInt64, UInt64)) { self.state = state }

    public static func == (a: SeededGenerator, b: SeededGenerator) -> Bool {
        a.state.0 == b.state.0 && a.state.1 == b.state.1 && a.state.2 == b.state.2 && a.state.3 == b.state.3
    }

    public mutating func next() -> UInt64 {
        let result = rotl(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotl(state.3, 45)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// The state as four signed words (JSON integers are signed 64-bit).
    public var json: JSON {
        .array([state.0, state.1, state.2, state.3].map { .int(Int64(bitPattern: $0)) })
    }

    public init?(json: JSON) {
        guard let a = json.arrayValue, a.count == 4 else { return nil }
        let w = a.compactMap(\.intValue).map { UInt64(bitPattern: $0) }
        guard w.count == 4 else { return nil }
        state = (w[0], w[1], w[2], w[3])
    }
}
