/// Thrown by a `TrialRunner` when `trial_timeout` stopped the trial's code: the trial is FAILED
/// with "timed out after N s" and not retried (the same values would hang again).
public struct TrialTimedOut: Error, CustomStringConvertible, Sendable {
    public let seconds: Double
    public init(seconds: Double) { self.seconds = seconds }
    public var description: String { SearchBudget.timeoutMessage(seconds) }
}
