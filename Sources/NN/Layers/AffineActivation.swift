/// `activation(x · kernel + bias)` over a matrix of rows, forward and backward: the whole of a
/// `Dense` layer, and what `Conv2D` does to its image patches after im2col. One GEMM split across
/// the pool's threads, then bias and activation in one pass over the rows while they are in cache;
/// keeps the buffers the backward pass needs between the two.
struct AffineActivation {
    let activation: ActivationFunction
    private var preactivation = Tensor(shape: [0])
    private var dz = Tensor(shape: [0])

    init(activation: ActivationFunction) {
        self.activation = activation
    }

    /// The kernel's last axis is the output's (units or filters); its other axes flatten to the
    /// length of an input row. `output` must already hold `rows` rows of units.
    mutating func forward(_ x: Tensor, rows: Int, kernel: Parameter, bias: Parameter?, into output: inout Tensor,
                          pool: ThreadPool) {
        let units = kernel.value.shape.last!, inputs = kernel.value.count / units
        preparePreactivation(like: output)
        let activation = self.activation
        output.scalars.withUnsafeMutableBufferPointer { y in
            x.scalars.withUnsafeBufferPointer { x in
                kernel.value.scalars.withUnsafeBufferPointer { w in
                    BLAS.gemm(pool: pool, m: rows, n: units, k: inputs, a: x.baseAddress!, lda: inputs,
                              b: w.baseAddress!, ldb: units, c: y.baseAddress!, ldc: units)
                }
            }
            let yBase = y.baseAddress!
            preactivation.scalars.withUnsafeMutableBufferPointer { z in
                let zBase = activation.needsPreactivation ? z.baseAddress! : nil
                withBias(bias) { b in
                    pool.forEachRange(rows, grain: max(1, ThreadPool.elementGrain / units)) { range in
                        Self.finish(rows: range, of: yBase, units: units, bias: b, activation: activation,
                                    preactivation: zBase)
                    }
                }
            }
        }
    }

    /// Adds the bias to `rows` of `y` and applies the activation in place, copying the
    /// pre-activation values to `preactivation` when given: one pass over rows still in cache.
    static func finish(rows: Range<Int>, of y: UnsafeMutablePointer<Float>, units: Int, bias: UnsafePointer<Float>?,
                       activation: ActivationFunction, preactivation: UnsafeMutablePointer<Float>?) {
        let block = UnsafeMutableBufferPointer(start: y + rows.lowerBound * units, count: rows.count * units)
        if let bias {
            switch activation {
            case .relu:
                for r in 0..<rows.count {
                    let row = block.baseAddress! + r * units
                    for j in 0..<units { row[j] = max(row[j] + bias[j], 0) }
                }
                return
            default:
                for r in 0..<rows.count {
                    let row = block.baseAddress! + r * units
                    for j in 0..<units { row[j] += bias[j] }
                }
            }
        }
        if let preactivation {
            (preactivation + rows.lowerBound * units).update(from: block.baseAddress!, count: block.count)
        }
        activation.apply(block, rowSize: units)
    }

    /// Sizes the pre-activation buffer for an output like `output`, when the activation needs it.
    mutating func preparePreactivation(like output: Tensor) {
        if activation.needsPreactivation { preactivation.resize(to: output.shape) }
    }

    /// Runs `body` with the pre-activation buffer when the activation keeps one, else with nil.
    mutating func withPreactivation<R>(_ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
        guard activation.needsPreactivation else { return body(nil) }
        return preactivation.scalars.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }

