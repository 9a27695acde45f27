import NN

/// A Keras `Sequential` model in Lua, with what `compile` was given kept until the data's shapes
/// let "accuracy" be resolved as Keras resolves it.
final class ModelBox {
    let model: Sequential
    var optimizer: ObjectConfig?
    var lossSpec: LossSpec?
    var metricNames: [String] = []
    /// The shapes the metrics were resolved for.
    var resolvedFor: (target: [Int], prediction: [Int])?

    init(_ model: Sequential) {
        self.model = model
        // Through C's stdout, like Lua's print, so the two never reorder; flushed so a progress
        // bar moves while it is drawn.
        model.output = { text in
            Console.write(text)
            Console.flush()
        }
    }

    enum LossSpec { case named(String), config(ObjectConfig) }

    /// Compiles the engine model for data with these shapes (once per distinct shape).
    func prepare(x: Tensor, y: Tensor, function: String) throws {
        guard let optimizer, let lossSpec else {
            throw LuaCallError("\(function): the model must be compiled first: model:compile{optimizer = …, loss = …}")
        }
        if !model.isBuilt { try model.build(inputShape: Array(x.shape.dropFirst())) }
        let prediction = [y.rows] + (model.outputShape ?? [])
        if let done = resolvedFor, done.target == y.shape, done.prediction == prediction, model.optimizer != nil { return }
        let loss: any Loss
        switch lossSpec {
        case .named(let name): loss = try Losses.named(name)
        case .config(let config): loss = try Losses.from(config: config)
        }
        let metrics = try metricNames.map { try Metrics.named($0, targetShape: y.shape, predictionShape: prediction) }
        let engineOptimizer: any Optimizer
        if let existing = model.optimizer { engineOptimizer = existing } else { engineOptimizer = try Optimizers.from(config: optimizer) }
        model.compile(optimizer: engineOptimizer, loss: loss, metrics: metrics)
        resolvedFor = (y.shape, prediction)
    }

    static let fit = Signature("fit", [
        .init("x", .any, required: true), .init("y", .any, required: true), .init("batch_size", .integer),
        .init("epochs", .integer), .init("verbose", .any), .init("callbacks", .list), .init("validation_split", .number),
        .init("validation_data", .list), .init("shuffle", .boolean), .init("initial_epoch", .integer),
        .init("class_weight", .any), .init("sample_weight", .any), .init("steps_per_epoch", .integer),
        .init("validation_steps", .integer), .init("validation_batch_size", .integer), .init("validation_freq", .integer),
    ])
    static let evaluate = Signature("evaluate", [
        .init("x", .any, required: true), .init("y", .any, required: true), .init("batch_size", .integer),
        .init("verbose", .any), .init("return_dict", .boolean), .init("callbacks", .list),
    ])
    static let predict = Signature("predict", [.init("x", .any, required: true), .init("batch_size", .integer),
                                               .init("verbose", .any), .init("callbacks", .list)])
    static let compile = Signature("compile", [.init("optimizer", .any), .init("loss", .any), .init("metrics", .list),
                                               .init("loss_weights", .any), .init("run_eagerly", .boolean),
                                               .init("jit_compile", .any)])

