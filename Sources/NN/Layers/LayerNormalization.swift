/// Keras's `LayerNormalization` over the last axis (epsilon 1e-3, center, scale): each sample's
/// features are normalized by their own mean and variance, then scaled by gamma and shifted by beta.
public final class LayerNormalization: Layer {
    public var name: String
    public let className = "LayerNormalization"
    public let epsilon: Float
    public let center: Bool
    public let scale: Bool
    public let declaredInputShape: [Int]?

    public private(set) var gamma: Parameter?
    public private(set) var beta: Parameter?
    public private(set) var outputShape: [Int] = []
    public private(set) var isBuilt = false
    private var features = 0
    private var xhat = Tensor(shape: [0])
    private var invstd: [Float] = []

    public init(epsilon: Double = 1e-3, center: Bool = true, scale: Bool = true,
                inputShape: [Int]? = nil, name: String? = nil) throws {
        guard epsilon > 0 else { throw NNError.argument("LayerNormalization: epsilon must be > 0, got \(epsilon)") }
        self.epsilon = Float(epsilon)
        self.center = center
        self.scale = scale
        self.declaredInputShape = inputShape
        self.name = name ?? LayerNames.unique("layer_normalization")
    }

    public var config: LayerConfig {
        ["name": .string(name), "epsilon": .double(Double(epsilon)), "center": .bool(center),
         "scale": .bool(scale), "input_shape": declaredInputShape.map { .ints($0) } ?? .null]
    }

    public var parameters: [Parameter] { [gamma, beta].compactMap { $0 } }

    public func build(inputShape: [Int], generator: inout RandomGenerator) throws -> [Int] {
        guard let c = inputShape.last else { throw NNError.shape("LayerNormalization '\(name)' needs a feature axis") }
        features = c
        gamma = scale ? Parameter(name: "\(name)/gamma", value: Tensor(shape: [c], repeating: 1)) : nil
        beta = center ? Parameter(name: "\(name)/beta", value: Tensor(shape: [c])) : nil
        outputShape = inputShape
        isBuilt = true
        return inputShape
    }

    public func forward(_ input: Tensor, into output: inout Tensor, training: Bool) {
        let c = features, rows = input.count / c
        output.resize(to: input.shape)
        xhat.resize(to: input.shape)
        if invstd.count != rows { invstd = [Float](repeating: 0, count: rows) }
        let g = gamma?.value.scalars, b = beta?.value.scalars
        input.scalars.withUnsafeBufferPointer { x in
            xhat.scalars.withUnsafeMutableBufferPointer { xh in
                output.scalars.withUnsafeMutableBufferPointer { y in
                    for r in 0..<rows {
                        var mean = 0.0, sq = 0.0
                        for j in 0..<c { mean += Double(x[r * c + j]) }
                        mean /= Double(c)
                        for j in 0..<c { let d = Double(x[r * c + j]) - mean; sq += d * d }
                        let inv = 1 / (Float(sq / Double(c)) + epsilon).squareRoot()
                        invstd[r] = inv
                        for j in 0..<c {
                            let i = r * c + j
                            xh[i] = (x[i] - Float(mean)) * inv
                            y[i] = xh[i] * (g?[j] ?? 1) + (b?[j] ?? 0)
                        }
                    }
                }
            }
        }
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                         inputGradient: inout Tensor, computeInputGradient: Bool) {
        let c = features, rows = input.count / c
        let g = gamma?.value.scalars ?? [Float](repeating: 1, count: c)
        var dGamma = [Double](repeating: 0, count: c), dBeta = [Double](repeating: 0, count: c)
        if computeInputGradient { inputGradient.resize(to: input.shape) }
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            xhat.scalars.withUnsafeBufferPointer { xh in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    for r in 0..<rows {
                        var sumDxhat = 0.0, sumDxhatXhat = 0.0
                        for j in 0..<c {
                            let i = r * c + j
                            dGamma[j] += Double(dy[i]) * Double(xh[i])
                            dBeta[j] += Double(dy[i])
                            let d = Double(dy[i] * g[j])
                            sumDxhat += d
                            sumDxhatXhat += d * Double(xh[i])
                        }
                        guard computeInputGradient else { continue }
                        for j in 0..<c {
                            let i = r * c + j
                            dx[i] = Normalization.inputGradient(sumDxhat: sumDxhat, sumDxhatXhat: sumDxhatXhat,
                                                                invstd: invstd[r], count: c, xhat: xh[i], dxhat: dy[i] * g[j])
                        }
                    }
                }
            }
        }
        if let gamma { for j in 0..<c { gamma.gradient.scalars[j] = Float(dGamma[j]) } }
        if let beta { for j in 0..<c { beta.gradient.scalars[j] = Float(dBeta[j]) } }
    }
}
