/// Each trial's encoding in the model space, computed once per trial rather than once per
/// proposal: encoding every trial again made a long search's proposals grow costlier with each
/// trial. A trial's values only change by gaining entries (a hyperparameter it declared while
/// running), which the value count catches; everything is forgotten when the space changes.
final class TrialEncodings {
    struct Encoding {
        /// Every tunable dimension (inactive ones at their default's encoding).
        let full: [Double]
        /// nil where the hyperparameter was inactive in the trial.
        let partial: [Double?]
    }

    private var space: (id: ObjectIdentifier, version: Int)?
    private var byTrial: [String: (valueCount: Int, encoding: Encoding)] = [:]

    func encoding(of trial: Trial, in model: ModelSpace, of hyperparameters: HyperParameters) -> Encoding {
        let current = (ObjectIdentifier(hyperparameters), hyperparameters.spaceVersion)
        if space?.id != current.0 || space?.version != current.1 {
            space = current
            byTrial = [:]
        }
        let valueCount = trial.hyperparameters.values.count
        if let known = byTrial[trial.trialId], known.valueCount == valueCount { return known.encoding }
        let encoding = Encoding(full: model.vector(trial.hyperparameters), partial: model.partialVector(trial.hyperparameters))
        byTrial[trial.trialId] = (valueCount, encoding)
        return encoding
    }
}