    nonisolated(unsafe) static let luaClass: LuaClass = {
        let c = LuaClass(name: "Sequential")
        c.method("add") { call in
            let box = try this(call)
            switch call.state.objectValue(at: 2, call) {
            case let layer as LayerBox: try box.model.add(layer.layer)
            case let input as InputBox:
                guard box.model.layers.isEmpty else { throw LuaCallError("add: keras.Input must come before any layer") }
                try box.model.build(inputShape: input.shape)
            default: throw call.typeError(1, expected: "layer")
            }
            return 0
        }
        c.method("pop") { call in try this(call).model.pop(); return 0 }
        c.method("compile") { call in
            let box = try this(call)
            let args = try compile.bind(call, from: 2)
            guard !args["loss"].isNil else { throw args.error("loss", "is required (a name such as \"mse\" or a keras.losses object)") }
            try box.recompile(optimizer: args["optimizer"].isNil ? .string("rmsprop") : args["optimizer"], loss: args["loss"],
                              metrics: args["metrics"], function: "compile")
            return 0
        }
        c.method("fit") { call in
            let box = try this(call)
            let args = try fit.bind(call, from: 2)
            let x = try TensorReader.tensor(args["x"], function: "fit", argument: "x")
            let y = try TensorReader.tensor(args["y"], function: "fit", argument: "y")
            try box.prepare(x: x, y: y, function: "fit")
            var validation: (Tensor, Tensor)?
            if let pair = args.table("validation_data") {
                guard pair.count >= 2 else { throw args.error("validation_data", "must be a pair {x_val, y_val}") }
                validation = (try TensorReader.tensor(pair[1], function: "fit", argument: "validation_data[1]"),
                              try TensorReader.tensor(pair[2], function: "fit", argument: "validation_data[2]"))
            }
            let callbacks = try KerasBinding.callbacks(args.table("callbacks"), model: call.value(at: 1), state: call.state)
            box.model.cancellation = call.state.interrupt.cancellation
            let history = try box.model.fit(x: x, y: y, batchSize: args.integer("batch_size", default: 32),
                                            epochs: args.integer("epochs", default: 1), initialEpoch: args.integer("initial_epoch", default: 0),
                                            verbose: try verbosity(args["verbose"], default: 1), callbacks: callbacks,
                                            validationSplit: args.double("validation_split", default: 0),
                                            validationData: validation, shuffle: args.bool("shuffle", default: true))
            return call.results(.object(HistoryBox(history), HistoryBox.luaClass))
        }
        c.method("evaluate") { call in
            let box = try this(call)
            let args = try evaluate.bind(call, from: 2)
            let x = try TensorReader.tensor(args["x"], function: "evaluate", argument: "x")
            let y = try TensorReader.tensor(args["y"], function: "evaluate", argument: "y")
            try box.prepare(x: x, y: y, function: "evaluate")
            box.model.cancellation = call.state.interrupt.cancellation
            let callbacks = try KerasBinding.callbacks(args.table("callbacks"), model: call.value(at: 1), state: call.state)
            let logs = try box.model.evaluate(x: x, y: y, batchSize: args.integer("batch_size", default: 32),
                                              verbose: try verbosity(args["verbose"], default: 1), callbacks: callbacks)
            if args.bool("return_dict", default: false) {
                return call.results(.dictionary(box.model.metricsNames.map { ($0, .number(logs[$0] ?? .nan)) }))
            }
            return call.results(box.model.metricsNames.map { .number(logs[$0] ?? .nan) })
        }
        c.method("predict") { call in
            let box = try this(call)
            let args = try predict.bind(call, from: 2)
            let x = try TensorReader.tensor(args["x"], function: "predict", argument: "x")
            box.model.cancellation = call.state.interrupt.cancellation
            let out = try box.model.predict(x, batchSize: args.integer("batch_size", default: 32),
                                            verbose: try verbosity(args["verbose"], default: 0))
            return call.results(.object(TensorBox(out), TensorBox.luaClass))
        }
        c.method("summary") { call in
            let box = try this(call)
            if !box.model.isBuilt, box.model.inputShape == nil, box.model.layers.first.map({ _ in true }) == nil {
                throw LuaCallError("summary: the model has no layers yet")
            }
            Console.write(box.model.summary())
            if !box.model.summary().hasSuffix("\n") { Console.write("\n") }
            return 0
        }
        c.method("count_params") { call in call.results(.integer(Int64(try this(call).model.countParams()))) }
        c.method("get_weights") { call in
            call.results(.array(try this(call).model.getWeights().map { .object(TensorBox($0), TensorBox.luaClass) }))
        }
        c.method("set_weights") { call in
            let box = try this(call)
            guard let list = call.value(at: 2).tableValue else { throw call.typeError(1, expected: "table of tensors") }
            try box.model.setWeights(try list.array.enumerated().map {
                try TensorReader.tensor($0.element, function: "set_weights", argument: "weights[\($0.offset + 1)]")
            })
            return 0
        }
        c.method("save_weights") { call in
            guard let path = call.string(at: 2) else { throw call.typeError(1, expected: "string") }
            try this(call).model.saveWeights(try call.state.allowedPath(path, function: "save_weights"))
            return 0
        }
        c.method("load_weights") { call in
            guard let path = call.string(at: 2) else { throw call.typeError(1, expected: "string") }
            try this(call).model.loadWeights(try call.state.allowedPath(path, function: "load_weights"))
            return 0
        }
        c.method("save") { call in
            guard let path = call.string(at: 2) else { throw call.typeError(1, expected: "string") }
            try this(call).model.save(try call.state.allowedPath(path, function: "save"))
            return 0
        }
        c.getter("name") { (m: ModelBox) in .string(m.model.name) }
        c.getter("layers") { (m: ModelBox) in .array(m.model.layers.map { .object(LayerBox($0), LayerBox.luaClass) }) }
        c.getter("output_shape") { (m: ModelBox) in m.model.outputShape.map { .array([.nil] + $0.map { .integer(Int64($0)) }) } ?? .nil }
        c.getter("input_shape") { (m: ModelBox) in m.model.inputShape.map { .array([.nil] + $0.map { .integer(Int64($0)) }) } ?? .nil }
        c.getter("stop_training") { (m: ModelBox) in .boolean(m.model.stopTraining) }
        c.getter("metrics_names") { (m: ModelBox) in .array(m.model.metricsNames.map { .string($0) }) }
        c.getter("optimizer") { (m: ModelBox) in .object(OptimizerHandle(m), OptimizerHandle.luaClass) }
        c.setter("stop_training") { (m: ModelBox, value: LuaValue) in m.model.stopTraining = value.boolValue ?? false }
        c.metamethod("__tostring") { call in
            call.results(.string("<Sequential name=\(try this(call).model.name), \(try this(call).model.layers.count) layers>"))
        }
        return c
    }()

