/// Steps through the configurations of a space in odometer order, Keras Tuner's grid order: the
/// last declared hyperparameter turns fastest, each hyperparameter runs its default first and then
/// its other values, a child that becomes inactive resets, and a parent turns only after all its
/// active children have run through.
struct ConfigurationOdometer {
    let space: [HyperParameter]
    /// Per space position: default first, then the remaining values.
    let lists: [[HPValue]]

    /// `valueList` gives each hyperparameter's values, or nil when it has no finite list.
    init?(space: [HyperParameter], valueList: (HyperParameter) -> [HPValue]?) {
        var lists: [[HPValue]] = []
        for hp in space {
            guard let values = valueList(hp) else { return nil }
            let d = hp.defaultValue
            lists.append([d] + values.filter { $0 != d })
        }
        self.space = space
        self.lists = lists
    }

    /// The all-defaults configuration (active hyperparameters only).
    var first: HPValues {
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
