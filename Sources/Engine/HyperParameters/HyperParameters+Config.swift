/// Keras Tuner's `get_config()` / `from_config()`: a space and its values as a plain document that
/// users read, edit and hand back. Unlike `json` (the storage form, trusted), a config comes from
/// user code, so reading one validates everything and names the offending path.
extension HyperParameters {
    /// `{"space": [{"class_name": "Int", "config": {...}}, ...], "values": {...}}` with Keras Tuner's
    /// keys and its defaults (a Float's or Choice's unspecified default reads as the effective one).
    public var config: JSON {
        .object([("space", .array(space.map(\.config))), ("values", values.json)])
    }

    /// Rebuilds a space from a config as `config` makes it. Every hyperparameter goes through the
    /// validating constructors, a condition's parent must be declared before it, and every value
    /// must name a declared hyperparameter and be one it can take. Errors read
    /// `from_config: config.space[2].config.min_value must be a number (got string)`.
    public static func fromConfig(_ config: JSON, function: String = "from_config") throws -> HyperParameters {
        let reader = ConfigReader(function: function)
        guard case .object = config else {
            throw reader.error("config", "must be a table with 'space' and 'values' (got \(ConfigReader.kind(config)))")
        }
        try reader.noUnknownKeys(config, "config", allowed: ["space", "values"])
        let hps = HyperParameters()
        for (i, item) in try reader.list(config["space"], "config.space").enumerated() {
            let path = "config.space[\(i + 1)]"
            let hp = try HyperParameter(config: item, path: path, reader: reader)
            if hps.exists(hp) {
                throw reader.error(path, "'\(hp.name)' is declared twice with the same conditions")
            }
            for c in hp.conditions where !hps.isDeclared(c.parentName) {
                throw reader.error(path + ":", "the parent '\(c.parentName)' of '\(hp.name)' must be declared before it")
            }
            _ = try hps.register(hp, overwrite: false)
        }
        switch config["values"] {
        case nil, .null?: break
        case .array(let items)? where items.isEmpty: break
        case .object(let pairs)?:
            for (name, item) in pairs {
                let path = "config.values.\(name)"
                let declarations = hps.declarations(of: name)
                guard !declarations.isEmpty else {
                    throw reader.error(path, "names no hyperparameter of config.space")
                }
                guard let raw = HPValue(json: item) else {
                    throw reader.error(path, "must be a number, string or boolean (got \(ConfigReader.kind(item)))")
                }
                guard let value = declarations.lazy.compactMap({ $0.standardized(raw) }).first else {
                    throw reader.error(path, "= \(raw.pythonRepr) is not a value of \(declarations[0])")
                }
                hps.values[name] = value
            }
        case let other?:
            throw reader.error("config.values", "must be a table of values by name (got \(ConfigReader.kind(other)))")
        }
        // A value that switched a parent may leave children inactive, or activate ones not given.
        hps.ensureActiveValues()
        return hps
    }
}

extension HyperParameter {
    /// `{"class_name": "Float", "config": {...}}` exactly as Keras Tuner's `get_config` writes it:
    /// a Float's and a Choice's default is the effective one, an Int's stays unset when unset, a
    /// Fixed has no default.
    public var config: JSON { encoded(effectiveDefaults: true) }

    /// Reads one `{"class_name": …, "config": {…}}` entry of a user-supplied config (see
    /// `HyperParameters.fromConfig`); `path` names it in errors.
    public init(config json: JSON, path: String, function: String) throws {
        try self.init(config: json, path: path, reader: ConfigReader(function: function))
    }

    init(config json: JSON, path: String, reader r: ConfigReader) throws {
        guard case .object = json else {
            throw r.error(path, "must be a table with 'class_name' and 'config' (got \(ConfigReader.kind(json)))")
        }
        try r.noUnknownKeys(json, path, allowed: ["class_name", "config"])
        let classes = ["Float", "Int", "Choice", "Boolean", "Fixed"]
        let cls = try r.string(json["class_name"], "\(path).class_name")
        guard classes.contains(cls) else {
            throw r.error("\(path).class_name", "must be one of \(classes.joined(separator: ", ")) (got '\(cls)')")
        }
        let p = "\(path).config"
        guard let c = json["config"], case .object = c else {
            throw r.error(p, "must be a table (got \(json["config"].map(ConfigReader.kind) ?? "nil"))")
        }
        let common = ["name", "conditions"]
        let own: [String]
        switch cls {
        case "Float", "Int": own = ["default", "min_value", "max_value", "step", "sampling"]
        case "Choice": own = ["default", "values", "ordered"]
        case "Boolean": own = ["default"]
        default: own = ["value"]
        }
        try r.noUnknownKeys(c, p, allowed: common + own)
        let name = try r.string(c["name"], "\(p).name")
        let conditions = try r.list(c["conditions"], "\(p).conditions").enumerated().map { i, item in
            try Condition(config: item, path: "\(p).conditions[\(i + 1)]", reader: r)
        }
        do {
            switch cls {
            case "Float", "Int":
                let lo = try r.number(c["min_value"], "\(p).min_value")
                let hi = try r.number(c["max_value"], "\(p).max_value")
                let step = try r.optionalNumber(c["step"], "\(p).step")
                let sampling = try r.optionalString(c["sampling"], "\(p).sampling") ?? "linear"
                let def = try r.optionalNumber(c["default"], "\(p).default")
                self = cls == "Float"
                    ? try .float(name, minValue: lo, maxValue: hi, step: step, sampling: sampling, default: def, conditions: conditions)
                    : try .int(name, minValue: lo, maxValue: hi, step: step, sampling: sampling, default: def, conditions: conditions)
            case "Choice":
                let values = try r.list(c["values"], "\(p).values", required: true).enumerated().map { i, item in
                    try r.value(item, "\(p).values[\(i + 1)]")
                }
                let ordered = try r.optionalBool(c["ordered"], "\(p).ordered")
                let def = try c["default"].flatMap { $0 == .null ? nil : try r.value($0, "\(p).default") }
                self = try .choice(name, values: values, ordered: ordered, default: def, conditions: conditions)
            case "Boolean":
                self = .boolean(name, default: try r.optionalBool(c["default"], "\(p).default") ?? false, conditions: conditions)
            default:
                guard let v = c["value"], v != .null else { throw r.error("\(p).value", "is required") }
                self = .fixed(name, value: try r.value(v, "\(p).value"), conditions: conditions)
            }
        } catch let e as EngineError where e.kind == .invalidArgument && !e.message.hasPrefix(r.function + ":") {
            throw r.error(path + ":", e.message)
        }
    }

