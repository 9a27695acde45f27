/// Keras's `AdamW`: Adam with decoupled weight decay, `w ← w − w·weight_decay·lr` before each
/// Adam step (Keras applies it to every trainable variable, biases included).
public final class AdamW: RestorableOptimizer {
    public var name: String { adam.name }
    public var learningRate: LearningRate {
        get { adam.learningRate }
        set { adam.learningRate = newValue }
    }
    public var weightDecay: Float { adam.weightDecay ?? 0 }
    public var beta1: Float { adam.beta1 }
    public var beta2: Float { adam.beta2 }
    public var epsilon: Float { adam.epsilon }
    public var amsgrad: Bool { adam.amsgrad }
    public var clipping: GradientClipping { adam.clipping }
    public var iterations: Int { adam.iterations }
    /// The Adam rule, named "AdamW", with the decay switched on.
    private let adam: Adam

    /// - Throws: `OptimizerError` when the decay or a beta is out of range, a rate is negative, or the clipping is invalid.
    public init(learningRate: LearningRate = 0.001, weightDecay: Float = 0.004, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-7, amsgrad: Bool = false,
                clipnorm: Float? = nil, clipvalue: Float? = nil, globalClipnorm: Float? = nil) throws(OptimizerError) {
        adam = try Adam(kind: "AdamW", learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                        amsgrad: amsgrad, weightDecay: weightDecay, clipnorm: clipnorm, clipvalue: clipvalue,
                        globalClipnorm: globalClipnorm)
    }

    public func use(_ pool: ThreadPool) { adam.use(pool) }

    public func apply(to parameters: [Parameter]) { adam.apply(to: parameters) }
    public func stateSnapshot(for parameters: [Parameter]) -> OptimizerState { adam.stateSnapshot(for: parameters) }
    public func restoreState(_ state: OptimizerState, for parameters: [Parameter]) throws(OptimizerError) {
        try adam.restoreState(state, for: parameters)
    }
}
