import Foundation

/// The Cholesky factor of a symmetric positive-definite matrix.
///
/// Written out in Swift rather than calling LAPACK's `dpotrf`: the matrices here are one row per
/// trial (tens to a few hundred), where LAPACK gains nothing, and OpenBLAS's threaded kernels may
/// round differently with a different thread count — a resumed search must propose bit-identical
/// points. Kernel matrices of nearly repeated points are numerically singular; rather than fail,
/// the factorization adds growing jitter to the diagonal and retries, and reports the jitter used.
struct CholeskyFactor {
    /// Order of the matrix.
    let n: Int
    /// Row-major storage; the lower triangle holds L with A = L Lᵀ.
    private(set) var storage: [Double]
    /// The diagonal jitter that made the factorization succeed (0 when none was needed).
    let jitter: Double

    /// Factors the symmetric `matrix` (n × n), adding jitter up to `maxRelativeJitter` × mean
    /// diagonal; nil if even that fails or values are not finite.
    init?(symmetric matrix: [Double], n: Int, maxRelativeJitter: Double = 1e-1) {
        self.n = n
        guard n > 0, matrix.count == n * n, matrix.allSatisfy(\.isFinite) else { return nil }
        var meanDiagonal = 0.0
        for i in 0..<n { meanDiagonal += matrix[i * n + i] }
        meanDiagonal = max(meanDiagonal / Double(n), 1e-300)
        var jitter = 0.0
        while true {
            var a = matrix
            if jitter > 0 { for i in 0..<n { a[i * n + i] += jitter } }
            if Self.factor(&a, n) {
                storage = a
                self.jitter = jitter
                return
            }
            jitter = jitter == 0 ? 1e-10 * meanDiagonal : jitter * 10
            if jitter > maxRelativeJitter * meanDiagonal { return nil }
        }
    }

    /// In-place lower Cholesky (row-oriented); false when a pivot is not positive.
    private static func factor(_ a: inout [Double], _ n: Int) -> Bool {
        a.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                for j in 0...i {
                    var s = p[i * n + j]
                    for k in 0..<j { s -= p[i * n + k] * p[j * n + k] }
                    if i == j {
                        guard s > 0, s.isFinite else { return false }
                        p[i * n + i] = s.squareRoot()
                    } else {
                        p[i * n + j] = s / p[j * n + j]
                    }
                }
                for j in (i + 1)..<n { p[i * n + j] = 0 }
            }
            return true
        }
    }

    /// L[i, j] for i ≥ j.
    @inline(__always) func lower(_ i: Int, _ j: Int) -> Double { storage[i * n + j] }

    /// log det A = 2 Σ log Lᵢᵢ.
    var logDeterminant: Double {
        var s = 0.0
        for i in 0..<n { s += log(storage[i * n + i]) }
        return 2 * s
    }

    /// Solves A x = b.
    func solve(_ b: [Double]) -> [Double] {
        var x = b
        storage.withUnsafeBufferPointer { l in
            // L y = b
            for i in 0..<n {
                var s = x[i]
                for k in 0..<i { s -= l[i * n + k] * x[k] }
                x[i] = s / l[i * n + i]
            }
            // Lᵀ x = y
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = x[i]
                for k in (i + 1)..<n { s -= l[k * n + i] * x[k] }
                x[i] = s / l[i * n + i]
            }
        }
        return x
    }

    /// L⁻¹, row-major (lower triangular; zeros above the diagonal).
    func lowerInverse() -> [Double] {
        let n = self.n
        // Built transposed (row j holds column j) so the inner loop runs along rows, then flipped.
        var t = [Double](repeating: 0, count: n * n)
        storage.withUnsafeBufferPointer { l in
            t.withUnsafeMutableBufferPointer { t in
                for j in 0..<n {
                    t[j * n + j] = 1 / l[j * n + j]
                    for i in (j + 1)..<n {
                        var s = 0.0
                        for k in j..<i { s -= l[i * n + k] * t[j * n + k] }
                        t[j * n + i] = s / l[i * n + i]
                    }
                }
            }
        }
        var out = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0...i { out[i * n + j] = t[j * n + i] } }
        return out
    }

    /// A⁻¹, dense and symmetric, from L⁻¹: A⁻¹ = L⁻ᵀ L⁻¹.
    func inverse() -> [Double] { Self.inverse(fromLowerInverse: lowerInverse(), n: n) }

    static func inverse(fromLowerInverse li: [Double], n: Int) -> [Double] {
        var inv = [Double](repeating: 0, count: n * n)
        li.withUnsafeBufferPointer { t in
            inv.withUnsafeMutableBufferPointer { v in
                // (L⁻ᵀ L⁻¹)ᵢⱼ = Σₖ L⁻¹ₖᵢ L⁻¹ₖⱼ over k ≥ max(i, j): accumulate row k's outer product.
                for k in 0..<n {
                    let row = k * n
                    for i in 0...k {
                        let a = t[row + i]
                        if a == 0 { continue }
                        for j in 0...i { v[i * n + j] += a * t[row + j] }
                    }
                }
                for i in 0..<n { for j in 0..<i { v[j * n + i] = v[i * n + j] } }
            }
        }
        return inv
    }
}
