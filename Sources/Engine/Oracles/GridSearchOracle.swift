/// Grid search (Keras Tuner's `GridSearchOracle`): the defaults first, then every other
/// combination in odometer order (the last declared hyperparameter turns fastest; each one runs its
/// default first, then its other values ascending, Choice in declared order; a Float without a step
/// uses 10 bucket centres). Never repeats a point.
///
/// The next point is computed from the last started trial's values, which are stored with the
/// trial, so a stopped or crashed search resumes exactly where it was (Keras Tuner loses its queue).
public final class GridSearchOracle: Oracle {
    /// Keras Tuner's defaults: `max_trials=None` (unlimited).
    public override init(objective: Objective = .defaultObjective, maxTrials: Int? = nil, hyperparameters: HyperParameters? = nil,
                         allowNewEntries: Bool = true, tuneNewEntries: Bool = true, seed: Int? = nil,
                         maxRetriesPerTrial: Int = 0, maxConsecutiveFailedTrials: Int? = 3) throws {
        try super.init(objective: objective, maxTrials: maxTrials, hyperparameters: hyperparameters,
                       allowNewEntries: allowNewEntries, tuneNewEntries: tuneNewEntries, seed: seed,
                       maxRetriesPerTrial: maxRetriesPerTrial, maxConsecutiveFailedTrials: maxConsecutiveFailedTrials)
    }

    public override var kind: String { "GridSearch" }

    /// Larger value lists are almost surely a mistake (a tiny step) and would exhaust memory.
    public static let maxValuesPerHyperparameter = 1_000_000

    public override func populateSpace(trialId: String) throws -> PopulateResponse {
        for hp in hyperparameters.space where hp.gridCount > GridSearchOracle.maxValuesPerHyperparameter {
            throw EngineError.invalid("GridSearch: hyperparameter '\(hp.name)' has \(hp.gridCount) grid values (at most \(GridSearchOracle.maxValuesPerHyperparameter)); use a larger step")
        }
        guard let odometer = ConfigurationOdometer(space: hyperparameters.space, valueList: { $0.gridValues }) else {
            return .stopped(reason: nil)
        }
        guard let last = orderedTrials.last else { return .running(odometer.first) }
        // Hyperparameters declared after the last trial started join at their defaults.
        var current = odometer.normalized(last.hyperparameters.values)
        if !isDuplicate(current) { return .running(current) }
        while let next = odometer.next(after: current) {
            if !isDuplicate(next) { return .running(next) }
            current = next
        }
        return .stopped(reason: "Search space exhausted: all \(triedCount) grid points have been tried (\(orderedTrials.count) trials ran).")
    }
}
