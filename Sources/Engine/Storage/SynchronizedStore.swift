import Foundation

/// A store shared by the workers of one process: each call runs alone, so one SQLite connection
/// serves every thread (no "database is locked", no interleaved transactions).
final class SynchronizedStore: ProjectStore {
    private let base: any ProjectStore
    /// Recursive: a decision (`decide`) calls the store's other methods inside it.
    private let lock = NSRecursiveLock()

    init(_ base: any ProjectStore) { self.base = base }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    var location: String { base.location }
    var databasePath: String { base.databasePath }
    func load() throws -> StoredProject? { try locked { try base.load() } }
    func create(oracleKind: String, objective: Objective, oracleState: String) throws {
        try locked { try base.create(oracleKind: oracleKind, objective: objective, oracleState: oracleState) }
    }
    func trialStarted(_ trial: Trial, rerun: Bool, worker: String, oracleState: String?) throws {
        try locked { try base.trialStarted(trial, rerun: rerun, worker: worker, oracleState: oracleState) }
    }
    func metricsReported(trialId: String, metrics: [(name: String, value: Double, direction: Objective.Direction)], step: Int) throws {
        try locked { try base.metricsReported(trialId: trialId, metrics: metrics, step: step) }
    }
    func intermediateReported(trialId: String, step: Int, values: [(String, Double)]) throws {
        try locked { try base.intermediateReported(trialId: trialId, step: step, values: values) }
    }
    func trialEnded(_ trial: Trial, metrics: [(name: String, value: Double, direction: Objective.Direction)], step: Int,
                    endSeq: Int?, oracleState: String?) throws {
        try locked { try base.trialEnded(trial, metrics: metrics, step: step, endSeq: endSeq, oracleState: oracleState) }
    }
    func saveOracleState(_ state: String) throws { try locked { try base.saveOracleState(state) } }
    func saveCheckpoint(trialId: String, step: Int, data: [UInt8], replacingOthers: Bool) throws {
        try locked { try base.saveCheckpoint(trialId: trialId, step: step, data: data, replacingOthers: replacingOthers) }
    }
    func loadCheckpoint(trialId: String, step: Int?) throws -> [UInt8]? {
        try locked { try base.loadCheckpoint(trialId: trialId, step: step) }
    }
    func close() { locked { base.close() } }
    func reader() throws -> ProjectStore { try base.reader() }
    var defaultReportPath: String { base.defaultReportPath }
    func decide<T>(_ oracle: Oracle, _ body: () throws -> T) throws -> T { try locked { try base.decide(oracle, body) } }
    var peerWait: Double? { locked { base.peerWait } }
    var isShared: Bool { base.isShared }
}
