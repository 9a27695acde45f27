import CLua

/// One call from Lua into a Swift function: its arguments on the stack and a place for results.
/// Reads never raise (raw access only); results are pushed in order.
public struct LuaCall {
    let L: OpaquePointer
    private unowned(unsafe) let box: SwiftFunctionBox

    init(L: OpaquePointer, box: SwiftFunctionBox) {
        self.L = L
        self.box = box
    }

    /// The state the call runs in (valid for the duration of the call).
    public var state: LuaState { box.state }

    /// The function's name, as error messages show it.
    public var functionName: String { box.name }

    /// How many arguments Lua passed.
    public var argumentCount: Int { Int(lua_gettop(L)) }

    /// The argument at 1-based `index` (`.nil` past the end).
    public func value(at index: Int) -> LuaValue { state.value(at: Int32(index), on: L) }

    /// All arguments from `index` on.
    public func values(from index: Int = 1) -> [LuaValue] {
        guard index <= argumentCount else { return [] }
        return (index...argumentCount).map { value(at: $0) }
    }

    public func isNil(at index: Int) -> Bool { lua_type(L, Int32(index)) <= LUA_TNIL }

    /// A string argument (strings only; numbers are not converted).
    public func string(at index: Int) -> String? {
        guard lua_type(L, Int32(index)) == LUA_TSTRING else { return nil }
        return value(at: index).stringValue
    }

    /// A number argument, without allocation (the fast path for hot functions). Like Lua's own
    /// `luaL_checknumber`, a string that reads as a number is accepted.
    public func number(at index: Int) -> Double? {
        var isNumber: Int32 = 0
        let d = tl_tonumber(L, Int32(index), &isNumber)
        return isNumber != 0 ? d : nil
    }

    /// The Swift object in a userdata argument, if it is one of ours and of type `T`.
    public func object<T: AnyObject>(at index: Int, as type: T.Type = T.self) -> T? {
        state.object(at: Int32(index), on: L) as? T
    }

    /// Pushes one result. Scalars go straight to the stack: the hot path of small functions.
    public func push(_ value: LuaValue) {
        if !LuaState.pushScalar(value, on: L) { state.push(value, on: L) }
    }

    /// Pushes results and returns their count, for `return call.results(a, b)`.
    public func results(_ values: LuaValue...) -> Int32 {
        for value in values { push(value) }
        return Int32(values.count)
    }

    /// Pushes every value of an array as a separate result. More results than Lua's stack can
    /// take (about a million) raise an error instead (the trampoline's error flag, -1).
    public func results(_ values: [LuaValue]) -> Int32 {
        guard values.count < 900_000, lua_checkstack(L, Int32(values.count) + 4) != 0 else {
            state.push(.string("\(userPosition(L))\(functionName): \(values.count) results are too many to return (the Lua stack holds about 1,000,000)"), on: L)
            return -1
        }
        for value in values { push(value) }
        return Int32(values.count)
    }

    /// An error in Lua's standard form: `bad argument #2 to 'Float' (number expected, got string)`.
    public func argumentError(_ index: Int, _ message: String) -> LuaCallError {
        LuaCallError("bad argument #\(index) to '\(functionName)' (\(message))")
    }

    /// `number expected, got string`-style message for argument `index`.
    public func typeError(_ index: Int, expected: String) -> LuaCallError {
        argumentError(index, "\(expected) expected, got \(typeName(at: index))")
    }

    /// Lua's name for the type of argument `index` ("no value" past the end), honouring `__name`.
    public func typeName(at index: Int) -> String {
        if index > argumentCount { return "no value" }
        if let name = state.className(at: Int32(index), on: L) { return name }
        return String(cString: tl_typename(L, Int32(index)))
    }
}
