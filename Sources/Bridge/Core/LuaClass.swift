import CLua

/// How Lua sees one kind of Swift object: a named metatable with methods (called with the object
/// as `self`), fields read and written through Swift, and metamethods (`__call`, `__tostring`,
/// `__len`, arithmetic, …). The metatable's `__gc` releases the Swift object.
///
///     let tensorClass = LuaClass(name: "Tensor")
///     tensorClass.method("reshape") { call in … }
///     tensorClass.getter("shape") { (tensor: TensorBox) in .array(…) }
public final class LuaClass {
    /// The `__name` Lua shows in errors and `tostring`.
    public let name: String
    /// When true, methods work both as `obj:m(…)` and `obj.m(…)` (Keras Tuner's `hp.Float` style).
    public let bindsMethods: Bool
    var methods: [(String, LuaFunctionBody)] = []
    var getters: [String: (AnyObject, LuaState) throws -> LuaValue] = [:]
    var setters: [String: (AnyObject, LuaValue, LuaState) throws -> Void] = [:]
    var metamethods: [(String, LuaFunctionBody)] = []

    public init(name: String, bindsMethods: Bool = false) {
        self.name = name
        self.bindsMethods = bindsMethods
        self.registryKey = "tunelua.class." + name
    }

    let registryKey: String
    /// The state this class was last installed in: installing is once per state, and pushes
    /// check this before anything slower.
    weak var installedIn: LuaState?

    /// A method; argument 1 is the object (`self`), the rest are the caller's arguments.
    public func method(_ name: String, _ body: @escaping LuaFunctionBody) {
        methods.append((name, body))
    }

    /// A field computed from the object.
    public func getter<T: AnyObject>(_ name: String, _ body: @escaping (T) throws -> LuaValue) {
        getters[name] = { object, _ in try body(object as! T) }
    }

    /// A field computed from the object, with access to the state (to build tables, functions).
    public func getter<T: AnyObject>(_ name: String, _ body: @escaping (T, LuaState) throws -> LuaValue) {
        getters[name] = { object, state in try body(object as! T, state) }
    }

    /// A writable field.
    public func setter<T: AnyObject>(_ name: String, _ body: @escaping (T, LuaValue) throws -> Void) {
        setters[name] = { object, value, _ in try body(object as! T, value) }
    }

    /// A metamethod such as `__call`, `__tostring`, `__len`, `__add`, `__div`, `__unm`, `__eq`.
    public func metamethod(_ name: String, _ body: @escaping LuaFunctionBody) {
        metamethods.append((name, body))
    }
}

extension LuaState {
    /// The key (a unique address) marking our metatables, so a foreign userdata (an io file) is
    /// never read as a Swift object.
    nonisolated(unsafe) static let classMarker = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    /// Creates the class's metatable (once per state). Called on the first push of an object.
    func install(_ luaClass: LuaClass) {
        if luaClass.installedIn === self { return }
        luaClass.installedIn = self
        if classes[luaClass.name] != nil { return }
        classes[luaClass.name] = luaClass
        let L = self.L
        lua_createtable(L, 0, 8)                      // metatable
        push(.string(luaClass.name), on: L); lua_setfield(L, -2, "__name")
        lua_pushboolean(L, 1); lua_rawsetp(L, -2, LuaState.classMarker)
        tl_pushboxgc(L); lua_setfield(L, -2, "__gc")
        for (name, body) in luaClass.metamethods {
            pushFunction(name: name, body, on: L)
            lua_setfield(L, -2, name)
        }
        if luaClass.metamethods.first(where: { $0.0 == "__tostring" }) == nil {
            let name = luaClass.name
            pushFunction(name: "__tostring", { call in
                call.results(.string("<\(name)>"))
            }, on: L)
            lua_setfield(L, -2, "__tostring")
        }
        // __index: methods first, then getters.
        lua_createtable(L, 0, Int32(luaClass.methods.count))
        for (name, body) in luaClass.methods {
            pushFunction(name: name, body, on: L)
            lua_setfield(L, -2, name)
        }
        if luaClass.getters.isEmpty {
            lua_pushnil(L)
        } else {
            pushFunction(name: "__index", { call in
                guard let object = call.state.object(at: 1, on: call.L),
                      let key = call.string(at: 2),
                      let getter = luaClass.getters[key] else { return call.results(.nil) }
                return call.results(try getter(object, call.state))
            }, on: L)
        }
        lua_pushboolean(L, luaClass.bindsMethods ? 1 : 0)
        makeIndexFunction(on: L)                       // pops methods, getter, bind; pushes __index
        lua_setfield(L, -2, "__index")
        pushFunction(name: "__newindex", { call in
            let key = call.string(at: 2) ?? call.value(at: 2).description
            guard let object = call.state.object(at: 1, on: call.L),
                  let setter = luaClass.setters[key] else {
                throw LuaCallError("cannot set field '\(key)' of a \(luaClass.name)")
            }
            try setter(object, call.value(at: 3), call.state)
            return 0
        }, on: L)
        lua_setfield(L, -2, "__newindex")
        lua_setfield(L, TL_REGISTRYINDEX, luaClass.registryKey)
    }

