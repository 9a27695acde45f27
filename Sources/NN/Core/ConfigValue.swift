/// One argument in a layer's saved config (Keras's `get_config()`), JSON-codable.
public enum ConfigValue: Codable, Equatable, Sendable {
    case int(Int), double(Double), string(String), bool(Bool), ints([Int]), null

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { self = .ints(try c.decode([Int].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .ints(let v): try c.encode(v)
        case .null: try c.encodeNil()
        }
    }

    var int: Int? {
        switch self { case .int(let v): v; case .double(let v): Int(exactly: v); default: nil }
    }
    var double: Double? {
        switch self { case .int(let v): Double(v); case .double(let v): v; default: nil }
    }
    var string: String? { if case .string(let v) = self { v } else { nil } }
    var bool: Bool? { if case .bool(let v) = self { v } else { nil } }
    var ints: [Int]? {
        switch self { case .ints(let v): v; case .int(let v): [v]; default: nil }
    }
}

/// A layer's config: argument name → value, with typed readers that fail with clear errors.
public typealias LayerConfig = [String: ConfigValue]

extension Dictionary where Key == String, Value == ConfigValue {
    func read<T>(_ key: String, _ layer: String, _ get: (ConfigValue) -> T?) throws -> T {
        guard let v = self[key], let t = get(v) else {
            throw NNError.file("\(layer): config entry '\(key)' is missing or has the wrong type")
        }
        return t
    }
}