    /// Compiles with what is given; an argument left nil keeps what the model was compiled with
    /// (the tuner's `optimizer`, `loss` and `metrics` override a built model's this way).
    func recompile(optimizer: LuaValue, loss: LuaValue, metrics: LuaValue, function: String = "Tuner") throws {
        if !optimizer.isNil { self.optimizer = try KerasBinding.optimizerConfig(optimizer) }
        if !loss.isNil { lossSpec = try KerasBinding.lossSpec(loss) }
        if !metrics.isNil {
            guard let list = metrics.tableValue else {
                throw LuaCallError("\(function): metrics must be a list of metric names (got \(metrics.typeName))")
            }
            metricNames = try list.array.map { value in
                guard let name = value.stringValue else {
                    throw LuaCallError("\(function): metrics must be a list of metric names (got a \(value.typeName) in it)")
                }
                return name
            }
        }
        guard lossSpec != nil else { return }
        // Keras compiles with "rmsprop" when no optimizer is named.
        if self.optimizer == nil { self.optimizer = try KerasBinding.optimizerConfig(.string("rmsprop")) }
        guard let optimizer = self.optimizer else { return }
        model.compile(optimizer: try Optimizers.from(config: optimizer), loss: try self.loss(), metrics: [])
        resolvedFor = nil
    }

    func loss() throws -> any Loss {
        switch lossSpec {
        case .named(let name)?: return try Losses.named(name)
        case .config(let config)?: return try Losses.from(config: config)
        case nil: throw LuaCallError("compile: no loss")
        }
    }

    static func this(_ call: LuaCall) throws -> ModelBox {
        guard let box = call.object(at: 1, as: ModelBox.self) else {
            throw LuaCallError("\(call.functionName): call it on a model, as model:\(call.functionName)(…)")
        }
        return box
    }

