/// Grid search (Keras Tuner's `GridSearchOracle`): every combination of the hyperparameters'
/// values exactly once, in odometer order starting from the defaults. Each hyperparameter's values
/// are its grid values with its default first: ascending for Int and Float (a Float without a
/// step, or a log-sampled Int without one, uses the centres of 10 equal-probability buckets),
/// Choice in declared order. So `Int(1, 5) × Float(1, 2)` is 5 × 11 = 55 trials, as in Keras Tuner.
/// Only active hyperparameters turn: children of a branch are enumerated while it is taken.
///
/// The next point is computed from the last started trial's values, which are stored with the
/// trial, so a stopped or crashed search resumes exactly where it was (Keras Tuner loses its queue).
public final class GridSearchOracle: Oracle {
    public override var kind: String { "GridSearch" }

    /// Larger value lists are almost surely a mistake (a tiny step) and would exhaust memory.
    public static let maxValuesPerHyperparameter = 1_000_000

    /// Odometer steps taken by this oracle so far (each one a distinct configuration), so tests can
    /// bound the work between two trials without timing it.
    private(set) var odometerSteps = 0

    public override func populateSpace(trialId: String) throws -> PopulateResponse {
        for hp in hyperparameters.space where hp.gridCount > GridSearchOracle.maxValuesPerHyperparameter {
            throw EngineError.invalid("GridSearch: hyperparameter '\(hp.name)' has \(hp.gridCount) grid values (at most \(GridSearchOracle.maxValuesPerHyperparameter)); use a larger step")
        }
        guard let odometer = ConfigurationOdometer(space: hyperparameters.space, valueList: { $0.gridValues }) else {
            return .stopped(reason: nil)
        }
        guard let last = orderedTrials.last else { return .running(odometer.first) }
        // From the last started trial (hyperparameters declared since then join at their default).
        // Each step is a new configuration, so this walk is at most as long as the trials so far.
        var current = odometer.position(of: last.hyperparameters.values)
        if !isDuplicate(current.values) { return .running(current.values) }
        while let next = odometer.advanced(current) {
            odometerSteps += 1
            if odometerSteps % Oracle.interruptPollInterval == 0 && interruptRequested() {
                throw EngineError(.interrupted, "GridSearch: interrupted while looking for the next grid point after trial \(last.trialId)")
            }
            if !isDuplicate(next.values) { return .running(next.values) }
            current = next
        }
        // Keras Tuner waits for running trials: they may declare hyperparameters that extend the grid.
        if orderedTrials.contains(where: { $0.status == .running && $0.trialId != trialId }) { return .idle }
        return .stopped(reason: "Search space exhausted: all \(triedCount) grid points have been tried (\(orderedTrials.count) trials ran).")
    }
}
