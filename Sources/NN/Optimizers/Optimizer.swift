/// A learning rate: a constant, or a schedule of the optimizer's step count.
public enum LearningRate: Sendable {
    case constant(Float)
    case schedule(any LearningRateSchedule)

    public func value(atStep step: Int) -> Float {
        switch self {
        case .constant(let rate): return rate
        case .schedule(let schedule): return schedule.learningRate(atStep: step)
        }
    }
}

/// Keras's `keras.optimizers.schedules.*`: the learning rate as a function of the step (0-based
/// count of updates already applied).
public protocol LearningRateSchedule: Sendable {
    func learningRate(atStep step: Int) -> Float
}

/// Updates parameters from their gradients. Keeps its own per-parameter state (moments, …).
public protocol Optimizer: AnyObject {
    /// Keras's class name ("Adam", "SGD", …), for `summary` and saved configs.
    var name: String { get }
    var learningRate: LearningRate { get set }
    /// Updates applied so far (Keras's `optimizer.iterations`).
    var iterations: Int { get }
    /// Applies one update to every trainable parameter from its `gradient`, then counts the step.
    func apply(to parameters: [Parameter])
    /// Hands the optimizer the threads its model trains on, for its element-wise updates.
    func use(_ pool: ThreadPool)
}

extension Optimizer {
    public func use(_ pool: ThreadPool) {}
}
