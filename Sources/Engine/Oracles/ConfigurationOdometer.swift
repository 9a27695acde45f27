/// Steps through the configurations of a space in odometer order: the last declared
/// hyperparameter turns fastest, each one runs through its values in order (ascending; a Choice
/// in declared order), a child that becomes inactive resets, and a parent turns only after all its
/// active children have run through.
struct ConfigurationOdometer {
    let space: [HyperParameter]
    /// Per space position: the values in grid order.
    let lists: [[HPValue]]
    /// Per space position: the default value.
    let defaults: [HPValue]

    /// `valueList` gives each hyperparameter's values, or nil when it has no finite list.
    init?(space: [HyperParameter], valueList: (HyperParameter) -> [HPValue]?) {
        var lists: [[HPValue]] = []
        for hp in space {
            guard let values = valueList(hp), !values.isEmpty else { return nil }
            lists.append(values)
        }
        self.space = space
        self.lists = lists
        self.defaults = space.map(\.defaultValue)
    }

    /// The all-defaults configuration (active hyperparameters only): the grid's first trial.
    var first: HPValues {
        var v = HPValues()
        for (i, hp) in space.enumerated() where hp.conditions.allSatisfy({ $0.isActive(v) }) {
            v[hp.name] = defaults[i]
        }
        return v
    }

    /// The odometer's first position: every hyperparameter at its first value.
    var start: HPValues {
        var v = HPValues()
        for (i, hp) in space.enumerated() where hp.conditions.allSatisfy({ $0.isActive(v) }) {
            v[hp.name] = lists[i][0]
        }
        return v
    }

    /// The configuration after `values`, or nil when `values` is the last one.
    func next(after values: HPValues) -> HPValues? {
        var v = values
        var bumped = false
        for i in space.indices.reversed() {
            let hp = space[i]
            if hp.conditions.allSatisfy({ $0.isActive(v) }), let current = v[hp.name] {
                let list = lists[i]
                if current != list[list.count - 1] {
                    let at = list.firstIndex(of: current) ?? -1
                    v[hp.name] = list[at + 1]
                    bumped = true
                    break
                }
            }
            v[hp.name] = lists[i][0]
        }
        guard bumped else { return nil }
        return normalized(v)
    }

    /// Drops inactive values and gives newly active hyperparameters their default, in space order.
    func normalized(_ values: HPValues) -> HPValues {
        var out = HPValues()
        for (i, hp) in space.enumerated() where hp.conditions.allSatisfy({ $0.isActive(out) }) {
            if out.contains(hp.name) { continue }
            out[hp.name] = values[hp.name] ?? lists[i][0]
        }
        return out
    }
}
