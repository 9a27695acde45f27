/// The error every Engine API throws on bad input or a failed operation.
///
/// `description` is one line naming the function, the argument and what was expected
/// (`Int: min_value must be an integer, got 1.5`), so the Lua binding can raise it as is.
public struct EngineError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for callers that branch on it.
    public enum Kind: String, Sendable {
        case invalidArgument
        case inactive
        case notFound
        case invalidResult
        case storage
        case projectLocked
        case incompatibleProject
        case corruptData
        case searchAborted
        case interrupted
        case notImplemented
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ message: String) -> EngineError { EngineError(.invalidArgument, message) }
}
