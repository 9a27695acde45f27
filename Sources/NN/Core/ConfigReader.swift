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
