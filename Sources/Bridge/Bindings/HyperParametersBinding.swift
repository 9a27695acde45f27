import CLua
import Engine

/// `kt.HyperParameters` in Lua: the search space with Keras Tuner's methods. Both `hp.Float(…)`
/// and `hp:Float(…)` work, as docs/reference.md promises.
enum HyperParametersBinding {
    static let conditionParams: [Signature.Param] = [.init("parent_name", .string), .init("parent_values", .any)]
    static let float = Signature("Float", [
        .init("name", .string, required: true), .init("min_value", .number, required: true),
        .init("max_value", .number, required: true), .init("step", .number), .init("sampling", .string),
        .init("default", .number),
    ] + conditionParams)
    static let int = Signature("Int", [
        .init("name", .string, required: true), .init("min_value", .number, required: true),
        .init("max_value", .number, required: true), .init("step", .number), .init("sampling", .string),
        .init("default", .number),
    ] + conditionParams)
    static let choice = Signature("Choice", [
        .init("name", .string, required: true), .init("values", .list, required: true),
        .init("ordered", .boolean), .init("default", .any),
    ] + conditionParams)
    static let boolean = Signature("Boolean", [.init("name", .string, required: true), .init("default", .boolean)] + conditionParams)
    static let fixed = Signature("Fixed", [.init("name", .string, required: true), .init("value", .any, required: true)] + conditionParams)
    static let conditionalScope = Signature("conditional_scope", [
        .init("parent_name", .string, required: true), .init("parent_values", .any, required: true),
        .init("fn", .function),
    ])
    static let nameScope = Signature("name_scope", [.init("name", .string, required: true), .init("fn", .function)])
    static let merge = Signature("merge", [.init("hps", .any, required: true), .init("overwrite", .boolean)])

    /// The Lua class of every HyperParameters object.
    nonisolated(unsafe) static let luaClass: LuaClass = {
        let c = LuaClass(name: "HyperParameters", bindsMethods: true)
        c.method("Float") { call in
            let (hp, args) = try bind(call, float)
            let value = try hp.float(args.string("name")!, minValue: args.double("min_value")!, maxValue: args.double("max_value")!,
                                     step: args.double("step"), sampling: args.string("sampling") ?? "linear",
                                     default: args.double("default"),
                                     parentName: args.string("parent_name"), parentValues: try parentValues(args))
            return call.results(LuaValue(value))
        }
        c.method("Int") { call in
            let (hp, args) = try bind(call, int)
            let value = try hp.int(args.string("name")!, minValue: args.double("min_value")!, maxValue: args.double("max_value")!,
                                   step: args.double("step"), sampling: args.string("sampling") ?? "linear",
                                   default: args.double("default"),
                                   parentName: args.string("parent_name"), parentValues: try parentValues(args))
            return call.results(LuaValue(value))
        }
        c.method("Choice") { call in
            let (hp, args) = try bind(call, choice)
            let values = try hpValues(args["values"], function: "Choice", argument: "values")
            var def: HPValue?
            if args.has("default") {
                guard let d = args["default"].hpValue else { throw args.error("default", "must be a number, string or boolean") }
                def = d
            }
            let value = try hp.choice(args.string("name")!, values: values, ordered: args.bool("ordered"), default: def,
                                      parentName: args.string("parent_name"), parentValues: try parentValues(args))
            return call.results(LuaValue(value))
        }
        c.method("Boolean") { call in
            let (hp, args) = try bind(call, boolean)
            let value = try hp.boolean(args.string("name")!, default: args.bool("default") ?? false,
                                       parentName: args.string("parent_name"), parentValues: try parentValues(args))
            return call.results(LuaValue(value))
        }
        c.method("Fixed") { call in
            let (hp, args) = try bind(call, fixed)
            guard let fixedValue = args["value"].hpValue else {
                throw args.error("value", "must be a number, string or boolean (got \(args["value"].typeName))")
            }
            let value = try hp.fixed(args.string("name")!, value: fixedValue,
                                     parentName: args.string("parent_name"), parentValues: try parentValues(args))
            return call.results(LuaValue(value))
        }
        c.method("conditional_scope") { call in
            let (hp, args) = try bind(call, conditionalScope)
            let values: [HPValue]
            if let single = args["parent_values"].hpValue { values = [single] } else {
                values = try hpValues(args["parent_values"], function: "conditional_scope", argument: "parent_values")
            }
            guard let body = args.function("fn") else {
                throw args.error("fn", "is required: Lua has no `with` blocks, so pass the body as a function")
            }
            let results = try hp.conditionalScope(args.string("parent_name")!, values) { try body.call([]) }
            return call.results(results)
        }
        c.method("name_scope") { call in
            let (hp, args) = try bind(call, nameScope)
            guard let body = args.function("fn") else {
                throw args.error("fn", "is required: Lua has no `with` blocks, so pass the body as a function")
            }
            return call.results(try hp.nameScope(args.string("name")!) { try body.call([]) })
        }
        c.method("get") { call in
            let hp = try this(call)
            guard let name = call.string(at: 2) else { throw call.typeError(2, expected: "string") }
            return call.results(LuaValue(try hp.get(name)))
        }
        c.method("is_active") { call in
            let hp = try this(call)
            guard let name = call.string(at: 2) else { throw call.typeError(2, expected: "string") }
            return call.results(.boolean(hp.isActive(name)))
        }
        c.method("copy") { call in
            call.results(.object(try this(call).copy(), luaClass))
        }
        c.method("merge") { call in
            let (hp, args) = try bind(call, merge)
            let overwrite = args.bool("overwrite") ?? true
            if let other = hyperParameters(in: args["hps"], state: call.state) {
                try hp.merge(other, overwrite: overwrite)
            } else if args["hps"].tableValue != nil {
                try hp.merge(try hyperParameterList(args["hps"], state: call.state), overwrite: overwrite)
            } else {
                throw args.error("hps", "must be a HyperParameters object or a list of hyperparameters (got \(call.state.typeName(of: args["hps"])))")
            }
            return 0
        }
        c.method("get_config") { call in
            call.results(LuaValue(try this(call).config))
        }
        c.getter("values") { (hp: HyperParameters, state: LuaState) in
            readOnly(.dictionary(hp.values.map { ($0.name, LuaValue($0.value)) }), state: state, what: "values")
        }
        c.getter("space") { (hp: HyperParameters) in
            // Each entry reads like Keras Tuner's HyperParameter objects: `entry.name`,
            // `entry.min_value`, …, plus `class_name`; `hp:merge(other.space)` reads them back.
            .array(hp.space.map { entry in
                var fields: [(String, LuaValue)] = [("class_name", .string(entry.className))]
                if case .object(let pairs)? = entry.config["config"] {
                    fields += pairs.map { ($0.0, LuaValue($0.1)) }
                }
                return .dictionary(fields)
            })
        }
        c.metamethod("__tostring") { call in
            call.results(.string(try this(call).description))
        }
        return c
    }()

