#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The activations Keras 3 accepts by name, with Keras 3's defaults (leaky_relu's negative slope
/// 0.2, elu's alpha 1, selu's constants, exact gelu). Applied in place on a layer's output so that
/// bias and activation are one pass over memory.
public enum ActivationFunction: String, CaseIterable, Sendable {
    case linear, relu, sigmoid, tanh, softmax, elu, selu, gelu, swish
    case leakyRelu = "leaky_relu"

    public static let names = allCases.map(\.rawValue) + ["silu"]

    /// `nil`/`"linear"`/`"None"` are linear; `"silu"` is swish, as in Keras.
    public init(name: String?, layer: String = "Activation") throws {
        guard let name, name != "None" else { self = .linear; return }
        if name == "silu" { self = .swish; return }
        guard let f = ActivationFunction(rawValue: name) else {
            throw DidYouMean.unknown("activation", name, in: Self.names, owner: layer)
        }
        self = f
    }

    /// Whether `backward` needs the pre-activation values (the others derive from the output).
    var needsPreactivation: Bool { self == .gelu || self == .swish }

    static let seluAlpha: Float = 1.6732632423543772
    static let seluScale: Float = 1.0507009873554805

    /// Applies the function in place; `rowSize` is the softmax axis length (the last dimension).
    func apply(_ y: UnsafeMutableBufferPointer<Float>, rowSize: Int) {
        let n = y.count
        switch self {
        case .linear: return
        case .relu: for i in 0..<n { y[i] = max(y[i], 0) }
        case .sigmoid: for i in 0..<n { y[i] = 1 / (1 + expf(-y[i])) }
        case .tanh: for i in 0..<n { y[i] = tanhf(y[i]) }
        case .elu: for i in 0..<n { let x = y[i]; y[i] = x > 0 ? x : expm1f(x) }
        case .selu:
            for i in 0..<n {
                let x = y[i]
                y[i] = Self.seluScale * (x > 0 ? x : Self.seluAlpha * expm1f(x))
            }
        case .gelu: for i in 0..<n { let x = y[i]; y[i] = 0.5 * x * (1 + erff(x * 0.70710678118654752)) }
        case .swish: for i in 0..<n { let x = y[i]; y[i] = x / (1 + expf(-x)) }
        case .leakyRelu: for i in 0..<n { let x = y[i]; y[i] = x > 0 ? x : 0.2 * x }
        case .softmax:
            guard rowSize > 0 else { return }
            var start = 0
            while start < n {
                var m = -Float.infinity
                for j in start..<start + rowSize { m = max(m, y[j]) }
                var sum: Float = 0
                for j in start..<start + rowSize { let e = expf(y[j] - m); y[j] = e; sum += e }
                let inv = 1 / sum
                for j in start..<start + rowSize { y[j] *= inv }
                start += rowSize
            }
        }
    }

    /// dLoss/dz from dLoss/dy, given the output `y` (and the pre-activation `z` where needed).
    func gradient(output y: UnsafeBufferPointer<Float>, preactivation z: UnsafeBufferPointer<Float>?,
                  outputGradient dy: UnsafeBufferPointer<Float>, into dz: UnsafeMutableBufferPointer<Float>,
                  rowSize: Int) {
        let n = y.count
        switch self {
        case .linear: for i in 0..<n { dz[i] = dy[i] }
        // Each loop reads dy[i] unconditionally: a load inside a branch cannot become a select,
        // and the branch kept ReLU's loop scalar and mispredicting.
        case .relu: for i in 0..<n { let g = dy[i]; dz[i] = y[i] > 0 ? g : 0 }
        case .sigmoid: for i in 0..<n { dz[i] = dy[i] * y[i] * (1 - y[i]) }
        case .tanh: for i in 0..<n { dz[i] = dy[i] * (1 - y[i] * y[i]) }
        case .elu: for i in 0..<n { let g = dy[i]; dz[i] = y[i] > 0 ? g : g * (y[i] + 1) }
        case .selu:
            let sa = Self.seluScale * Self.seluAlpha
            for i in 0..<n { let g = dy[i]; dz[i] = y[i] > 0 ? g * Self.seluScale : g * (y[i] + sa) }
        case .leakyRelu: for i in 0..<n { let g = dy[i]; dz[i] = y[i] > 0 ? g : 0.2 * g }
        case .gelu:
            let z = z!
            for i in 0..<n {
                let x = z[i]
                let cdf = 0.5 * (1 + erff(x * 0.70710678118654752))
                let pdf = expf(-0.5 * x * x) * 0.3989422804014327
                dz[i] = dy[i] * (cdf + x * pdf)
            }
        case .swish:
            let z = z!
            for i in 0..<n {
                let s = 1 / (1 + expf(-z[i]))
                dz[i] = dy[i] * (s + z[i] * s * (1 - s))
            }
        case .softmax:
            var start = 0
            while start < n {
                var dot: Float = 0
                for j in start..<start + rowSize { dot += dy[j] * y[j] }
                for j in start..<start + rowSize { dz[j] = y[j] * (dy[j] - dot) }
                start += rowSize
            }
        }
    }
}
