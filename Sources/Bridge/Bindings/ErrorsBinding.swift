/// `kt.errors.FailedTrialError(msg)` and `kt.errors.FatalError(msg)`: error objects that keep their
/// kind through `error(…)` all the way into the tuner (LUA_API.md §2).
enum ErrorsBinding {
    static let source = """
        local Object = ...
        local errors = {}
        for _, kind in ipairs({ "FailedTrialError", "FatalError" }) do
          local cls = Object:extend(kind)
          cls.__error_kind = kind
          cls.__tostring = function(self) return kind .. ": " .. tostring(self.message) end
          function cls.__init(self, message) self.message = message == nil and "" or tostring(message) end
          errors[kind] = cls
        end
        local function kind(value)
          if type(value) ~= "table" then return nil end
          local mt = getmetatable(value)
          return type(mt) == "table" and mt.__error_kind or nil
        end
        return errors, kind
        """

    /// Builds `kt.errors` and remembers how to recognise its objects.
    static func make(state: LuaState) throws -> LuaValue {
        let results = try state.load(source, chunkName: "=tunelua.errors").call([try state.classSystem["Object"]])
        state.errorKindFunction = results.count > 1 ? results[1].functionValue : nil
        return results.first ?? .nil
    }

    /// "FailedTrialError", "FatalError", or nil for other errors.
    static func kind(of error: LuaError, state: LuaState) -> String? {
        guard let value = error.value, let kind = state.errorKindFunction else { return nil }
        return (try? kind.call([state.value(of: value)]))?.first?.stringValue
    }

    /// The `message` field of an error object (its description otherwise).
    static func message(of error: LuaError, state: LuaState) -> String {
        if let value = error.value, let table = state.value(of: value).tableValue, let message = table["message"].stringValue {
            return message
        }
        return error.message
    }
}
