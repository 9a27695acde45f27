/// Keras's `SGD`: plain gradient descent, with optional momentum and Nesterov momentum.
///
/// Keras 3's form: `m ← momentum·m − lr·g`, then `w ← w + m` (or, with Nesterov,
/// `w ← w + momentum·m − lr·g` using the new `m`).
public final class SGD: RestorableOptimizer {
    public let name = "SGD"
    public var learningRate: LearningRate
    public let momentum: Float
    public let nesterov: Bool
    public var clipping: GradientClipping { engine.clipping }
    public var weightDecay: Float? { engine.weightDecay }
    public var iterations: Int { engine.iterations }
    private let engine: OptimizerEngine

    /// - Throws: `OptimizerError` when `momentum` is outside `[0, 1]`, a rate is negative, or the clipping is invalid.
    public init(learningRate: LearningRate = 0.01, momentum: Float = 0, nesterov: Bool = false,
                weightDecay: Float? = nil, clipnorm: Float? = nil, clipvalue: Float? = nil,
                globalClipnorm: Float? = nil) throws(OptimizerError) {
        guard momentum >= 0, momentum <= 1 else {
            throw OptimizerError("SGD", "momentum must be a float in [0, 1], got \(momentum)")
        }
        self.learningRate = try learningRate.validated(for: "SGD")
        self.momentum = momentum
        self.nesterov = nesterov
        engine = try OptimizerEngine(
            optimizer: "SGD", slotNames: momentum != 0 ? ["momentum"] : [],
            clipping: GradientClipping(clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm, optimizer: "SGD"),
            weightDecay: weightDecay)
    }

    public func apply(to parameters: [Parameter]) {
        let lr = learningRate.value(atStep: engine.iterations)
        let momentum = self.momentum, nesterov = self.nesterov
        engine.step(parameters, learningRate: lr) { w, g, s, _, n in
            if momentum == 0 {
                for i in 0..<n { w[i] -= g[i] * lr }
            } else if nesterov {
                for i in 0..<n {
                    s[i] = s[i] * momentum - g[i] * lr
                    w[i] += s[i] * momentum - g[i] * lr
                }
            } else {
                for i in 0..<n {
                    s[i] = s[i] * momentum - g[i] * lr
                    w[i] += s[i]
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
