/// Keras's `MaxPooling2D` and `AveragePooling2D` (pool_size 2, strides default pool_size, padding
/// valid/same). With "same" padding, max ignores the padding and average divides by the number of
/// real pixels in the window, as TensorFlow does.
public final class Pooling2D: Layer {
    public enum Kind: String, Sendable { case max = "MaxPooling2D", average = "AveragePooling2D" }
    public var name: String
    public let kind: Kind
    public var className: String { kind.rawValue }
    public let poolSize: (Int, Int)
    public let strides: (Int, Int)
    public let padding: Padding
    public let declaredInputShape: [Int]?
    public private(set) var outputShape: [Int] = []
    public private(set) var isBuilt = false
    private var geometry = WindowGeometry()
    /// For max pooling, the flat input index each output came from.
    private var argmax: [Int32] = []

    /// `strides` nil means `poolSize`, as in Keras.
    public init(_ kind: Kind, poolSize: [Int] = [2], strides: [Int]? = nil, padding: String = "valid",
                inputShape: [Int]? = nil, name: String? = nil) throws {
        self.kind = kind
        self.poolSize = try pair(poolSize, "pool_size", kind.rawValue)
        self.strides = try pair(strides ?? poolSize, "strides", kind.rawValue)
        self.padding = try Padding(name: padding, layer: kind.rawValue)
        self.declaredInputShape = inputShape
        self.name = name ?? LayerNames.unique(kind == .max ? "max_pooling2d" : "average_pooling2d")
    }

    public var config: LayerConfig {
        ["name": .string(name), "pool_size": .ints([poolSize.0, poolSize.1]), "strides": .ints([strides.0, strides.1]),
         "padding": .string(padding.rawValue), "input_shape": declaredInputShape.map { .ints($0) } ?? .null]
    }

    public func build(inputShape: [Int], generator: inout RandomGenerator) throws -> [Int] {
        geometry = try WindowGeometry(input: inputShape, kernel: poolSize, strides: strides, dilation: (1, 1),
                                      padding: padding, layer: "\(className) '\(name)'")
        outputShape = [geometry.outHeight, geometry.outWidth, geometry.channels]
        isBuilt = true
        return outputShape
    }

    public func forward(_ input: Tensor, into output: inout Tensor, training: Bool) {
        let g = geometry, c = g.channels
        output.resize(to: [input.rows] + outputShape)
        if kind == .max && argmax.count != output.count { argmax = [Int32](repeating: 0, count: output.count) }
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { arg in
                    var o = 0
                    for n in 0..<input.rows {
                        for oy in 0..<g.outHeight {
                            for ox in 0..<g.outWidth {
                                for ch in 0..<c {
                                    var best = -Float.infinity, bestIndex = -1, sum: Float = 0, count = 0
                                    for ky in 0..<g.kernelHeight {
                                        let iy = g.inputY(oy, ky)
                                        guard iy >= 0 && iy < g.height else { continue }
                                        for kx in 0..<g.kernelWidth {
                                            let ix = g.inputX(ox, kx)
                                            guard ix >= 0 && ix < g.width else { continue }
                                            let idx = ((n * g.height + iy) * g.width + ix) * c + ch
                                            let v = x[idx]
                                            if v > best || bestIndex < 0 { best = v; bestIndex = idx }
                                            sum += v; count += 1
                                        }
                                    }
                                    if kind == .max { y[o] = best; arg[o] = Int32(bestIndex) }
                                    else { y[o] = sum / Float(max(count, 1)) }
                                    o += 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                         inputGradient: inout Tensor, computeInputGradient: Bool) {
        guard computeInputGradient else { return }
        let g = geometry, c = g.channels
        inputGradient.resize(to: input.shape)
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                for i in 0..<dx.count { dx[i] = 0 }
                if kind == .max {
                    argmax.withUnsafeBufferPointer { arg in
                        for o in 0..<dy.count { dx[Int(arg[o])] += dy[o] }
                    }
                    return
                }
                var o = 0
                for n in 0..<input.rows {
                    for oy in 0..<g.outHeight {
                        for ox in 0..<g.outWidth {
                            // Two passes over the window (count, then spread) instead of a
                            // per-window list, so the backward pass allocates nothing.
                            var count = 0
                            for ky in 0..<g.kernelHeight {
                                let iy = g.inputY(oy, ky)
                                guard iy >= 0 && iy < g.height else { continue }
                                for kx in 0..<g.kernelWidth {
                                    let ix = g.inputX(ox, kx)
                                    if ix >= 0 && ix < g.width { count += 1 }
                                }
                            }
                            let scale = 1 / Float(max(count, 1))
                            for ky in 0..<g.kernelHeight {
                                let iy = g.inputY(oy, ky)
                                guard iy >= 0 && iy < g.height else { continue }
                                for kx in 0..<g.kernelWidth {
                                    let ix = g.inputX(ox, kx)
                                    guard ix >= 0 && ix < g.width else { continue }
                                    let t = ((n * g.height + iy) * g.width + ix) * c
                                    for ch in 0..<c { dx[t + ch] += dy[o + ch] * scale }
                                }
                            }
                            o += c
                        }
                    }
                }
            }
        }
    }
}

/// Keras's `MaxPooling2D{pool_size, strides, padding}`.
public func MaxPooling2D(poolSize: [Int] = [2], strides: [Int]? = nil, padding: String = "valid",
                         inputShape: [Int]? = nil, name: String? = nil) throws -> Pooling2D {
    try Pooling2D(.max, poolSize: poolSize, strides: strides, padding: padding, inputShape: inputShape, name: name)
}

/// Keras's `AveragePooling2D{pool_size, strides, padding}`.
public func AveragePooling2D(poolSize: [Int] = [2], strides: [Int]? = nil, padding: String = "valid",
                             inputShape: [Int]? = nil, name: String? = nil) throws -> Pooling2D {
    try Pooling2D(.average, poolSize: poolSize, strides: strides, padding: padding, inputShape: inputShape, name: name)
}
