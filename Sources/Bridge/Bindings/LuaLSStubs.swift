/// LuaLS (lua-language-server) annotation files for the three modules, written from an
/// `APIReference`, so an editor completes and explains exactly what the bindings expose:
/// `tunelua.lua`, `tunelua/keras.lua` and `tunelua/data.lua`, laid out as `require` finds them
/// when the folder is on the language server's `workspace.library`. Each file is plain Lua that
/// compiles and runs (it only builds empty tables and functions).
public enum LuaLSStubs {
    /// File paths (relative to the stubs folder) and their text.
    public static func files(_ reference: APIReference) -> [(path: String, text: String)] {
        APIReference.modules.map { module, local in
            let path = module.replacingOccurrences(of: ".", with: "/") + ".lua"
            return (path, file(module: module, local: local, reference: reference))
        }
    }

    static func file(module: String, local: String, reference: APIReference) -> String {
        var out = """
            ---@meta \(module)
            -- Editor annotations for `require "\(module)"`, written by `tunelua --stubs` \
            (tunelua \(Tunelua.version)). Do not edit: run it again after upgrading tunelua.

            ---@class \(module)
            local \(local) = {}


            """
        for entry in reference.entries where entry.name.hasPrefix(local + ".") {
            switch entry.kind {
            case .module:
                out += "\(entry.name) = {}\n\n"
            case .value:
                out += "---@type \(entry.name == "kt.version" ? "string" : "any")\n\(entry.name) = nil\n\n"
            case .function:
                out += function(entry.name, entry.signature, returns: returns(entry.name), colon: false)
            case .class:
                out += constructor(entry, returns: returns(entry.name), classes: reference.classes)
            case .method, .field:
                break
            }
        }
        if module == "tunelua" { out += objectClasses(reference) }
        return out + "return \(local)\n"
    }

    /// The classes of objects, written once (LuaLS shares `---@meta` classes between files).
    static func objectClasses(_ reference: APIReference) -> String {
        var out = "-- The objects scripts hold.\n\n"
        out += "---A class that scripts can extend: `local My = kt.RandomSearch:extend()`.\n---@class ExtendableClass\nlocal ExtendableClass = {}\n"
        out += "---@return table\nfunction ExtendableClass:extend(name) end\n---@return boolean\nfunction ExtendableClass:is_instance(value) end\n\n"
        for objectClass in reference.classes.values.sorted(by: { $0.name < $1.name }) {
            let local = "__" + objectClass.name
            out += "---@class \(objectClass.name)\n"
            for field in Set(objectClass.fields).sorted() {
                out += "---@field \(field) \(fieldTypes["\(objectClass.name).\(field)"] ?? "any")\n"
            }
            out += "local \(local) = {}\n"
            for method in Set(objectClass.methods).sorted() {
                let name = "\(objectClass.name):\(method)"
                let signature = reference.entries.first { $0.name == name }?.signature
                out += function("\(local):\(method)", signature, returns: methodReturns[name], colon: true, documentedAs: name)
            }
            out += "\n"
        }
        return out
    }

    /// A class table: callable (its constructor) and extendable.
    /// Its objects' class is a parent too, so `kt.RandomSearch.run_trial(self, …)` resolves.
    static func constructor(_ entry: APIReference.Entry, returns: String?, classes: [String: APIReference.ObjectClass]) -> String {
        var out = ""
        if let signature = entry.signature { out += argumentsClass(entry.name, signature) }
        let parents = ["ExtendableClass"] + (returns.flatMap { classes[$0] != nil ? [$0] : nil } ?? [])
        out += "---@class \(entry.name): \(parents.joined(separator: ", "))\n"
        if entry.signature != nil {
            out += "---@overload fun(args: \(entry.name).args)\(returns.map { ": " + $0 } ?? "")\n"
        } else {
            out += "---@overload fun(...: any)\(returns.map { ": " + $0 } ?? "")\n"
        }
        return out + "\(entry.name) = {}\n\n"
    }

