/// Keras's `Activation` layer: an activation function on its own.
public final class Activation: Layer {
    public var name: String
    public let className = "Activation"
    public let activation: ActivationFunction
    public let declaredInputShape: [Int]?
    public private(set) var outputShape: [Int] = []
    public private(set) var isBuilt = false
    private var preactivation = Tensor(shape: [0])

    public init(_ activation: String, inputShape: [Int]? = nil, name: String? = nil) throws {
        self.activation = try ActivationFunction(name: activation, layer: "Activation")
        self.declaredInputShape = inputShape
        self.name = name ?? LayerNames.unique("activation")
    }

    public var config: LayerConfig {
        ["name": .string(name), "activation": .string(activation.rawValue),
         "input_shape": declaredInputShape.map { .ints($0) } ?? .null]
    }

    public func build(inputShape: [Int], generator: inout RandomGenerator) throws -> [Int] {
        outputShape = inputShape
        isBuilt = true
        return inputShape
    }

    public func forward(_ input: Tensor, into output: inout Tensor, training: Bool) {
        copyScalars(input, into: &output, shape: input.shape)
        if activation.needsPreactivation { copyScalars(input, into: &preactivation, shape: input.shape) }
        let rowSize = input.shape.last ?? 1
        output.scalars.withUnsafeMutableBufferPointer { activation.apply($0, rowSize: rowSize) }
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                         inputGradient: inout Tensor, computeInputGradient: Bool) {
        guard computeInputGradient else { return }
        inputGradient.resize(to: input.shape)
        let rowSize = input.shape.last ?? 1
        output.scalars.withUnsafeBufferPointer { y in
            outputGradient.scalars.withUnsafeBufferPointer { dy in
                input.scalars.withUnsafeBufferPointer { z in
                    inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                        activation.gradient(output: y, preactivation: z, outputGradient: dy, into: dx, rowSize: rowSize)
                    }
                }
            }
        }
    }
}
