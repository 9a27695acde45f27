/// Keras's `keras.utils.to_categorical`: class indices to one-hot rows.
public enum OneHot {
    /// - Parameter numClasses: the number of classes; `nil` means the largest label + 1, as in Keras.
    /// - Returns: shape `y.shape + [numClasses]`, except that a trailing dimension of 1 is
    ///   replaced (`(N, 1)` gives `(N, numClasses)`), as in Keras.
    /// - Throws: `DataError` naming the first label that is not an integer in `0..<numClasses`.
    public static func toCategorical(_ y: Tensor, numClasses: Int? = nil) throws(DataError) -> Tensor {
        for (i, label) in y.scalars.enumerated() where !(label.isFinite && label >= 0 && label == label.rounded() && label < 2_147_483_648) {
            throw DataError("to_categorical", "label \(label) at index \(i) is not a non-negative integer below 2^31")
        }
        let classes = numClasses ?? (Int(y.scalars.max() ?? -1) + 1)
        guard classes > 0 else { throw DataError("to_categorical", "num_classes must be > 0, got \(classes)") }
        guard let total = ShapeArithmetic.count([y.count, classes]), total <= ShapeArithmetic.maximumScalars else {
            throw DataError("to_categorical", "\(y.count) labels × \(classes) classes is too large a tensor")
        }
        if let refusal = MemoryBudget.refusal([total], for: "to_categorical's \(y.count) × \(classes) result") {
            throw DataError("to_categorical", refusal)
        }
        var scalars = [Float](repeating: 0, count: total)
        for (i, label) in y.scalars.enumerated() {
            guard label < Float(classes) else {
                throw DataError("to_categorical", "label \(Int(label)) at index \(i) is out of range for num_classes=\(classes)")
            }
            scalars[i * classes + Int(label)] = 1
        }
        var shape = y.shape
        if shape.count > 1, shape.last == 1 { shape.removeLast() }
        return Tensor(shape: shape + [classes], scalars: scalars)
    }
}
