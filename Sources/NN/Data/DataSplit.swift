/// Splits a data set into training and validation parts (`data.split` in Lua).
public enum DataSplit {
    /// The first `fraction` of the rows (after an optional seeded shuffle) for training, the
    /// rest for validation. The same seed always gives the same split; without a seed the
    /// shuffle is random.
    ///
    /// - Returns: `(xTrain, yTrain, xVal, yVal)`, rows taken in the same order from `x` and `y`.
    /// - Throws: `DataError` when `fraction` is not in (0, 1), `x` and `y` have different row
    ///   counts, or a part would be empty.
    public static func split(x: Tensor, y: Tensor, fraction: Double = 0.8, shuffle: Bool = true,
                             seed: UInt64? = nil) throws(DataError) -> (xTrain: Tensor, yTrain: Tensor, xVal: Tensor, yVal: Tensor) {
        guard fraction > 0, fraction < 1 else {
            throw DataError("split", "fraction must be between 0 and 1 (exclusive), got \(fraction)")
        }
        guard x.rank >= 1, y.rank >= 1, x.rows == y.rows else {
            throw DataError("split", "x has \(x.rows) rows but y has \(y.rows) (shapes \(x.shape) and \(y.shape))")
        }
        let rows = x.rows
        let trainCount = Int((Double(rows) * fraction).rounded())
        guard trainCount > 0, trainCount < rows else {
            throw DataError("split", "fraction \(fraction) of \(rows) rows leaves an empty part")
        }
        var order = Array(0..<rows)
        if shuffle {
            var generator = SeededRandom(seed: seed ?? UInt64.random(in: .min ... .max))
            order = generator.permutation(rows)
        }
        return (gather(x, order[..<trainCount]), gather(y, order[..<trainCount]),
                gather(x, order[trainCount...]), gather(y, order[trainCount...]))
    }

    /// The rows of `tensor` at `indices`, in that order.
    public static func gather(_ tensor: Tensor, _ indices: ArraySlice<Int>) -> Tensor {
        let size = tensor.rowSize
        var scalars = [Float](repeating: 0, count: indices.count * size)
        tensor.scalars.withUnsafeBufferPointer { source in
            scalars.withUnsafeMutableBufferPointer { target in
                for (row, index) in indices.enumerated() {
                    let from = source.baseAddress! + index * size
                    (target.baseAddress! + row * size).update(from: from, count: size)
                }
            }
        }
        var shape = tensor.shape
        shape[0] = indices.count
        return Tensor(shape: shape, scalars: scalars)
    }
}
