import Engine

/// Conversions between Lua values and the Engine's value types.
extension LuaValue {
    /// A hyperparameter value: Lua integers stay ints, floats stay floats.
    init(_ value: HPValue) {
        switch value {
        case .int(let i): self = .integer(i)
        case .float(let d): self = .number(d)
        case .string(let s): self = .string(s)
        case .bool(let b): self = .boolean(b)
        }
    }

    init(_ value: HPValue?) { self = value.map { LuaValue($0) } ?? .nil }

    /// The value as a hyperparameter value, when it is one of the four kinds.
    var hpValue: HPValue? {
        switch self {
        case .integer(let i): return .int(i)
        case .number(let d): return .float(d)
        case .string(let s): return .string(s)
        case .boolean(let b): return .bool(b)
        default: return nil
        }
    }

    /// A JSON document as nested Lua tables (objects keep their key order).
    init(_ json: JSON) {
        switch json {
        case .null: self = .nil
        case .bool(let b): self = .boolean(b)
        case .int(let i): self = .integer(i)
        case .double(let d): self = .number(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .array(items.map { LuaValue($0) })
        case .object(let pairs): self = .dictionary(pairs.map { ($0.0, LuaValue($0.1)) })
        }
    }

    /// Lua tables as JSON: arrays when they have only a non-empty array part, objects otherwise.
    /// Cycles and nesting deeper than `TableWalk.maximumDepth` are errors naming `path`.
    func json(path: String = "value") throws -> JSON {
        var guardrail = TableWalk(function: path, argument: "the value")
        return try json(path: path, guardrail: &guardrail)
    }

    private func json(path: String, guardrail: inout TableWalk) throws -> JSON {
        switch self {
        case .nil: return .null
        case .boolean(let b): return .bool(b)
        case .integer(let i): return .int(i)
        case .number(let d): return .double(d)
        case .string(let s): return .string(s)
        case .table(let table):
            try guardrail.enter(table, path: String(path.dropFirst(guardrail.function.count)))
            defer { guardrail.leave() }
            let pairs = table.pairs
            if !pairs.isEmpty && table.count == pairs.count {
                var items: [JSON] = []
                for (i, item) in table.array.enumerated() {
                    items.append(try item.json(path: "\(path)[\(i + 1)]", guardrail: &guardrail))
                }
                return .array(items)
            }
            var members: [(String, JSON)] = []
            for pair in pairs {
                guard case .string(let key) = pair.key else {
                    throw LuaCallError("\(TableWalk.short(path)): only string keys can be stored (found a \(pair.key.typeName) key)")
                }
                members.append((key, try pair.value.json(path: "\(path).\(key.prefix(40))", guardrail: &guardrail)))
            }
            return .object(members)
        default:
            throw LuaCallError("\(TableWalk.short(path)): a \(typeName) cannot be stored")
        }
    }
}

/// A list of hyperparameter values from a Lua array, with errors naming the function and argument.
func hpValues(_ value: LuaValue, function: String, argument: String) throws -> [HPValue] {
    guard let table = value.tableValue else {
        throw LuaCallError("\(function): argument '\(argument)' must be a list (got \(value.typeName))")
    }
    return try table.array.enumerated().map { index, item in
        guard let hp = item.hpValue else {
            throw LuaCallError("\(function): \(argument)[\(index + 1)] must be a number, string or boolean (got \(item.typeName))")
        }
        return hp
    }
}
