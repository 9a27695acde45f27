import Foundation

/// The Matérn 5/2 kernel with one length scale per dimension (ARD) and a signal variance.
///
/// Matérn 5/2 is twice differentiable — smooth enough for gradient-based acquisition search,
/// rough enough for real objectives — and ARD lets the model learn which dimensions matter.
/// k(r) = σ² (1 + √5 r + 5r²/3) e^(−√5 r), with r² = Σ ((xᵢ − yᵢ) / ℓᵢ)².
struct Matern52Kernel: Codable, Equatable, Sendable {
    var lengthScales: [Double]
    var signalVariance: Double

    static let sqrt5 = 5.0.squareRoot()

    /// k(x, y) for two points given as slices of equal length.
    @inline(__always)
    func value(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        var r2 = 0.0
        for i in 0..<lengthScales.count {
            let t = (x[i] - y[i]) / lengthScales[i]
            r2 += t * t
        }
        let r = r2.squareRoot()
        return signalVariance * (1 + Self.sqrt5 * r + 5.0 / 3.0 * r2) * exp(-Self.sqrt5 * r)
    }

    /// The common factor of every derivative: σ² (5/3) (1 + √5 r) e^(−√5 r), with k(r) beside it.
    @inline(__always)
    static func valueAndSlope(r2: Double, variance: Double) -> (k: Double, slope: Double) {
        let r = r2.squareRoot()
        let e = exp(-sqrt5 * r)
        return (variance * (1 + sqrt5 * r + 5.0 / 3.0 * r2) * e, variance * 5.0 / 3.0 * (1 + sqrt5 * r) * e)
    }
}
