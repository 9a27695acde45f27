/// Keras's `Dense`: `activation(dot(x, kernel) + bias)` on the last axis (inputs of rank > 2 are
/// treated as rows of their last dimension, as Keras does). One GEMM with the bias pre-filled into
/// the output, then the activation in place (`AffineActivation`).
public final class Dense: Layer {
    public var name: String
    public let className = "Dense"
    public let units: Int
    public let activation: ActivationFunction
    public let useBias: Bool
    public let kernelInitializer: Initializer
    public let biasInitializer: Initializer
    public let kernelRegularizer: Regularizer?
    public let biasRegularizer: Regularizer?
    public let declaredInputShape: [Int]?

    public private(set) var kernel: Parameter?
    public private(set) var bias: Parameter?
    public private(set) var outputShape: [Int] = []
    public var isBuilt: Bool { kernel != nil }
    private var inputDim = 0
    private var affine: AffineActivation

    public init(units: Int, activation: String? = nil, useBias: Bool = true,
                kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                inputShape: [Int]? = nil, name: String? = nil) throws {
        self.units = try positive(units, "units", "Dense")
        self.activation = try ActivationFunction(name: activation, layer: "Dense")
        affine = AffineActivation(activation: self.activation)
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer
        self.biasRegularizer = biasRegularizer
        self.declaredInputShape = inputShape
        self.name = name ?? LayerNames.unique("dense")
    }

    public var config: LayerConfig {
        [
            "name": .string(name), "units": .int(units), "activation": .string(activation.rawValue),
            "use_bias": .bool(useBias), "kernel_initializer": kernelInitializer.configValue,
            "bias_initializer": biasInitializer.configValue,
            "kernel_regularizer": kernelRegularizer?.configValue ?? .null,
            "bias_regularizer": biasRegularizer?.configValue ?? .null,
            "input_shape": declaredInputShape.map { .ints($0) } ?? .null,
        ]
    }

    public var parameters: [Parameter] { [kernel, bias].compactMap { $0 } }

    public func build(inputShape: [Int], generator: inout RandomGenerator) throws -> [Int] {
        guard let last = inputShape.last, last > 0 else {
            throw NNError.shape("Dense '\(name)' expects an input with at least one feature axis, got \(formatShape(inputShape))")
        }
        inputDim = last
        try MemoryBudget.check([last, units], for: "the kernel of Dense '\(name)' (\(last) × \(units) float32)")
        guard ShapeArithmetic.count(Array(inputShape.dropLast()) + [units]) != nil else {
            throw NNError.shape("Dense '\(name)': output \(formatShape(Array(inputShape.dropLast()) + [units])) has too many values per sample")
        }
        kernel = Parameter(name: "\(name)/kernel", value: kernelInitializer.make([last, units], generator: &generator))
        bias = useBias ? Parameter(name: "\(name)/bias", value: biasInitializer.make([units], generator: &generator)) : nil
        outputShape = Array(inputShape.dropLast()) + [units]
        return outputShape
    }

    public func forward(_ input: Tensor, into output: inout Tensor, training: Bool) {
        output.resize(to: [input.rows] + outputShape)
        affine.forward(input, rows: input.count / inputDim, kernel: kernel!, bias: bias, into: &output)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                         inputGradient: inout Tensor, computeInputGradient: Bool) {
        if computeInputGradient { inputGradient.resize(to: input.shape) }
        affine.backward(input, rows: input.count / inputDim, output: output, outputGradient: outputGradient,
                        kernel: kernel!, bias: bias, computeInputGradient: computeInputGradient,
                        inputGradient: &inputGradient)
    }

    public func regularizationLoss(addGradients: Bool) -> Float {
        var total: Float = 0
        if let r = kernelRegularizer, let kernel { total += r.apply(to: kernel, addGradient: addGradients) }
        if let r = biasRegularizer, let bias { total += r.apply(to: bias, addGradient: addGradients) }
        return total
    }
}
