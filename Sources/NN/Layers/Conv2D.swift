/// Keras's `Conv2D` on channels-last images: kernel (kh, kw, in, filters), strides, padding
/// valid/same, dilation_rate, activation, use_bias, initializers and regularizers. `groups` and
/// `data_format = "channels_first"` are not supported. Runs as im2col + one GEMM per batch.
public final class Conv2D: Layer {
    public var name: String
    public let className = "Conv2D"
    public let filters: Int
    public let kernelSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let dilationRate: (Int, Int)
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
    private var geometry = WindowGeometry()
    private var columns = Tensor(shape: [0])
    private var columnGradient = Tensor(shape: [0])
    private var affine: AffineActivation

    public init(filters: Int, kernelSize: [Int], strides: [Int] = [1], padding: String = "valid",
                dilationRate: [Int] = [1], activation: String? = nil, useBias: Bool = true,
                kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                kernelRegularizer: Regularizer? = nil, biasRegularizer: Regularizer? = nil,
                inputShape: [Int]? = nil, name: String? = nil) throws {
        self.filters = try positive(filters, "filters", "Conv2D")
        self.kernelSize = try pair(kernelSize, "kernel_size", "Conv2D")
        self.strides = try pair(strides, "strides", "Conv2D")
        self.dilationRate = try pair(dilationRate, "dilation_rate", "Conv2D")
        if (self.strides.0 > 1 || self.strides.1 > 1) && (self.dilationRate.0 > 1 || self.dilationRate.1 > 1) {
            throw NNError.argument("Conv2D: strides > 1 cannot be combined with dilation_rate > 1")
        }
        self.padding = try Padding(name: padding, layer: "Conv2D")
        self.activation = try ActivationFunction(name: activation, layer: "Conv2D")
        affine = AffineActivation(activation: self.activation)
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        self.kernelRegularizer = kernelRegularizer
        self.biasRegularizer = biasRegularizer
        self.declaredInputShape = inputShape
        self.name = name ?? LayerNames.unique("conv2d")
    }

    public var config: LayerConfig {
        [
            "name": .string(name), "filters": .int(filters), "kernel_size": .ints([kernelSize.0, kernelSize.1]),
            "strides": .ints([strides.0, strides.1]), "padding": .string(padding.rawValue),
            "dilation_rate": .ints([dilationRate.0, dilationRate.1]), "activation": .string(activation.rawValue),
            "use_bias": .bool(useBias), "kernel_initializer": kernelInitializer.configValue,
            "bias_initializer": biasInitializer.configValue,
            "kernel_regularizer": kernelRegularizer?.configValue ?? .null,
            "bias_regularizer": biasRegularizer?.configValue ?? .null,
            "input_shape": declaredInputShape.map { .ints($0) } ?? .null,
        ]
    }

    public var parameters: [Parameter] { [kernel, bias].compactMap { $0 } }

    public func build(inputShape: [Int], generator: inout RandomGenerator) throws -> [Int] {
        geometry = try WindowGeometry(input: inputShape, kernel: kernelSize, strides: strides,
                                      dilation: dilationRate, padding: padding, layer: "Conv2D '\(name)'")
        let shape = [kernelSize.0, kernelSize.1, geometry.channels, filters]
        try MemoryBudget.check(shape, for: "the kernel of Conv2D '\(name)' (\(MemoryBudget.shapeText(shape)) float32)")
        guard ShapeArithmetic.count([geometry.outHeight, geometry.outWidth, filters]) != nil else {
            throw NNError.shape("Conv2D '\(name)': output \(formatShape([geometry.outHeight, geometry.outWidth, filters])) has too many values per sample")
        }
        kernel = Parameter(name: "\(name)/kernel", value: kernelInitializer.make(shape, generator: &generator))
        bias = useBias ? Parameter(name: "\(name)/bias", value: biasInitializer.make([filters], generator: &generator)) : nil
        outputShape = [geometry.outHeight, geometry.outWidth, filters]
        return outputShape
    }

    private var patchSize: Int { kernelSize.0 * kernelSize.1 * geometry.channels }

    /// Unfolds every window into a row of `columns` (batch·oh·ow rows of kh·kw·c), zeros for padding.
    private func im2col(_ input: Tensor) {
        let g = geometry, c = g.channels, patch = patchSize
        let rows = input.rows * g.outHeight * g.outWidth
        columns.resize(to: [rows, patch])
        input.scalars.withUnsafeBufferPointer { x in
            columns.scalars.withUnsafeMutableBufferPointer { col in
                var r = 0
                for n in 0..<input.rows {
                    for oy in 0..<g.outHeight {
                        for ox in 0..<g.outWidth {
                            var dst = col.baseAddress! + r * patch
                            for ky in 0..<g.kernelHeight {
                                let iy = g.inputY(oy, ky)
                                for kx in 0..<g.kernelWidth {
                                    let ix = g.inputX(ox, kx)
                                    if iy >= 0 && iy < g.height && ix >= 0 && ix < g.width {
                                        dst.update(from: x.baseAddress! + ((n * g.height + iy) * g.width + ix) * c, count: c)
                                    } else {
                                        dst.update(repeating: 0, count: c)
                                    }
                                    dst += c
                                }
                            }
                            r += 1
                        }
                    }
                }
            }
        }
    }

    public func forward(_ input: Tensor, into output: inout Tensor, training: Bool) {
        im2col(input)
        output.resize(to: [input.rows] + outputShape)
        affine.forward(columns, rows: columns.rows, kernel: kernel!, bias: bias, into: &output)
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                         inputGradient: inout Tensor, computeInputGradient: Bool) {
        let patch = patchSize
        if computeInputGradient { columnGradient.resize(to: [columns.rows, patch]) }
        affine.backward(columns, rows: columns.rows, output: output, outputGradient: outputGradient,
                        kernel: kernel!, bias: bias, computeInputGradient: computeInputGradient,
                        inputGradient: &columnGradient)
        guard computeInputGradient else { return }
        // col2im: every column entry flows back to the input pixel it was copied from.
        inputGradient.resize(to: input.shape)
        let geo = geometry, c = geo.channels
        columnGradient.scalars.withUnsafeBufferPointer { dcol in
            inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                for i in 0..<dx.count { dx[i] = 0 }
                var r = 0
                for n in 0..<input.rows {
                    for oy in 0..<geo.outHeight {
                        for ox in 0..<geo.outWidth {
                            var src = dcol.baseAddress! + r * patch
                            for ky in 0..<geo.kernelHeight {
                                let iy = geo.inputY(oy, ky)
                                for kx in 0..<geo.kernelWidth {
                                    let ix = geo.inputX(ox, kx)
                                    if iy >= 0 && iy < geo.height && ix >= 0 && ix < geo.width {
                                        let dst = dx.baseAddress! + ((n * geo.height + iy) * geo.width + ix) * c
                                        for j in 0..<c { dst[j] += src[j] }
                                    }
                                    src += c
                                }
                            }
                            r += 1
                        }
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
