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
    /// Per-worker scratch for the backward pass: a block's dz, then its column gradient.
    private var blockScratch: [Float] = []
    /// Each block's share of the kernel and bias gradients, summed in block order afterwards so the
    /// result does not depend on which thread ran which block, or on how many threads there are.
    private var partialGradients: [Float] = []
    private var affine: AffineActivation
    private lazy var pool = ThreadPool()

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
        patchShape = [patchSize]
        return outputShape
    }

    private var patchSize: Int { kernelSize.0 * kernelSize.1 * geometry.channels }
    /// `[patchSize]`, kept so that sizing the columns batch after batch builds no array.
    private var patchShape: [Int] = []

    /// Samples per block: about 1,024 patch rows, so that a block's columns, its GEMM output and the
    /// passes over it stay in the core's cache, and each GEMM is large enough to run near peak.
    private var samplesPerBlock: Int { max(1, 1024 / max(1, geometry.outHeight * geometry.outWidth)) }

    /// Unfolds the windows of samples `samples` into their rows of `col` (oh·ow rows of kh·kw·c per
    /// sample, starting at the first sample's row), zeros for padding. A kernel row's taps are
    /// contiguous in a channels-last image, so each in-bounds one is a single copy.
    private func im2col(_ x: UnsafePointer<Float>, samples: Range<Int>, into col: UnsafeMutablePointer<Float>) {
        let g = geometry, c = g.channels, patch = patchSize, segment = g.kernelWidth * c
        var dst = col + samples.lowerBound * g.outHeight * g.outWidth * patch
        for n in samples {
            let image = x + n * g.height * g.width * c
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    let ix0 = g.inputX(ox, 0), ixLast = g.inputX(ox, g.kernelWidth - 1)
                    let rowInside = g.dilationX == 1 && ix0 >= 0 && ixLast < g.width
                    for ky in 0..<g.kernelHeight {
                        let iy = g.inputY(oy, ky)
                        if iy < 0 || iy >= g.height {
                            dst.update(repeating: 0, count: segment)
                        } else if rowInside {
                            dst.update(from: image + (iy * g.width + ix0) * c, count: segment)
                        } else {
                            for kx in 0..<g.kernelWidth {
                                let ix = g.inputX(ox, kx)
                                if ix >= 0 && ix < g.width {
                                    (dst + kx * c).update(from: image + (iy * g.width + ix) * c, count: c)
                                } else {
                                    (dst + kx * c).update(repeating: 0, count: c)
                                }
                            }
                        }
                        dst += segment
                    }
                }
            }
        }
    }

    /// col2im for samples `samples`: every entry of their column gradient (rows from `dcol`, the
    /// first sample's row first) flows back to the input pixel it was copied from.
    private func col2im(_ dcol: UnsafePointer<Float>, samples: Range<Int>, into dx: UnsafeMutablePointer<Float>) {
        let g = geometry, c = g.channels, segment = g.kernelWidth * c
        let imageSize = g.height * g.width * c
        (dx + samples.lowerBound * imageSize).update(repeating: 0, count: samples.count * imageSize)
        var src = dcol
        for n in samples {
            let image = dx + n * imageSize
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    let ix0 = g.inputX(ox, 0), ixLast = g.inputX(ox, g.kernelWidth - 1)
                    let rowInside = g.dilationX == 1 && ix0 >= 0 && ixLast < g.width
                    for ky in 0..<g.kernelHeight {
                        let iy = g.inputY(oy, ky)
                        if iy >= 0 && iy < g.height {
                            if rowInside {
                                let dst = image + (iy * g.width + ix0) * c
                                for j in 0..<segment { dst[j] += src[j] }
                            } else {
                                for kx in 0..<g.kernelWidth {
                                    let ix = g.inputX(ox, kx)
                                    guard ix >= 0 && ix < g.width else { continue }
                                    let dst = image + (iy * g.width + ix) * c, from = src + kx * c
                                    for j in 0..<c { dst[j] += from[j] }
                                }
                            }
                        }
                        src += segment
                    }
                }
            }
        }
    }

    /// Runs `body(worker, samples)` on blocks of at most `samplesPerBlock` samples across the pool;
    /// the blocks depend only on the batch size, and `worker` names the caller's scratch space.
    private func forEachBlock(batch: Int, _ body: (_ worker: Int, _ samples: Range<Int>) -> Void) {
        let perBlock = samplesPerBlock
        let blocks = (batch + perBlock - 1) / perBlock
        pool.forEach(tasks: blocks) { block, worker in
            body(worker, block * perBlock ..< min(batch, (block + 1) * perBlock))
        }
    }

    public func forward(_ input: Tensor, into output: inout Tensor, training: Bool) {
        let g = geometry, patch = patchSize, positions = g.outHeight * g.outWidth
        let batch = input.rows, activation = self.activation
        columns.resize(rows: batch * positions, sampleShape: patchShape)
        output.resize(rows: batch, sampleShape: outputShape)
        affine.preparePreactivation(like: output)
        input.scalars.withUnsafeBufferPointer { x in
            columns.scalars.withUnsafeMutableBufferPointer { col in
                output.scalars.withUnsafeMutableBufferPointer { y in
                    kernel!.value.scalars.withUnsafeBufferPointer { w in
                        affine.withPreactivation { z in
                            withBias(bias) { b in
                                let (xp, colp, yp, wp) = (x.baseAddress!, col.baseAddress!, y.baseAddress!, w.baseAddress!)
                                forEachBlock(batch: batch) { _, samples in
                                    im2col(xp, samples: samples, into: colp)
                                    let rows = samples.lowerBound * positions ..< samples.upperBound * positions
                                    BLAS.gemm(m: rows.count, n: filters, k: patch, a: colp + rows.lowerBound * patch, lda: patch,
                                              b: wp, ldb: filters, c: yp + rows.lowerBound * filters, ldc: filters)
                                    AffineActivation.finish(rows: rows, of: yp, units: filters, bias: b,
                                                            activation: activation, preactivation: z)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Block by block, with the block's data in cache: dz from dy and the activation, the block's
    /// share of the kernel and bias gradients, and, when asked, its column gradient folded back
    /// into the input gradient. The shares are then summed in block order.
    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                         inputGradient: inout Tensor, computeInputGradient: Bool) {
        let patch = patchSize, positions = geometry.outHeight * geometry.outWidth, batch = input.rows
        let perBlock = samplesPerBlock, blocks = (batch + perBlock - 1) / perBlock, blockRows = perBlock * positions
        let kernelSize = patch * filters, share = kernelSize + filters
        let activation = self.activation, needsZ = activation.needsPreactivation
        // Scratch per worker: dz (unless linear, where dz is dy) and the column gradient.
        let dzSize = activation == .linear ? 0 : blockRows * filters
        let scratchSize = dzSize + (computeInputGradient ? blockRows * patch : 0)
        Self.ensureCount(&blockScratch, pool.threadCount * scratchSize)
        Self.ensureCount(&partialGradients, blocks * share)
        if computeInputGradient { inputGradient.resize(to: input.shape) }
        let useBias = bias != nil, filters = self.filters
        output.scalars.withUnsafeBufferPointer { y in
        outputGradient.scalars.withUnsafeBufferPointer { dy in
        columns.scalars.withUnsafeBufferPointer { col in
        kernel!.value.scalars.withUnsafeBufferPointer { w in
        blockScratch.withUnsafeMutableBufferPointer { scratch in
        partialGradients.withUnsafeMutableBufferPointer { partials in
        inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
        affine.withPreactivation { z in
            let (yp, dyp, colp, wp, sp, pp) = (y.baseAddress!, dy.baseAddress!, col.baseAddress!, w.baseAddress!,
                                               scratch.baseAddress, partials.baseAddress!)
            let dxp = dx.baseAddress
            forEachBlock(batch: batch) { worker, samples in
                let block = samples.lowerBound / perBlock
                let rows = samples.lowerBound * positions ..< samples.upperBound * positions
                let offset = rows.lowerBound * filters, count = rows.count * filters
                var d = dyp + offset
                if activation != .linear {
                    let dz = sp! + worker * scratchSize
                    activation.gradient(output: UnsafeBufferPointer(start: yp + offset, count: count),
                                        preactivation: needsZ ? UnsafeBufferPointer(start: z! + offset, count: count) : nil,
                                        outputGradient: UnsafeBufferPointer(start: dyp + offset, count: count),
                                        into: UnsafeMutableBufferPointer(start: dz, count: count), rowSize: filters)
                    d = UnsafePointer(dz)
                }
                let dw = pp + block * share
                BLAS.gemm(transA: true, m: patch, n: filters, k: rows.count, a: colp + rows.lowerBound * patch, lda: patch,
                          b: d, ldb: filters, c: dw, ldc: filters)
                if useBias {
                    let db = dw + kernelSize
                    for j in 0..<filters { db[j] = 0 }
                    for r in 0..<rows.count {
                        let row = d + r * filters
                        for j in 0..<filters { db[j] += row[j] }
                    }
                }
                guard computeInputGradient, let dxp else { return }
                let dcol = sp! + worker * scratchSize + dzSize
                BLAS.gemm(transB: true, m: rows.count, n: patch, k: filters, a: d, lda: filters, b: wp, ldb: filters,
                          c: dcol, ldc: patch)
                col2im(dcol, samples: samples, into: dxp)
            }
            // The sum over blocks, element by element in block order, split across the pool.
            let total = useBias ? share : kernelSize
            kernel!.gradient.scalars.withUnsafeMutableBufferPointer { gk in
                withBiasGradient { gb in
                    let (gkp, gbp) = (gk.baseAddress!, gb)
                    pool.forEachRange(total, grain: ThreadPool.elementGrain / blocks) { range in
                        for i in range {
                            var sum: Float = 0
                            for b in 0..<blocks { sum += pp[b * share + i] }
                            if i < kernelSize { gkp[i] = sum } else { gbp![i - kernelSize] = sum }
                        }
                    }
                }
            }
        }
        }
        }
        }
        }
        }
        }
        }
    }

    /// Runs `body` with the bias gradient's scalars, or nil without a bias.
    private func withBiasGradient(_ body: (UnsafeMutablePointer<Float>?) -> Void) {
        guard let bias else { return body(nil) }
        bias.gradient.scalars.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }

    /// Grows a scratch buffer to at least `count` scalars (kept across batches).
    private static func ensureCount(_ buffer: inout [Float], _ count: Int) {
        if buffer.count < count { buffer = [Float](repeating: 0, count: count) }
    }

    public func use(_ pool: ThreadPool) { self.pool = pool }

    public func regularizationLoss(addGradients: Bool) -> Float {
        var total: Float = 0
        if let r = kernelRegularizer, let kernel { total += r.apply(to: kernel, addGradient: addGradients) }
        if let r = biasRegularizer, let bias { total += r.apply(to: bias, addGradient: addGradients) }
        return total
    }
}
