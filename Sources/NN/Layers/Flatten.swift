/// Keras's `Flatten`: every axis after the batch becomes one.
public final class Flatten: Layer {
    public var name: String
    public let className = "Flatten"
    public let declaredInputShape: [Int]?
    public private(set) var outputShape: [Int] = []
    public private(set) var isBuilt = false

    public init(inputShape: [Int]? = nil, name: String? = nil) {
        self.declaredInputShape = inputShape
        self.name = name ?? LayerNames.unique("flatten")
    }

    public var config: LayerConfig {
        ["name": .string(name), "input_shape": declaredInputShape.map { .ints($0) } ?? .null]
    }

    public func build(inputShape: [Int], generator: inout RandomGenerator) throws -> [Int] {
        guard let count = ShapeArithmetic.count(inputShape) else {
            throw NNError.shape("Flatten '\(name)': input \(formatShape(inputShape)) has too many values per sample")
        }
        outputShape = [count]
        isBuilt = true
        return outputShape
    }

    public func forward(_ input: Tensor, into output: inout Tensor, training: Bool) {
        copyScalars(input, into: &output, shape: [input.rows] + outputShape)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                         inputGradient: inout Tensor, computeInputGradient: Bool) {
        if computeInputGradient { copyScalars(outputGradient, into: &inputGradient, shape: input.shape) }
    }
}
