/// Thrown by a runner when the user interrupted (Ctrl-C) inside `run_trial`. The loop also treats
/// any error as an interruption when `Tuner.interruptRequested` says so.
public struct SearchInterrupted: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted" }
}
