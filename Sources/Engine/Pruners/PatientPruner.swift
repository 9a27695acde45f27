/// Optuna's `PatientPruner`: asks the wrapped pruner (or prunes, without one) only once the trial
/// has gone `patience` steps without improving by more than `minDelta`.
public final class PatientPruner: Pruner {
    public let wrapped: (any Pruner)?
    public let patience: Int
    public let minDelta: Double

    public init(wrapped: (any Pruner)?, patience: Int, minDelta: Double = 0) throws {
        guard patience >= 0 else { throw EngineError.invalid("PatientPruner: patience cannot be negative, got \(patience)") }
        guard minDelta >= 0 else { throw EngineError.invalid("PatientPruner: min_delta cannot be negative, got \(minDelta)") }
        self.wrapped = wrapped
        self.patience = patience
        self.minDelta = minDelta
    }

    public var kind: String { "PatientPruner" }

    public func prune(_ trial: Trial, in study: PruningStudy) -> Bool {
        let values = trial.intermediateValues.objective
        guard values.count > patience + 1 else { return false }
        let steps = values.keys.sorted()
        let split = steps.count - patience - 1
        let before = steps[..<split].map { values[$0]! }
        let after = steps[split...].map { values[$0]! }
        let maybePrune: Bool
        if study.direction == .min {
            maybePrune = PrunerMath.nanBest(before, .min) + minDelta < PrunerMath.nanBest(after, .min)
        } else {
            maybePrune = PrunerMath.nanBest(before, .max) - minDelta > PrunerMath.nanBest(after, .max)
        }
        guard maybePrune else { return false }
        return wrapped?.prune(trial, in: study) ?? true
    }

    public var state: JSON { wrapped?.state ?? .null }
    public func restore(_ state: JSON) throws { try wrapped?.restore(state) }
    public func forget(trialId: String) { wrapped?.forget(trialId: trialId) }
}