    /// `value` as this hyperparameter stores it (an integral float for an Int is an int, a number
    /// for a Float is a float), or nil when it is not one of its values.
    func standardized(_ value: HPValue) -> HPValue? {
        let floats: Bool, ints: Bool
        switch kind {
        case .float: (floats, ints) = (true, false)
        case .int: (floats, ints) = (false, true)
        case let .choice(values, _, _):
            if case .float? = values.first { (floats, ints) = (true, false) }
            else if case .int? = values.first { (floats, ints) = (false, true) }
            else { (floats, ints) = (false, false) }
        default: (floats, ints) = (false, false)
        }
        var v = value
        switch value {
        case let .int(i) where floats: v = .float(Double(i))
        case let .float(d) where ints && d.rounded() == d && abs(d) < 9.0e15: v = .int(Int64(d))
        default: break
        }
        return accepts(v) ? v : nil
    }
}

extension Condition {
    /// `{"class_name": "Parent", "config": {"name": …, "values": [...]}}` from a user config.
    init(config json: JSON, path: String, reader r: ConfigReader) throws {
        guard case .object = json else {
            throw r.error(path, "must be a table {class_name = 'Parent', config = {name = …, values = {…}}} (got \(ConfigReader.kind(json)))")
        }
        try r.noUnknownKeys(json, path, allowed: ["class_name", "config"])
        let cls = try r.string(json["class_name"], "\(path).class_name")
        guard cls == "Parent" else { throw r.error("\(path).class_name", "must be 'Parent' (got '\(cls)')") }
        let p = "\(path).config"
        guard let c = json["config"], case .object = c else {
            throw r.error(p, "must be a table (got \(json["config"].map(ConfigReader.kind) ?? "nil"))")
        }
        try r.noUnknownKeys(c, p, allowed: ["name", "values"])
        let name = try r.string(c["name"], "\(p).name")
        let values = try r.list(c["values"], "\(p).values", required: true).enumerated().map { i, item in
            try r.value(item, "\(p).values[\(i + 1)]")
        }
        do {
            try self.init(parentName: name, values: values)
        } catch let e as EngineError {
            throw r.error(p + ":", e.message)
        }
    }
}

/// Typed reads of a user-supplied config document, with errors that name the function and path.
struct ConfigReader {
    let function: String

    func error(_ path: String, _ message: String) -> EngineError {
        EngineError.invalid("\(function): \(path) \(message)")
    }

    /// How a config value is called in messages (the words a script's author uses).
    static func kind(_ json: JSON) -> String {
        switch json {
        case .null: return "nil"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .array: return "list"
        case .object: return "table"
        }
    }

    func string(_ json: JSON?, _ path: String) throws -> String {
        guard let s = json?.stringValue else { throw error(path, "must be a string (got \(json.map(Self.kind) ?? "nil"))") }
        return s
    }

    func optionalString(_ json: JSON?, _ path: String) throws -> String? {
        guard let json, json != .null else { return nil }
        return try string(json, path)
    }

    func number(_ json: JSON?, _ path: String) throws -> Double {
        guard let d = json?.doubleValue else { throw error(path, "must be a number (got \(json.map(Self.kind) ?? "nil"))") }
        return d
    }

    func optionalNumber(_ json: JSON?, _ path: String) throws -> Double? {
        guard let json, json != .null else { return nil }
        return try number(json, path)
    }

    func optionalBool(_ json: JSON?, _ path: String) throws -> Bool? {
        guard let json, json != .null else { return nil }
        guard let b = json.boolValue else { throw error(path, "must be a boolean (got \(Self.kind(json)))") }
        return b
    }

    func value(_ json: JSON, _ path: String) throws -> HPValue {
        guard let v = HPValue(json: json) else {
            throw error(path, "must be a number, string or boolean (got \(Self.kind(json)))")
        }
        return v
    }

    /// A list; an empty table reads as an empty list (a Lua `{}` is both). Absent is empty unless
    /// `required`.
    func list(_ json: JSON?, _ path: String, required: Bool = false) throws -> [JSON] {
        switch json {
        case .array(let items)?: return items
        case .object(let pairs)? where pairs.isEmpty: return []
        case nil, .null?:
            if required { throw error(path, "is required") }
            return []
        case let other?: throw error(path, "must be a list (got \(Self.kind(other)))")
        }
    }

    func noUnknownKeys(_ json: JSON, _ path: String, allowed: [String]) throws {
        guard case .object(let pairs) = json else { return }
        for (key, _) in pairs where !allowed.contains(key) {
            throw error(path, "has an unknown key '\(key)' (expected \(allowed.joined(separator: ", ")))")
        }
    }
}
