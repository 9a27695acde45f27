/// Bad data or a bad call in the data helpers: a malformed or truncated file, an empty data set,
/// or an invalid argument. `description` is one line that names the file (with the line and
/// column, or the byte offset) or the function and argument, then what was wrong.
public struct DataError: Error, CustomStringConvertible, Equatable {
    /// Where: `"iris.csv:12:3"`, `"train.idx: byte 16"`, or a function such as `"split"`.
    public let context: String
    public let message: String

    public init(_ context: String, _ message: String) {
        self.context = context
        self.message = message
    }

    public var description: String { "\(context): \(message)" }
}
