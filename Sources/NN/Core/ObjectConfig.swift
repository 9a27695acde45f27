/// Keras's `{"class_name": …, "config": {…}}`: an object's class and constructor arguments by
/// their Keras (snake_case) names. Codable, so a compiled model's optimizer and loss can be saved
/// with it and rebuilt (`from(config:)`), and so keyword arguments gathered elsewhere (a Lua
/// options table) can construct an object with unknown keywords rejected.
public struct ObjectConfig: Codable, Sendable, Equatable {
    public var className: String
    public var config: [String: ObjectConfig.Value]

    public init(className: String, config: [String: ObjectConfig.Value] = [:]) {
        self.className = className
        self.config = config
    }

    enum CodingKeys: String, CodingKey {
        case className = "class_name"
        case config
    }
}

extension ObjectConfig {
    /// A JSON-like argument value in an `ObjectConfig`.
    public indirect enum Value: Codable, Sendable, Equatable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case object(ObjectConfig)

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else if let value = try? container.decode(String.self) { self = .string(value) }
            else { self = .object(try container.decode(ObjectConfig.self)) }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .null: try container.encodeNil()
            case .bool(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            case .object(let value): try container.encode(value)
            }
        }

        var typeName: String {
            switch self {
            case .null: "nil"
            case .bool: "boolean"
            case .number: "number"
            case .string: "string"
            case .object: "object"
            }
        }
    }
}

/// A config whose arguments do not fit: an unknown keyword (with a did-you-mean), a value of the
/// wrong type, or an unknown class name. One line naming the class and the argument.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public let context: String
    public let message: String

    public init(_ context: String, _ message: String) {
        self.context = context
        self.message = message
    }

    public var description: String { "\(context): \(message)" }
}

/// Reads an `ObjectConfig`'s arguments with defaults, then rejects whatever was not read.
struct ConfigReader {
    let config: ObjectConfig
    private var used: Set<String> = []

    init(_ config: ObjectConfig) { self.config = config }

    private mutating func value(_ key: String) -> ObjectConfig.Value? {
        used.insert(key)
        if let value = config.config[key], value != .null { return value }
        return nil
    }

    mutating func float(_ key: String, _ fallback: Float) throws(ConfigError) -> Float {
        try optionalFloat(key) ?? fallback
    }

    mutating func optionalFloat(_ key: String) throws(ConfigError) -> Float? {
        guard let value = value(key) else { return nil }
        guard case .number(let number) = value else { throw mismatch(key, "number", value) }
        return Float(number)
    }

    mutating func int(_ key: String, _ fallback: Int? = nil) throws(ConfigError) -> Int {
        guard let value = value(key) else {
            if let fallback { return fallback }
            throw ConfigError(config.className, "missing required argument '\(key)'")
        }
        guard case .number(let number) = value, number == number.rounded(), abs(number) < 1e15 else {
            throw mismatch(key, "integer", value)
        }
        return Int(number)
    }

    mutating func bool(_ key: String, _ fallback: Bool) throws(ConfigError) -> Bool {
        guard let value = value(key) else { return fallback }
        guard case .bool(let flag) = value else { throw mismatch(key, "boolean", value) }
        return flag
    }

    mutating func string(_ key: String, _ fallback: String) throws(ConfigError) -> String {
        guard let value = value(key) else { return fallback }
        guard case .string(let text) = value else { throw mismatch(key, "string", value) }
        return text
    }

    mutating func requiredFloat(_ key: String) throws(ConfigError) -> Float {
        guard let number = try optionalFloat(key) else {
            throw ConfigError(config.className, "missing required argument '\(key)'")
        }
        return number
    }

    mutating func learningRate(_ key: String, _ fallback: Float) throws -> LearningRate {
        guard let value = value(key) else { return .constant(fallback) }
        switch value {
        case .number(let number): return .constant(Float(number))
        case .object(let schedule): return .schedule(try Schedules.from(config: schedule))
        default: throw mismatch(key, "number or schedule", value)
        }
    }

    /// Throws for the first argument that was given but never read.
    func finish() throws(ConfigError) {
        let known = Array(used).sorted()
        if let unknown = config.config.keys.sorted().first(where: { !used.contains($0) }) {
            throw ConfigError(config.className, "unknown argument '\(unknown)'\(NameSuggestion.hint(for: unknown, in: known))")
        }
    }

    private func mismatch(_ key: String, _ expected: String, _ value: ObjectConfig.Value) -> ConfigError {
        ConfigError(config.className, "argument '\(key)' must be a \(expected), got \(value.typeName)")
    }
}
