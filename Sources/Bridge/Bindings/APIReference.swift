import Engine

/// Every name the three modules expose, read from a live state's module tables and from the
/// classes and signatures the bindings are built with, so that the documentation test and the
/// editor stubs (`tunelua --stubs`) can never describe a different API than the one that runs.
///
/// Names are written as a user writes them: `kt.RandomSearch`, `keras.layers.Dense`, `data.csv`
/// for module members; `Tuner:search` for methods and `Tuner.project_dir` for fields of a class.
public struct APIReference {
    public enum Kind: String, Sendable {
        /// A table of functions (`kt.oracles`, `keras.layers`).
        case module
        /// A function called with a dot (`kt.Objective`, `data.csv`).
        case function
        /// A callable class (`kt.RandomSearch`, `kt.HyperParameters`).
        case `class`
        /// A method of a class's objects, called with a colon (`Tuner:search`).
        case method
        /// A field of a class's objects (`Trial.trial_id`).
        case field
        /// A plain value (`kt.version`).
        case value
    }

    public struct Entry: Sendable {
        public let name: String
        public let kind: Kind
        /// The parameters, when the binding binds its arguments with a `Signature`.
        public let signature: Signature?
    }

    /// A class whose objects scripts hold: its name and members (methods, fields).
    public struct ObjectClass: Sendable {
        public let name: String
        public var methods: [String]
        public var fields: [String]
    }

    /// `require` name and the local name the contract and the docs use for it.
    public static let modules: [(module: String, local: String)] = [
        ("tunelua", "kt"), ("tunelua.keras", "keras"), ("tunelua.data", "data"),
    ]

    public private(set) var entries: [Entry] = []
    /// The classes of objects (tuners, trials, models, tensors, …), by name.
    public private(set) var classes: [String: ObjectClass] = [:]

    /// Reads the reference from `state` (which must have `Tunelua.install` run on it).
    public init(state: LuaState) throws {
        let signatures = Self.signatures()
        for (module, local) in Self.modules {
            guard let table = try state.run("return require(...)", chunkName: "=reference", arguments: [.string(module)]).first?.tableValue else { continue }
            entries.append(Entry(name: local, kind: .module, signature: nil))
            walk(table, prefix: local, signatures: signatures, depth: 0)
        }
        for luaClass in Self.objectClasses {
            add(luaClass.name, methods: luaClass.methods.map(\.0), fields: Array(luaClass.getters.keys))
        }
        for objectClass in classes.values.sorted(by: { $0.name < $1.name }) {
            for method in Set(objectClass.methods).sorted() {
                let name = "\(objectClass.name):\(method)"
                entries.append(Entry(name: name, kind: .method, signature: signatures[name]))
            }
            for field in Set(objectClass.fields).sorted() {
                entries.append(Entry(name: "\(objectClass.name).\(field)", kind: .field, signature: nil))
            }
        }
    }

    /// The classes of Swift objects handed to scripts (not the private handles behind instance
    /// tables). A binding that adds a class adds it here, and the documentation test then asks
    /// for its members to be documented.
    nonisolated(unsafe) static let objectClasses: [LuaClass] = [
        HyperParametersBinding.luaClass, TrialBinding.trialClass, TrialBinding.metricsClass, TrialBinding.oracleClass,
        ObjectiveBox.luaClass, ModelBox.luaClass, OptimizerHandle.luaClass, HistoryBox.luaClass, LayerBox.luaClass,
        InputBox.luaClass, TensorBox.luaClass, KerasBinding.ConfigBox.luaClass, KerasBinding.CallbackBox.luaClass,
        RegularizerBox.luaClass, PrunerBinding.luaClass,
    ]

    private mutating func add(_ name: String, methods: [String], fields: [String]) {
        var objectClass = classes[name] ?? ObjectClass(name: name, methods: [], fields: [])
        objectClass.methods += methods
        objectClass.fields += fields
        classes[name] = objectClass
    }

