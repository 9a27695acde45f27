/// The arithmetic shared by BatchNormalization and LayerNormalization: statistics in Double,
/// and the backward pass of y = gamma · (x - mean) / sqrt(var + eps) + beta for normalized groups.
enum Normalization {
    /// dx for one group of `count` values spaced `stride` apart, given xhat and dxhat = dy · gamma:
    /// dx = invstd / n · (n · dxhat - Σ dxhat - xhat · Σ (dxhat · xhat)).
    @inline(__always)
    static func inputGradient(sumDxhat: Double, sumDxhatXhat: Double, invstd: Float, count: Int,
                              xhat: Float, dxhat: Float) -> Float {
        let n = Float(count)
        return invstd / n * (n * dxhat - Float(sumDxhat) - xhat * Float(sumDxhatXhat))
    }
}