    /// `kt.HyperParameters`: a callable class table (`kt.HyperParameters()` makes an empty space)
    /// with Keras Tuner's classmethod `from_config(config)`, callable with a dot or a colon.
    static func classTable(state: LuaState) throws -> LuaValue {
        let new = state.function(name: "HyperParameters") { call in
            call.results(.object(HyperParameters(), luaClass))
        }
        let fromConfig = state.function(name: "from_config") { call in
            let config = try configJSON(call.value(at: 1), state: call.state, function: "from_config", path: "config")
            return call.results(.object(try HyperParameters.fromConfig(config), luaClass))
        }
        let make = try state.load("""
            local new, from_config = ...
            local cls = {}
            cls.from_config = function(a, ...)
              if rawequal(a, cls) then return from_config(...) end
              return from_config(a, ...)
            end
            return setmetatable(cls, {
              __call = function(_, ...) return new(...) end,
              __name = "HyperParameters class",
              __tostring = function() return "<class 'HyperParameters'>" end,
            })
            """, chunkName: "=tunelua.HyperParameters")
        return try make.call([new, fromConfig]).first ?? new
    }

    /// The HyperParameters object a value holds, if it holds one.
    static func hyperParameters(in value: LuaValue, state: LuaState) -> HyperParameters? {
        guard case .userdata(let ref) = value else { return nil }
        let L = state.L
        ref.push(L)
        defer { tl_pop(L, 1) }
        return state.object(at: -1, on: L) as? HyperParameters
    }

    /// A list of hyperparameters as `merge` takes it: entries of `other.space` (flat, as Keras
    /// Tuner's objects read) or of `other:get_config().space` (`{class_name = …, config = {…}}`).
    static func hyperParameterList(_ value: LuaValue, state: LuaState) throws -> [HyperParameter] {
        let items: [JSON]
        switch try configJSON(value, state: state, function: "merge", path: "hps") {
        case .array(let list): items = list
        case .object(let pairs) where pairs.isEmpty: items = []
        default: throw LuaCallError("merge: hps must be a HyperParameters object or a list of hyperparameters (got a table that is not a list)")
        }
        return try items.enumerated().map { i, item in
            var entry = item
            if case .object(let pairs) = item, item["config"] == nil {
                entry = .object([("class_name", item["class_name"] ?? .null),
                                 ("config", .object(pairs.filter { $0.0 != "class_name" }))])
            }
            return try HyperParameter(config: entry, path: "hps[\(i + 1)]", function: "merge")
        }
    }

