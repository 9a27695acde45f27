/// Keras Tuner's `_populate_initial_space`: the search space declared before the first trial, by
/// `declare_hyperparameters` and then by building the hypermodel until every conditional scope it
/// opened has been active once (each build sets the parents of a scope not yet seen active), so a
/// search space summary lists every branch's hyperparameters.
public enum InitialSpace {
    /// Populates `oracle`'s space. Each scope gets one attempt at activation, so a scope that no
    /// parent values can activate ends the exploration instead of looping (Keras Tuner loops).
    /// Errors from `build` propagate; the space gathered until then is kept.
    public static func populate(_ oracle: Oracle, hypermodel: any Hypermodel) throws {
        let declared = oracle.getSpace()
        try hypermodel.declareHyperparameters(declared)
        try oracle.updateSpace(declared)

        var seenActive: Set<[Condition]> = []
        var attempted: Set<[Condition]> = []
        var hp = oracle.getSpace()
        while true {
            _ = try hypermodel.build(hp)
            try oracle.updateSpace(hp)
            seenActive.formUnion(hp.activeScopes)
            guard let next = hp.inactiveScopes.first(where: { !seenActive.contains($0) && !attempted.contains($0) }) else {
                return
            }
            attempted.insert(next)
            hp = oracle.getSpace()
            for condition in next { hp.values[condition.parentName] = condition.values[0] }
            hp.ensureActiveValues()
        }
    }
}
