import Engine

/// `kt.HyperParameters` in Lua: the search space with Keras Tuner's methods. Both `hp.Float(…)`
/// and `hp:Float(…)` work, as LUA_API.md §2 promises.
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
            let hp = try this(call)
            guard let other = call.object(at: 2, as: HyperParameters.self) else {
                throw call.typeError(2, expected: "HyperParameters")
            }
            try hp.merge(other, overwrite: call.value(at: 3).boolValue ?? true)
            return 0
        }
        c.getter("values") { (hp: HyperParameters, state: LuaState) in
            readOnly(.dictionary(hp.values.map { ($0.name, LuaValue($0.value)) }), state: state, what: "values")
        }
        c.getter("space") { (hp: HyperParameters) in
            // Each entry reads like Keras Tuner's HyperParameter objects: `entry.name`,
            // `entry.min_value`, …, plus `class_name`.
            .array(hp.space.map { entry in
                var fields: [(String, LuaValue)] = [("class_name", .string(entry.className))]
                if case .object(let pairs)? = entry.json["config"] {
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