    /// A function's annotations and an empty definition. With a signature, each parameter is
    /// positional (optional ones marked `?`, their defaults in the description), and an overload
    /// takes them as one keyword table, as the bindings accept both.
    static func function(_ name: String, _ signature: Signature?, returns: String?, colon: Bool, documentedAs: String? = nil) -> String {
        var out = ""
        guard let signature else {
            out += "---@param ... any\n"
            if let returns { out += "---@return \(returns)\n" }
            return out + "function \(name)(...) end\n\n"
        }
        let params = signature.params.map { (param: $0, local: luaName($0.name)) }
        out += argumentsClass(documentedAs ?? name, signature)
        for (param, local) in params {
            let optional = param.required ? "" : "?"
            var line = "---@param \(local)\(optional) \(type(of: param))"
            if let value = APIReference.defaultValue(param.name, of: signature.function) { line += " default: \(value)" }
            out += line + "\n"
        }
        if let returns { out += "---@return \(returns)\n" }
        out += "---@overload fun(\(colon ? "self: any, " : "")args: \(argumentsName(documentedAs ?? name)))\(returns.map { ": " + $0 } ?? "")\n"
        return out + "function \(name)(\(params.map(\.local).joined(separator: ", "))) end\n\n"
    }

    /// The keyword-table form of a call (`Dense{units = 64}`) as a class of its own, so each
    /// field carries its type and default.
    static func argumentsClass(_ name: String, _ signature: Signature) -> String {
        var out = "---@class \(argumentsName(name))\n"
        for param in signature.params {
            out += "---@field \(param.name)\(param.required ? "" : "?") \(type(of: param))"
            if let value = APIReference.defaultValue(param.name, of: signature.function) { out += " default: \(value)" }
            out += "\n"
        }
        return out
    }

    static func argumentsName(_ name: String) -> String {
        name.replacingOccurrences(of: ":", with: ".") + ".args"
    }

    static func type(of param: Signature.Param) -> String {
        if let known = parameterTypes[param.name] { return known }
        switch param.kind {
        case .any, .object: return "any"
        case .number: return "number"
        case .integer: return "integer"
        case .string: return "string"
        case .boolean: return "boolean"
        case .function: return "function"
        case .table: return "table"
        case .list: return "any[]"
        }
    }

    /// A parameter name that is a Lua keyword cannot name a local.
    static func luaName(_ name: String) -> String {
        LuaState.keywords.contains(name) ? name + "_" : name
    }

    /// Types sharper than a signature's kinds, for parameters whose name says what they take.
    static let parameterTypes: [String: String] = [
        "objective": "string|Objective|(string|Objective)[]",
        "hyperparameters": "HyperParameters",
        "hypermodel": "(fun(hp: HyperParameters): Sequential)|HyperModel",
        "oracle": "Oracle",
        "optimizer": "string|KerasObject",
        "loss": "string|KerasObject",
        "metrics": "string[]",
        "callbacks": "(Callback|table)[]",
        "x": "Tensor|table",
        "y": "Tensor|table",
        "validation_data": "Tensor[]",
        "kernel_regularizer": "string|Regularizer",
        "bias_regularizer": "string|Regularizer",
        "workers": "integer|\"auto\"",
        "verbose": "integer|\"auto\"",
        "layers": "(Layer|KerasTensor)[]",
        "fn": "fun(): any",
        "hps": "HyperParameters|table[]",
    ]

