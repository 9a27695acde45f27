import CLua

/// A strong reference from Swift to a Lua value, held in the registry until this object goes away.
/// Must only be used on the thread that owns its state.
public class LuaRef: @unchecked Sendable {
    /// The state; valid while `lifetime` says it is open.
    public unowned(unsafe) let state: LuaState
    /// Shared with the state and outliving it, so a reference released after the state is gone
    /// knows not to touch it.
    let lifetime: LuaState.Lifetime
    let ref: Int32
    /// The state's current-thread cell (see `SwiftFunctionBox.currentThread`: hot paths avoid
    /// touching the state object).
    let currentThread: UnsafeMutablePointer<OpaquePointer>
    /// The state's allocator record, which protected calls update (also kept off the state object).
    let allocator: UnsafeMutablePointer<tl_alloc_state>

    /// Takes the value on top of the stack of `L` (popping it).
    init(state: LuaState, popping L: OpaquePointer) {
        self.state = state
        self.lifetime = state.lifetime
        self.currentThread = state.currentThread
        self.allocator = state.allocator
        self.ref = luaL_ref(L, TL_REGISTRYINDEX)
        lifetime.liveRefs += 1
    }

    deinit {
        if !lifetime.isClosed {
            luaL_unref(state.L, TL_REGISTRYINDEX, ref)
            lifetime.liveRefs -= 1
        }
    }

    /// Pushes the referenced value onto `L`'s stack.
    func push(_ L: OpaquePointer) {
        lua_rawgeti(L, TL_REGISTRYINDEX, lua_Integer(ref))
    }

    /// Lua's type name of the referenced value ("table", "function", "userdata", …).
    public var typeName: String {
        let L = state.L
        push(L)
        defer { tl_pop(L, 1) }
        return String(cString: lua_typename(L, lua_type(L, -1)))
    }
}

/// A Lua function that Swift can call (always protected).
public final class LuaFunction: LuaRef {
    /// Calls the function with `arguments`, returning all its results.
    @discardableResult
    public func call(_ arguments: [LuaValue]) throws(LuaError) -> [LuaValue] {
        let L = state.L
        let top = lua_gettop(L)
        guard lua_checkstack(L, Int32(arguments.count) + 8) != 0 else {
            throw LuaError(message: "stack overflow (too many arguments)")
        }
        push(L)
        for argument in arguments { state.push(argument, on: L) }
        try state.protectedCall(L, arguments: Int32(arguments.count), results: TL_MULTRET)
        let count = lua_gettop(L) - top
        var results: [LuaValue] = []
        results.reserveCapacity(Int(count))
        for i in 0..<count { results.append(state.value(at: top + 1 + i, on: L)) }
        lua_settop(L, top)
        return results
    }

    @discardableResult
    public func call(_ arguments: LuaValue...) throws(LuaError) -> [LuaValue] {
        try call(arguments)
    }

    /// Calls with one argument and returns the first result, without building arrays: the path
    /// for hot callbacks.
    public func call(one argument: LuaValue) throws(LuaError) -> LuaValue {
        let L = currentThread.pointee
        tl_pushmsghandler(L)
        lua_rawgeti(L, TL_REGISTRYINDEX, lua_Integer(ref))
        if !LuaState.pushScalar(argument, on: L) { state.push(argument, on: L) }
        // Relative indexes spare a lua_gettop: the handler sits below the function and its argument,
        // and afterwards below the result (or the error).
        let status = tl_pcall_with(L, allocator, 1, 1, -3)
        guard status == LUA_OK else {
            let base = lua_gettop(L) - 2
            let error = state.takeError(L, status: status)
            lua_settop(L, base)
            throw error
        }
        let result = LuaState.scalar(at: -1, on: L) ?? state.value(at: -1, on: L)
        lua_settop(L, -3)
        return result
    }
}

/// A Lua table that Swift reads and writes with raw access (never running metamethods).
public final class LuaTable: LuaRef {
    public subscript(key: String) -> LuaValue {
        get {
            let L = state.L
            push(L)
            key.withCString { _ = lua_pushstring(L, $0) }
            lua_rawget(L, -2)
            defer { tl_pop(L, 2) }
            return state.value(at: -1, on: L)
        }
        set {
            let L = state.L
            push(L)
            key.withCString { _ = lua_pushstring(L, $0) }
            state.push(newValue, on: L)
            lua_rawset(L, -3)
            tl_pop(L, 1)
        }
    }

    public subscript(index: Int) -> LuaValue {
        get {
            let L = state.L
            push(L)
            lua_rawgeti(L, -1, lua_Integer(index))
            defer { tl_pop(L, 2) }
            return state.value(at: -1, on: L)
        }
        set {
            let L = state.L
            push(L)
            state.push(newValue, on: L)
            lua_rawseti(L, -2, lua_Integer(index))
            tl_pop(L, 1)
        }
    }

    /// Sets `t[key] = value` for a key of any kind (raw).
    public func set(_ key: LuaValue, _ value: LuaValue) {
        let L = state.L
        push(L)
        state.push(key, on: L)
        state.push(value, on: L)
        lua_rawset(L, -3)
        tl_pop(L, 1)
    }

    /// The table's metatable when it is a table (an instance's class).
    public var metatable: LuaTable? {
        let L = state.L
        push(L)
        guard lua_getmetatable(L, -1) != 0 else { tl_pop(L, 1); return nil }
        guard lua_type(L, -1) == LUA_TTABLE else { tl_pop(L, 2); return nil }
        let table = LuaTable(state: state, popping: L)
        tl_pop(L, 1)
        return table
    }

    /// Whether the table has a metatable (an object rather than plain data).
    public var hasMetatable: Bool {
        let L = state.L
        push(L)
        let has = lua_getmetatable(L, -1) != 0
        tl_pop(L, has ? 2 : 1)
        return has
    }

    /// The length of the array part (`#t` without metamethods).
    public var count: Int {
        let L = state.L
        push(L)
        defer { tl_pop(L, 1) }
        return Int(lua_rawlen(L, -1))
    }

    /// The array part `t[1]…t[#t]`, stopping at the first nil as `ipairs` does: `#t` of a table
    /// with a few keys at powers of two can be 2^40, which must not become a 2^40-element array.
    public var array: [LuaValue] {
        var items: [LuaValue] = []
        let n = count
        var i = 1
        while i <= n {
            let item = self[i]
            if item.isNil { break }
            items.append(item)
            i += 1
        }
        return items
    }

    /// Every key-value pair, in Lua's traversal order (raw `next`).
    public var pairs: [(key: LuaValue, value: LuaValue)] {
        let L = state.L
        push(L)
        var result: [(LuaValue, LuaValue)] = []
        lua_pushnil(L)
        while lua_next(L, -2) != 0 {
            result.append((state.value(at: -2, on: L), state.value(at: -1, on: L)))
            tl_pop(L, 1)
        }
        tl_pop(L, 1)
        return result
    }
}