    /// Keras's `verbose`: "auto" (1), 0, 1 or 2.
    static func verbosity(_ value: LuaValue, default fallback: Int) throws -> Int {
        if value.isNil { return fallback }
        if value.stringValue == "auto" { return 1 }
        guard let v = value.integerValue, (0...2).contains(v) else {
            throw LuaCallError("verbose must be \"auto\", 0, 1 or 2 (got \(value))")
        }
        return Int(v)
    }
}

/// `model.optimizer`: its learning rate, readable and writable as in Keras.
final class OptimizerHandle {
    let box: ModelBox
    init(_ box: ModelBox) { self.box = box }
    nonisolated(unsafe) static let luaClass: LuaClass = {
        let c = LuaClass(name: "Optimizer")
        c.getter("learning_rate") { (h: OptimizerHandle) in
            guard let o = h.box.model.optimizer else { return .nil }
            return .number(Double(o.learningRate.value(atStep: o.iterations)))
        }
        c.getter("iterations") { (h: OptimizerHandle) in .integer(Int64(h.box.model.optimizer?.iterations ?? 0)) }
        c.getter("name") { (h: OptimizerHandle) in h.box.model.optimizer.map { .string($0.name) } ?? .nil }
        c.setter("learning_rate") { (h: OptimizerHandle, value: LuaValue) in
            guard let rate = value.doubleValue else { throw LuaCallError("optimizer.learning_rate must be a number") }
            h.box.model.optimizer?.learningRate = .constant(Float(rate))
        }
        return c
    }()
}

/// `History`: what `fit` returns (`history.history.val_accuracy[i]`, `history.epoch`).
final class HistoryBox {
    let history: History
    init(_ history: History) { self.history = history }

    /// The per-epoch series of a `History` value, by metric name; nil for any other value.
    static func series(of value: LuaValue, state: LuaState) -> [(String, [Double])]? {
        guard case .userdata(let ref) = value, let box = state.objectValue(ref) as? HistoryBox else { return nil }
        return box.history.history.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    nonisolated(unsafe) static let luaClass: LuaClass = {
        let c = LuaClass(name: "History")
        c.getter("history") { (h: HistoryBox) in
            .dictionary(h.history.history.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map { .number($0) })) })
        }
        c.getter("epoch") { (h: HistoryBox) in .array(h.history.epoch.map { .integer(Int64($0)) }) }
        c.getter("params") { (h: HistoryBox) in .dictionary(h.history.params.map { ($0.key, .integer(Int64($0.value))) }) }
        c.metamethod("__tostring") { call in
            let keys = call.object(at: 1, as: HistoryBox.self)?.history.history.keys.sorted() ?? []
            return call.results(.string("<History: \(keys.joined(separator: ", "))>"))
        }
        return c
    }()
}

/// A layer, and `keras.Input`.
final class LayerBox {
    let layer: any Layer
    init(_ layer: any Layer) { self.layer = layer }
    nonisolated(unsafe) static let luaClass: LuaClass = {
        let c = LuaClass(name: "Layer")
        c.getter("name") { (l: LayerBox) in .string(l.layer.name) }
        c.getter("class_name") { (l: LayerBox) in .string(l.layer.className) }
        c.metamethod("__tostring") { call in
            let l = call.object(at: 1, as: LayerBox.self)
            return call.results(.string("<\(l?.layer.className ?? "Layer") name=\(l?.layer.name ?? "?")>"))
        }
        return c
    }()
}

final class InputBox {
    let shape: [Int]
    init(_ shape: [Int]) { self.shape = shape }
    nonisolated(unsafe) static let luaClass: LuaClass = {
        let c = LuaClass(name: "KerasTensor")
        c.getter("shape") { (i: InputBox) in .array([.nil] + i.shape.map { .integer(Int64($0)) }) }
        return c
    }()
}

extension LuaState {
    /// The Swift object at argument `index` of a call, if any.
    func objectValue(at index: Int, _ call: LuaCall) -> AnyObject? { object(at: Int32(index), on: call.L) }
}
