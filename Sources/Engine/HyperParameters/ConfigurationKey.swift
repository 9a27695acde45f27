/// Identifies a configuration regardless of declaration order (Keras Tuner hashes the sorted
/// `name=value` pairs). Kinds are part of it: `1` and `1.0` differ.
public struct ConfigurationKey: Hashable, Sendable {
    let names: [String]
    let values: [HPValue]

    init(_ values: HPValues) {
        if values.count <= 1 {
            names = values.names
            self.values = values.names.map { values[$0]! }
            return
        }
        let sorted = values.names.sorted()
        names = sorted
        self.values = sorted.map { values[$0]! }
    }
}
