import Engine
import NN

/// `require "tunelua.keras"`: Keras 3's Sequential API over the NN engine (docs/reference.md).
enum KerasBinding {
    // MARK: - Layers

    static let initializerParams: [Signature.Param] = [
        .init("kernel_initializer", .string), .init("bias_initializer", .string),
        .init("kernel_regularizer", .any), .init("bias_regularizer", .any),
    ]
    static let common: [Signature.Param] = [.init("input_shape", .list), .init("name", .string)]

    nonisolated(unsafe) static let layerSignatures: [(String, Signature, (Arguments) throws -> any Layer)] = [
        ("Dense", Signature("Dense", [.init("units", .integer, required: true), .init("activation", .string),
                                      .init("use_bias", .boolean)] + initializerParams + common), { a in
            try Dense(units: a.integer("units")!, activation: a.string("activation"), useBias: a.bool("use_bias", default: true),
                      kernelInitializer: try initializer(a, "kernel_initializer", .glorotUniform, "Dense"),
                      biasInitializer: try initializer(a, "bias_initializer", .zeros, "Dense"),
                      kernelRegularizer: try regularizer(a, "kernel_regularizer", "Dense"),
                      biasRegularizer: try regularizer(a, "bias_regularizer", "Dense"),
                      inputShape: try shape(a, "input_shape"), name: a.string("name"))
        }),
        ("Conv2D", Signature("Conv2D", [.init("filters", .integer, required: true), .init("kernel_size", .any, required: true),
                                        .init("strides", .any), .init("padding", .string), .init("data_format", .string),
                                        .init("dilation_rate", .any), .init("activation", .string), .init("use_bias", .boolean)]
                             + initializerParams + common), { a in
            if let format = a.string("data_format"), format != "channels_last" {
                throw a.error("data_format", "must be \"channels_last\" (images are N, H, W, C), got \"\(format)\"")
            }
            return try Conv2D(filters: a.integer("filters")!, kernelSize: try ints(a, "kernel_size")!,
                              strides: try ints(a, "strides") ?? [1], padding: a.string("padding", default: "valid"),
                              dilationRate: try ints(a, "dilation_rate") ?? [1], activation: a.string("activation"),
                              useBias: a.bool("use_bias", default: true),
                              kernelInitializer: try initializer(a, "kernel_initializer", .glorotUniform, "Conv2D"),
                              biasInitializer: try initializer(a, "bias_initializer", .zeros, "Conv2D"),
                              kernelRegularizer: try regularizer(a, "kernel_regularizer", "Conv2D"),
                              biasRegularizer: try regularizer(a, "bias_regularizer", "Conv2D"),
                              inputShape: try shape(a, "input_shape"), name: a.string("name"))
        }),
        ("Dropout", Signature("Dropout", [.init("rate", .number, required: true), .init("noise_shape", .any), .init("seed", .integer)] + common), { a in
            try Dropout(rate: a.double("rate")!, seed: a.integer("seed"), inputShape: try shape(a, "input_shape"), name: a.string("name"))
        }),
        ("Flatten", Signature("Flatten", [.init("data_format", .string)] + common), { a in
            Flatten(inputShape: try shape(a, "input_shape"), name: a.string("name"))
        }),
        ("Reshape", Signature("Reshape", [.init("target_shape", .list, required: true)] + common), { a in
            try Reshape(targetShape: try ints(a, "target_shape")!, inputShape: try shape(a, "input_shape"), name: a.string("name"))
        }),
        ("Activation", Signature("Activation", [.init("activation", .string, required: true)] + common), { a in
            try Activation(a.string("activation")!, inputShape: try shape(a, "input_shape"), name: a.string("name"))
        }),
        ("MaxPooling2D", Signature("MaxPooling2D", [.init("pool_size", .any), .init("strides", .any), .init("padding", .string),
                                                    .init("data_format", .string)] + common), { a in
            try Pooling2D(.max, poolSize: try ints(a, "pool_size") ?? [2], strides: try ints(a, "strides"),
                          padding: a.string("padding", default: "valid"), inputShape: try shape(a, "input_shape"), name: a.string("name"))
        }),
        ("AveragePooling2D", Signature("AveragePooling2D", [.init("pool_size", .any), .init("strides", .any), .init("padding", .string),
                                                            .init("data_format", .string)] + common), { a in
            try Pooling2D(.average, poolSize: try ints(a, "pool_size") ?? [2], strides: try ints(a, "strides"),
                          padding: a.string("padding", default: "valid"), inputShape: try shape(a, "input_shape"), name: a.string("name"))
        }),
        ("GlobalAveragePooling2D", Signature("GlobalAveragePooling2D", [.init("data_format", .string), .init("keepdims", .boolean)] + common), { a in
            if a.bool("keepdims", default: false) { throw a.error("keepdims", "= true is not supported") }
            return GlobalAveragePooling2D(inputShape: try shape(a, "input_shape"), name: a.string("name"))
        }),
        ("BatchNormalization", Signature("BatchNormalization", [.init("axis", .integer), .init("momentum", .number), .init("epsilon", .number),
                                                                .init("center", .boolean), .init("scale", .boolean)] + common), { a in
            if let axis = a.integer("axis"), axis != -1 { throw a.error("axis", "must be -1 (the channels axis), got \(axis)") }
            return try BatchNormalization(momentum: a.double("momentum", default: 0.99), epsilon: a.double("epsilon", default: 1e-3),
                                          center: a.bool("center", default: true), scale: a.bool("scale", default: true),
                                          inputShape: try shape(a, "input_shape"), name: a.string("name"))
        }),
        ("LayerNormalization", Signature("LayerNormalization", [.init("axis", .integer), .init("epsilon", .number),
                                                                .init("center", .boolean), .init("scale", .boolean)] + common), { a in
            if let axis = a.integer("axis"), axis != -1 { throw a.error("axis", "must be -1, got \(axis)") }
            return try LayerNormalization(epsilon: a.double("epsilon", default: 1e-3), center: a.bool("center", default: true),
                                          scale: a.bool("scale", default: true), inputShape: try shape(a, "input_shape"), name: a.string("name"))
        }),
    ]

