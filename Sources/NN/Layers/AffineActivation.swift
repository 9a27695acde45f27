/// `activation(x · kernel + bias)` over a matrix of rows, forward and backward: the whole of a
/// `Dense` layer, and what `Conv2D` does to its image patches after im2col. One GEMM with the bias
/// pre-filled into the output, then the activation in place; keeps the buffers the backward pass
/// needs between the two.
struct AffineActivation {
    let activation: ActivationFunction
    private var preactivation = Tensor(shape: [0])
    private var dz = Tensor(shape: [0])

    init(activation: ActivationFunction) {
        self.activation = activation
    }

    /// The kernel's last axis is the output's (units or filters); its other axes flatten to the
    /// length of an input row. `output` must already hold `rows` rows of units.
    mutating func forward(_ x: Tensor, rows: Int, kernel: Parameter, bias: Parameter?, into output: inout Tensor) {
        let units = kernel.value.shape.last!, inputs = kernel.value.count / units
        output.scalars.withUnsafeMutableBufferPointer { y in
            if let bias {
                bias.value.scalars.withUnsafeBufferPointer { b in
                    for r in 0..<rows { (y.baseAddress! + r * units).update(from: b.baseAddress!, count: units) }
                }
            }
            x.scalars.withUnsafeBufferPointer { x in
                kernel.value.scalars.withUnsafeBufferPointer { w in
                    BLAS.gemm(m: rows, n: units, k: inputs, a: x.baseAddress!, lda: inputs,
                              b: w.baseAddress!, ldb: units, beta: bias == nil ? 0 : 1, c: y.baseAddress!, ldc: units)
                }
            }
        }
        if activation.needsPreactivation { copyScalars(output, into: &preactivation, shape: output.shape) }
        output.scalars.withUnsafeMutableBufferPointer { activation.apply($0, rowSize: units) }
    }

    /// Fills the kernel's and the bias's gradients and, when `computeInputGradient`, the gradient
    /// with respect to `x` into `inputGradient`, which must already have `x`'s size.
    mutating func backward(_ x: Tensor, rows: Int, output: Tensor, outputGradient: Tensor, kernel: Parameter,
                           bias: Parameter?, computeInputGradient: Bool, inputGradient: inout Tensor) {
        let units = kernel.value.shape.last!, inputs = kernel.value.count / units
        // dz is the gradient at the pre-activation; for a linear activation it is dy itself.
        if activation != .linear {
            dz.resize(to: output.shape)
            let needsZ = activation.needsPreactivation
            output.scalars.withUnsafeBufferPointer { y in
                outputGradient.scalars.withUnsafeBufferPointer { dy in
                    preactivation.scalars.withUnsafeBufferPointer { z in
                        dz.scalars.withUnsafeMutableBufferPointer { d in
                            activation.gradient(output: y, preactivation: needsZ ? z : nil, outputGradient: dy,
                                                into: d, rowSize: units)
                        }
                    }
                }
            }
        }
        let g = activation == .linear ? outputGradient : dz
        g.scalars.withUnsafeBufferPointer { d in
            x.scalars.withUnsafeBufferPointer { x in
                kernel.gradient.scalars.withUnsafeMutableBufferPointer { dw in
                    BLAS.gemm(transA: true, m: inputs, n: units, k: rows, a: x.baseAddress!, lda: inputs,
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
            guard computeInputGradient else { return }
            kernel.value.scalars.withUnsafeBufferPointer { w in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    BLAS.gemm(transB: true, m: rows, n: inputs, k: units, a: d.baseAddress!, lda: units,
                              b: w.baseAddress!, ldb: units, c: dx.baseAddress!, ldc: inputs)
                }
            }
        }
    }
}
