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
    /// Identifies the class in its metatable and in every box made for it (classes live as long
    /// as the process: they are static).
    var mark: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
    /// The state this class was last installed in: installing is once per state, and pushes
    /// check this before anything slower.
    weak var installedIn: LuaState?

    /// A method; argument 1 is the object (`self`), the rest are the caller's arguments.
    public func method(_ name: String, _ body: @escaping LuaFunctionBody) {
        methods.append((name, body))
    }

    /// A field computed from the object.
    public func getter<T: AnyObject>(_ name: String, _ body: @escaping (T) throws -> LuaValue) {
        getters[name] = { object, _ in try body(try LuaClass.cast(object)) }
    }

    /// A field computed from the object, with access to the state (to build tables, functions).
    public func getter<T: AnyObject>(_ name: String, _ body: @escaping (T, LuaState) throws -> LuaValue) {
        getters[name] = { object, state in try body(try LuaClass.cast(object), state) }
    }

    /// A writable field.
    public func setter<T: AnyObject>(_ name: String, _ body: @escaping (T, LuaValue) throws -> Void) {
        setters[name] = { object, value, _ in try body(try LuaClass.cast(object), value) }
    }

    /// The object as the type a field was declared for; an error, never a trap, when it is not.
    static func cast<T: AnyObject>(_ object: AnyObject) throws -> T {
        guard let typed = object as? T else { throw LuaCallError("expected a \(T.self), got a \(type(of: object))") }
        return typed
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
        lua_pushlightuserdata(L, luaClass.mark); lua_rawsetp(L, -2, LuaState.classMarker)
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
        // A box whose object was released by a hand-called `__gc` may still sit here under the
        // address a new object now has: reuse only a box that still holds this very object.
        if lua_rawget(L, -2) == LUA_TUSERDATA, let box = tl_tobox(L, -1, TL_TAG_OBJECT),
           box.pointee.object == key, box.pointee.owner == UnsafeRawPointer(luaClass.mark) {
            tl_remove(L, -2)
            return
        }
        tl_pop(L, 1)
        pushBox(object, metatable: luaClass.registryKey, owner: luaClass.mark, on: L)
        lua_pushlightuserdata(L, key)
        lua_pushvalue(L, -2)
        lua_rawset(L, -4)
        tl_remove(L, -2)
    }

    /// The Swift object in the userdata at `index`, if it is one of ours: a tagged object box
    /// under the metatable of the class it was made for (so neither a foreign userdata given our
    /// metatable nor our box given another class's metatable is read as the wrong Swift type).
    func object(at index: Int32, on L: OpaquePointer) -> AnyObject? {
        guard let box = tl_tobox(L, index, TL_TAG_OBJECT), let pointer = box.pointee.object,
              lua_getmetatable(L, index) != 0 else { return nil }
        lua_rawgetp(L, -1, LuaState.classMarker)  // raw: a user-made metatable may have metamethods
        let mark = lua_type(L, -1) == LUA_TLIGHTUSERDATA ? lua_touserdata(L, -1) : nil
        tl_pop(L, 2)
        guard let mark, UnsafeRawPointer(mark) == box.pointee.owner else { return nil }
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
