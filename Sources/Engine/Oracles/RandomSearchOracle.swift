/// Random search (Keras Tuner's `RandomSearchOracle`): every trial draws each active
/// hyperparameter from its distribution; a configuration is never repeated, and an exhausted space
/// ends the search with a message.
public final class RandomSearchOracle: Oracle {
    /// Keras Tuner's defaults: `max_trials=10`, `max_retries_per_trial=0`, `max_consecutive_failed_trials=3`.
    /// Keras Tuner's `RandomSearch` default for `max_trials`.
    public static let defaultMaxTrials = 10

    public override init(objective: Objective = .defaultObjective, maxTrials: Int? = defaultMaxTrials, hyperparameters: HyperParameters? = nil,
                         allowNewEntries: Bool = Defaults.allowNewEntries, tuneNewEntries: Bool = Defaults.tuneNewEntries, seed: Int? = nil,
                         maxRetriesPerTrial: Int = Defaults.maxRetriesPerTrial,
                         maxConsecutiveFailedTrials: Int? = Defaults.maxConsecutiveFailedTrials) throws {
        try super.init(objective: objective, maxTrials: maxTrials, hyperparameters: hyperparameters,
                       allowNewEntries: allowNewEntries, tuneNewEntries: tuneNewEntries, seed: seed,
                       maxRetriesPerTrial: maxRetriesPerTrial, maxConsecutiveFailedTrials: maxConsecutiveFailedTrials)
    }

    public override var kind: String { "RandomSearch" }

    public override func populateSpace(trialId: String) throws -> PopulateResponse {
        guard let values = try randomValues() else {
            return .stopped(reason: "Search space exhausted: all \(triedCount) distinct configurations have been tried (\(orderedTrials.count) trials ran).")
        }
        return .running(values)
    }
}
