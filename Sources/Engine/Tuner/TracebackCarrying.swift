/// An error that carries a traceback beside its message (Lua errors do; the Bridge makes
/// `LuaError` conform). The loop stores message + traceback in a failed trial's `message`.
public protocol TracebackCarrying {
    var traceback: String? { get }
}
