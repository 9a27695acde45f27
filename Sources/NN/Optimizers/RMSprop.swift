/// Keras's `RMSprop`: `v ← ρv + (1 − ρ)g²`; the step is `lr·g/√(v + ε)` (centered: `√(v − ḡ² + ε)`
/// with `ḡ ← ρḡ + (1 − ρ)g`), optionally accumulated with momentum. Note ε is inside the root.
public final class RMSprop: RestorableOptimizer {
    public let name = "RMSprop"
    public var learningRate: LearningRate
    public let rho: Float
    public let momentum: Float
    public let epsilon: Float
    public let centered: Bool
    public var clipping: GradientClipping { engine.clipping }
    public var weightDecay: Float? { engine.weightDecay }
    public var iterations: Int { engine.iterations }
    private let engine: OptimizerEngine

    /// - Throws: `OptimizerError` when `rho` is outside `[0, 1)`, momentum, epsilon or a rate is negative, or the clipping is invalid.
    public init(learningRate: LearningRate = 0.001, rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7,
                centered: Bool = false, weightDecay: Float? = nil, clipnorm: Float? = nil, clipvalue: Float? = nil,
                globalClipnorm: Float? = nil) throws(OptimizerError) {
        guard rho >= 0, rho < 1 else { throw OptimizerError("RMSprop", "rho must be in [0, 1), got \(rho)") }
        guard momentum >= 0, momentum.isFinite else { throw OptimizerError("RMSprop", "momentum must be >= 0, got \(momentum)") }
        guard epsilon >= 0, epsilon.isFinite else { throw OptimizerError("RMSprop", "epsilon must be >= 0, got \(epsilon)") }
        self.learningRate = try learningRate.validated(for: "RMSprop")
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
        var slots = ["velocity"]
        if momentum > 0 { slots.append("momentum") }
        if centered { slots.append("average_gradient") }
        engine = try OptimizerEngine(
            optimizer: "RMSprop", slotNames: slots,
            clipping: GradientClipping(clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm, optimizer: "RMSprop"),
            weightDecay: weightDecay)
    }

    public func apply(to parameters: [Parameter]) {
        let lr = learningRate.value(atStep: engine.iterations)
        let rho = self.rho, oneMinusRho = 1 - rho, epsilon = self.epsilon
        let momentum = self.momentum, centered = self.centered
        engine.step(parameters, learningRate: lr) { w, g, s, stride, n in
            let velocity = s
            let moment = momentum > 0 ? s + stride : nil
            let average = centered ? s + (momentum > 0 ? 2 : 1) * stride : nil
            if moment == nil && average == nil {
                for i in 0..<n {
                    velocity[i] = rho * velocity[i] + oneMinusRho * g[i] * g[i]
                    w[i] -= lr * g[i] / (velocity[i] + epsilon).squareRoot()
                }
                return
            }
            for i in 0..<n {
                velocity[i] = rho * velocity[i] + oneMinusRho * g[i] * g[i]
                var denominator = velocity[i] + epsilon
                if let average {
                    average[i] = rho * average[i] + oneMinusRho * g[i]
                    denominator = velocity[i] - average[i] * average[i] + epsilon
                }
                let increment = lr * g[i] / denominator.squareRoot()
                if let moment {
                    moment[i] = momentum * moment[i] + increment
                    w[i] -= moment[i]
                } else {
                    w[i] -= increment
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
