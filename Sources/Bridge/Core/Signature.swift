/// A Python-style signature for a Swift function exposed to Lua, and the binder of docs/reference.md's calling conventions:
/// `f(a, b, {c = 1})`, `f{a, b, c = 1}` and `f{a = …, b = …}` all bind the same way.
///
///     let dense = Signature("Dense", [.init("units", .integer, required: true),
///                                     .init("activation", .any)])
///     let args = try dense.bind(call, from: 1)
///     let units = try args.integer("units")
public struct Signature: Sendable {
    /// What an argument accepts. `table` and `list` mark parameters that take a table as their value,
    /// which decides whether a trailing table is that value or the keyword table.
    public enum Kind: Sendable {
        case any, number, integer, string, boolean, function, table, list, object
        var takesTable: Bool { self == .table || self == .list || self == .any }
        var expected: String {
            switch self {
            case .any: return "value"
            case .number: return "number"
            case .integer: return "integer"
            case .string: return "string"
            case .boolean: return "boolean"
            case .function: return "function"
            case .table, .list: return "table"
            case .object: return "object"
            }
        }
    }

    public struct Param: Sendable {
        public let name: String
        public let kind: Kind
        public let required: Bool
        public init(_ name: String, _ kind: Kind = .any, required: Bool = false) {
            self.name = name
            self.kind = kind
            self.required = required
        }
    }

    public let function: String
    public let params: [Param]
    /// Accept keywords that are not declared (collected in `Arguments.extra`).
    public let acceptsExtraKeywords: Bool

    public init(_ function: String, _ params: [Param], acceptsExtraKeywords: Bool = false) {
        self.function = function
        self.params = params
        self.acceptsExtraKeywords = acceptsExtraKeywords
    }

    /// Binds the call's arguments from index `first` (2 for methods, after `self`). As in Lua's
    /// own messages for methods, arguments are numbered from 1 after `self`.
    public func bind(_ call: LuaCall, from first: Int = 1) throws -> Arguments {
        try bind(call.values(from: first), firstIndex: 1)
    }

    /// Binds already-read values; `firstIndex` is the Lua argument number of `values[0]`.
    public func bind(_ values: [LuaValue], firstIndex: Int = 1) throws -> Arguments {
        var positional = values
        var keywords: [(String, LuaValue)] = []
        if let last = positional.last, case .table(let table) = last, isKeywordTable(table, position: positional.count - 1) {
            positional.removeLast()
            for (key, value) in table.pairs {
                switch key {
                case .string(let name): keywords.append((name, value))
                case .integer: break
                default: throw LuaCallError("\(function): keyword table has a key of type \(key.typeName)")
                }
            }
            positional.append(contentsOf: table.array)
        }
        var bound = Arguments(function: function)
        // Trailing nils are absent arguments, as in Lua.
        while let last = positional.last, last.isNil { positional.removeLast() }
        if positional.count > params.count {
            throw LuaCallError("\(function): too many arguments (expected at most \(params.count), got \(positional.count))")
        }
        for (i, value) in positional.enumerated() where !value.isNil {
            let param = params[i]
            try check(value, param, label: "bad argument #\(firstIndex + i) to '\(function)'", positional: true)
            bound.values[param.name] = value
        }
        for (name, value) in keywords.sorted(by: { $0.0 < $1.0 }) {
            guard let param = params.first(where: { $0.name == name }) else {
                if acceptsExtraKeywords { bound.extra[name] = value; continue }
                throw LuaCallError("\(function): unknown argument '\(name)'" + suggestion(for: name))
            }
            if bound.values[name] != nil {
                throw LuaCallError("\(function): got multiple values for argument '\(name)'")
            }
            try check(value, param, label: "\(function): argument '\(name)'", positional: false)
            if !value.isNil { bound.values[name] = value }
        }
        for param in params where param.required && bound.values[param.name] == nil {
            throw LuaCallError("\(function): missing required argument '\(param.name)'")
        }
        return bound
    }

