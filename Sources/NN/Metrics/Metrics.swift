/// Resolves Keras's metric identifiers as `model.compile(metrics=[…])` does in Keras 3.
///
/// `"accuracy"`/`"acc"` becomes binary, sparse categorical or categorical accuracy from the shapes
/// of targets and predictions (Keras 3 looks at shapes, not at the loss): binary when the
/// prediction's last dimension is 1; sparse when the target has lower rank, or a last dimension of
/// 1 against a wider prediction; categorical otherwise. Every metric is named by the identifier
/// as given, which is the key Keras 3 logs (`metrics=["mse"]` logs `mse` and `val_mse`).
public enum Metrics {
    public static let names: [String] = [
        "accuracy", "acc", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
        "mse", "MSE", "mean_squared_error", "mae", "MAE", "mean_absolute_error", "auc", "AUC",
    ]

    /// - Parameters:
    ///   - targetShape: the shape of `y` (e.g. `[N]`, `[N, 1]` or `[N, classes]`).
    ///   - predictionShape: the model's output shape (e.g. `[N, classes]`).
    /// - Throws: `MetricError` naming the identifier, with a did-you-mean, when it is unknown.
    public static func named(_ identifier: String, targetShape: [Int], predictionShape: [Int]) throws(MetricError) -> any Metric {
        switch identifier {
        case "accuracy", "acc", "Accuracy":
            let predictionLast = predictionShape.last ?? 1, targetLast = targetShape.last ?? 1
            if predictionLast == 1 { return BinaryAccuracy(name: identifier) }
            if targetShape.count < predictionShape.count || (targetLast == 1 && predictionLast > 1) {
                return SparseCategoricalAccuracy(name: identifier)
            }
            return CategoricalAccuracy(name: identifier)
        case "binary_accuracy", "BinaryAccuracy": return BinaryAccuracy(name: identifier)
        case "categorical_accuracy", "CategoricalAccuracy": return CategoricalAccuracy(name: identifier)
        case "sparse_categorical_accuracy", "SparseCategoricalAccuracy": return SparseCategoricalAccuracy(name: identifier)
        case "mse", "MSE", "mean_squared_error", "MeanSquaredError": return MeanSquaredErrorMetric(name: identifier)
        case "mae", "MAE", "mean_absolute_error", "MeanAbsoluteError": return MeanAbsoluteErrorMetric(name: identifier)
        case "auc", "AUC": return try AUC(name: identifier)
        default:
            throw MetricError("metrics", "unknown metric '\(identifier)'\(NameSuggestion.hint(for: identifier, in: names))")
        }
    }
}
