import CBLAS

/// The matrix products of the engine, through OpenBLAS. Row-major throughout; transposes are
/// expressed as CBLAS flags, never as copies.
public enum BLAS {
    /// OpenBLAS's worker threads (the architecture gives each tuner worker cores / workers).
    public static func setThreads(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// C (m×n) = alpha · op(A) (m×k) · op(B) (k×n) + beta · C.
    @inline(__always)
    static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                     c: UnsafeMutablePointer<Float>, ldc: Int) {
        if m == 0 || n == 0 { return }
        if k == 0 {
            // BLAS would leave C untouched with beta = 0 here; make the zero product explicit.
            for i in 0..<m { for j in 0..<n { c[i * ldc + j] *= beta } }
            return
        }
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
