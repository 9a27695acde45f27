import Foundation

/// Keras's `ExponentialDecay`: `initial_learning_rate · decay_rate^(step / decay_steps)`, with the
/// exponent floored when `staircase` is true (the rate then drops once every `decay_steps`).
public struct ExponentialDecay: LearningRateSchedule, Equatable {
    public let initialLearningRate: Float
    public let decaySteps: Int
    public let decayRate: Float
    public let staircase: Bool
    public let name: String

    /// - Throws: `OptimizerError` when `decaySteps` ≤ 0, or a rate is negative or not finite.
    public init(initialLearningRate: Float, decaySteps: Int, decayRate: Float, staircase: Bool = false,
                name: String = "ExponentialDecay") throws(OptimizerError) {
        guard decaySteps > 0 else { throw OptimizerError("ExponentialDecay", "decay_steps must be > 0, got \(decaySteps)") }
        guard initialLearningRate.isFinite, initialLearningRate >= 0 else {
            throw OptimizerError("ExponentialDecay", "initial_learning_rate must be a finite number >= 0, got \(initialLearningRate)")
        }
        guard decayRate.isFinite, decayRate >= 0 else {
            throw OptimizerError("ExponentialDecay", "decay_rate must be a finite number >= 0, got \(decayRate)")
        }
        self.initialLearningRate = initialLearningRate
        self.decaySteps = decaySteps
        self.decayRate = decayRate
        self.staircase = staircase
        self.name = name
    }

    public func learningRate(atStep step: Int) -> Float {
        var p = Double(step) / Double(decaySteps)
        if staircase { p = p.rounded(.down) }
        return Float(Double(initialLearningRate) * pow(Double(decayRate), p))
    }
}