    /// What methods return, where it is one kind of value.
    static let methodReturns: [String: String] = [
        "HyperParameters:Float": "number", "HyperParameters:Int": "integer", "HyperParameters:Boolean": "boolean",
        "HyperParameters:Choice": "number|string|boolean", "HyperParameters:Fixed": "number|string|boolean",
        "HyperParameters:get": "number|string|boolean", "HyperParameters:is_active": "boolean",
        "HyperParameters:copy": "HyperParameters", "HyperParameters:get_config": "table",
        "Tuner:get_best_hyperparameters": "HyperParameters[]", "Tuner:get_best_models": "Sequential[]",
        "Tuner:load_model": "Sequential", "Tuner:get_state": "table", "Tuner:report": "string",
        "Oracle:get_best_trials": "Trial[]", "Oracle:hypervolume": "number", "Oracle:get_trial": "Trial", "Oracle:get_space": "HyperParameters",
        "Oracle:get_state": "table",
        "Sequential:fit": "History", "Sequential:predict": "Tensor", "Sequential:count_params": "integer",
        "Sequential:get_weights": "Tensor[]",
        "Tensor:reshape": "Tensor", "Tensor:rows": "Tensor", "Tensor:mean": "number", "Tensor:std": "number",
        "Tensor:totable": "table",
        "MetricsTracker:get_history": "{step: integer, value: number}[]", "MetricsTracker:get_best_value": "number?",
        "MetricsTracker:get_last_value": "number?", "MetricsTracker:get_best_step": "integer?",
        "MetricsTracker:get_direction": "\"min\"|\"max\"", "MetricsTracker:exists": "boolean",
    ]

    /// Types of fields, so the editor follows `tuner.oracle:get_best_trials(1)[1].hyperparameters`.
    static let fieldTypes: [String: String] = [
        "Tuner.oracle": "Oracle", "Tuner.hypermodel": "HyperModel|function", "Tuner.project_dir": "string",
        "Tuner.tuner_id": "string", "Tuner.remaining_trials": "integer?", "Tuner.workers": "integer",
        "Tuner.executions_per_trial": "integer", "Tuner.max_model_size": "integer?",
        "Oracle.trials": "table<string, Trial>", "Oracle.objective": "Objective", "Oracle.max_trials": "integer?",
        "Oracle.remaining_trials": "integer?", "Oracle.hyperparameters": "HyperParameters", "Oracle.seed": "integer",
        "Trial.trial_id": "string", "Trial.hyperparameters": "HyperParameters", "Trial.status": "string",
        "Trial.score": "number?", "Trial.best_step": "integer", "Trial.objective_values": "number[]?", "Trial.message": "string?", "Trial.worker": "string?",
        "Trial.metrics": "MetricsTracker", "MetricsTracker.names": "string[]",
        "HyperParameters.values": "table<string, number|string|boolean>", "HyperParameters.space": "table[]",
        "Objective.name": "string", "Objective.direction": "\"min\"|\"max\"",
        "Sequential.layers": "Layer[]", "Sequential.name": "string", "Sequential.optimizer": "Optimizer",
        "Sequential.stop_training": "boolean", "Sequential.metrics_names": "string[]",
        "History.history": "table<string, number[]>", "History.epoch": "integer[]",
        "Tensor.shape": "integer[]", "Layer.name": "string", "Optimizer.learning_rate": "number",
    ]

    /// What constructors and module functions return, by name prefix.
    static func returns(_ name: String) -> String? {
        let rules: [(String, String)] = [
            ("kt.oracles.", "Oracle"), ("kt.Objective", "Objective"), ("kt.HyperParameters", "HyperParameters"),
            ("kt.errors.FailedTrialError", "FailedTrialError"), ("kt.errors.FatalValueError", "FatalValueError"),
            ("kt.errors.FatalTypeError", "FatalTypeError"), ("kt.errors.FatalRuntimeError", "FatalRuntimeError"),
            ("kt.errors.FatalError", "FatalError"), ("kt.HyperModel", "HyperModel"), ("kt.is_worker", "boolean"),
            ("keras.layers.", "Layer"), ("keras.Sequential", "Sequential"), ("keras.Input", "KerasTensor"),
            ("keras.optimizers.", "KerasObject"), ("keras.losses.", "KerasObject"), ("keras.callbacks.", "Callback"),
            ("keras.regularizers.", "Regularizer"), ("data.csv", "Tensor, Tensor"),
            ("data.split", "Tensor, Tensor, Tensor, Tensor"), ("data.", "Tensor"), ("kt.", "Tuner"),
        ]
        if name.hasPrefix("kt.oracles.") && !name.hasSuffix("Oracle") { return nil }
        if name.hasPrefix("kt.errors.") && !name.hasSuffix("Error") { return nil }
        return rules.first { name.hasPrefix($0.0) }?.1
    }
}
