/// Saving and rebuilding losses as Keras configs (`get_config` / `from_config`).
extension Losses {
    /// The loss's Keras class name and arguments.
    public static func config(of loss: any Loss) -> ObjectConfig {
        switch loss {
        case is MeanSquaredError: return ObjectConfig(className: "MeanSquaredError")
        case is MeanAbsoluteError: return ObjectConfig(className: "MeanAbsoluteError")
        case let huber as Huber: return ObjectConfig(className: "Huber", config: ["delta": .number(Double(huber.delta))])
        case let bce as BinaryCrossentropy:
            return ObjectConfig(className: "BinaryCrossentropy", config: [
                "from_logits": .bool(bce.fromLogits), "label_smoothing": .number(Double(bce.labelSmoothing))])
        case let cce as CategoricalCrossentropy:
            return ObjectConfig(className: "CategoricalCrossentropy", config: [
                "from_logits": .bool(cce.fromLogits), "label_smoothing": .number(Double(cce.labelSmoothing))])
        case let scce as SparseCategoricalCrossentropy:
            return ObjectConfig(className: "SparseCategoricalCrossentropy", config: ["from_logits": .bool(scce.fromLogits)])
        default:
            return ObjectConfig(className: loss.name)
        }
    }

    /// A loss from its class name (or any identifier `named` accepts) and keyword arguments.
    /// Doubles as the keyword constructor: unknown arguments are errors with a did-you-mean.
    /// - Throws: `ConfigError` for unknown classes or arguments and wrong types; `LossError` for invalid values.
    public static func from(config: ObjectConfig) throws -> any Loss {
        var reader = ConfigReader(config)
        _ = try reader.string("name", "")
        _ = try reader.string("reduction", "sum_over_batch_size")
        let loss: any Loss
        switch config.className {
        case "Huber", "huber", "huber_loss":
            loss = try Huber(delta: reader.float("delta", 1))
        case "BinaryCrossentropy", "binary_crossentropy", "bce", "BCE":
            loss = try BinaryCrossentropy(fromLogits: reader.bool("from_logits", false),
                                          labelSmoothing: reader.float("label_smoothing", 0))
        case "CategoricalCrossentropy", "categorical_crossentropy":
            loss = try CategoricalCrossentropy(fromLogits: reader.bool("from_logits", false),
                                               labelSmoothing: reader.float("label_smoothing", 0))
        case "SparseCategoricalCrossentropy", "sparse_categorical_crossentropy":
            loss = SparseCategoricalCrossentropy(fromLogits: try reader.bool("from_logits", false))
        default:
            do { loss = try named(config.className) } catch { throw ConfigError("loss", error.message) }
        }
        try reader.finish()
        return loss
    }
}
