/// Resolves Keras's loss identifiers (`"mse"`, `"sparse_categorical_crossentropy"`, class names)
/// to losses with Keras's defaults, as `keras.losses.get` does.
public enum Losses {
    /// Every accepted identifier, for help texts and did-you-mean.
    public static let names: [String] = [
        "mse", "MSE", "mean_squared_error", "MeanSquaredError",
        "mae", "MAE", "mean_absolute_error", "MeanAbsoluteError",
        "huber", "huber_loss", "Huber",
        "bce", "BCE", "binary_crossentropy", "BinaryCrossentropy",
        "categorical_crossentropy", "CategoricalCrossentropy",
        "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy",
    ]

    /// The loss a Keras identifier names, with default arguments.
    /// - Throws: `LossError` naming the identifier, with a did-you-mean, when it is unknown.
    public static func named(_ identifier: String) throws(LossError) -> any Loss {
        switch identifier {
        case "mse", "MSE", "mean_squared_error", "MeanSquaredError": return MeanSquaredError()
        case "mae", "MAE", "mean_absolute_error", "MeanAbsoluteError": return MeanAbsoluteError()
        case "huber", "huber_loss", "Huber": return try Huber()
        case "bce", "BCE", "binary_crossentropy", "BinaryCrossentropy": return try BinaryCrossentropy()
        case "categorical_crossentropy", "CategoricalCrossentropy": return try CategoricalCrossentropy()
        case "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy": return SparseCategoricalCrossentropy()
        default:
            throw LossError("loss", "unknown loss '\(identifier)'\(NameSuggestion.hint(for: identifier, in: names))")
        }
    }
}