    static func ints(_ a: Arguments, _ name: String) throws -> [Int]? {
        let value = a[name]
        if value.isNil { return nil }
        if let n = value.integerValue { return [Int(n)] }
        guard let t = value.tableValue else { throw a.error(name, "must be an integer or a list of integers (got \(value.typeName))") }
        return try t.array.map { item in
            guard let n = item.integerValue else { throw a.error(name, "must hold integers (got \(item.typeName))") }
            return Int(n)
        }
    }

    static func shape(_ a: Arguments, _ name: String) throws -> [Int]? { try ints(a, name) }

    static func initializer(_ a: Arguments, _ name: String, _ fallback: Initializer, _ layer: String) throws -> Initializer {
        guard let text = a.string(name) else { return fallback }
        return try Initializer(name: text, layer: layer)
    }

    static func regularizer(_ a: Arguments, _ name: String, _ layer: String) throws -> Regularizer? {
        let value = a[name]
        if value.isNil { return nil }
        if let text = value.stringValue { return try Regularizer(name: text, layer: layer) }
        if case .userdata(let ref) = value, let r = ref.state.objectValue(ref) as? RegularizerBox { return r.regularizer }
        throw a.error(name, "must be \"l1\", \"l2\", \"l1_l2\" or keras.regularizers.L2(…) (got \(value.typeName))")
    }

    // MARK: - Optimizers, losses, schedules

