/// What the model-based oracles (Bayesian optimization, TPE) share around their models.
extension Oracle {
    /// Points of the seeded startup design until `designPoints` trials have scores, then the model's
    /// proposal; a configuration already run is replaced by a random one, and an exhausted finite
    /// space ends the search with its reason.
    func designThenModel(_ model: ModelSpace, scoredTrials: Int, designPoints: Int,
                         propose: () -> [Double]?) throws -> PopulateResponse {
        let values: HPValues
        if scoredTrials < designPoints {
            let design = StartupDesign(dimensions: model.dimensions.count, seed: seed)
            values = model.values(model.dimensions.snap(design.point(orderedTrials.count)))
        } else {
            guard let x = propose() else { return exhausted() }
            values = model.values(x)
        }
        return isDuplicate(values) ? try randomOrStop() : .running(values)
    }

    /// A space with nothing to tune has one configuration: run it once, then stop and say why.
    func onlyFixedValues(_ model: ModelSpace) -> PopulateResponse {
        let values = model.values([])
        if isDuplicate(values) {
            return .stopped(reason: "The search space has only Fixed values, so its single configuration has been run; nothing is left to tune.")
        }
        return .running(values)
    }

    func exhausted() -> PopulateResponse {
        .stopped(reason: "Search space exhausted: all \(triedCount) distinct configurations have been tried (\(orderedTrials.count) trials ran).")
    }

    /// The base's random draw (which enumerates a finite space after repeated collisions), or the end.
    func randomOrStop() throws -> PopulateResponse {
        guard let values = try randomValues() else { return exhausted() }
        return .running(values)
    }
}
