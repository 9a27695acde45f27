import Foundation

/// Keras's `Adam`, in Keras 3's bias-corrected learning-rate form:
/// `α = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ)`, `m ← m + (g − m)(1 − β₁)`, `v ← v + (g² − v)(1 − β₂)`,
/// `w ← w − α·m/(√v + ε)` (with `amsgrad`, `v` is replaced by its running maximum).
public final class Adam: RestorableOptimizer {
    public var name: String { engine.optimizer }
    public var learningRate: LearningRate
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let amsgrad: Bool
    public var clipping: GradientClipping { engine.clipping }
    public var weightDecay: Float? { engine.weightDecay }
    public var iterations: Int { engine.iterations }
    private let engine: OptimizerEngine

    /// - Throws: `OptimizerError` when a beta is outside `[0, 1)`, epsilon or a rate is negative, or the clipping is invalid.
    public convenience init(learningRate: LearningRate = 0.001, beta1: Float = 0.9, beta2: Float = 0.999,
                            epsilon: Float = 1e-7, amsgrad: Bool = false, weightDecay: Float? = nil,
                            clipnorm: Float? = nil, clipvalue: Float? = nil, globalClipnorm: Float? = nil) throws(OptimizerError) {
        try self.init(kind: "Adam", learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                      amsgrad: amsgrad, weightDecay: weightDecay, clipnorm: clipnorm, clipvalue: clipvalue,
                      globalClipnorm: globalClipnorm)
    }

    /// Shared with `AdamW`, which is Adam with a required weight decay and its own name.
    init(kind: String, learningRate: LearningRate, beta1: Float, beta2: Float, epsilon: Float, amsgrad: Bool,
         weightDecay: Float?, clipnorm: Float?, clipvalue: Float?, globalClipnorm: Float?) throws(OptimizerError) {
        for (argument, value) in [("beta_1", beta1), ("beta_2", beta2)] where !(value >= 0 && value < 1) {
            throw OptimizerError(kind, "\(argument) must be in [0, 1), got \(value)")
        }
        guard epsilon.isFinite, epsilon >= 0 else { throw OptimizerError(kind, "epsilon must be >= 0, got \(epsilon)") }
        self.learningRate = try learningRate.validated(for: kind)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
        engine = try OptimizerEngine(
            optimizer: kind, slotNames: amsgrad ? ["momentum", "velocity", "velocity_hat"] : ["momentum", "velocity"],
            clipping: GradientClipping(clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm, optimizer: kind),
            weightDecay: weightDecay)
    }

    public func apply(to parameters: [Parameter]) {
        let lr = learningRate.value(atStep: engine.iterations)
        let t = Double(engine.iterations + 1)
        let alpha = Float(Double(lr) * (1 - pow(Double(beta2), t)).squareRoot() / (1 - pow(Double(beta1), t)))
        let oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2, epsilon = self.epsilon, amsgrad = self.amsgrad
        engine.step(parameters, learningRate: lr) { w, g, s, stride, n in
            let m = s, v = s + stride
            if amsgrad {
                let vHat = s + 2 * stride
                for i in 0..<n {
                    m[i] += (g[i] - m[i]) * oneMinusBeta1
                    v[i] += (g[i] * g[i] - v[i]) * oneMinusBeta2
                    vHat[i] = max(vHat[i], v[i])
                    w[i] -= m[i] * alpha / (vHat[i].squareRoot() + epsilon)
                }
            } else {
                for i in 0..<n {
                    m[i] += (g[i] - m[i]) * oneMinusBeta1
                    v[i] += (g[i] * g[i] - v[i]) * oneMinusBeta2
                    w[i] -= m[i] * alpha / (v[i].squareRoot() + epsilon)
                }
            }
        }
    }

    public func use(_ pool: ThreadPool) { engine.pool = pool }

    public func stateSnapshot(for parameters: [Parameter]) -> OptimizerState { engine.snapshot(for: parameters) }
    public func restoreState(_ state: OptimizerState, for parameters: [Parameter]) throws(OptimizerError) {
        try engine.restore(state, for: parameters)
    }
}
