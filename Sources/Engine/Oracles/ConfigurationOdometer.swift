/// Steps through the configurations of a space in odometer order, as Keras Tuner's grid does:
/// each hyperparameter runs through its values with its default first (then the others in the
/// order `valueList` gives), the last declared turns fastest, and a parent turns only after all
/// its active children have run through.
///
/// Only active hyperparameters turn: an inactive one keeps no value and never moves, so the
/// configurations between two positions are active ones, however many inactive children the
/// space declares. A name declared under several parents is owned, in each configuration, by the
/// first active declaration (as `HyperParameters.ensureActiveValues` decides).
struct ConfigurationOdometer {
    let space: [HyperParameter]
    /// Per space position: the values in the order they are visited, the default first.
    let lists: [[HPValue]]

    /// A configuration with, per space position, its place in `lists` (nil when the position is
    /// inactive or another declaration owns its name; -1 for a value that is not in the list).
    /// Walking positions rather than values finds each value's place once per walk, not per step.
    struct Position {
        var index: [Int?]
        var values: HPValues
    }

    /// `valueList` gives each hyperparameter's values, or nil when it has no finite list. The
    /// default is added when it is not among them (Keras Tuner: a `Float(1, 2)` without a step has
    /// its default 1.0 plus 10 bucket centres).
    init?(space: [HyperParameter], valueList: (HyperParameter) -> [HPValue]?) {
        var lists: [[HPValue]] = []
        for hp in space {
            guard let values = valueList(hp), !values.isEmpty else { return nil }
            let d = hp.defaultValue
            lists.append([d] + values.filter { $0 != d })
        }
        self.space = space
        self.lists = lists
    }

    /// The all-defaults configuration (active hyperparameters only): the grid's first trial.
    var first: HPValues { normalized(HPValues()) }

    /// Drops inactive values and gives newly active hyperparameters their default, in space order.
    func normalized(_ values: HPValues) -> HPValues { position(of: values).values }

    /// Where `values` sits (normalized: values missing from it count as the default).
    /// Costs O(values) per position; a walk pays it once.
    func position(of values: HPValues) -> Position {
        var out = HPValues()
        var index = [Int?](repeating: nil, count: space.count)
        for (i, hp) in space.enumerated() where !out.contains(hp.name) && hp.conditions.allSatisfy({ $0.isActive(out) }) {
            let v = values[hp.name] ?? lists[i][0]
            out[hp.name] = v
            index[i] = lists[i].firstIndex(of: v) ?? -1
        }
        return Position(index: index, values: out)
    }

    /// The position after `p`, or nil when `p` is the last one: the last active position that can
    /// turn does, earlier ones keep their values (their activity cannot depend on later ones), and
    /// later active ones start again at their default. Inactive positions never turn. O(space).
    func advanced(_ p: Position) -> Position? {
        guard let k = space.indices.last(where: { i in p.index[i].map { at in at + 1 < lists[i].count } ?? false }) else {
            return nil
        }
        var out = HPValues()
        var index = [Int?](repeating: nil, count: space.count)
        for (j, hp) in space.enumerated() where !out.contains(hp.name) && hp.conditions.allSatisfy({ $0.isActive(out) }) {
            if j < k {
                out[hp.name] = p.values[hp.name]!
                index[j] = p.index[j]
            } else {
                let at = j == k ? p.index[k]! + 1 : 0
                out[hp.name] = lists[j][at]
                index[j] = at
            }
        }
        return Position(index: index, values: out)
    }
}
