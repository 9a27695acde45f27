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
    private lazy var pool = ThreadPool()

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
        let g = geometry, c = g.channels, kind = self.kind
        output.resize(rows: input.rows, sampleShape: outputShape)
        if kind == .max && argmax.count != output.count { argmax = [Int32](repeating: 0, count: output.count) }
        let inSize = g.height * g.width * c, outSize = g.outHeight * g.outWidth * c
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { arg in
                    let (xp, yp) = (x.baseAddress!, y.baseAddress!)
                    let ap = kind == .max ? arg.baseAddress : nil  // an empty array may still have an address
                    pool.forEachRange(input.rows, grain: max(1, ThreadPool.elementGrain / max(inSize, 1))) { samples in
                        for n in samples {
                            Self.pool(g, kind, xp, image: n, into: yp + n * outSize, argmax: ap.map { $0 + n * outSize })
                        }
                    }
                }
            }
        }
    }

    /// Pools one image. Channels are the inner loop (contiguous in channels-last images), so each
    /// window tap is one pass over a pixel's channels.
    private static func pool(_ g: WindowGeometry, _ kind: Kind, _ x: UnsafePointer<Float>, image n: Int,
                             into y: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>?) {
        let c = g.channels
        var o = 0
        for oy in 0..<g.outHeight {
            for ox in 0..<g.outWidth {
                let out = y + o
                var count = 0
                for ky in 0..<g.kernelHeight {
                    let iy = g.inputY(oy, ky)
                    guard iy >= 0 && iy < g.height else { continue }
                    for kx in 0..<g.kernelWidth {
                        let ix = g.inputX(ox, kx)
                        guard ix >= 0 && ix < g.width else { continue }
                        let base = ((n * g.height + iy) * g.width + ix) * c, src = x + base
                        // Truncating conversions: a checked one in these loops keeps them scalar
                        // (indices fit: the batch's activations are far below 2^31 scalars).
                        let first = Int32(truncatingIfNeeded: base)
                        if count == 0 {
                            out.update(from: src, count: c)
                            if let argmax { for ch in 0..<c { argmax[o + ch] = first &+ Int32(truncatingIfNeeded: ch) } }
                        } else if let argmax {
                            Self.keepGreater(src, into: out, index: argmax + o, first: first, count: c)
                        } else {
                            for ch in 0..<c { out[ch] += src[ch] }
                        }
                        count += 1
                    }
                }
                if kind == .max {
                    if count == 0 { out.update(repeating: -.infinity, count: c) }
                } else {
                    if count == 0 { out.update(repeating: 0, count: c) }
                    let scale = 1 / Float(max(count, 1))
                    for ch in 0..<c { out[ch] *= scale }
                }
                o += c
            }
        }
    }

    /// One max-pooling tap over a pixel's channels: where `src` is strictly greater (so the first
    /// maximum wins, as in TensorFlow), it replaces `out` and its index `first + channel` replaces
    /// `index`. Explicit SIMD: the compiler keeps the scalar form of this loop branchy.
    @inline(__always)
    private static func keepGreater(_ src: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>,
                                    index: UnsafeMutablePointer<Int32>, first: Int32, count c: Int) {
        var ch = 0
        let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        while ch + 16 <= c {
            let v = UnsafeRawPointer(src + ch).loadUnaligned(as: SIMD16<Float>.self)
            let old = UnsafeRawPointer(out + ch).loadUnaligned(as: SIMD16<Float>.self)
            let oldIndex = UnsafeRawPointer(index + ch).loadUnaligned(as: SIMD16<Int32>.self)
            let better = v .> old
            UnsafeMutableRawPointer(out + ch).storeBytes(of: old.replacing(with: v, where: better), as: SIMD16<Float>.self)
            let newIndex = lanes &+ (first &+ Int32(truncatingIfNeeded: ch))
            UnsafeMutableRawPointer(index + ch).storeBytes(of: oldIndex.replacing(with: newIndex, where: better),
                                                           as: SIMD16<Int32>.self)
            ch += 16
        }
        while ch < c {
            if src[ch] > out[ch] { out[ch] = src[ch]; index[ch] = first &+ Int32(truncatingIfNeeded: ch) }
            ch += 1
        }
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                         inputGradient: inout Tensor, computeInputGradient: Bool) {
        guard computeInputGradient else { return }
        let g = geometry, c = g.channels, kind = self.kind
        inputGradient.resize(to: input.shape)
        let inSize = g.height * g.width * c, outSize = g.outHeight * g.outWidth * c
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                argmax.withUnsafeBufferPointer { arg in
                    let (dyp, dxp, ap) = (dy.baseAddress!, dx.baseAddress!, arg.baseAddress)
                    // A sample's gradient lands in its own image only, so samples split freely.
                    pool.forEachRange(input.rows, grain: max(1, ThreadPool.elementGrain / max(inSize, 1))) { samples in
                        (dxp + samples.lowerBound * inSize).update(repeating: 0, count: samples.count * inSize)
                        if kind == .max, let ap {
                            for o in samples.lowerBound * outSize ..< samples.upperBound * outSize { dxp[Int(ap[o])] += dyp[o] }
                            return
                        }
                        for n in samples { Self.spreadAverage(g, dyp + n * outSize, image: n, into: dxp) }
                    }
                }
            }
        }
    }

    /// Average pooling's backward pass for one image: each output's gradient, divided by its
    /// window's count of real pixels, goes to each of them.
    private static func spreadAverage(_ g: WindowGeometry, _ dy: UnsafePointer<Float>, image n: Int,
                                      into dx: UnsafeMutablePointer<Float>) {
        let c = g.channels
        var o = 0
        for oy in 0..<g.outHeight {
            for ox in 0..<g.outWidth {
                // Two passes over the window (count, then spread) instead of a per-window list,
                // so the backward pass allocates nothing.
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

    public func use(_ pool: ThreadPool) { self.pool = pool }
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
