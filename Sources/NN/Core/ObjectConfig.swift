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
