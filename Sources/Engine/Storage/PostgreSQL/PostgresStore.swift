import Foundation

/// The multi-machine store: one project in a PostgreSQL database, shared by every process that
/// runs the same search (peers; no chief).
///
/// Each oracle decision runs in `decide`: one transaction under the project's advisory lock that
/// first loads what other peers changed (their trials and the oracle state, through a change
/// sequence so only new rows travel), then writes the decision, then commits. A heartbeat thread
/// keeps this process's running trials alive; a RUNNING trial whose heartbeat is older than
/// `gracePeriod` (server clock, so clocks of different machines never matter) is re-queued for any
/// peer, and its original process, if it comes back, cannot record a result for it any more
/// (every end is checked against the trial's current owner).
public final class PostgresStore: ProjectStore {
    /// Format of the tables below; a database written by a newer tunelua is refused.
    public static let formatVersion = 2

    public let location: String
    public let databasePath: String
    public let project: String
    public let heartbeatInterval: Double
    public let gracePeriod: Double
    /// This process's identity among the project's peers (owner of the trials it runs).
    public let peerId: String
    /// The first of the worker numbers handed to this process (`tuner<k>`): unique among peers.
    public private(set) var firstWorker = 0

    let db: PostgresConnection
    /// The URL it was opened with, for `reader()`.
    private let url: String
    private var heartbeat: PostgresHeartbeat?
    private let lockKey: Int64
    private var inTransaction = false
    private let readOnly: Bool

    // Refresh bookkeeping: what this process has already seen of the project.
    private var lastSeq: Int64 = 0
    private var lastStateSeq: Int64 = 0
    private var endSeqs: [String: Int] = [:]
    private var needsRestore = true
    /// Trials this process runs now (it owns their rows).
    private var mine = Set<String>()
    private var othersRunning = 0

    /// Opens (creating the tables when needed) the project `projectName` in the database at `url`.
    /// `overwrite` deletes the project first, refused while other peers are active. `workers` worker
    /// numbers are reserved for this process.
    public init(url: String, projectName: String, overwrite: Bool = false, heartbeatInterval: Double = 10,
                gracePeriod: Double? = nil, workers: Int = 1) throws {
        let parsed = try PostgresURL(parsing: url)
        try SQLiteStore.validate(projectName: projectName)
        guard heartbeatInterval > 0, heartbeatInterval.isFinite else {
            throw EngineError.invalid("Tuner: heartbeat_interval must be a positive number of seconds, got \(heartbeatInterval)")
        }
        let grace = gracePeriod ?? 3 * heartbeatInterval
        guard grace > heartbeatInterval, grace.isFinite else {
            throw EngineError.invalid("Tuner: grace_period (\(grace) s) must be longer than heartbeat_interval (\(heartbeatInterval) s), or every trial would look dead between two beats")
        }
        project = projectName
        self.heartbeatInterval = heartbeatInterval
        self.gracePeriod = grace
        location = parsed.redacted + "#" + projectName
        databasePath = location
        readOnly = false
        peerId = PostgresStore.makePeerId()
        lockKey = PostgresStore.lockKey(projectName)
        self.url = url
        db = try PostgresConnection(url: url, url: parsed)
        try PostgresSchema.ensure(db)
        try join(overwrite: overwrite, workers: max(1, workers))
        heartbeat = try PostgresHeartbeat(url: url, parsed: parsed, project: projectName, peer: peerId, interval: heartbeatInterval)
    }

    /// Opens a project for reading only (`tunelua summary --storage URL PROJECT`): no lock, no peer.
    public init(readingProject projectName: String, url: String) throws {
        let parsed = try PostgresURL(parsing: url)
        project = projectName
        heartbeatInterval = 10
        gracePeriod = 30
        location = parsed.redacted + "#" + projectName
        databasePath = location
        readOnly = true
        peerId = "reader"
        lockKey = PostgresStore.lockKey(projectName)
        self.url = url
        db = try PostgresConnection(url: url, url: parsed)
        let known = try db.execute("SELECT to_regclass('tunelua_projects') IS NOT NULL")
        let exists = known[0, 0] == "t"
            ? try db.execute("SELECT 1 FROM tunelua_projects WHERE project = $1", [projectName]).count > 0 : false
        guard exists else {
            throw EngineError(.notFound, "no tunelua project '\(projectName)' in \(parsed.redacted)")
        }
    }

