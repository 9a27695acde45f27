import CBLAS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The matrix products of the engine, through OpenBLAS. Row-major throughout; transposes are
/// expressed as CBLAS flags, never as copies.
public enum BLAS {
    /// OpenBLAS's worker threads (the architecture gives each tuner worker cores / workers).
    public static func setThreads(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }
    public static var threads: Int { Int(openblas_get_num_threads()) }

    /// The kernel family OpenBLAS chose at load time ("SkylakeX", "Haswell", "Prescott", …).
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// The kernel family the CPU supports, from /proc/cpuinfo's flags; nil if unknown.
    ///
    /// Why: on virtual CPUs that report a generic model ("Intel(R) Xeon(R) Processor"), Debian's
    /// dynamic-arch OpenBLAS falls back to its SSE3 "Prescott" kernels, 5× slower than the AVX-512
    /// ones the CPU actually has. Measured here: sgemm 11.9 → 62.5 GFLOP/s on one thread.
    public static var supportedCoreType: String? {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        let flags = Set(flagsLine.split(separator: " ").map(String.init))
        if flags.isSuperset(of: ["avx512f", "avx512bw", "avx512vl", "avx512dq"]) { return "SkylakeX" }
        if flags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// OpenBLAS reads `OPENBLAS_CORETYPE` only when it is loaded, so the fix for a wrong kernel
    /// choice is to re-run the process with it set. Call first thing in `main` (before threads
    /// start); returns normally when nothing needs fixing (or when exec fails). Does nothing if the
    /// user already set `OPENBLAS_CORETYPE`.
    public static func reexecWithSupportedCoreTypeIfNeeded() {
        guard ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] == nil,
              coreName.lowercased() == "prescott" || coreName.lowercased() == "core2",
              let wanted = supportedCoreType else { return }
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        let args = CommandLine.arguments
        var cArgs = args.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &cArgs)
        // exec failed: carry on with the slow kernels.
        for p in cArgs { free(p) }
    }

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
