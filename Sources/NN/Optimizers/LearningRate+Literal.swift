/// `Adam(learningRate: 0.01)` reads like Keras's `Adam(learning_rate=0.01)`.
extension LearningRate: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    public init(floatLiteral value: Float) { self = .constant(value) }
    public init(integerLiteral value: Int) { self = .constant(Float(value)) }
}

extension LearningRate {
    /// Rejects a negative or non-finite constant rate (a schedule validated its own arguments).
    func validated(for optimizer: String) throws(OptimizerError) -> LearningRate {
        if case .constant(let rate) = self, !(rate.isFinite && rate >= 0) {
            throw OptimizerError(optimizer, "learning_rate must be a finite number >= 0, got \(rate)")
        }
        return self
    }
}