    /// Builds the `__index` function from the methods table, getter and bind flag on the stack.
    private func makeIndexFunction(on L: OpaquePointer) {
        let source = """
            local methods, getter, bind = ...
            local cache = setmetatable({}, { __mode = "k" })
            return function(self, key)
              local m = methods[key]
              if m ~= nil then
                if not bind then return m end
                local bound = cache[self]
                if bound == nil then bound = {}; cache[self] = bound end
                local b = bound[key]
                if b == nil then
                  b = function(first, ...)
                    if rawequal(first, self) then return m(self, ...) end
                    return m(self, first, ...)
                  end
                  bound[key] = b
                end
                return b
              end
              if getter then return getter(self, key) end
              return nil
            end
            """
        _ = tl_loadbuffer(L, source, source.utf8.count, "=tunelua.index", nil)
        tl_insert(L, -4)
        // The chunk only creates closures; a failure here is an allocation failure in Swift
        // context, which the allocator turns into an abort rather than an unwind.
        if tl_pcall(L, 3, 1) != LUA_OK { tl_pop(L, 1); lua_pushnil(L) }
    }

    /// Pushes a Swift object as userdata of `luaClass`. The same object always maps to the same
    /// userdata while Lua holds it, so identity (`rawequal`, table keys) works.
    func pushObject(_ object: AnyObject, _ luaClass: LuaClass, on L: OpaquePointer) {
        install(luaClass)
        let key = Unmanaged.passUnretained(object).toOpaque()
        if lua_getfield(L, TL_REGISTRYINDEX, "tunelua.objects") != LUA_TTABLE {
            tl_pop(L, 1)
            lua_createtable(L, 0, 0)
            lua_createtable(L, 0, 1)
            push(.string("v"), on: L); lua_setfield(L, -2, "__mode")
            lua_setmetatable(L, -2)
            lua_pushvalue(L, -1)
            lua_setfield(L, TL_REGISTRYINDEX, "tunelua.objects")
        }
        lua_pushlightuserdata(L, key)
        if lua_rawget(L, -2) == LUA_TUSERDATA {
            tl_remove(L, -2)
            return
        }
        tl_pop(L, 1)
        pushBox(object, metatable: luaClass.registryKey, on: L)
        lua_pushlightuserdata(L, key)
        lua_pushvalue(L, -2)
        lua_rawset(L, -4)
        tl_remove(L, -2)
    }

    /// The Swift object in the userdata at `index`, if it is one of ours.
    func object(at index: Int32, on L: OpaquePointer) -> AnyObject? {
        guard lua_type(L, index) == LUA_TUSERDATA, lua_getmetatable(L, index) != 0 else { return nil }
        lua_rawgetp(L, -1, LuaState.classMarker)  // raw: a user-made metatable may have metamethods
        let ours = lua_toboolean(L, -1) != 0
        tl_pop(L, 2)
        guard ours, let slot = lua_touserdata(L, index)?.assumingMemoryBound(to: UnsafeMutableRawPointer?.self),
              let pointer = slot.pointee else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(pointer).takeUnretainedValue()
    }

    /// The `__name` of the userdata's class at `index`, if it is one of ours.
    func className(at index: Int32, on L: OpaquePointer) -> String? {
        guard object(at: index, on: L) != nil, lua_getmetatable(L, index) != 0 else { return nil }
        defer { tl_pop(L, 2) }
        _ = lua_pushstring(L, "__name")
        lua_rawget(L, -2)
        return tl_tolstring_raw(L, -1, nil).map { String(cString: $0) }
    }
}
