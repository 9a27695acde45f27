/// `kt.errors.FailedTrialError(msg)`, `kt.errors.FatalError(msg)` and Keras Tuner 1.4's
/// `FatalValueError`, `FatalTypeError`, `FatalRuntimeError` (subclasses of `FatalError`): error
/// objects that keep their kind through `error(…)` all the way into the tuner (docs/reference.md, Errors).
enum ErrorsBinding {
    /// The kinds that abort a search: `FatalError` and its Keras Tuner subclasses.
    static let fatalKinds: Set<String> = ["FatalError", "FatalValueError", "FatalTypeError", "FatalRuntimeError"]

    static let source = """
        local Object = ...
        local errors = {}
        local function define(kind, parent)
          local cls = parent:extend(kind)
          cls.__error_kind = kind
          cls.__tostring = function(self) return kind .. ": " .. tostring(self.message) end
          function cls.__init(self, message) self.message = message == nil and "" or tostring(message) end
          errors[kind] = cls
        end
        define("FailedTrialError", Object)
        -- Optuna's `raise TrialPruned()`: the trial ends PRUNED (docs/reference.md, Pruning).
        define("TrialPruned", Object)
        define("FatalError", Object)
        -- Keras Tuner 1.4: `class FatalValueError(FatalError, ValueError)` and so on; here they
        -- extend FatalError, so `kt.errors.FatalError:is_instance(e)` holds for each.
        for _, kind in ipairs({ "FatalValueError", "FatalTypeError", "FatalRuntimeError" }) do
          define(kind, errors.FatalError)
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

    /// Whether errors of `kind` (as `kind(of:state:)` reports it) stop the search.
    static func isFatal(kind: String) -> Bool { fatalKinds.contains(kind) }

    /// "FailedTrialError", "FatalError", "FatalValueError", …, or nil for other errors. A Lua
    /// subclass of one of these reports its parent's kind.
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