    private mutating func walk(_ table: LuaTable, prefix: String, signatures: [String: Signature], depth: Int) {
        guard depth < 8 else { return }
        let members = table.pairs.compactMap { pair in pair.key.stringValue.map { ($0, pair.value) } }
            .filter { LuaState.isIdentifier($0.0) && !$0.0.hasPrefix("__") }
            .sorted { $0.0 < $1.0 }
        for (key, value) in members {
            let name = "\(prefix).\(key)"
            switch value {
            case .function:
                entries.append(Entry(name: name, kind: .function, signature: signatures[name]))
            case .table(let member) where Self.isExtendableClass(member):
                entries.append(Entry(name: name, kind: .class, signature: signatures[name]))
                addExtendable(member)
            case .table(let member) where member.metatable?["__call"].isNil == false:
                // A callable table with functions of its own (`kt.HyperParameters.from_config`).
                entries.append(Entry(name: name, kind: .class, signature: signatures[name]))
                walk(member, prefix: name, signatures: signatures, depth: depth + 1)
            case .table(let member):
                entries.append(Entry(name: name, kind: .module, signature: nil))
                walk(member, prefix: name, signatures: signatures, depth: depth + 1)
            default:
                entries.append(Entry(name: name, kind: .value, signature: nil))
            }
        }
    }

    /// A class of the class system: its own methods (inherited ones belong to its parent's
    /// entry) and computed fields.
    private mutating func addExtendable(_ table: LuaTable) {
        guard let className = table["__name"].stringValue else { return }
        var methods: [String] = []
        for (key, value) in table.pairs {
            guard let name = key.stringValue, LuaState.isIdentifier(name), !name.hasPrefix("__"), name != "super",
                  value.functionValue != nil else { continue }
            methods.append(name)
        }
        let fields = table["__getters"].tableValue?.pairs.compactMap(\.key.stringValue) ?? []
        add(className, methods: methods, fields: fields)
    }

    static func isExtendableClass(_ table: LuaTable) -> Bool {
        table["__name"].stringValue != nil && table["__getters"].tableValue != nil
    }

    /// The signatures the bindings bind with, by the names above.
    static func signatures() -> [String: Signature] {
        var s: [String: Signature] = [:]
        s["kt.Objective"] = ObjectiveBox.signature
        s["kt.Tuner"] = Signature("Tuner", TunerBinding.constructorParameters(nil))
        for factory in OracleBinding.factories {
            s["kt.\(factory.tunerName)"] = Signature(factory.tunerName, TunerBinding.constructorParameters(factory))
            s["kt.oracles.\(factory.oracleName)"] = Signature(factory.oracleName, OracleArguments.parameters + factory.parameters)
        }
        s["kt.oracles.Oracle"] = Signature("Oracle", OracleArguments.parameters)
        let hp = HyperParametersBinding.self
        for signature in [hp.float, hp.int, hp.choice, hp.boolean, hp.fixed, hp.conditionalScope, hp.nameScope, hp.merge] {
            s["HyperParameters:\(signature.function)"] = signature
        }
        for (name, signature, _) in KerasBinding.layerSignatures { s["keras.layers.\(name)"] = signature }
        for signature in [KerasBinding.earlyStopping, KerasBinding.reduceLR, KerasBinding.lambda] {
            s["keras.callbacks.\(signature.function)"] = signature
        }
        for signature in [ModelBox.fit, ModelBox.evaluate, ModelBox.predict, ModelBox.compile] {
            s["Sequential:\(signature.function)"] = signature
        }
        s["data.csv"] = DataBinding.csv
        s["data.split"] = DataBinding.split
        return s
    }

