/// Keras's `Dropout`: in training, zeroes each value with probability `rate` and scales the rest
/// by 1 / (1 - rate); the identity in inference. The mask comes from a generator seeded when the
/// layer is built, so a global seed replays the same masks.
public final class Dropout: Layer {
    public var name: String
    public let className = "Dropout"
    public let rate: Float
    public let seed: Int?
    public let declaredInputShape: [Int]?
    public private(set) var outputShape: [Int] = []
    public private(set) var isBuilt = false
    private var generator = RandomGenerator(seed: 0)
    private var mask = Tensor(shape: [0])
    private var lastWasTraining = false

    public init(rate: Double, seed: Int? = nil, inputShape: [Int]? = nil, name: String? = nil) throws {
        guard rate >= 0, rate < 1 else {
            throw NNError.argument("Dropout: rate must be in [0, 1), got \(rate)")
        }
        self.rate = Float(rate)
        self.seed = seed
        self.declaredInputShape = inputShape
        self.name = name ?? LayerNames.unique("dropout")
    }

    public var config: LayerConfig {
        ["name": .string(name), "rate": .double(Double(rate)), "seed": seed.map { .int($0) } ?? .null,
         "input_shape": declaredInputShape.map { .ints($0) } ?? .null]
    }

    public func build(inputShape: [Int], generator: inout RandomGenerator) throws -> [Int] {
        let drawn = generator.split()
        self.generator = seed.map { RandomGenerator(seed: UInt64(bitPattern: Int64($0))) } ?? drawn
        outputShape = inputShape
        isBuilt = true
        return inputShape
    }

    public func forward(_ input: Tensor, into output: inout Tensor, training: Bool) {
        copyScalars(input, into: &output, shape: input.shape)
        lastWasTraining = training && rate > 0
        guard lastWasTraining else { return }
        mask.resize(to: input.shape)
        let keep = 1 - rate, scale = 1 / (1 - rate)
        // A local copy of the generator: drawing through the stored property pays an exclusivity
        // check per number. The mask is the same stream either way.
        var local = generator
        defer { generator = local }
        mask.scalars.withUnsafeMutableBufferPointer { m in
            for i in 0..<m.count { m[i] = local.nextUnitFloat() < keep ? scale : 0 }
            output.scalars.withUnsafeMutableBufferPointer { y in
                for i in 0..<y.count { y[i] *= m[i] }
            }
        }
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                         inputGradient: inout Tensor, computeInputGradient: Bool) {
        guard computeInputGradient else { return }
        copyScalars(outputGradient, into: &inputGradient, shape: input.shape)
        guard lastWasTraining else { return }
        mask.scalars.withUnsafeBufferPointer { m in
            inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                for i in 0..<dx.count { dx[i] *= m[i] }
            }
        }
    }
}