    /// Limits on a config read from Lua: far beyond any real space, small enough that a cyclic,
    /// deeply nested or enormous table is a clear error instead of a stack overflow or a hang.
    static let maxConfigDepth = 32
    static let maxConfigValues = 1_000_000

    /// A Lua value as a JSON document for `from_config` and `merge`. Reads are raw (no
    /// metamethods run); tables with only an array part are lists, others need string keys.
    static func configJSON(_ value: LuaValue, state: LuaState, function: String, path: String) throws -> JSON {
        var budget = maxConfigValues
        var open: Set<UnsafeRawPointer> = []
        func convert(_ value: LuaValue, _ path: String, _ depth: Int) throws -> JSON {
            budget -= 1
            guard budget >= 0 else {
                throw LuaCallError("\(function): \(path) is too large (more than \(maxConfigValues) values in all)")
            }
            switch value {
            case .nil: return .null
            case .boolean(let b): return .bool(b)
            case .integer(let i): return .int(i)
            case .number(let d): return .double(d)
            case .string(let s): return .string(s)
            case .table(let table):
                guard depth < maxConfigDepth else {
                    throw LuaCallError("\(function): \(path) is nested too deeply (more than \(maxConfigDepth) levels)")
                }
                let L = state.L
                table.push(L)
                let identity = lua_topointer(L, -1)
                tl_pop(L, 1)
                guard let identity else { return .null }
                guard open.insert(identity).inserted else {
                    throw LuaCallError("\(function): \(path) contains itself (a table cannot be part of its own config)")
                }
                defer { open.remove(identity) }
                let pairs = table.pairs
                guard pairs.count <= budget else {
                    throw LuaCallError("\(function): \(path) is too large (more than \(maxConfigValues) values in all)")
                }
                let count = table.count
                if !pairs.isEmpty && count == pairs.count {
                    return .array(try (1...count).map { try convert(table[$0], "\(path)[\($0)]", depth + 1) })
                }
                return .object(try pairs.map { pair in
                    guard case .string(let key) = pair.key else {
                        throw LuaCallError("\(function): \(path) has a \(pair.key.typeName) key \(pair.key.description); a config table has string keys, or is a list 1…n")
                    }
                    return (key, try convert(pair.value, "\(path).\(key)", depth + 1))
                })
            default:
                throw LuaCallError("\(function): \(path) must be a table, number, string or boolean (got \(state.typeName(of: value)))")
            }
        }
        guard value.tableValue != nil else {
            throw LuaCallError("\(function): \(path) must be a table (got \(state.typeName(of: value)))")
        }
        return try convert(value, path, 0)
    }

    static func this(_ call: LuaCall) throws -> HyperParameters {
        guard let hp = call.object(at: 1, as: HyperParameters.self) else {
            throw LuaCallError("\(call.functionName): call it on a HyperParameters object (hp.\(call.functionName)(…) or hp:\(call.functionName)(…))")
        }
        return hp
    }

    static func bind(_ call: LuaCall, _ signature: Signature) throws -> (HyperParameters, Arguments) {
        (try this(call), try signature.bind(call, from: 2))
    }

    static func parentValues(_ args: Arguments) throws -> [HPValue]? {
        guard args.has("parent_values") else { return nil }
        if let single = args["parent_values"].hpValue { return [single] }
        return try hpValues(args["parent_values"], function: args.function, argument: "parent_values")
    }

    /// A table that reads like `value` but refuses writes (Keras Tuner's `hp.values` is a copy;
    /// writing to it would silently change nothing, so we say so).
    static func readOnly(_ value: LuaValue, state: LuaState, what: String) -> LuaValue {
        guard let wrap = try? state.load("""
            local data, what = ...
            return setmetatable({}, {
              __index = data,
              __newindex = function() error(what .. " is read-only", 2) end,
              __pairs = function() return next, data, nil end,
              __len = function() return #data end,
            })
            """, chunkName: "=tunelua"),
            let result = try? wrap.call([value, .string(what)]).first else { return value }
        return result
    }
}
