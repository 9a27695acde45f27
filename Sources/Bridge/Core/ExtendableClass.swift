import CLua

/// Classes Lua code can extend, as Keras Tuner's users subclass `RandomSearch` or `HyperModel`:
///
///     local MyTuner = kt.RandomSearch:extend()
///     function MyTuner:run_trial(trial, ...) return kt.RandomSearch.run_trial(self, trial, ...) end
///     local tuner = MyTuner{ objective = "loss", max_trials = 5 }
///
/// A class is a Lua table; an instance is a Lua table whose metatable is its class. Methods are
/// looked up along the chain of parents; getters (computed fields such as `remaining_trials`) are
/// consulted after. Swift-implemented methods live in the class tables like Lua ones, and the Swift
/// object behind an instance is held under a private key.
public struct ExtendableClass {
    /// The class table.
    public let table: LuaTable

    /// Adds (or replaces) a method implemented in Swift; argument 1 is the instance.
    public func method(_ name: String, _ body: @escaping LuaFunctionBody) {
        table[name] = table.state.function(name: name, body)
    }

    /// Adds a computed field, read as `instance.name`.
    public func getter(_ name: String, _ body: @escaping LuaFunctionBody) {
        guard let getters = table["__getters"].tableValue else { return }
        getters[name] = table.state.function(name: name, body)
    }

    /// Sets the initializer, called as `__init(instance, ...)` by `Class{…}` / `Class(…)`.
    public func initializer(_ body: @escaping LuaFunctionBody) {
        table["__init"] = table.state.function(name: "__init", body)
    }
}

extension LuaState {
    static let classSystemSource = """
        local handle_key = ...
        local Object = { __name = "Object" }
        local function make(name, parent)
          local cls = { __name = name, super = parent }
          cls.__getters = setmetatable({}, { __index = parent and parent.__getters })
          cls.__index = function(self, key)
            local v = cls[key]
            if v ~= nil then return v end
            local g = cls.__getters[key]
            if g ~= nil then return g(self) end
            return nil
          end
          -- Metamethods are read raw from the metatable, so each class carries its own copy.
          cls.__tostring = parent and rawget(parent, "__tostring") or nil
          return setmetatable(cls, {
            __index = parent,
            __call = function(c, ...) return c.new(c, ...) end,
            __tostring = function(c) return "<class '" .. c.__name .. "'>" end,
          })
        end
        Object.__getters = {}
        Object.__index = function(self, key)
          local v = Object[key]
          if v ~= nil then return v end
          local g = Object.__getters[key]
          if g ~= nil then return g(self) end
        end
        setmetatable(Object, { __call = function(c, ...) return c.new(c, ...) end })
        --- A subclass; `name` defaults to the parent's name.
        function Object.extend(cls, name)
          if type(cls) ~= "table" or rawget(cls, "__index") == nil then
            error("extend: call it on a class, as Class:extend()", 2)
          end
          return make(type(name) == "string" and name or cls.__name, cls)
        end
        function Object.new(cls, ...)
          local self = setmetatable({}, cls)
          local init = cls.__init
          if init then init(self, ...) end
          return self
        end
        function Object.is_instance(cls, value)
          local mt = getmetatable(value)
          while mt do
            if mt == cls then return true end
            mt = rawget(mt, "super")
          end
          return false
        end
        --- Calls `obj:name(...)` (Swift calls overridable methods through this, protected).
        local function invoke(obj, name, ...)
          local f = obj[name]
          if f == nil then error("'" .. tostring(name) .. "' is not defined", 0) end
          return f(obj, ...)
        end
        local function has(obj, name) return obj[name] ~= nil end
        --- The names among `...` whose method `obj` has replaced (it differs from `base`'s).
        local function overridden(obj, base, ...)
          local names = {}
          for i = 1, select("#", ...) do
            local name = select(i, ...)
            if obj[name] ~= base[name] then names[#names + 1] = name end
          end
          return names
        end
        return { Object = Object, make = make, invoke = invoke, has = has, overridden = overridden }
        """

    /// The class system's table, created on first use.
    var classSystem: LuaTable {
        get throws(LuaError) {
            if let system = classSystemCache { return system }
            let chunk = try load(Self.classSystemSource, chunkName: "=tunelua.class")
            lua_pushlightuserdata(L, LuaState.handleKey)
            let key = LuaValue.userdata(LuaRef(state: self, popping: L))
            guard let system = try chunk.call([key]).first?.tableValue else {
                throw LuaError(message: "tunelua: the class system failed to load")
            }
            classSystemCache = system
            return system
        }
    }

    /// A new class extending `parent` (or the root `Object`).
    public func makeClass(_ name: String, parent: ExtendableClass? = nil) throws(LuaError) -> ExtendableClass {
        let system = try classSystem
        let parentValue: LuaValue = parent.map { .table($0.table) } ?? system["Object"]
        guard let make = system["make"].functionValue,
              let table = try make.call([.string(name), parentValue]).first?.tableValue else {
            throw LuaError(message: "tunelua: cannot create class \(name)")
        }
        return ExtendableClass(table: table)
    }

    /// Calls `instance:name(arguments…)` in Lua, protected (overrides and Lua-defined methods win).
    public func invoke(_ instance: LuaValue, _ name: String, _ arguments: [LuaValue]) throws(LuaError) -> [LuaValue] {
        if invokeFunction == nil { invokeFunction = try classSystem["invoke"].functionValue }
        guard let invoke = invokeFunction else { return [] }
        return try invoke.call([instance, .string(name)] + arguments)
    }

    /// Whether `instance.name` is defined (own field, class chain or getter), looked up protected.
    public func has(_ instance: LuaValue, _ name: String) throws(LuaError) -> Bool {
        guard let has = try classSystem["has"].functionValue else { return false }
        return try has.call([instance, .string(name)]).first?.boolValue ?? false
    }

    /// Which of `names` `instance` defines differently from `base` (a subclass or the
    /// constructor table overrode them).
    public func overridden(_ instance: LuaValue, base: LuaTable, _ names: [String]) throws(LuaError) -> Set<String> {
        guard let overridden = try classSystem["overridden"].functionValue else { return [] }
        let found = try overridden.call([instance, .table(base)] + names.map { .string($0) }).first?.tableValue?.array ?? []
        return Set(found.compactMap(\.stringValue))
    }

    /// The key under which an instance table holds its Swift object.
    nonisolated(unsafe) static let handleKey = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    /// Attaches a Swift object to an instance table.
    public func setHandle(_ object: AnyObject, class luaClass: LuaClass, on instance: LuaTable) {
        instance.push(L)
        pushObject(object, luaClass, on: L)
        lua_rawsetp(L, -2, LuaState.handleKey)
        tl_pop(L, 1)
    }

    /// The Swift object attached to the instance table at argument `index`, if any.
    func handle(at index: Int32, on L: OpaquePointer) -> AnyObject? {
        guard lua_type(L, index) == LUA_TTABLE else { return nil }
        lua_rawgetp(L, index, LuaState.handleKey)
        defer { tl_pop(L, 1) }
        return object(at: -1, on: L)
    }
}

extension LuaCall {
    /// The Swift object behind the instance table at `index` (a Lua-extendable class's instance).
    public func handle<T: AnyObject>(at index: Int, as type: T.Type = T.self) -> T? {
        state.handle(at: Int32(index), on: L) as? T
    }
}
