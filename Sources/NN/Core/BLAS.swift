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

    /// Sets OpenBLAS to one thread unless it is already. Training splits its products across its
    /// own pool, whose size each caller chooses; OpenBLAS's count is one setting for the whole
    /// process, and its threads inside each of the pool's would oversubscribe the cores (and its
    /// threaded path allocates on every call). `configureAtStartup(threads: 1)` does the same
    /// earlier and better (no idle OpenBLAS threads started at all); this covers processes that
    /// skip it, such as the test runner.
    static func keepSingleThreaded() {
        if openblas_get_num_threads() != 1 { openblas_set_num_threads(1) }
    }

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

    /// Names the environment variables `configureAtStartup` set before re-running the process, so
    /// the re-run can remove them again (programs a script starts get the user's environment).
    private static let restartMarker = "TUNELUA_OPENBLAS_SET"

    /// OpenBLAS reads its configuration only when it is loaded, so fixing it means re-running the
    /// process once with the environment set. Call first thing in `main`, before threads start.
    /// Unless the user set them already, it sets
    /// - `OPENBLAS_CORETYPE` when OpenBLAS chose its slow generic kernels on a virtual CPU
    ///   (`supportedCoreType`);
    /// - `OPENBLAS_NUM_THREADS` to `threads`, when given: OpenBLAS starts its worker threads as it
    ///   loads, and an idle worker then spins on a core for the whole run even after
    ///   `openblas_set_num_threads(1)` (a third of the CPU time of a 261-trial TPE search).
    /// Returns when nothing needs setting, in the re-run process, or when exec fails.
    public static func configureAtStartup(threads: Int?) {
        let environment = ProcessInfo.processInfo.environment
        if let marker = environment[restartMarker] {
            for name in marker.split(separator: ",") { unsetenv(String(name)) }
            unsetenv(restartMarker)
            return
        }
        var settings: [(name: String, value: String)] = []
        if environment["OPENBLAS_CORETYPE"] == nil, ["prescott", "core2"].contains(coreName.lowercased()),
           let wanted = supportedCoreType {
            settings.append(("OPENBLAS_CORETYPE", wanted))
        }
        if let threads, environment["OPENBLAS_NUM_THREADS"] == nil, threads != self.threads {
            settings.append(("OPENBLAS_NUM_THREADS", String(threads)))
        }
        guard !settings.isEmpty else { return }
        for (name, value) in settings { setenv(name, value, 1) }
        setenv(restartMarker, settings.map(\.name).joined(separator: ","), 1)
        var cArgs = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", &cArgs)
        // exec failed: carry on in this process, with its kernels and threads limited the late way.
        for p in cArgs { free(p) }
        for (name, _) in settings { unsetenv(name) }
        unsetenv(restartMarker)
        if let threads { setThreads(threads) }
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
