/// Keras's `Adagrad`: `a ← a + g²` (starting from `initial_accumulator_value`), then
/// `w ← w − lr·g/√(a + ε)`.
public final class Adagrad: RestorableOptimizer {
    public let name = "Adagrad"
    public var learningRate: LearningRate
    public let initialAccumulatorValue: Float
    public let epsilon: Float
    public var clipping: GradientClipping { engine.clipping }
    public var weightDecay: Float? { engine.weightDecay }
    public var iterations: Int { engine.iterations }
    private let engine: OptimizerEngine

    /// - Throws: `OptimizerError` when the accumulator start, epsilon or a rate is negative, or the clipping is invalid.
    public init(learningRate: LearningRate = 0.001, initialAccumulatorValue: Float = 0.1, epsilon: Float = 1e-7,
                weightDecay: Float? = nil, clipnorm: Float? = nil, clipvalue: Float? = nil,
                globalClipnorm: Float? = nil) throws(OptimizerError) {
        guard initialAccumulatorValue >= 0, initialAccumulatorValue.isFinite else {
            throw OptimizerError("Adagrad", "initial_accumulator_value must be >= 0, got \(initialAccumulatorValue)")
        }
        guard epsilon >= 0, epsilon.isFinite else { throw OptimizerError("Adagrad", "epsilon must be >= 0, got \(epsilon)") }
        self.learningRate = try learningRate.validated(for: "Adagrad")
        self.initialAccumulatorValue = initialAccumulatorValue
        self.epsilon = epsilon
        engine = try OptimizerEngine(
            optimizer: "Adagrad", slotNames: ["accumulator"], slotInitialValues: [initialAccumulatorValue],
            clipping: GradientClipping(clipnorm: clipnorm, clipvalue: clipvalue, globalClipnorm: globalClipnorm, optimizer: "Adagrad"),
            weightDecay: weightDecay)
    }

    public func apply(to parameters: [Parameter]) {
        let lr = learningRate.value(atStep: engine.iterations)
        let epsilon = self.epsilon
        engine.step(parameters, learningRate: lr) { w, g, s, _, n in
            for i in 0..<n {
                s[i] += g[i] * g[i]
                w[i] -= lr * g[i] / (s[i] + epsilon).squareRoot()
            }
        }
    }

    public func use(_ pool: ThreadPool) { engine.pool = pool }

    public func stateSnapshot(for parameters: [Parameter]) -> OptimizerState { engine.snapshot(for: parameters) }
    public func restoreState(_ state: OptimizerState, for parameters: [Parameter]) throws(OptimizerError) {
        try engine.restore(state, for: parameters)
    }
}
