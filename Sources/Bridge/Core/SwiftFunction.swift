import CLua

/// The body of a Swift function callable from Lua: reads its arguments from the call, pushes its
/// results, and returns how many it pushed. Throwing raises a Lua error in the caller.
public typealias LuaFunctionBody = (inout LuaCall) throws -> Int32

/// What a Lua closure's box holds: the Swift function and the state it belongs to.
final class SwiftFunctionBox {
    let name: String
    let body: LuaFunctionBody
    unowned(unsafe) let state: LuaState
    /// The state's current-thread cell, kept here so a call swaps it without touching the state
    /// object (each access to a class reference costs an atomic retain and release).
    let currentThread: UnsafeMutablePointer<OpaquePointer>

    init(name: String, state: LuaState, body: @escaping LuaFunctionBody) {
        self.name = name
        self.state = state
        self.body = body
        self.currentThread = state.currentThread
        state.liveFunctions += 1
    }

    deinit { state.liveFunctions -= 1 }
}

extension LuaState {
    static let boxMetatableKey = "tunelua.box"

    func installFunctionBoxMetatable() {
        lua_createtable(L, 0, 2)
        tl_pushboxgc(L)
        lua_setfield(L, -2, "__gc")
        lua_pushstring(L, "tunelua function box")
        lua_setfield(L, -2, "__name")
        lua_setfield(L, TL_REGISTRYINDEX, LuaState.boxMetatableKey)
    }

    /// Pushes a box userdata holding a retained reference to `object`, with the given metatable
    /// (from the registry) whose `__gc` releases it. `owner` marks the class an object box was
    /// made for (nil for function boxes), so a box moved under another class's metatable is refused.
    func pushBox(_ object: AnyObject, metatable: String, owner: UnsafeRawPointer? = nil, on L: OpaquePointer) {
        _ = tl_newbox(L, owner == nil ? TL_TAG_FUNCTION : TL_TAG_OBJECT,
                      Unmanaged.passRetained(object).toOpaque(), owner)
        lua_getfield(L, TL_REGISTRYINDEX, metatable)
        lua_setmetatable(L, -2)
    }

    /// A Lua function that runs `body` in Swift. `name` is used in error messages.
    public func function(name: String, _ body: @escaping LuaFunctionBody) -> LuaValue {
        pushFunction(name: name, body, on: L)
        return .function(LuaFunction(state: self, popping: L))
    }

    func pushFunction(name: String, _ body: @escaping LuaFunctionBody, on L: OpaquePointer) {
        pushBox(SwiftFunctionBox(name: name, state: self, body: body), metatable: LuaState.boxMetatableKey, on: L)
        tl_pushtrampoline(L, 1)
    }
}

/// The entry point of every Lua->Swift call (called by the C trampoline). Never raises: a thrown
/// Swift error becomes an error value on the stack and the trampoline raises it after we return.
@_cdecl("tunelua_bridge_dispatch")
func tuneluaBridgeDispatch(_ L: OpaquePointer?, _ box: UnsafeMutableRawPointer?) -> Int32 {
    guard let L else { return 0 }
    guard let box else {
        _ = lua_pushstring(L, "tunelua: call to a released Swift function")
        return -1
    }
    // The closure's upvalue keeps the box alive for the whole call: no retain needed.
    return Unmanaged<SwiftFunctionBox>.fromOpaque(box)._withUnsafeGuaranteedRef { function in
        let thread = function.currentThread
        let savedThread = thread.pointee
        thread.pointee = L
        defer { thread.pointee = savedThread }
        var call = LuaCall(L: L, box: function)
        do {
            return try function.body(&call)
        } catch {
            return raise(error, on: L, state: function.state)
        }
    }
}

/// Pushes the error value for a thrown Swift error and returns the trampoline's error flag.
private func raise(_ error: any Error, on L: OpaquePointer, state: LuaState) -> Int32 {
    do {
        throw error
    } catch let error as LuaError {
        // Re-raise what Lua raised, unchanged: error objects keep their kind, and messages
        // already carry their position.
        if let value = error.value { value.push(L) } else { state.push(.string(error.message), on: L) }
        return -1
    } catch {
        state.push(.string(userPosition(L) + bounded(String(describing: error))), on: L)
        return -1
    }
}

/// A message cut to a few hundred bytes: messages quote what they were given (a keyword, a
/// value, a file's field), and what a script gives may be a megabyte long.
func bounded(_ message: String, limit: Int = 300) -> String {
    guard message.utf8.count > limit else { return message }
    let head = message.utf8.prefix(limit - 120), tail = message.utf8.suffix(100)
    return String(decoding: head, as: UTF8.self) + " … (\(message.utf8.count - head.count - tail.count) bytes cut) … " + String(decoding: tail, as: UTF8.self)
}

/// `file:line: ` of the innermost Lua function that is the user's, skipping tunelua's own Lua
/// helpers (chunks named `=tunelua…`), so messages point at the line the user wrote.
func userPosition(_ L: OpaquePointer) -> String {
    var level: Int32 = 1
    var info = lua_Debug()
    while lua_getstack(L, level, &info) != 0 {
        _ = lua_getinfo(L, "Sl", &info)
        let source = info.source.map { String(cString: $0) } ?? ""
        if info.currentline > 0 && !source.hasPrefix("=tunelua") {
            let file = withUnsafeBytes(of: &info.short_src) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            return "\(file):\(info.currentline): "
        }
        level += 1
    }
    return ""
}

@_cdecl("tunelua_bridge_release")
func tuneluaBridgeRelease(_ box: UnsafeMutableRawPointer?) {
    guard let box else { return }
    Unmanaged<AnyObject>.fromOpaque(box).release()
}
