/// Bad input to a loss: an unknown name, an invalid argument, or targets that do not fit the
/// predictions. `description` is one line naming the loss or argument and what was wrong.
public struct LossError: Error, CustomStringConvertible, Equatable {
    /// The loss, function or argument at fault, e.g. "SparseCategoricalCrossentropy".
    public let context: String
    public let message: String

    public init(_ context: String, _ message: String) {
        self.context = context
        self.message = message
    }

    public var description: String { "\(context): \(message)" }
}
