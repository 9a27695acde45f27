import CLua
import Engine
import NN

/// The Lua modules tunelua provides, installed into a state as preloaded `require` targets.
public enum Tunelua {
    public static let version = "0.1.0"
    public static let luaVersion = "Lua 5.4"

    /// Makes `require "tunelua"` (and its submodules) available in `state`.
    public static func install(in state: LuaState) {
        state.preload("tunelua") { state in
            let module = state.newTable()
            module["version"] = .string(version)
            module["HyperParameters"] = try HyperParametersBinding.classTable(state: state)
            module["sandboxed"] = .boolean(state.sandbox != nil)
            module["is_worker"] = state.function(name: "is_worker") { call in call.results(.boolean(call.state.workerContext != nil)) }
            try TunerBinding.install(into: module, state: state)
            return .table(module)
        }
        state.preload("tunelua.keras") { state in try KerasBinding.module(state) }
        state.preload("tunelua.data") { state in DataBinding.module(state) }
    }
}
