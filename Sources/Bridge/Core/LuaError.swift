import CLua

/// A Lua error as Swift sees it: one line that reads like Lua's own (`search.lua:12: message`),
/// with the traceback behind a property, and the original error value kept so that re-raising it
/// in Lua preserves its kind (an error object stays an object).
public struct LuaError: Error, CustomStringConvertible, @unchecked Sendable {
    /// The error message: the string that was raised, or the `__tostring` of an error object.
    public let message: String
    /// Lua's traceback at the point of the error, when one was recorded.
    public let traceback: String?
    /// The raised value itself, when it was not a plain string (an error object).
    public let value: LuaRef?

    public init(message: String, traceback: String? = nil, value: LuaRef? = nil) {
        self.message = message
        self.traceback = traceback
        self.value = value
    }

    public var description: String { message }

    /// The message followed by the traceback, as the standalone `lua` prints an uncaught error.
    public var fullDescription: String {
        guard let traceback, !traceback.isEmpty else { return message }
        if traceback.hasPrefix(message) { return traceback }
        return message + "\n" + traceback
    }
}

/// An error a Swift function raises in Lua. Its message is prefixed with the caller's position
/// (`search.lua:12: `), as `luaL_error` does.
public struct LuaCallError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
