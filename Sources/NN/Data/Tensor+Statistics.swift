/// Summary statistics over all scalars, as NumPy's `mean()` and `std()` (population, `ddof = 0`).
/// Accumulated in `Double` (two passes for `std`) so large data sets keep float32 precision.
extension Tensor {
    /// The mean of all scalars; NaN for an empty tensor, as NumPy.
    public func mean() -> Float {
        guard count > 0 else { return .nan }
        var sum: Double = 0
        for x in scalars { sum += Double(x) }
        return Float(sum / Double(count))
    }

    /// The population standard deviation of all scalars; NaN for an empty tensor.
    public func std() -> Float {
        guard count > 0 else { return .nan }
        var sum: Double = 0
        for x in scalars { sum += Double(x) }
        let mean = sum / Double(count)
        var squares: Double = 0
        for x in scalars {
            let d = Double(x) - mean
            squares += d * d
        }
        return Float((squares / Double(count)).squareRoot())
    }
}
