/// Thrown by user code (`error(kt.errors.FatalError("…"))`): the search stops and the error
/// propagates; the running trial is left to run again when the search resumes.
public struct FatalError: Error, CustomStringConvertible, TracebackCarrying {
    public let message: String
    public let traceback: String?
    public init(_ message: String, traceback: String? = nil) {
        self.message = message
        self.traceback = traceback
    }
    public var description: String { message }
}
