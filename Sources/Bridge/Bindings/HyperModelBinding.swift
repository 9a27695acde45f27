/// `kt.HyperModel`: Keras Tuner's `HyperModel`, extended in Lua (`build(hp)`, optionally
/// `fit(hp, model, …)` and `declare_hyperparameters(hp)`), or made from a plain build function.
enum HyperModelBinding {
    static func makeClass(state: LuaState) throws -> ExtendableClass {
        let hyperModel = try state.makeClass("HyperModel")
        hyperModel.initializer { call in
            guard let instance = call.value(at: 1).tableValue else { return 0 }
            let options = call.value(at: 2)
            guard options.isNil || options.tableValue != nil else {
                throw LuaCallError("HyperModel: expected an options table {name = …, tunable = …} (got \(options.typeName))")
            }
            instance["name"] = options.tableValue?["name"] ?? .nil
            instance["tunable"] = .boolean(options.tableValue?["tunable"].boolValue ?? true)
            return 0
        }
        hyperModel.method("build") { _ in
            throw LuaCallError("HyperModel:build(hp) is not implemented: override it in your subclass")
        }
        hyperModel.method("declare_hyperparameters") { _ in 0 }
        // Keras Tuner's HyperModel.fit: trains the built model with the search's arguments.
        hyperModel.method("fit") { call in
            let arguments = call.values(from: 3)
            return call.results(try call.state.invoke(call.value(at: 3), "fit", Array(arguments.dropFirst())))
        }
        return hyperModel
    }

    /// What a tuner's `hypermodel` argument becomes: a build function is wrapped in a `HyperModel`
    /// whose `build(hp)` calls it, as Keras Tuner wraps one; nil stays nil. Anything else that is
    /// no hypermodel is an error naming the argument.
    static func hypermodel(_ value: LuaValue, tunerName: String, hyperModel: ExtendableClass, state: LuaState) throws -> LuaValue {
        switch value {
        case .nil:
            return .nil
        case .function(let build):
            guard let made = try state.invoke(.table(hyperModel.table), "new", []).first?.tableValue else { return .nil }
            made["build"] = state.function(name: "build") { call in
                call.results(try build.call([call.value(at: 2)]))
            }
            return .table(made)
        case .table where try state.has(value, "build"):
            return value
        default:
            throw LuaCallError("\(tunerName): hypermodel must be a build function or a kt.HyperModel with a build method (got \(state.typeName(of: value)))")
        }
    }
}
