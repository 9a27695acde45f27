/// Keras Tuner's trial statuses, with their spelling as stored and shown to Lua.
public enum TrialStatus: String, Sendable, CaseIterable {
    /// Running now, or waiting to be run again (after a crash, Ctrl-C, or as a retry).
    case running = "RUNNING"
    case idle = "IDLE"
    /// Failed with an ordinary error or a NaN objective; retried while retries remain.
    case invalid = "INVALID"
    case stopped = "STOPPED"
    case completed = "COMPLETED"
    /// Out of retries, or failed with `FailedTrialError`.
    case failed = "FAILED"
    /// Stopped early by the pruner (or by `TrialPruned`): never best, never retried.
    case pruned = "PRUNED"
}
