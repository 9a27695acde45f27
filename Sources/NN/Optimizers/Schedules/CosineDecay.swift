import Foundation

/// Keras's `CosineDecay`, with its optional linear warmup.
///
/// Without `warmupTarget`: `lr(step) = initial · ((1 − α)·½(1 + cos(π·min(step, decay_steps)/decay_steps)) + α)`.
/// With it: a linear ramp from `initial` to `warmupTarget` over `warmupSteps`, then the same cosine
/// decay from `warmupTarget`, over `decaySteps` steps counted after the warmup.
public struct CosineDecay: LearningRateSchedule, Equatable {
    public let initialLearningRate: Float
    public let decaySteps: Int
    public let alpha: Float
    public let name: String
    public let warmupTarget: Float?
    public let warmupSteps: Int

    /// - Throws: `OptimizerError` when `decaySteps` ≤ 0, `warmupSteps` < 0 (or 0 with a warmup
    ///   target), `alpha` outside `[0, 1]`, or a rate is negative or not finite.
    public init(initialLearningRate: Float, decaySteps: Int, alpha: Float = 0, name: String = "CosineDecay",
                warmupTarget: Float? = nil, warmupSteps: Int = 0) throws(OptimizerError) {
        guard decaySteps > 0 else { throw OptimizerError("CosineDecay", "decay_steps must be > 0, got \(decaySteps)") }
        guard warmupSteps >= 0 else { throw OptimizerError("CosineDecay", "warmup_steps must be >= 0, got \(warmupSteps)") }
        guard alpha >= 0, alpha <= 1 else { throw OptimizerError("CosineDecay", "alpha must be in [0, 1], got \(alpha)") }
        guard initialLearningRate.isFinite, initialLearningRate >= 0 else {
            throw OptimizerError("CosineDecay", "initial_learning_rate must be a finite number >= 0, got \(initialLearningRate)")
        }
        if let warmupTarget {
            guard warmupTarget.isFinite, warmupTarget >= 0 else {
                throw OptimizerError("CosineDecay", "warmup_target must be a finite number >= 0, got \(warmupTarget)")
            }
        }
        self.initialLearningRate = initialLearningRate
        self.decaySteps = decaySteps
        self.alpha = alpha
        self.name = name
        self.warmupTarget = warmupTarget
        self.warmupSteps = warmupSteps
    }

    public func learningRate(atStep step: Int) -> Float {
        let decaySteps = Double(self.decaySteps)
        let step = Double(max(step, 0))
        guard let warmupTarget else {
            return decay(min(step, decaySteps), from: Double(initialLearningRate))
        }
        let warmupSteps = Double(self.warmupSteps)
        let clamped = min(step, decaySteps + warmupSteps)
        if clamped < warmupSteps {
            let delta = Double(warmupTarget) - Double(initialLearningRate)
            return Float(delta * clamped / warmupSteps + Double(initialLearningRate))
        }
        return decay(clamped - warmupSteps, from: Double(warmupTarget))
    }

    private func decay(_ step: Double, from rate: Double) -> Float {
        let cosine = 0.5 * (1 + cos(Double.pi * step / Double(decaySteps)))
        let alpha = Double(self.alpha)
        return Float(rate * ((1 - alpha) * cosine + alpha))
    }
}
