// Tuner overhead per trial: the black-box example (RandomSearch, Float x in [-2, 2],
// y = x² + 2x + 1, minimized) with 2,000 trials and SQLite persistence on. Overhead = total time
// minus the time spent inside run_trial. Target ≤ 100 µs per trial (Keras Tuner ≈ 3,000 µs).
//
//   swift build -c release --product bench-tuner && .build/release/bench-tuner [trials]
import Engine
#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CPU time of this process (user + system): on a shared, loaded machine the wall clock also
/// counts time spent waiting for a core, so both are reported.
func cpu() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let trials = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 2000 : 2000
var template = Array("/tmp/bench-tuner-XXXXXX".utf8CString)
guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else { fatalError("mkdtemp") }
let directory = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
defer { _ = system("rm -rf '\(directory)'") }

/// A store that keeps nothing: isolates the loop's own cost from SQLite's.
final class NullStore: ProjectStore {
    var location: String { "(memory)" }
    var databasePath: String { "(memory)" }
    func load() throws -> StoredProject? { nil }
    func create(oracleKind: String, objective: Objective, oracleState: String) throws {}
    func trialStarted(_ trial: Trial, rerun: Bool, worker: String, oracleState: String?) throws {}
    func metricsReported(trialId: String, metrics: [(name: String, value: Double, direction: Objective.Direction)], step: Int) throws {}
    func trialEnded(_ trial: Trial, metrics: [(name: String, value: Double, direction: Objective.Direction)], step: Int,
                    endSeq: Int?, oracleState: String?) throws {}
    func intermediateReported(trialId: String, step: Int, values: [(String, Double)]) throws {}
    func saveOracleState(_ state: String) throws {}
    func saveCheckpoint(trialId: String, step: Int, data: [UInt8], replacingOthers: Bool) throws {}
    func loadCheckpoint(trialId: String, step: Int?) throws -> [UInt8]? { nil }
    func close() {}
}

func run(verbose: Int, persist: Bool = true) throws -> (total: Double, inside: Double, best: Double?, cpu: Double, insideCPU: Double) {
    let oracle = try RandomSearchOracle(objective: Objective("y", .min), maxTrials: trials, seed: 7)
    let start = now()
    let startCPU = cpu()
    var insideCPU = 0.0
    let store: any ProjectStore = persist
        ? try SQLiteStore(directory: directory, projectName: "quadratic", overwrite: true) : NullStore()
    let tuner = try Tuner(oracle: oracle, store: store, verbose: verbose, output: { _ in })
    var inside = 0.0
    try tuner.search(ClosureTrialRunner { trial in
        let t0 = now()
        let c0 = cpu()
        let x = try trial.hyperparameters.float("x", minValue: -2.0, maxValue: 2.0)!.numeric!
        let y = x * x + 2 * x + 1
        insideCPU += cpu() - c0
        inside += now() - t0
        return .metrics([("y", y)])
    })
    let best = tuner.oracle.getBestTrials(1).first?.score
    tuner.close()
    return (now() - start, inside, best, cpu() - startCPU, insideCPU)
}

do {
    _ = try run(verbose: 0)  // warm-up: page cache, allocator
    let modes = CommandLine.arguments.count > 2 ? [Int(CommandLine.arguments[2]) ?? 0] : [0, 1]
    for verbose in modes {
        let r = try run(verbose: verbose)
        let overhead = (r.total - r.inside) / Double(trials) * 1e6
        print("bench-tuner: \(trials) trials, SQLite persistence, verbose=\(verbose) (display formatted, not written)")
        print("  total \(String(format3(r.total * 1e3))) ms, inside run_trial \(String(format3(r.inside * 1e3))) ms, best y \(r.best ?? .nan)")
        let cpuOverhead = (r.cpu - r.insideCPU) / Double(trials) * 1e6
        print("  overhead per trial: \(format3(overhead)) µs wall, \(format3(cpuOverhead)) µs CPU  (target ≤ 100 µs; wall ratio to target \(format3(overhead / 100)); Keras Tuner ≈ 3000 µs)")
    }
    let r = try run(verbose: 0, persist: false)
    print("  for comparison, without persistence: \(format3((r.total - r.inside) / Double(trials) * 1e6)) µs per trial")
} catch {
    print("bench-tuner: \(error)")
    exit(1)
}

func format3(_ v: Double) -> String {
    let scaled = (v * 10).rounded() / 10
    return String(scaled)
}
