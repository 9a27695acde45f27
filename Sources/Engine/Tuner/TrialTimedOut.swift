/// Thrown by a `TrialRunner` when `trial_timeout` (wall-clock) or the per-trial CPU limit
/// (`--cpu-limit`) stopped the trial's code: the trial is FAILED with "timed out after N s" or
/// "exceeded its CPU time limit of N s" and not retried (the same values would hang again).
public struct TrialTimedOut: Error, CustomStringConvertible, Sendable {
    public let seconds: Double
    /// The CPU-time limit stopped it, not the wall-clock timeout.
    public let cpu: Bool
    public init(seconds: Double, cpu: Bool = false) {
        self.seconds = seconds
        self.cpu = cpu
    }
    public var description: String {
        cpu ? "exceeded its CPU time limit of \(PyFormat.repr(seconds)) s" : SearchBudget.timeoutMessage(seconds)
    }
}
