/// An error in how the training engine was used: a bad argument, shapes that don't fit, a
/// malformed file. Its `description` is one line that names the layer or argument and what was
/// expected, so the Lua side can show it as is.
public struct NNError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        case invalidArgument, shapeMismatch, notBuilt, notCompiled, fileFormat, io, cancelled
    }
    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func argument(_ message: String) -> NNError { NNError(.invalidArgument, message) }
    static func shape(_ message: String) -> NNError { NNError(.shapeMismatch, message) }
    static func file(_ message: String) -> NNError { NNError(.fileFormat, message) }

    /// Raised by `fit`/`evaluate`/`predict` when the host's cancellation flag is set.
    public static let cancelled = NNError(.cancelled, "training cancelled")
}

/// Shapes printed as Keras prints them: `(None, 8, 8, 1)`.
func formatShape(_ perSample: [Int], batch: Int? = nil) -> String {
    let first = batch.map(String.init) ?? "None"
    let dims = [first] + perSample.map(String.init)
    return "(" + dims.joined(separator: ", ") + (dims.count == 1 ? ",)" : ")")
}