    /// A trailing table is the keyword table unless the parameter it would fill takes a table and
    /// the table does not name any parameter. A parameter of any kind takes an object (a table with
    /// a metatable) or a list, never plain data with string keys (`RandomSearch{run_trial = f}`).
    private func isKeywordTable(_ table: LuaTable, position: Int) -> Bool {
        guard position < params.count, params[position].kind.takesTable else { return true }
        if params[position].kind == .any, !table.hasMetatable, table.pairs.contains(where: { $0.key.stringValue != nil }) {
            return true
        }
        return hasParameterKey(table)
    }

    private func hasParameterKey(_ table: LuaTable) -> Bool {
        params.contains { !table[$0.name].isNil }
    }

    private func check(_ value: LuaValue, _ param: Param, label: String, positional: Bool) throws {
        let ok: Bool
        switch param.kind {
        case .any, .object: ok = true
        case .number: ok = value.doubleValue != nil
        case .integer: ok = value.integerValue != nil
        case .string: ok = value.stringValue != nil
        case .boolean: ok = value.boolValue != nil
        case .function: ok = value.functionValue != nil
        case .table, .list: ok = value.tableValue != nil
        }
        if ok || value.isNil { return }
        let got = (param.kind == .integer && value.doubleValue != nil) ? "number has no integer representation" : value.typeName
        if positional {
            if param.kind == .integer && value.doubleValue != nil {
                throw LuaCallError("\(label) (\(got))")
            }
            throw LuaCallError("\(label) (\(param.kind.expected) expected, got \(got))")
        }
        throw LuaCallError("\(label) must be a \(param.kind.expected) (got \(got))")
    }

    /// ` (did you mean 'units'?)` for a near miss, else empty.
    func suggestion(for name: String) -> String {
        didYouMean(name, among: params.map(\.name)).map { " (did you mean '\($0)'?)" } ?? ""
    }
}

/// The closest candidate to a misspelt name, if one is close enough to be a likely typo.
public func didYouMean(_ name: String, among candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    let limit = max(1, min(3, best.0.count / 3))
    if best.1 <= limit || best.0.hasPrefix(name) && name.count >= 3 { return best.0 }
    return nil
}

/// Edit distance counting an adjacent transposition as one edit (`setp` → `step` is 1).
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
            }
        }
    }
    return d[a.count][b.count]
}

/// Arguments bound by a `Signature`, read by name with typed accessors whose errors name the
/// function and the argument.
public struct Arguments {
    public let function: String
    public internal(set) var values: [String: LuaValue] = [:]
    /// Undeclared keywords, when the signature accepts them.
    public internal(set) var extra: [String: LuaValue] = [:]

    init(function: String) { self.function = function }

    public subscript(name: String) -> LuaValue { values[name] ?? .nil }
    public func has(_ name: String) -> Bool { values[name] != nil }

    public func double(_ name: String) -> Double? { values[name]?.doubleValue }
    public func double(_ name: String, default value: Double) -> Double { double(name) ?? value }
    public func integer(_ name: String) -> Int? { values[name]?.integerValue.map { Int($0) } }
    public func integer(_ name: String, default value: Int) -> Int { integer(name) ?? value }
    public func string(_ name: String) -> String? { values[name]?.stringValue }
    public func string(_ name: String, default value: String) -> String { string(name) ?? value }
    public func bool(_ name: String) -> Bool? { values[name]?.boolValue }
    public func bool(_ name: String, default value: Bool) -> Bool { bool(name) ?? value }
    public func table(_ name: String) -> LuaTable? { values[name]?.tableValue }
    public func function(_ name: String) -> LuaFunction? { values[name]?.functionValue }

    /// An error about one argument: `Dense: argument 'units' must be positive (got -3)`.
    public func error(_ name: String, _ message: String) -> LuaCallError {
        LuaCallError("\(function): argument '\(name)' \(message)")
    }

    /// A string argument restricted to a set of names, with a did-you-mean.
    public func choice(_ name: String, among options: [String], default value: String) throws -> String {
        guard let text = string(name) else { return value }
        if options.contains(text) { return text }
        let hint = didYouMean(text, among: options).map { " (did you mean '\($0)'?)" } ?? ""
        throw error(name, "must be one of \(options.map { "'\($0)'" }.joined(separator: ", ")), got '\(text)'\(hint)")
    }
}