    /// Fills the kernel's and the bias's gradients and returns dz, the gradient at the
    /// pre-activation (for a linear activation, dy itself), for the input gradient.
    mutating func parameterGradients(_ x: Tensor, rows: Int, output: Tensor, outputGradient: Tensor,
                                     kernel: Parameter, bias: Parameter?, pool: ThreadPool) -> [Float] {
        let units = kernel.value.shape.last!, inputs = kernel.value.count / units
        if activation != .linear {
            dz.resize(to: output.shape)
            let activation = self.activation
            output.scalars.withUnsafeBufferPointer { y in
                outputGradient.scalars.withUnsafeBufferPointer { dy in
                    preactivation.scalars.withUnsafeBufferPointer { z in
                        dz.scalars.withUnsafeMutableBufferPointer { d in
                            Self.activationGradient(activation, rows: rows, units: units, output: y.baseAddress!,
                                                    preactivation: activation.needsPreactivation ? z.baseAddress! : nil,
                                                    outputGradient: dy.baseAddress!, into: d.baseAddress!, pool: pool)
                        }
                    }
                }
            }
        }
        let g = activation == .linear ? outputGradient.scalars : dz.scalars
        g.withUnsafeBufferPointer { d in
            x.scalars.withUnsafeBufferPointer { x in
                kernel.gradient.scalars.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(pool: pool, transA: true, m: inputs, n: units, k: rows, a: x.baseAddress!, lda: inputs,
                              b: d.baseAddress!, ldb: units, c: dw.baseAddress!, ldc: units)
                }
            }
            if let bias {
                bias.gradient.scalars.withUnsafeMutableBufferPointer { db in
                    Self.columnSums(d.baseAddress!, rows: rows, units: units, into: db.baseAddress!, pool: pool)
                }
            }
        }
        return g
    }

    /// Fills the kernel's and the bias's gradients and, when `computeInputGradient`, the gradient
    /// with respect to `x` into `inputGradient`, which must already have `x`'s size.
    mutating func backward(_ x: Tensor, rows: Int, output: Tensor, outputGradient: Tensor, kernel: Parameter,
                           bias: Parameter?, computeInputGradient: Bool, inputGradient: inout Tensor,
                           pool: ThreadPool) {
        let units = kernel.value.shape.last!, inputs = kernel.value.count / units
        let g = parameterGradients(x, rows: rows, output: output, outputGradient: outputGradient,
                                   kernel: kernel, bias: bias, pool: pool)
        guard computeInputGradient else { return }
        g.withUnsafeBufferPointer { d in
            kernel.value.scalars.withUnsafeBufferPointer { w in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    BLAS.gemm(pool: pool, transB: true, m: rows, n: inputs, k: units, a: d.baseAddress!, lda: units,
                              b: w.baseAddress!, ldb: units, c: dx.baseAddress!, ldc: inputs)
                }
            }
        }
    }

    /// dz from dy for `rows` rows, split by rows across the pool.
    static func activationGradient(_ activation: ActivationFunction, rows: Int, units: Int,
                                   output y: UnsafePointer<Float>, preactivation z: UnsafePointer<Float>?,
                                   outputGradient dy: UnsafePointer<Float>, into d: UnsafeMutablePointer<Float>,
                                   pool: ThreadPool) {
        pool.forEachRange(rows, grain: max(1, ThreadPool.elementGrain / units)) { range in
            let offset = range.lowerBound * units, count = range.count * units
            activation.gradient(output: UnsafeBufferPointer(start: y + offset, count: count),
                                preactivation: z.map { UnsafeBufferPointer(start: $0 + offset, count: count) },
                                outputGradient: UnsafeBufferPointer(start: dy + offset, count: count),
                                into: UnsafeMutableBufferPointer(start: d + offset, count: count), rowSize: units)
        }
    }

    /// The bias gradient: each column's sum over the rows, in row order. Split by columns, so the
    /// sums are the same whatever the thread count.
    static func columnSums(_ d: UnsafePointer<Float>, rows: Int, units: Int, into db: UnsafeMutablePointer<Float>,
                           pool: ThreadPool) {
        let grain = max(8, ThreadPool.elementGrain / max(rows, 1))
        pool.forEachRange(units, grain: grain) { cols in
            for j in cols { db[j] = 0 }
            for r in 0..<rows {
                let row = d + r * units
                for j in cols { db[j] += row[j] }
            }
        }
    }
}

/// Runs `body` with the bias's scalars, or nil when there is no bias.
@inline(__always)
func withBias<R>(_ bias: Parameter?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let bias else { return body(nil) }
    return bias.value.scalars.withUnsafeBufferPointer { body($0.baseAddress!) }
}
