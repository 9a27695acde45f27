/// Thrown by user code (`error(kt.errors.TrialPruned())`, Optuna's `raise TrialPruned()`) to end
/// the trial as PRUNED.
public struct TrialPruned: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String = "") { self.message = message }
    public var description: String { message.isEmpty ? "TrialPruned" : "TrialPruned: \(message)" }
}
