/// A running mean of per-element values, shared by the metrics that average over samples.
/// Accumulates in `Double` so long epochs do not lose precision. A batch whose shapes do not fit
/// makes the result NaN (updates cannot throw; the loss's `validate` reports the cause).
struct MeanMetric {
    private(set) var total: Double = 0
    private(set) var count: Double = 0
    private(set) var invalid = false

    mutating func reset() { total = 0; count = 0; invalid = false }
    mutating func add(_ sum: Double, count: Int) { total += sum; self.count += Double(count) }
    mutating func markInvalid() { invalid = true }
    var result: Double { invalid ? .nan : (count > 0 ? total / count : 0) }
}
