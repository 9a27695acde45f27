/// Resolves Keras's optimizer identifiers (`"adam"`, `"sgd"`, …, or class names) to optimizers
/// with Keras's defaults, as `keras.optimizers.get` does. Each call makes a new instance, since
/// optimizers hold per-model state.
public enum Optimizers {
    public static let names: [String] = ["sgd", "adam", "adamw", "rmsprop", "adagrad",
                                         "SGD", "Adam", "AdamW", "RMSprop", "Adagrad"]

    /// - Throws: `OptimizerError` naming the identifier, with a did-you-mean, when it is unknown.
    public static func named(_ identifier: String) throws(OptimizerError) -> any RestorableOptimizer {
        switch identifier.lowercased() {
        case "sgd": return try SGD()
        case "adam": return try Adam()
        case "adamw": return try AdamW()
        case "rmsprop": return try RMSprop()
        case "adagrad": return try Adagrad()
        default:
            throw OptimizerError("optimizer", "unknown optimizer '\(identifier)'\(NameSuggestion.hint(for: identifier, in: names))")
        }
    }
}
