import Synchronization

/// Keras's `keras.utils.set_random_seed`: a process-wide seed from which every new model draws its
/// own generator, so that initialization, shuffling and dropout are reproducible.
public enum RandomSeed {
    private static let state = Mutex<RandomGenerator>(RandomGenerator(seed: UInt64(UInt32.random(in: .min ... .max))))

    /// Reseeds the global stream; models created afterwards replay the same random numbers.
    public static func set(_ seed: Int) {
        state.withLock { $0 = RandomGenerator(seed: UInt64(bitPattern: Int64(seed))) }
    }

    /// A generator for a new model, taken from the global stream.
    public static func makeGenerator() -> RandomGenerator {
        state.withLock { $0.split() }
    }
}
