/// Saving and rebuilding optimizers as Keras configs (`get_config` / `from_config`).
extension Optimizers {
    /// The optimizer's Keras class name and arguments (the learning rate as a number or a nested
    /// schedule config). `nil` for an optimizer defined elsewhere or a schedule without a config.
    public static func config(of optimizer: any Optimizer) -> ObjectConfig? {
        let rate: ObjectConfig.Value
        switch optimizer.learningRate {
        case .constant(let value): rate = .number(Double(value))
        case .schedule(let schedule):
            guard let config = Schedules.config(of: schedule) else { return nil }
            rate = .object(config)
        }
        func number(_ value: Float?) -> ObjectConfig.Value { value.map { .number(Double($0)) } ?? .null }
        func clipping(_ c: GradientClipping) -> [String: ObjectConfig.Value] {
            ["clipnorm": number(c.clipnorm), "clipvalue": number(c.clipvalue), "global_clipnorm": number(c.globalClipnorm)]
        }
        var arguments: [String: ObjectConfig.Value] = ["learning_rate": rate]
        switch optimizer {
        case let o as SGD:
            arguments.merge(["momentum": number(o.momentum), "nesterov": .bool(o.nesterov), "weight_decay": number(o.weightDecay)]) { $1 }
            arguments.merge(clipping(o.clipping)) { $1 }
        case let o as Adam:
            arguments.merge(["beta_1": number(o.beta1), "beta_2": number(o.beta2), "epsilon": number(o.epsilon),
                             "amsgrad": .bool(o.amsgrad), "weight_decay": number(o.weightDecay)]) { $1 }
            arguments.merge(clipping(o.clipping)) { $1 }
        case let o as AdamW:
            arguments.merge(["beta_1": number(o.beta1), "beta_2": number(o.beta2), "epsilon": number(o.epsilon),
                             "amsgrad": .bool(o.amsgrad), "weight_decay": number(o.weightDecay)]) { $1 }
            arguments.merge(clipping(o.clipping)) { $1 }
        case let o as RMSprop:
            arguments.merge(["rho": number(o.rho), "momentum": number(o.momentum), "epsilon": number(o.epsilon),
                             "centered": .bool(o.centered), "weight_decay": number(o.weightDecay)]) { $1 }
            arguments.merge(clipping(o.clipping)) { $1 }
        case let o as Adagrad:
            arguments.merge(["initial_accumulator_value": number(o.initialAccumulatorValue), "epsilon": number(o.epsilon),
                             "weight_decay": number(o.weightDecay)]) { $1 }
            arguments.merge(clipping(o.clipping)) { $1 }
        default:
            return nil
        }
        return ObjectConfig(className: optimizer.name, config: arguments)
    }

    /// An optimizer from its class name (any case, as `named` accepts) and Keras keyword
    /// arguments. Doubles as the keyword constructor: unknown arguments are errors with a did-you-mean.
    /// - Throws: `ConfigError` for unknown classes or arguments and wrong types; `OptimizerError` for invalid values.
    public static func from(config: ObjectConfig) throws -> any RestorableOptimizer {
        var r = ConfigReader(config)
        _ = try r.string("name", "")
        let optimizer: any RestorableOptimizer
        switch config.className.lowercased() {
        case "sgd":
            optimizer = try SGD(learningRate: r.learningRate("learning_rate", 0.01), momentum: r.float("momentum", 0),
                                nesterov: r.bool("nesterov", false), weightDecay: r.optionalFloat("weight_decay"),
                                clipnorm: r.optionalFloat("clipnorm"), clipvalue: r.optionalFloat("clipvalue"),
                                globalClipnorm: r.optionalFloat("global_clipnorm"))
        case "adam":
            optimizer = try Adam(learningRate: r.learningRate("learning_rate", 0.001), beta1: r.float("beta_1", 0.9),
                                 beta2: r.float("beta_2", 0.999), epsilon: r.float("epsilon", 1e-7),
                                 amsgrad: r.bool("amsgrad", false), weightDecay: r.optionalFloat("weight_decay"),
                                 clipnorm: r.optionalFloat("clipnorm"), clipvalue: r.optionalFloat("clipvalue"),
                                 globalClipnorm: r.optionalFloat("global_clipnorm"))
        case "adamw":
            optimizer = try AdamW(learningRate: r.learningRate("learning_rate", 0.001), weightDecay: r.float("weight_decay", 0.004),
                                  beta1: r.float("beta_1", 0.9), beta2: r.float("beta_2", 0.999),
                                  epsilon: r.float("epsilon", 1e-7), amsgrad: r.bool("amsgrad", false),
                                  clipnorm: r.optionalFloat("clipnorm"), clipvalue: r.optionalFloat("clipvalue"),
                                  globalClipnorm: r.optionalFloat("global_clipnorm"))
        case "rmsprop":
            optimizer = try RMSprop(learningRate: r.learningRate("learning_rate", 0.001), rho: r.float("rho", 0.9),
                                    momentum: r.float("momentum", 0), epsilon: r.float("epsilon", 1e-7),
                                    centered: r.bool("centered", false), weightDecay: r.optionalFloat("weight_decay"),
                                    clipnorm: r.optionalFloat("clipnorm"), clipvalue: r.optionalFloat("clipvalue"),
                                    globalClipnorm: r.optionalFloat("global_clipnorm"))
        case "adagrad":
            optimizer = try Adagrad(learningRate: r.learningRate("learning_rate", 0.001),
                                    initialAccumulatorValue: r.float("initial_accumulator_value", 0.1),
                                    epsilon: r.float("epsilon", 1e-7), weightDecay: r.optionalFloat("weight_decay"),
                                    clipnorm: r.optionalFloat("clipnorm"), clipvalue: r.optionalFloat("clipvalue"),
                                    globalClipnorm: r.optionalFloat("global_clipnorm"))
        default:
            throw ConfigError("optimizer", "unknown optimizer '\(config.className)'\(NameSuggestion.hint(for: config.className, in: names))")
        }
        try r.finish()
        return optimizer
    }
}
