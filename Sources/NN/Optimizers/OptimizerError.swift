/// Bad input to an optimizer or a learning-rate schedule: an unknown name, an argument out of
/// range, or a saved state that does not fit. `description` is one line naming the optimizer or
/// schedule, the argument, and what was wrong.
public struct OptimizerError: Error, CustomStringConvertible, Equatable {
    /// The optimizer, schedule or argument at fault, e.g. "SGD" or "ExponentialDecay".
    public let context: String
    public let message: String

    public init(_ context: String, _ message: String) {
        self.context = context
        self.message = message
    }

    public var description: String { "\(context): \(message)" }
}
