/// Keras's `BatchNormalization` over the last axis (momentum 0.99, epsilon 1e-3, center, scale).
/// Training normalizes with the batch's mean and (biased) variance and moves the moving averages
/// `moving = moving · momentum + batch · (1 - momentum)`; inference uses the moving averages.
/// A training batch of one has variance 0, so its output is `beta` (no NaN), as in Keras.
public final class BatchNormalization: Layer {
    public var name: String
    public let className = "BatchNormalization"
    public let momentum: Float
    public let epsilon: Float
    public let center: Bool
    public let scale: Bool
    public let declaredInputShape: [Int]?

    public private(set) var gamma: Parameter?
    public private(set) var beta: Parameter?
    public private(set) var movingMean: Parameter?
    public private(set) var movingVariance: Parameter?
    public private(set) var outputShape: [Int] = []
    public var isBuilt: Bool { movingMean != nil }
    private var channels = 0
    private var xhat = Tensor(shape: [0])
    private var invstd: [Float] = []
    /// Per-channel scratch reused every batch (mean; sums in Double for accuracy).
    private var mean: [Float] = []
    private var sum: [Double] = []
    private var sumSquares: [Double] = []
    private var lastWasTraining = false

    public init(momentum: Double = 0.99, epsilon: Double = 1e-3, center: Bool = true, scale: Bool = true,
                inputShape: [Int]? = nil, name: String? = nil) throws {
        guard (0...1).contains(momentum) else { throw NNError.argument("BatchNormalization: momentum must be in [0, 1], got \(momentum)") }
        guard epsilon > 0 else { throw NNError.argument("BatchNormalization: epsilon must be > 0, got \(epsilon)") }
        self.momentum = Float(momentum)
        self.epsilon = Float(epsilon)
        self.center = center
        self.scale = scale
        self.declaredInputShape = inputShape
        self.name = name ?? LayerNames.unique("batch_normalization")
    }

    public var config: LayerConfig {
        ["name": .string(name), "momentum": .double(Double(momentum)), "epsilon": .double(Double(epsilon)),
         "center": .bool(center), "scale": .bool(scale), "input_shape": declaredInputShape.map { .ints($0) } ?? .null]
    }

    public var parameters: [Parameter] { [gamma, beta, movingMean, movingVariance].compactMap { $0 } }

    public func build(inputShape: [Int], generator: inout RandomGenerator) throws -> [Int] {
        guard let c = inputShape.last else { throw NNError.shape("BatchNormalization '\(name)' needs a feature axis") }
        channels = c
        gamma = scale ? Parameter(name: "\(name)/gamma", value: Tensor(shape: [c], repeating: 1)) : nil
        beta = center ? Parameter(name: "\(name)/beta", value: Tensor(shape: [c])) : nil
        movingMean = Parameter(name: "\(name)/moving_mean", value: Tensor(shape: [c]), trainable: false)
        movingVariance = Parameter(name: "\(name)/moving_variance", value: Tensor(shape: [c], repeating: 1), trainable: false)
        invstd = [Float](repeating: 0, count: c)
        mean = [Float](repeating: 0, count: c)
        sum = [Double](repeating: 0, count: c)
        sumSquares = [Double](repeating: 0, count: c)
        outputShape = inputShape
        return inputShape
    }

    public func forward(_ input: Tensor, into output: inout Tensor, training: Bool) {
        let c = channels, rows = input.count / c
        output.resize(to: input.shape)
        xhat.resize(to: input.shape)
        lastWasTraining = training
        for j in 0..<c { sum[j] = 0; sumSquares[j] = 0 }
        if training {
            input.scalars.withUnsafeBufferPointer { x in
                for r in 0..<rows { for j in 0..<c { sum[j] += Double(x[r * c + j]) } }
                for j in 0..<c { sum[j] /= Double(rows) }
                for r in 0..<rows { for j in 0..<c { let d = Double(x[r * c + j]) - sum[j]; sumSquares[j] += d * d } }
            }
            let m = momentum
            movingMean!.value.scalars.withUnsafeMutableBufferPointer { mm in
                movingVariance!.value.scalars.withUnsafeMutableBufferPointer { mv in
                    for j in 0..<c {
                        let variance = Float(sumSquares[j] / Double(rows))
                        mean[j] = Float(sum[j])
                        invstd[j] = 1 / (variance + epsilon).squareRoot()
                        mm[j] = mm[j] * m + mean[j] * (1 - m)
                        mv[j] = mv[j] * m + variance * (1 - m)
                    }
                }
            }
        } else {
            for j in 0..<c {
                mean[j] = movingMean!.value.scalars[j]
                invstd[j] = 1 / (movingVariance!.value.scalars[j] + epsilon).squareRoot()
            }
        }
        let g = gamma?.value.scalars, b = beta?.value.scalars
        let meanValues = self.mean, invstdValues = self.invstd
        input.scalars.withUnsafeBufferPointer { x in
            xhat.scalars.withUnsafeMutableBufferPointer { xh in
                output.scalars.withUnsafeMutableBufferPointer { y in
                    for r in 0..<rows {
                        for j in 0..<c {
                            let i = r * c + j
                            xh[i] = (x[i] - meanValues[j]) * invstdValues[j]
                            y[i] = (g?[j] ?? 1) * xh[i] + (b?[j] ?? 0)
                        }
                    }
                }
            }
        }
    }

    public func backward(input: Tensor, output: Tensor, outputGradient: Tensor,
                         inputGradient: inout Tensor, computeInputGradient: Bool) {
        let c = channels, rows = input.count / c
        // Reuses the forward pass's Double scratch for Σdy and Σdy·xhat.
        var sumDy = sum, sumDyXhat = sumSquares
        sum = []; sumSquares = []
        defer { sum = sumDy; sumSquares = sumDyXhat }
        for j in 0..<c { sumDy[j] = 0; sumDyXhat[j] = 0 }
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            xhat.scalars.withUnsafeBufferPointer { xh in
                for r in 0..<rows {
                    for j in 0..<c {
                        sumDy[j] += Double(dy[r * c + j])
                        sumDyXhat[j] += Double(dy[r * c + j]) * Double(xh[r * c + j])
                    }
                }
            }
        }
        if let gamma { for j in 0..<c { gamma.gradient.scalars[j] = Float(sumDyXhat[j]) } }
        if let beta { for j in 0..<c { beta.gradient.scalars[j] = Float(sumDy[j]) } }
        guard computeInputGradient else { return }
        let g = gamma?.value.scalars
        inputGradient.resize(to: input.shape)
        let training = lastWasTraining
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            xhat.scalars.withUnsafeBufferPointer { xh in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    for r in 0..<rows {
                        for j in 0..<c {
                            let i = r * c + j
                            let gj = g?[j] ?? 1
                            if training {
                                dx[i] = Normalization.inputGradient(
                                    sumDxhat: sumDy[j] * Double(gj), sumDxhatXhat: sumDyXhat[j] * Double(gj),
                                    invstd: invstd[j], count: rows, xhat: xh[i], dxhat: dy[i] * gj)
                            } else {
                                dx[i] = dy[i] * gj * invstd[j]
                            }
                        }
                    }
                }
            }
        }
    }
}
