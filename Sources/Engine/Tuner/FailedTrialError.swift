/// Thrown by user code (`error(kt.errors.FailedTrialError("…"))`): the trial fails without retry.
public struct FailedTrialError: Error, CustomStringConvertible, TracebackCarrying {
    public let message: String
    public let traceback: String?
    public init(_ message: String, traceback: String? = nil) {
        self.message = message
        self.traceback = traceback
    }
    public var description: String { message }
}
