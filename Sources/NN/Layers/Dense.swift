/// Keras's `Dense`: `activation(dot(x, kernel) + bias)` on the last axis (inputs of rank > 2 are
/// treated as rows of their last dimension, as Keras does). One GEMM with the bias pre-filled into
/// the output, then the activation in place.
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
    private var preactivation = Tensor(shape: [0])
    private var dz = Tensor(shape: [0])

    public init(units: Int, activation: String? = nil, useBias: Bool = true,
                kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                inputShape: [Int]? = nil, name: String? = nil) throws {
        self.units = try positive(units, "units", "Dense")
        self.activation = try ActivationFunction(name: activation, layer: "Dense")
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
        kernel = Parameter(name: "\(name)/kernel", value: kernelInitializer.make([last, units], generator: &generator))
        bias = useBias ? Parameter(name: "\(name)/bias", value: biasInitializer.make([units], generator: &generator)) : nil
        outputShape = Array(inputShape.dropLast()) + [units]
        return outputShape
    }

    public func forward(_ input: Tensor, into output: inout Tensor, training: Bool) {
        let rows = input.count / inputDim
        output.resize(to: [input.rows] + outputShape)
        let units = self.units, inputDim = self.inputDim
        let k = kernel!
        output.scalars.withUnsafeMutableBufferPointer { y in
            if let bias {
                bias.value.scalars.withUnsafeBufferPointer { b in
                    for r in 0..<rows { (y.baseAddress! + r * units).update(from: b.baseAddress!, count: units) }
                }
            }
            input.scalars.withUnsafeBufferPointer { x in
                k.value.scalars.withUnsafeBufferPointer { w in
                    BLAS.gemm(m: rows, n: units, k: inputDim, a: x.baseAddress!, lda: inputDim,
                              b: w.baseAddress!, ldb: units, beta: useBias ? 1 : 0, c: y.baseAddress!, ldc: units)
                }
            }
        }
        if activation.needsPreactivation { copyScalars(output, into: &preactivation, shape: output.shape) }
        output.scalars.withUnsafeMutableBufferPointer { activation.apply($0, rowSize: units) }
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                         inputGradient: inout Tensor, computeInputGradient: Bool) {
        let rows = input.count / inputDim
        let units = self.units, inputDim = self.inputDim
        let k = kernel!
        // dz is the gradient at the pre-activation; for a linear activation it is dy itself.
        let linear = activation == .linear
        if !linear {
            dz.resize(to: output.shape)
            let needsZ = activation.needsPreactivation
            output.scalars.withUnsafeBufferPointer { y in
                outputGradient.scalars.withUnsafeBufferPointer { dy in
                    dz.scalars.withUnsafeMutableBufferPointer { dzp in
                        if needsZ {
                            preactivation.scalars.withUnsafeBufferPointer { z in
                                activation.gradient(output: y, preactivation: z, outputGradient: dy, into: dzp, rowSize: units)
                            }
                        } else {
                            activation.gradient(output: y, preactivation: nil, outputGradient: dy, into: dzp, rowSize: units)
                        }
                    }
                }
            }
        }
        let g = linear ? outputGradient : dz
        g.scalars.withUnsafeBufferPointer { d in
            input.scalars.withUnsafeBufferPointer { x in
                k.gradient.scalars.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(transA: true, m: inputDim, n: units, k: rows, a: x.baseAddress!, lda: inputDim,
                              b: d.baseAddress!, ldb: units, c: dw.baseAddress!, ldc: units)
                }
            }
            if let bias {
                bias.gradient.scalars.withUnsafeMutableBufferPointer { db in
                    for j in 0..<units { db[j] = 0 }
                    for r in 0..<rows {
                        let row = d.baseAddress! + r * units
                        for j in 0..<units { db[j] += row[j] }
                    }
                }
            }
            if computeInputGradient {
                inputGradient.resize(to: input.shape)
                k.value.scalars.withUnsafeBufferPointer { w in
                    inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                        BLAS.gemm(transB: true, m: rows, n: inputDim, k: units, a: d.baseAddress!, lda: units,
                                  b: w.baseAddress!, ldb: units, c: dx.baseAddress!, ldc: inputDim)
                    }
                }
            }
        }
    }

    public func regularizationLoss(addGradients: Bool) -> Float {
        var total: Float = 0
        if let r = kernelRegularizer, let kernel { total += r.apply(to: kernel, addGradient: addGradients) }
        if let r = biasRegularizer, let bias { total += r.apply(to: bias, addGradient: addGradients) }
        return total
    }
}