    /// Defaults of parameters whose binding reads them from the engine's constants (or Keras
    /// Tuner's documented values), as Lua source: `name` alone for every function, or
    /// `Function.name` for one.
    static let defaults: [String: String] = [
        "objective": "\"default_objective\" (minimized)",
        "allow_new_entries": "\(Oracle.Defaults.allowNewEntries)",
        "tune_new_entries": "\(Oracle.Defaults.tuneNewEntries)",
        "max_retries_per_trial": "\(Oracle.Defaults.maxRetriesPerTrial)",
        "max_consecutive_failed_trials": Oracle.Defaults.maxConsecutiveFailedTrials.map { "\($0)" } ?? "nil",
        "multi_objective": "\"sum\"",
        "RandomSearch.max_trials": "\(RandomSearchOracle.defaultMaxTrials)",
        "RandomSearchOracle.max_trials": "\(RandomSearchOracle.defaultMaxTrials)",
        "BayesianOptimization.max_trials": "\(BayesianOptimizationOracle.BayesianDefaults.maxTrials)",
        "BayesianOptimizationOracle.max_trials": "\(BayesianOptimizationOracle.BayesianDefaults.maxTrials)",
        "alpha": "\(BayesianOptimizationOracle.BayesianDefaults.alpha)",
        "beta": "\(BayesianOptimizationOracle.BayesianDefaults.beta)",
        "acquisition": "\"\(BayesianOptimizationOracle.BayesianDefaults.acquisition.rawValue)\"",
        "TPE.max_trials": "\(TPEOracle.TPEDefaults.maxTrials)",
        "TPEOracle.max_trials": "\(TPEOracle.TPEDefaults.maxTrials)",
        "n_startup_trials": "\(TPEOracle.TPEDefaults.nStartupTrials)",
        "n_ei_candidates": "\(TPEOracle.TPEDefaults.nEICandidates)",
        "prior_weight": "\(TPEOracle.TPEDefaults.priorWeight)",
        "consider_magic_clip": "\(TPEOracle.TPEDefaults.considerMagicClip)",
        "consider_endpoints": "\(TPEOracle.TPEDefaults.considerEndpoints)",
        "multivariate": "\(TPEOracle.TPEDefaults.multivariate) (\(TPEOracle.TPEDefaults.multivariatePareto) in Pareto mode)",
        "max_epochs": "\(HyperbandOracle.HyperbandDefaults.maxEpochs)",
        "factor": "\(HyperbandOracle.HyperbandDefaults.factor)",
        "hyperband_iterations": "\(HyperbandOracle.HyperbandDefaults.hyperbandIterations)",
        "directory": "\".\"",
        "project_name": "\"untitled_project\"",
        "tuner_id": "\"tuner0\"",
        "overwrite": "false",
        "executions_per_trial": "1",
        "verbose": "1",
        "workers": "1",
        "deterministic": "false",
        "Float.sampling": "\"linear\"",
        "Int.sampling": "\"linear\"",
        "Int.step": "1",
        "Boolean.default": "false",
        "merge.overwrite": "true",
        "fit.batch_size": "32",
        "fit.epochs": "1",
        "fit.verbose": "\"auto\"",
        "fit.shuffle": "true",
        "fit.initial_epoch": "0",
        "evaluate.batch_size": "32",
        "predict.batch_size": "32",
        "csv.label": "\"label\"",
        "csv.header": "true",
        "split.fraction": "0.8",
        "split.shuffle": "true",
        "EarlyStopping.monitor": "\"val_loss\"",
        "EarlyStopping.min_delta": "0",
        "EarlyStopping.patience": "0",
        "EarlyStopping.mode": "\"auto\"",
        "EarlyStopping.restore_best_weights": "false",
        "Dense.use_bias": "true",
        "Conv2D.strides": "1",
        "Conv2D.padding": "\"valid\"",
        "MaxPooling2D.pool_size": "2",
        "AveragePooling2D.pool_size": "2",
    ]

    /// The default of `parameter` of `function`, as Lua source, when the reference knows it.
    public static func defaultValue(_ parameter: String, of function: String) -> String? {
        defaults["\(function).\(parameter)"] ?? defaults[parameter]
    }
}
