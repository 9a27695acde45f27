import Foundation
import CBLAS

/// The Cholesky factor of a symmetric positive-definite matrix, through LAPACK's `dpotrf`.
///
/// Kernel matrices of nearly repeated points are numerically singular; rather than fail, the
/// factorization adds growing jitter to the diagonal and retries, and reports the jitter it used.
struct CholeskyFactor {
    /// Order of the matrix.
    let n: Int
    /// Column-major storage; the lower triangle holds L with A = L Lᵀ.
    private(set) var storage: [Double]
    /// The diagonal jitter that made the factorization succeed (0 when none was needed).
    let jitter: Double

    /// Factors the symmetric `matrix` (n × n, either storage order since it is symmetric), adding
    /// jitter up to `maxRelativeJitter` × mean diagonal; nil if even that fails or values are not finite.
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
            if Self.potrf(&a, n) {
                storage = a
                self.jitter = jitter
                return
            }
            jitter = jitter == 0 ? 1e-10 * meanDiagonal : jitter * 10
            if jitter > maxRelativeJitter * meanDiagonal { return nil }
        }
    }

    private static func potrf(_ a: inout [Double], _ n: Int) -> Bool {
        var uplo = CChar(UInt8(ascii: "L"))
        var order = Int32(n)
        var lda = Int32(n)
        var info: Int32 = 0
        a.withUnsafeMutableBufferPointer { dpotrf_(&uplo, &order, $0.baseAddress, &lda, &info) }
        return info == 0
    }

    /// L[i, j] for i ≥ j.
    @inline(__always) func lower(_ i: Int, _ j: Int) -> Double { storage[j * n + i] }

    /// log det A = 2 Σ log Lᵢᵢ.
    var logDeterminant: Double {
        var s = 0.0
        for i in 0..<n { s += log(storage[i * n + i]) }
        return 2 * s
    }

    /// Solves A X = B for `columns` right-hand sides stored column-major in `b`.
    func solve(_ b: [Double], columns: Int) -> [Double] {
        var x = b
        var uplo = CChar(UInt8(ascii: "L"))
        var order = Int32(n)
        var nrhs = Int32(columns)
        var lda = Int32(n)
        var ldb = Int32(n)
        var info: Int32 = 0
        storage.withUnsafeBufferPointer { a in
            x.withUnsafeMutableBufferPointer { xb in
                dpotrs_(&uplo, &order, &nrhs, a.baseAddress, &lda, xb.baseAddress, &ldb, &info)
            }
        }
        return x
    }

    /// A⁻¹, dense (symmetric, so storage order does not matter).
    func inverse() -> [Double] {
        var identity = [Double](repeating: 0, count: n * n)
        for i in 0..<n { identity[i * n + i] = 1 }
        return solve(identity, columns: n)
    }
}
