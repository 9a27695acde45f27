/// "Active only when the parent hyperparameter has one of these values" (Keras Tuner's `Parent`).
public struct Condition: Hashable, Sendable {
    public let parentName: String
    public let values: [HPValue]

    public init(parentName: String, values: [HPValue]) throws {
        guard let first = values.first else {
            throw EngineError.invalid("conditional_scope: parent_values for '\(parentName)' must not be empty")
        }
        guard values.allSatisfy({ $0.typeName == first.typeName }) else {
            throw EngineError.invalid(
                "conditional_scope: parent_values for '\(parentName)' must all be of one type, got \(values.map(\.pythonRepr))")
        }
        self.parentName = parentName
        self.values = values
    }

    /// Active when the parent is active and its value is one of ours. Ints and floats compare by
    /// value, so `parent_values={1}` matches a Float parent at 1.0 as Python's `in` does.
    public func isActive(_ current: HPValues) -> Bool {
        guard let v = current[parentName] else { return false }
        return values.contains { Condition.matches($0, v) }
    }

    static func matches(_ a: HPValue, _ b: HPValue) -> Bool {
        if a == b { return true }
        if let x = a.numeric, let y = b.numeric { return x == y }
        return false
    }

    var json: JSON {
        .object([("class_name", .string("Parent")),
                 ("config", .object([("name", .string(parentName)), ("values", .array(values.map(\.json)))]))])
    }

    init(json: JSON) throws {
        let config = json["config"] ?? json
        guard let name = config["name"]?.stringValue, let values = config["values"]?.arrayValue else {
            throw EngineError(.corruptData, "Condition: malformed stored condition \(json.encoded)")
        }
        try self.init(parentName: name, values: values.compactMap(HPValue.init(json:)))
    }

    /// Python's repr of the condition config, as `search_space_summary` prints it.
    var pythonRepr: String {
        "{'class_name': 'Parent', 'config': {'name': \(PyFormat.quote(parentName)), 'values': [\(values.map(\.pythonRepr).joined(separator: ", "))]}}"
    }
}
