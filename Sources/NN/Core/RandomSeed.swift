/// Keras's `keras.utils.set_random_seed` for one owner (each Lua state has its own, so parallel
/// workers never share a stream): every new model draws its own generator from it, so that
/// initialization, shuffling and dropout are reproducible.
public final class RandomSeed {
    private var stream: RandomGenerator

    /// A stream from `seed`, or from a random seed when none is given.
    public init(seed: Int? = nil) {
        stream = RandomGenerator(seed: seed.map { UInt64(bitPattern: Int64($0)) } ?? UInt64(UInt32.random(in: .min ... .max)))
    }

    /// Reseeds the stream; models created afterwards replay the same random numbers.
    public func set(_ seed: Int) {
        stream = RandomGenerator(seed: UInt64(bitPattern: Int64(seed)))
    }

    /// A generator for a new model, taken from the stream.
    public func makeGenerator() -> RandomGenerator { stream.split() }
}
