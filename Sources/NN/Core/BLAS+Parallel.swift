/// Matrix products split across a training's threads. OpenBLAS itself stays single-threaded (its
/// thread count is process-wide); each block here is one single-threaded sgemm on a band of rows or
/// columns of C. The split never cuts the summed dimension `k`, and the bands depend only on the
/// matrix sizes, never on the thread count (one thread runs the same bands in turn): OpenBLAS picks
/// its kernel by size and kernels may sum in different orders, so bands that followed the thread
/// count would make results depend on it.
extension BLAS {
    /// Multiply-adds per band at least (about 80 µs of one core): fewer are not worth a thread.
    static let bandWork = 1 << 22
    /// At most this many bands: enough to balance a few threads, few enough to keep each GEMM large.
    static let maxBands = 8

    /// `gemm` on `pool`'s threads: C is cut into bands of rows (or of columns, when it has more of
    /// those), each taken by whichever thread is free.
    static func gemm(pool: ThreadPool, transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                     c: UnsafeMutablePointer<Float>, ldc: Int) {
        let splitRows = m >= n
        let long = splitRows ? m : n
        let blocks = min(maxBands, (m * n * max(k, 1)) / bandWork, long / 16)
        if blocks <= 1 {
            gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                 b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        pool.forEach(tasks: blocks) { block, _ in
            let part = ThreadPool.range(block, of: blocks, count: long)
            if splitRows {
                // Row i of op(A) starts at a + i·lda untransposed, at column i when transposed.
                let aPart = transA ? a + part.lowerBound : a + part.lowerBound * lda
                gemm(transA: transA, transB: transB, m: part.count, n: n, k: k, alpha: alpha, a: aPart, lda: lda,
                     b: b, ldb: ldb, beta: beta, c: c + part.lowerBound * ldc, ldc: ldc)
            } else {
                let bPart = transB ? b + part.lowerBound * ldb : b + part.lowerBound
                gemm(transA: transA, transB: transB, m: m, n: part.count, k: k, alpha: alpha, a: a, lda: lda,
                     b: bPart, ldb: ldb, beta: beta, c: c + part.lowerBound, ldc: ldc)
            }
        }
    }
}