    deinit { close() }

    private static func makePeerId() -> String {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, 255)
        let h = host.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return "\(h):\(getpid()):\(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF)"
    }

    /// A stable 64-bit key per project for `pg_advisory_xact_lock` (FNV-1a, not Swift's seeded hash).
    static func lockKey(_ project: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in "tunelua:\(project)".utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01b3
        }
        return Int64(bitPattern: h)
    }

    /// Registers this process as a peer (reserving its worker numbers), after `overwrite` if asked.
    private func join(overwrite: Bool, workers: Int) throws {
        try locked {
            // Every peer holds a shared session lock on the project for as long as its connection
            // lives (the server drops it when the process dies): overwrite needs it exclusively.
            let presence = lockKey ^ 1
            if overwrite {
                let alone = try db.execute("SELECT pg_try_advisory_lock($1)", [String(presence)], what: "checking for active peers")
                if alone[0, 0] != "t" {
                    let active = try db.execute("""
                        SELECT peer FROM tunelua_peers WHERE project = $1 AND heartbeat > now() - $2 * interval '1 second'
                        """, [project, String(gracePeriod)], what: "checking for active peers")
                    let who = active.rows.compactMap { $0[0] }.map { $0.split(separator: ":").prefix(2).joined(separator: " pid ") }
                    let detail = who.isEmpty ? "" : " (\(who.joined(separator: ", ")))"
                    throw EngineError(.projectLocked, "Tuner: overwrite = true refused: other processes are searching the project '\(project)' now\(detail); stop them first, or choose another project_name")
                }
                try db.execute("SELECT pg_advisory_unlock($1)", [String(presence)], what: "overwriting the project")
                for table in ["tunelua_trials", "tunelua_metrics", "tunelua_intermediate", "tunelua_checkpoints", "tunelua_peers", "tunelua_projects"] {
                    try db.execute("DELETE FROM \(table) WHERE project = $1", [project], what: "overwriting the project")
                }
            }
            try db.execute("SELECT pg_advisory_lock_shared($1)", [String(presence)], what: "joining the search")
            let row = try db.execute("""
                INSERT INTO tunelua_peers(project, peer, pid, first_worker, heartbeat)
                VALUES ($1, $2, $3, (SELECT coalesce(max(first_worker + workers), 0) FROM tunelua_peers WHERE project = $1), now())
                RETURNING first_worker
                """, [project, peerId, String(getpid())], what: "joining the search")
            firstWorker = Int(row[0, 0] ?? "0") ?? 0
            try db.execute("UPDATE tunelua_peers SET workers = $3 WHERE project = $1 AND peer = $2",
                           [project, peerId, String(workers)], what: "joining the search")
        }
    }

    // MARK: - Transactions

    /// Runs `body` in one transaction under the project's advisory lock (rolled back on error);
    /// `query`, when given, runs right after the lock in the same round trip and its rows go to `body`.
    ///
    /// The lock is held until the commit ends, so a commit that waited for its WAL flush (a disk
    /// sync) would serialize every peer behind one sync per decision. Instead the commit itself
    /// does not wait (`synchronous_commit = off` for this transaction alone), and the flush is
    /// awaited right after, outside the lock: nothing returns, and so nothing acts on the decision,
    /// before it is on disk, while the flushes of different peers share the server's syncs (group
    /// commit). A peer that read this decision before the flush has its own decisions later in the
    /// same log, so a server crash can only lose a suffix of decisions that nobody acted on.
    func locked<T>(query: String = "", _ body: (PostgresConnection.Rows) throws -> T) throws -> T {
        if inTransaction { return try body(try query.isEmpty ? PostgresConnection.Rows(rows: [], affected: 0) : db.script(query, what: "refreshing")) }
        let rows = try db.script("BEGIN; SET LOCAL synchronous_commit = off; SELECT pg_advisory_xact_lock(\(lockKey))"
                                 + (query.isEmpty ? "" : "; " + query), what: "taking the project lock")
        inTransaction = true
        pending = []
        let value: T
        do {
            value = try body(rows)
            // The decision's writes, the commit and the wait for the disk in one round trip. The
            // SELECT after COMMIT is a transaction of its own with an id, committed synchronously
            // (the session's default): it returns once the log is flushed past the decision.
            let writes = pending
            pending = []
            let results = try db.scriptResults(writes.map { $0.sql + "; " }.joined() + "COMMIT; SELECT pg_current_xact_id()",
                                               what: "committing")
            inTransaction = false
            for (i, w) in writes.enumerated() where i < results.count { w.done(results[i]) }
        } catch {
            pending = []
            _ = try? db.script("ROLLBACK", what: "rolling back")
            inTransaction = false
            throw error
        }
        return value
    }

    /// Writes of the decision under way, sent with its COMMIT; each handler gets its rows.
    private var pending: [(sql: String, done: (PostgresConnection.Rows) -> Void)] = []

    /// Runs a write now, or inside a decision with its commit (`done` then runs after the commit).
    private func write(_ sql: String, _ params: [String?], what: String, done: @escaping (PostgresConnection.Rows) -> Void) throws {
        if inTransaction {
            pending.append((try db.inline(sql, params), done))
        } else {
            done(try db.execute(sql, params, what: what))
        }
    }

    func locked<T>(_ body: () throws -> T) throws -> T { try locked { (_: PostgresConnection.Rows) in try body() } }

    /// One transaction without the project lock, for writes that decide nothing (metrics, checkpoints).
    private func transaction(_ body: () throws -> Void) throws {
        if inTransaction { return try body() }
        try db.script("BEGIN", what: "starting a transaction")
        inTransaction = true
        defer { inTransaction = false }
        do {
            try body()
            try db.script("COMMIT", what: "committing")
        } catch {
            _ = try? db.script("ROLLBACK", what: "rolling back")
            throw error
        }
    }

    // MARK: - Peers

    public func decide<T>(_ oracle: Oracle, _ body: () throws -> T) throws -> T {
        try locked(query: try refreshQuery()) { rows in
            try oracle.locked { try refresh(oracle, rows) }
            return try body()
        }
    }

    private var literals: (project: String, peer: String)?

    /// What changed since the last refresh, in one statement (literals, so that it travels with
    /// BEGIN and the lock): the oracle state if newer (kind `S`), then trials changed since, or
    /// RUNNING ones of other peers whose heartbeat is older than the grace period (kind `T`), each
    /// with its metrics as JSON. Everything as text, so the two kinds share columns.
    private func refreshQuery() throws -> String {
        if literals == nil { literals = (try db.literal(project), try db.literal(peerId)) }
        let (p, me) = literals!
        let stale = "(t.status = 'RUNNING' AND t.owner IS DISTINCT FROM \(me) AND t.heartbeat < now() - \(gracePeriod) * interval '1 second')"
        return """
            SELECT 'S', NULL, NULL, NULL, state, NULL, NULL, NULL, NULL, NULL, NULL, state_seq::text, NULL, NULL, NULL
            FROM tunelua_projects WHERE project = \(p) AND state_seq > \(lastStateSeq)
            UNION ALL
            SELECT 'T', t.trial_id, t.idx::text, t.status, t.hyperparameters, t.score::text, t.best_step::text, t.message,
                   t.run_count::text, t.end_seq::text, t.worker, t.seq::text, CASE WHEN \(stale) THEN 'y' ELSE 'n' END,
                   (SELECT json_agg(json_build_array(m.name, m.step, m.value::text, m.direction) ORDER BY m.id)
                    FROM tunelua_metrics m WHERE m.project = t.project AND m.trial_id = t.trial_id)::text,
                   (SELECT json_agg(json_build_array(i.name, i.step, i.value::text) ORDER BY i.step, i.name)
                    FROM tunelua_intermediate i WHERE i.project = t.project AND i.trial_id = t.trial_id)::text
            FROM tunelua_trials t WHERE t.project = \(p) AND (t.seq > \(lastSeq) OR \(stale))
            """
    }

    public var isShared: Bool { true }

    public var peerWait: Double? {
        othersRunning > 0 ? min(max(gracePeriod / 6, 0.05), 1.0) : nil
    }

    /// Brings `oracle` up to date with what other peers changed since the last refresh (`rows` of
    /// `refreshQuery`), and queues their trials whose heartbeat stopped for the grace period.
    private func refresh(_ oracle: Oracle, _ rows: PostgresConnection.Rows) throws {
        for r in 0..<rows.count where rows[r, 0] == "S" {
            try oracle.setState(try JSON.parse(rows[r, 4] ?? "{}"))
            lastStateSeq = Int64(rows[r, 11] ?? "0") ?? lastStateSeq
        }
        let trialRows = (0..<rows.count).filter { rows[$0, 0] == "T" }
        guard !trialRows.isEmpty || needsRestore else { return }
        let fullRestore = needsRestore
        needsRestore = false
        var changed: [Trial] = []
        var stale = Set<String>()
        var added: [Trial] = []
        for r in trialRows {
            let id = rows[r, 1] ?? ""
            lastSeq = max(lastSeq, Int64(rows[r, 11] ?? "0") ?? 0)
            if rows[r, 12] == "y" { stale.insert(id) }
            // This process's own running trials are its to end (a lost one is caught at its end).
            if mine.contains(id) { continue }
            let values = try HPValues(json: JSON.parse(rows[r, 4] ?? "{}"))
            let trial: Trial
            if let known = oracle.trials[id] {
                trial = known
            } else {
                trial = Trial(trialId: id, index: Int(rows[r, 2] ?? "0") ?? 0, hyperparameters: oracle.hyperparameters.copy())
                added.append(trial)
            }
            if trial.hyperparameters.values != values {
                let hps = oracle.hyperparameters.copy()
                hps.values = values
                trial.hyperparameters = hps
            }
            trial.status = TrialStatus(rawValue: rows[r, 3] ?? "") ?? .running
            trial.score = rows[r, 5].flatMap(Double.init)
            trial.bestStep = Int(rows[r, 6] ?? "0") ?? 0
            trial.message = rows[r, 7]
            trial.runCount = Int(rows[r, 8] ?? "0") ?? 0
            trial.worker = rows[r, 10]
            endSeqs[id] = rows[r, 9].flatMap { Int($0) }
            changed.append(trial)
            trial.metrics.removeAll()
            for m in try JSON.parse(rows[r, 13] ?? "[]").arrayValue ?? [] {
                guard let f = m.arrayValue, f.count == 4 else { continue }
                trial.metrics.update(f[0].stringValue ?? "", f[2].stringValue.flatMap(Double.init) ?? .nan,
                                     step: Int(f[1].intValue ?? 0), direction: Objective.Direction(rawValue: f[3].stringValue ?? "min"))
            }
            trial.intermediateValues.removeAll()
            for v in try JSON.parse(rows[r, 14] ?? "[]").arrayValue ?? [] {
                guard let f = v.arrayValue, f.count == 3 else { continue }
                _ = trial.intermediateValues.record([(f[0].stringValue ?? "", f[2].stringValue.flatMap(Double.init) ?? .nan)],
                                                    step: Int(f[1].intValue ?? 0), objective: oracle.objective)
            }
        }
        let all = oracle.orderedTrials + added
        othersRunning = all.filter { $0.status == .running && !mine.contains($0.trialId) && !stale.contains($0.trialId) }.count
        if fullRestore {
            // After load, or after this process lost a trial it had ended in memory: rebuild.
            let order = endSeqs.sorted { $0.value < $1.value }.map(\.key)
            oracle.restore(trials: all, endOrder: order, rerun: { stale.contains($0.trialId) })
        } else {
            // End numbers are positions in the project's order of ends: those past what this
            // oracle knows are the new ones.
            let known = oracle.endOrder.count
            let ended = changed.compactMap { t in endSeqs[t.trialId].map { (t.trialId, $0) } }
                .filter { $0.1 >= known }.sorted { $0.1 < $1.1 }.map(\.0)
            oracle.absorb(changed: changed, newlyEnded: ended, rerun: stale)
        }
    }

    // MARK: - ProjectStore

    public func load() throws -> StoredProject? {
        guard readOnly else { return try loadRows() }
        // A reader (summary, report, export) sees one snapshot, never half of what a peer commits.
        try db.script("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", what: "starting a read")
        defer { _ = try? db.script("COMMIT", what: "ending a read") }
        return try loadRows()
    }

    private func loadRows() throws -> StoredProject? {
        let meta = try db.execute("SELECT oracle_kind, objective, state, state_seq FROM tunelua_projects WHERE project = $1",
                                  [project], what: "reading the project")
        guard meta.count > 0, let kind = meta[0, 0] else { return nil }
        let objective = try Objective(json: JSON.parse(meta[0, 1] ?? "null"))
        lastStateSeq = Int64(meta[0, 3] ?? "0") ?? 0
        let rows = try db.execute("""
            SELECT trial_id, idx, status, hyperparameters, score, best_step, message, run_count, end_seq, worker, seq, started, ended
            FROM tunelua_trials WHERE project = $1 ORDER BY idx
            """, [project], what: "reading the trials")
        var trials: [(trial: Trial, values: HPValues)] = []
        var byId: [String: Trial] = [:]
        endSeqs = [:]
        for r in 0..<rows.count {
            let id = rows[r, 0] ?? ""
            let values = try HPValues(json: JSON.parse(rows[r, 3] ?? "{}"))
            let hps = HyperParameters()
            hps.values = values
            let trial = Trial(trialId: id, index: Int(rows[r, 1] ?? "0") ?? 0, hyperparameters: hps,
                              status: TrialStatus(rawValue: rows[r, 2] ?? "") ?? .running)
            trial.score = rows[r, 4].flatMap(Double.init)
            trial.bestStep = Int(rows[r, 5] ?? "0") ?? 0
            trial.message = rows[r, 6]
            trial.runCount = Int(rows[r, 7] ?? "0") ?? 0
            trial.worker = rows[r, 9]
            trial.started = rows[r, 11].flatMap(Double.init)
            trial.ended = rows[r, 12].flatMap(Double.init)
            if let e = rows[r, 8].flatMap({ Int($0) }) { endSeqs[id] = e }
            lastSeq = max(lastSeq, Int64(rows[r, 10] ?? "0") ?? 0)
            trials.append((trial, values))
            byId[id] = trial
        }
        let ms = try db.execute("SELECT trial_id, name, step, value, direction FROM tunelua_metrics WHERE project = $1 ORDER BY id",
                                [project], what: "reading the metrics")
        for r in 0..<ms.count {
            guard let t = byId[ms[r, 0] ?? ""] else { continue }
            t.metrics.update(ms[r, 1] ?? "", ms[r, 3].flatMap(Double.init) ?? .nan, step: Int(ms[r, 2] ?? "0") ?? 0,
                             direction: Objective.Direction(rawValue: ms[r, 4] ?? "min"))
        }
        let iv = try db.execute("SELECT trial_id, name, step, value FROM tunelua_intermediate WHERE project = $1 ORDER BY step, name",
                                [project], what: "reading the intermediate values")
        for r in 0..<iv.count {
            guard let t = byId[iv[r, 0] ?? ""] else { continue }
            _ = t.intermediateValues.record([(iv[r, 1] ?? "", iv[r, 3].flatMap(Double.init) ?? .nan)], step: Int(iv[r, 2] ?? "0") ?? 0,
                                            objective: objective)
        }
        needsRestore = true
        return StoredProject(oracleKind: kind, objective: objective, oracleState: try JSON.parse(meta[0, 2] ?? "{}"),
                             trials: trials, endOrder: endSeqs.sorted { $0.value < $1.value }.map(\.key))
    }

    public func create(oracleKind: String, objective: Objective, oracleState: String) throws {
        try locked {
            let made = try db.execute("""
                INSERT INTO tunelua_projects(project, oracle_kind, objective, created, state, state_seq, format_version)
                VALUES ($1, $2, $3, $4, $5, nextval('tunelua_changes'), $6) ON CONFLICT (project) DO NOTHING RETURNING state_seq
                """, [project, oracleKind, objective.json.encoded, String(SQLiteStore.now()), oracleState, String(PostgresStore.formatVersion)],
                what: "creating the project")
            if made.count > 0 {
                lastStateSeq = Int64(made[0, 0] ?? "0") ?? 0
                return
            }
            // Another peer created it between our load and now: it must be the same search.
            let other = try db.execute("SELECT oracle_kind, objective FROM tunelua_projects WHERE project = $1", [project])
            let theirs = try Objective(json: JSON.parse(other[0, 1] ?? "null"))
            guard other[0, 0] == oracleKind, theirs == objective else {
                throw EngineError(.incompatibleProject, "Tuner: the project '\(location)' was just created by another process with a \(other[0, 0] ?? "?") search and \(theirs), not \(oracleKind) with \(objective); use the same tuner and objective in every process, or another project_name")
            }
        }
    }

    public func trialStarted(_ trial: Trial, rerun: Bool, worker: String, oracleState: String?) throws {
        try locked {
            // One statement: the trial's row, its old metrics dropped on a re-run, the oracle state.
            try write("""
                WITH s AS (UPDATE tunelua_projects SET state = $10, state_seq = nextval('tunelua_changes')
                           WHERE project = $1 AND $10::text IS NOT NULL RETURNING state_seq),
                     d AS (DELETE FROM tunelua_metrics WHERE project = $1 AND trial_id = $3 AND $11::boolean),
                     e AS (DELETE FROM tunelua_intermediate WHERE project = $1 AND trial_id = $3 AND $11::boolean),
                     i AS (INSERT INTO tunelua_trials(project, idx, trial_id, status, hyperparameters, best_step, message,
                                                      run_count, started, worker, owner, heartbeat, seq)
                           VALUES ($1, $2, $3, 'RUNNING', $4, 0, $5, $6, $7, $8, $9, now(), nextval('tunelua_changes'))
                           ON CONFLICT (project, idx) DO UPDATE SET status = 'RUNNING', hyperparameters = $4, score = NULL,
                               best_step = 0, end_seq = NULL, started = $7, ended = NULL, worker = $8, owner = $9,
                               heartbeat = now(), seq = nextval('tunelua_changes')
                           RETURNING seq)
                SELECT (SELECT seq FROM i), (SELECT state_seq FROM s)
                """, [project, String(trial.index), trial.trialId, trial.hyperparameters.values.json.encoded, trial.message,
                      String(trial.runCount), String(SQLiteStore.now()), worker, peerId, oracleState, rerun ? "true" : "false"],
                what: "starting trial \(trial.trialId)") { [self] row in
                // Every write of this project's trials happens under the lock, after a refresh:
                // nothing between the last seen change and this one is unseen.
                lastSeq = max(lastSeq, Int64(row[0, 0] ?? "0") ?? 0)
                if let s = row[0, 1].flatMap({ Int64($0) }) { lastStateSeq = s }
            }
            endSeqs[trial.trialId] = nil
            mine.insert(trial.trialId)
            heartbeat?.running(mine.count)
        }
    }

    public func metricsReported(trialId: String, metrics: [(name: String, value: Double, direction: Objective.Direction)], step: Int) throws {
        try transaction {
            try insertMetrics(trialId, metrics, step)
            try db.execute("UPDATE tunelua_trials SET heartbeat = now() WHERE project = $1 AND trial_id = $2 AND owner = $3",
                           [project, trialId, peerId])
        }
    }

    public func intermediateReported(trialId: String, step: Int, values: [(String, Double)]) throws {
        try transaction {
            try db.execute("""
                INSERT INTO tunelua_intermediate(project, trial_id, name, step, value)
                SELECT $1, $2, x.n, $3, x.v FROM unnest($4::text[], $5::float8[]) AS x(n, v) ON CONFLICT DO NOTHING
                """, [project, trialId, String(step), PostgresStore.array(values.map(\.0)),
                      PostgresStore.array(values.map { $0.1.isNaN ? nil : String($0.1) })], what: "writing intermediate values of trial \(trialId)")
            try db.execute("UPDATE tunelua_trials SET heartbeat = now() WHERE project = $1 AND trial_id = $2 AND owner = $3",
                           [project, trialId, peerId])
        }
    }

    public func trialEnded(_ trial: Trial, metrics: [(name: String, value: Double, direction: Objective.Direction)], step: Int,
                           endSeq: Int?, oracleState: String?) throws {
        try locked {
            mine.remove(trial.trialId)
            heartbeat?.running(mine.count)
            let score = trial.score.flatMap { $0.isNaN ? nil : String($0) }
            // One statement: the end, only while this process still owns the trial, and with it
            // the metrics and the oracle state.
            try write("""
                WITH u AS (UPDATE tunelua_trials SET status = $3, hyperparameters = $4, score = $5, best_step = $6, message = $7,
                               run_count = $8, end_seq = $9, ended = $10, heartbeat = now(), seq = nextval('tunelua_changes')
                           WHERE project = $1 AND idx = $2 AND owner = $11 AND status = 'RUNNING' RETURNING seq),
                     s AS (UPDATE tunelua_projects SET state = $12, state_seq = nextval('tunelua_changes')
                           WHERE project = $1 AND $12::text IS NOT NULL AND EXISTS (SELECT 1 FROM u) RETURNING state_seq),
                     m AS (INSERT INTO tunelua_metrics(project, trial_id, name, step, value, direction)
                           SELECT $1, $13, x.n, $14, x.v, x.d FROM unnest($15::text[], $16::float8[], $17::text[]) AS x(n, v, d)
                           WHERE EXISTS (SELECT 1 FROM u))
                SELECT (SELECT seq FROM u), (SELECT state_seq FROM s)
                """, [project, String(trial.index), trial.status.rawValue, trial.hyperparameters.values.json.encoded, score,
                      String(trial.bestStep), trial.message, String(trial.runCount), endSeq.map(String.init),
                      String(SQLiteStore.now()), peerId, oracleState, trial.trialId, String(step),
                      PostgresStore.array(metrics.map(\.name)), PostgresStore.array(metrics.map { $0.value.isNaN ? nil : String($0.value) }),
                      PostgresStore.array(metrics.map(\.direction.rawValue))],
                what: "ending trial \(trial.trialId)") { [self] row in
                guard let seq = row[0, 0].flatMap({ Int64($0) }) else {
                    // Our heartbeat stopped long enough for another peer to take the trial over:
                    // its run is the one that counts. What this process's oracle recorded is
                    // replaced by a full reload at the next decision.
                    lastSeq = 0
                    endSeqs = [:]
                    needsRestore = true
                    Tuner.standardError("Trial \(trial.trialId): its heartbeat stopped and another process re-ran it; this result is not recorded.\n")
                    return
                }
                lastSeq = max(lastSeq, seq)
                if let s = row[0, 1].flatMap({ Int64($0) }) { lastStateSeq = s }
                endSeqs[trial.trialId] = endSeq
            }
        }
    }

    /// A PostgreSQL array literal of text elements (nil is NULL), for `unnest`.
    static func array(_ items: [String?]) -> String {
        "{" + items.map { item in
            guard let item else { return "NULL" }
            return "\"" + item.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }.joined(separator: ",") + "}"
    }

    public func saveOracleState(_ state: String) throws {
        try locked { try writeOracleState(state) }
    }

    public func saveCheckpoint(trialId: String, step: Int, data: [UInt8], replacingOthers: Bool) throws {
        try transaction {
            if replacingOthers {
                try db.execute("DELETE FROM tunelua_checkpoints WHERE project = $1 AND trial_id = $2 AND step <> $3",
                               [project, trialId, String(step)])
            }
            _ = try db.executeBytes("""
                INSERT INTO tunelua_checkpoints(project, trial_id, step, data, saved) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (project, trial_id, step) DO UPDATE SET data = $4, saved = $5
                """, [Array(project.utf8), Array(trialId.utf8), Array(String(step).utf8), data, Array(String(SQLiteStore.now()).utf8)],
                binary: [3], binaryResult: false, what: "saving a checkpoint of trial \(trialId)")
        }
    }

    public func loadCheckpoint(trialId: String, step: Int?) throws -> [UInt8]? {
        if let step {
            return try db.executeBytes("SELECT data FROM tunelua_checkpoints WHERE project = $1 AND trial_id = $2 AND step = $3",
                                       [Array(project.utf8), Array(trialId.utf8), Array(String(step).utf8)], binary: [],
                                       binaryResult: true, what: "loading a checkpoint of trial \(trialId)")
        }
        return try db.executeBytes("""
            SELECT data FROM tunelua_checkpoints WHERE project = $1 AND trial_id = $2 ORDER BY saved DESC, step DESC LIMIT 1
            """, [Array(project.utf8), Array(trialId.utf8)], binary: [], binaryResult: true, what: "loading a checkpoint of trial \(trialId)")
    }

    public func reader() throws -> ProjectStore { try PostgresStore(readingProject: project, url: url) }
    public var defaultReportPath: String { project + "-report.html" }

    private var closed = false

    public func close() {
        guard !closed else { return }
        closed = true
        heartbeat?.stop()
        heartbeat = nil
        if !readOnly && !db.isBroken {
            // Trials left running (Ctrl-C) may be taken by any peer at once, and our numbers freed.
            _ = try? db.execute("UPDATE tunelua_trials SET heartbeat = 'epoch' WHERE project = $1 AND owner = $2 AND status = 'RUNNING'",
                            [project, peerId])
            _ = try? db.execute("UPDATE tunelua_peers SET heartbeat = 'epoch' WHERE project = $1 AND peer = $2", [project, peerId])
        }
        db.close()
    }

    // MARK: - Plumbing

    private func writeOracleState(_ state: String) throws {
        let row = try db.execute("""
            UPDATE tunelua_projects SET state = $2, state_seq = nextval('tunelua_changes') WHERE project = $1 RETURNING state_seq
            """, [project, state], what: "saving the oracle state")
        if row.count > 0 { lastStateSeq = Int64(row[0, 0] ?? "0") ?? lastStateSeq }
    }

    private func insertMetrics(_ trialId: String, _ metrics: [(name: String, value: Double, direction: Objective.Direction)], _ step: Int) throws {
        for m in metrics {
            try db.execute("INSERT INTO tunelua_metrics(project, trial_id, name, step, value, direction) VALUES ($1, $2, $3, $4, $5, $6)",
                           [project, trialId, m.name, String(step), m.value.isNaN ? nil : String(m.value), m.direction.rawValue],
                           what: "writing metrics of trial \(trialId)")
        }
    }
}
