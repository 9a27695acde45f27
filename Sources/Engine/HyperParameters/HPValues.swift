/// Hyperparameter values by name, in insertion order (Keras Tuner's `values` dict keeps the
/// declaration order, and the trial table prints in it).
public struct HPValues: Equatable, Sendable, Sequence {
    public private(set) var names: [String] = []
    private var storage: [String: HPValue] = [:]

    public init() {}

    public init(_ pairs: [(String, HPValue)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { names.count }
    public var isEmpty: Bool { names.isEmpty }

    public subscript(name: String) -> HPValue? {
        get { storage[name] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: name) == nil { names.append(name) }
            } else if storage.removeValue(forKey: name) != nil {
                names.removeAll { $0 == name }
            }
        }
    }

    public func contains(_ name: String) -> Bool { storage[name] != nil }

    public func makeIterator() -> AnyIterator<(name: String, value: HPValue)> {
        var i = 0
        return AnyIterator {
            guard i < names.count else { return nil }
            defer { i += 1 }
            return (names[i], storage[names[i]]!)
        }
    }

    public static func == (lhs: HPValues, rhs: HPValues) -> Bool { lhs.storage == rhs.storage }

    /// Identifies the configuration regardless of order, for "never repeat a configuration".
    public var configurationKey: ConfigurationKey { ConfigurationKey(self) }

    public var json: JSON { .object(names.map { ($0, storage[$0]!.json) }) }

    public init(json: JSON) throws {
        guard case let .object(pairs) = json else {
            throw EngineError(.corruptData, "HPValues: stored values are not an object: \(json.encoded)")
        }
        for (k, v) in pairs {
            guard let value = HPValue(json: v) else {
                throw EngineError(.corruptData, "HPValues: stored value of '\(k)' is not a hyperparameter value")
            }
            self[k] = value
        }
    }
}