    static let optimizerNames = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]
    static let lossNames = ["MeanSquaredError", "MeanAbsoluteError", "Huber", "BinaryCrossentropy",
                            "CategoricalCrossentropy", "SparseCategoricalCrossentropy"]
    static let scheduleNames = ["ExponentialDecay", "CosineDecay"]

    /// An object built from a keyword table: its class name and arguments, as Keras's `get_config`.
    final class ConfigBox {
        let config: ObjectConfig
        let kind: String
        init(_ config: ObjectConfig, kind: String) {
            self.config = config
            self.kind = kind
        }
        nonisolated(unsafe) static let luaClass: LuaClass = {
            let c = LuaClass(name: "KerasObject")
            c.getter("name") { (b: ConfigBox) in .string(b.config.className) }
            c.metamethod("__tostring") { call in
                let b = call.object(at: 1, as: ConfigBox.self)
                return call.results(.string("<\(b?.kind ?? "keras") \(b?.config.className ?? "")>"))
            }
            return c
        }()
    }

    /// Reads a Lua options table into an `ObjectConfig` (unknown keywords are rejected when the
    /// engine builds the object).
    static func config(_ className: String, _ call: LuaCall) throws -> ObjectConfig {
        var values: [String: ObjectConfig.Value] = [:]
        let options = call.value(at: 1)
        if !options.isNil {
            guard let table = options.tableValue else {
                throw LuaCallError("\(className): expected a table of keyword arguments, as \(className){…}")
            }
            for (key, value) in table.pairs {
                guard case .string(let name) = key else {
                    throw LuaCallError("\(className): arguments must be named, as \(className){learning_rate = 0.01}")
                }
                values[name] = try configValue(value, className: className, argument: name)
            }
        }
        return ObjectConfig(className: className, config: values)
    }

    static func configValue(_ value: LuaValue, className: String, argument: String) throws -> ObjectConfig.Value {
        switch value {
        case .boolean(let b): return .bool(b)
        case .integer, .number: return .number(value.doubleValue!)
        case .string(let s): return .string(s)
        case .userdata(let ref):
            if let box = ref.state.objectValue(ref) as? ConfigBox { return .object(box.config) }
            fallthrough
        default:
            throw LuaCallError("\(className): argument '\(argument)' cannot be a \(value.typeName)")
        }
    }

    static func optimizerConfig(_ value: LuaValue) throws -> ObjectConfig {
        if let name = value.stringValue {
            return Optimizers.config(of: try Optimizers.named(name)) ?? ObjectConfig(className: name)
        }
        if case .userdata(let ref) = value, let box = ref.state.objectValue(ref) as? ConfigBox, box.kind == "optimizer" {
            return box.config
        }
        throw LuaCallError("compile: optimizer must be a name such as \"adam\" or a keras.optimizers object (got \(value.typeName))")
    }

    static func lossSpec(_ value: LuaValue) throws -> ModelBox.LossSpec {
        if let name = value.stringValue {
            _ = try Losses.named(name)
            return .named(name)
        }
        if case .userdata(let ref) = value, let box = ref.state.objectValue(ref) as? ConfigBox, box.kind == "loss" {
            return .config(box.config)
        }
        throw LuaCallError("compile: loss must be a name such as \"mse\" or a keras.losses object (got \(value.typeName))")
    }

    // MARK: - Callbacks

    final class CallbackBox {
        let callback: any Callback
        init(_ callback: any Callback) { self.callback = callback }
        nonisolated(unsafe) static let luaClass = LuaClass(name: "Callback")
    }

    /// The callbacks of a `fit`/`evaluate` call: built-in ones as they are, Lua tables adapted.
    static func callbacks(_ list: LuaTable?, model: LuaValue, state: LuaState) throws -> [any Callback] {
        guard let list else { return [] }
        return try list.array.enumerated().map { index, value in
            if case .userdata(let ref) = value, let box = state.objectValue(ref) as? CallbackBox { return box.callback }
            guard let table = value.tableValue else {
                throw LuaCallError("fit: callbacks[\(index + 1)] must be a keras.callbacks object or a table with on_epoch_end etc. (got \(value.typeName))")
            }
            return try LuaCallback(table: table, model: model, state: state)
        }
    }

    static let earlyStopping = Signature("EarlyStopping", [
        .init("monitor", .string), .init("min_delta", .number), .init("patience", .integer), .init("verbose", .integer),
        .init("mode", .string), .init("baseline", .number), .init("restore_best_weights", .boolean), .init("start_from_epoch", .integer),
    ])
    static let reduceLR = Signature("ReduceLROnPlateau", [
        .init("monitor", .string), .init("factor", .number), .init("patience", .integer), .init("verbose", .integer),
        .init("mode", .string), .init("min_delta", .number), .init("cooldown", .integer), .init("min_lr", .number),
    ])
    static let lambda = Signature("LambdaCallback", [
        .init("on_epoch_begin", .function), .init("on_epoch_end", .function), .init("on_batch_begin", .function),
        .init("on_batch_end", .function), .init("on_train_begin", .function), .init("on_train_end", .function),
    ])

    // MARK: - The module

    static func module(_ state: LuaState) throws -> LuaValue {
        let keras = state.newTable()
        // keras.utils.set_random_seed's stream: this state's own.
        let seed = state.perState("keras.seed") { RandomSeed() }
        let threads = state.trainingThreads
        let layers = state.newTable()
        for (name, signature, make) in layerSignatures {
            layers[name] = state.function(name: name) { call in
                call.results(.object(LayerBox(try make(try signature.bind(call))), LayerBox.luaClass))
            }
        }
        keras["layers"] = .table(layers)
        keras["Input"] = state.function(name: "Input") { call in
            let args = try Signature("Input", [.init("shape", .list, required: true), .init("batch_size", .integer),
                                               .init("name", .string), .init("dtype", .string)]).bind(call)
            return call.results(.object(InputBox(try ints(args, "shape")!), InputBox.luaClass))
        }
        keras["Sequential"] = state.function(name: "Sequential") { call in
            let args = try Signature("Sequential", [.init("layers", .list), .init("name", .string), .init("trainable", .boolean)]).bind(call)
            let model = ModelBox(try Sequential(name: args.string("name"), seed: seed, threadPool: threads))
            for (i, item) in (args.table("layers")?.array ?? []).enumerated() {
                guard case .userdata(let ref) = item else { throw args.error("layers", "item \(i + 1) is not a layer (got \(item.typeName))") }
                switch state.objectValue(ref) {
                case let layer as LayerBox: try model.model.add(layer.layer)
                case let input as InputBox where i == 0: try model.model.build(inputShape: input.shape)
                default: throw args.error("layers", "item \(i + 1) is not a layer")
                }
            }
            return call.results(.object(model, ModelBox.luaClass))
        }

        let optimizers = state.newTable()
        for name in optimizerNames {
            optimizers[name] = state.function(name: name) { call in
                let config = try config(name, call)
                _ = try Optimizers.from(config: config)   // validates every argument now, where the user wrote it
                return call.results(.object(ConfigBox(config, kind: "optimizer"), ConfigBox.luaClass))
            }
        }
        let schedules = state.newTable()
        for name in scheduleNames {
            schedules[name] = state.function(name: name) { call in
                let config = try config(name, call)
                _ = try Schedules.from(config: config)
                return call.results(.object(ConfigBox(config, kind: "schedule"), ConfigBox.luaClass))
            }
        }
        optimizers["schedules"] = .table(schedules)
        keras["optimizers"] = .table(optimizers)

        let losses = state.newTable()
        for name in lossNames {
            losses[name] = state.function(name: name) { call in
                let config = try config(name, call)
                _ = try Losses.from(config: config)
                return call.results(.object(ConfigBox(config, kind: "loss"), ConfigBox.luaClass))
            }
        }
        keras["losses"] = .table(losses)

        let regularizers = state.newTable()
        regularizers["L1"] = state.function(name: "L1") { call in
            call.results(.object(RegularizerBox(Regularizer(l1: Float(call.value(at: 1).doubleValue ?? 0.01))), RegularizerBox.luaClass))
        }
        regularizers["L2"] = state.function(name: "L2") { call in
            call.results(.object(RegularizerBox(Regularizer(l2: Float(call.value(at: 1).doubleValue ?? 0.01))), RegularizerBox.luaClass))
        }
        regularizers["L1L2"] = state.function(name: "L1L2") { call in
            let args = try Signature("L1L2", [.init("l1", .number), .init("l2", .number)]).bind(call)
            return call.results(.object(RegularizerBox(Regularizer(l1: Float(args.double("l1", default: 0)),
                                                                   l2: Float(args.double("l2", default: 0)))), RegularizerBox.luaClass))
        }
        keras["regularizers"] = .table(regularizers)

        let callbacks = state.newTable()
        callbacks["EarlyStopping"] = state.function(name: "EarlyStopping") { call in
            let a = try earlyStopping.bind(call)
            let cb = try EarlyStopping(monitor: a.string("monitor", default: "val_loss"), minDelta: a.double("min_delta", default: 0),
                                       patience: a.integer("patience", default: 0), verbose: a.integer("verbose", default: 0),
                                       mode: a.string("mode", default: "auto"), baseline: a.double("baseline"),
                                       restoreBestWeights: a.bool("restore_best_weights", default: false),
                                       startFromEpoch: a.integer("start_from_epoch", default: 0))
            return call.results(.object(CallbackBox(cb), CallbackBox.luaClass))
        }
        callbacks["ReduceLROnPlateau"] = state.function(name: "ReduceLROnPlateau") { call in
            let a = try reduceLR.bind(call)
            let cb = try ReduceLROnPlateau(monitor: a.string("monitor", default: "val_loss"), factor: a.double("factor", default: 0.1),
                                           patience: a.integer("patience", default: 10), verbose: a.integer("verbose", default: 0),
                                           mode: a.string("mode", default: "auto"), minDelta: a.double("min_delta", default: 1e-4),
                                           cooldown: a.integer("cooldown", default: 0), minLR: a.double("min_lr", default: 0))
            return call.results(.object(CallbackBox(cb), CallbackBox.luaClass))
        }
        callbacks["TerminateOnNaN"] = state.function(name: "TerminateOnNaN") { call in
            call.results(.object(CallbackBox(TerminateOnNaN()), CallbackBox.luaClass))
        }
        callbacks["LambdaCallback"] = state.function(name: "LambdaCallback") { call in
            let a = try lambda.bind(call)
            let cb = LambdaCallback()
            func relay(_ f: LuaFunction?, _ index: Bool) -> ((Int, [String: Double]) throws -> Void)? {
                guard let f else { return nil }
                return { i, logs in _ = try f.call([.integer(Int64(i)), LuaCallback.logsTable(logs)]) }
            }
            cb.onEpochBeginHandler = relay(a.function("on_epoch_begin"), true)
            cb.onEpochEndHandler = relay(a.function("on_epoch_end"), true)
            cb.onBatchBeginHandler = relay(a.function("on_batch_begin"), true)
            cb.onBatchEndHandler = relay(a.function("on_batch_end"), true)
            if let f = a.function("on_train_begin") { cb.onTrainBeginHandler = { logs in _ = try f.call([LuaCallback.logsTable(logs)]) } }
            if let f = a.function("on_train_end") { cb.onTrainEndHandler = { logs in _ = try f.call([LuaCallback.logsTable(logs)]) } }
            return call.results(.object(CallbackBox(cb), CallbackBox.luaClass))
        }
        keras["callbacks"] = .table(callbacks)

        let utils = state.newTable()
        utils["set_random_seed"] = state.function(name: "set_random_seed") { call in
            guard let value = call.value(at: 1).integerValue else { throw call.typeError(1, expected: "integer") }
            seed.set(Int(value))
            return 0
        }
        utils["to_categorical"] = state.function(name: "to_categorical") { call in
            let args = try Signature("to_categorical", [.init("x", .any, required: true), .init("num_classes", .integer)]).bind(call)
            let y = try TensorReader.tensor(args["x"], function: "to_categorical", argument: "x")
            return call.results(DataBinding.box(try OneHot.toCategorical(y, numClasses: args.integer("num_classes"))))
        }
        keras["utils"] = .table(utils)

        let datasets = state.newTable()
        let fashion = state.newTable()
        fashion["load_data"] = state.function(name: "load_data") { call in
            let parts = try call.state.sharedTensors(SharedData.fileKey("fashion_mnist", FashionMNIST.defaultDirectory)) {
                let d = try FashionMNIST.load()
                return [d.xTrain, d.yTrain, d.xTest, d.yTest]
            }
            return call.results(parts.map(DataBinding.box))
        }
        datasets["fashion_mnist"] = .table(fashion)
        keras["datasets"] = .table(datasets)

        let models = state.newTable()
        models["load_model"] = state.function(name: "load_model") { call in
            guard let given = call.string(at: 1) else { throw call.typeError(1, expected: "string") }
            let model = try Sequential.load(try call.state.allowedPath(given, function: "load_model"), seed: seed, threadPool: threads)
            let box = ModelBox(model)
            if let compiled = model.savedCompile {
                box.optimizer = try compiled.optimizerConfig ?? optimizerConfig(.string(compiled.optimizer.lowercased()))
                box.lossSpec = compiled.lossConfig.map { .config($0) } ?? .named(compiled.loss)
                box.metricNames = compiled.metrics
            }
            return call.results(.object(box, ModelBox.luaClass))
        }
        keras["models"] = .table(models)
        return .table(keras)
    }
}

/// `keras.regularizers.L2(0.01)`.
final class RegularizerBox {
    let regularizer: Regularizer
    init(_ regularizer: Regularizer) { self.regularizer = regularizer }
    nonisolated(unsafe) static let luaClass = LuaClass(name: "Regularizer")
}
