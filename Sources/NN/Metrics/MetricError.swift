/// Bad input to a metric: an unknown name or an invalid argument. `description` is one line
/// naming the metric or argument and what was wrong.
public struct MetricError: Error, CustomStringConvertible, Equatable {
    public let context: String
    public let message: String

    public init(_ context: String, _ message: String) {
        self.context = context
        self.message = message
    }

    public var description: String { "\(context): \(message)" }
}
