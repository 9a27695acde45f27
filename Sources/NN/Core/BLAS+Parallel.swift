/// Matrix products split across a training's threads. OpenBLAS itself stays single-threaded (its
/// thread count is process-wide); each part here is one single-threaded sgemm on a block of rows or
/// columns of C. The split never cuts the summed dimension `k`, so every element of C is the same
/// dot product in the same order whatever the thread count.
extension BLAS {
    /// Products below this many multiply-adds per part are not worth waking a thread for.
    static let parallelGrain = 1 << 18

    /// `gemm` on `pool`'s threads: C is cut into blocks of rows (or of columns, when it has more
    /// of those), a few per thread, each taken by whichever thread is free.
    static func gemm(pool: ThreadPool, transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
                     c: UnsafeMutablePointer<Float>, ldc: Int) {
        let splitRows = m >= n
        let (long, short) = splitRows ? (m, n) : (n, m)
        // At least `parallelGrain` multiply-adds and 16 rows (or columns) per block.
        let grain = max(16, parallelGrain / max(1, short * max(k, 1)))
        let blocks = ThreadPool.pieces(long, grain: grain, threads: pool.threadCount)
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
