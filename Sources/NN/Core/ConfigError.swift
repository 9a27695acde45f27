/// A config whose arguments do not fit: an unknown keyword (with a did-you-mean), a value of the
/// wrong type, or an unknown class name. One line naming the class and the argument.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let context: String
    public let message: String

    public init(_ context: String, _ message: String) {
        self.context = context
        self.message = message
    }

    public var description: String { "\(context): \(message)" }
}
