import Engine

/// Engine errors of a kind Lua code can catch by kind (`FailedTrialError`, `FatalError`) become
/// the matching `kt.errors` objects when they cross into Lua, so a user's `run_trial` that calls
/// the parent's sees the same kinds Keras Tuner raises (an oversized model's `FailedTrialError`).
extension ErrorsBinding {
    /// `kt.errors`, kept per state when the module loads.
    final class Classes {
        let table: LuaTable
        init(_ table: LuaTable) { self.table = table }
    }

    static func remember(_ errors: LuaValue, in state: LuaState) {
        guard let table = errors.tableValue else { return }
        _ = state.perState("tunelua.errors") { Classes(table) }
    }

    /// Runs `body`, turning a thrown `FailedTrialError` or `FatalError` into its `kt.errors` object.
    static func raisingEngineKinds<T>(_ state: LuaState, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as FailedTrialError {
            throw object("FailedTrialError", message: error.message, traceback: error.traceback, state: state) ?? error
        } catch let error as FatalError {
            throw object("FatalError", message: error.message, traceback: error.traceback, state: state) ?? error
        }
    }

    private static func object(_ kind: String, message: String, traceback: String?, state: LuaState) -> LuaError? {
        let classes = state.perState("tunelua.errors") { Classes(state.newTable()) }
        guard let cls = classes.table[kind].tableValue,
              let value = (try? state.invoke(.table(cls), "new", [.string(message)]))?.first?.tableValue else { return nil }
        return LuaError(message: "\(kind): \(message)", traceback: traceback, value: value)
    }
}
