import CSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The embedded store: one SQLite database, `directory/project_name/tunelua.db`.
///
/// WAL with `synchronous = NORMAL`: a killed process loses nothing that was committed (a power
/// failure may lose the last commits). Statements are prepared once and reused; each state change
/// is one transaction. A second process on the same project is refused through an exclusive
/// `flock` on `tunelua.lock` beside the database (released by the kernel when a process dies, so
/// a `kill -9` never leaves a stale lock).
public final class SQLiteStore: ProjectStore {
    /// Format of the schema below; a newer file is refused rather than misread, an older one
    /// migrated (see `migrations`).
    public static let formatVersion: Int32 = 2
    /// `PRAGMA application_id`: marks the file as a tunelua project ("TLUA").
    public static let applicationId: Int32 = 0x544C_5541
    public static let databaseName = "tunelua.db"
    public static let lockName = "tunelua.lock"

    public let location: String
    public let databasePath: String
    private var db: OpaquePointer?
    private var lockFD: Int32 = -1
    /// Prepared statements by the address of their (static) SQL text: no hashing of long strings
    /// on the hot path.
    private var statements: [UInt: OpaquePointer] = [:]
    private let readOnly: Bool

    /// Opens (creating when needed) the project `directory/projectName`. `overwrite` deletes the
    /// project's own database first (never a file that is not a tunelua database).
    public init(directory: String = ".", projectName: String = "untitled_project", overwrite: Bool = false) throws {
        try SQLiteStore.validate(projectName: projectName)
        let dir = directory.isEmpty ? "." : directory
        location = dir.hasSuffix("/") ? dir + projectName : dir + "/" + projectName
        databasePath = location + "/" + SQLiteStore.databaseName
        readOnly = false
        try SQLiteStore.makeDirectories(location)
        guard access(location, W_OK | X_OK) == 0 else {
            throw EngineError(.storage, "Tuner: the project directory '\(location)' is not writable (\(String(cString: strerror(errno))))")
        }
        try takeLock()
        do {
            var findings: ProjectFileCheck.Findings
            if overwrite {
                // Only the check that it is ours: a damaged project of ours may be replaced.
                findings = try ProjectFileCheck.beforeOpening(databasePath, recordedSalt: nil, contents: false)
                for suffix in ["", "-wal", "-shm"] { unlink(databasePath + suffix) }
                findings = .init()
            } else {
                findings = try ProjectFileCheck.beforeOpening(databasePath, recordedSalt: recordedSalt)
            }
            // The record speaks for the WAL present now; without one it is made after our first commit.
            writeLockRecord(salt: findings.walSalt == nil ? nil : recordedSalt)
            try openDatabase(flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX)
            try configure(findings: findings)
        } catch {
            close()
            throw error
        }
    }

    /// Opens an existing project for reading only (`tunelua summary`, `report`, `export`): takes no
    /// lock, so it works while a search writes the project.
    public init(readingProjectAt path: String) throws {
        location = path.hasSuffix("/") ? String(path.dropLast()) : path
        databasePath = location + "/" + SQLiteStore.databaseName
        readOnly = true
        guard access(databasePath, R_OK) == 0 else {
            throw EngineError(.notFound, "no tunelua project at '\(location)' (\(SQLiteStore.databaseName) not found)")
        }
        let findings = try ProjectFileCheck.beforeOpening(databasePath, recordedSalt: SQLiteStore.readLockRecord(location).salt)
        do {
            try openForReading(findings: findings)
        } catch {
            close()
            throw error
        }
    }

    private func openForReading(findings: ProjectFileCheck.Findings) throws {
        do {
            try openDatabase(flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX)
            sqlite3_busy_timeout(db, 5000)
            _ = try queryInt("PRAGMA user_version")
        } catch {
            // Read-only media: SQLite cannot make the WAL index beside the database. Nothing can
            // write there either, so the file is read as it stands (immutable).
            guard access(location, W_OK) != 0 else { throw error }
            close()
            try openDatabase(flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, uri: "file:" + SQLiteStore.uriEscaped(databasePath) + "?immutable=1")
        }
        try snapshot { try checkIntegrity(findings: findings) }
    }

    deinit { close() }

    /// `tunelua check DIR/PROJECT`: every check an open makes, then `PRAGMA quick_check` and a read
    /// of every row, without writing. Returns a one-line verdict; throws naming what is wrong.
    public static func check(projectAt path: String) throws -> String {
        let store = try SQLiteStore(readingProjectAt: path)
        defer { store.close() }
        try store.checkIntegrity(findings: .init(), full: true)
        let trials = try store.load()?.trials.count ?? 0
        return "\(store.databasePath): ok (\(trials) trial\(trials == 1 ? "" : "s"), quick_check ok)"
    }

    // MARK: - Opening

    static func validate(projectName: String) throws {
        if projectName.isEmpty || projectName.contains("/") || projectName.contains("\\") || projectName.contains("..")
            || projectName.contains("\0") || projectName == "." {
            throw EngineError.invalid("Tuner: project_name must be a plain name without '/', '\\' or '..', got '\(projectName)'")
        }
    }

    private static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            current += (current.isEmpty || current.hasSuffix("/") ? "" : "/") + part
            var st = stat()
            if stat(current, &st) == 0 {
                if (st.st_mode & S_IFMT) != S_IFDIR {
                    throw EngineError(.storage, "Tuner: cannot create the project directory '\(path)': '\(current)' is not a directory")
                }
                continue
            }
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw EngineError(.storage, "Tuner: cannot create the project directory '\(path)': \(String(cString: strerror(errno)))")
            }
        }
    }

    /// What the lock file says beyond the pid: the WAL salt-1 this project recorded.
    static func readLockRecord(_ location: String) -> (pid: String, salt: UInt32?) {
        let fd = open(location + "/" + lockName, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return ("?", nil) }
        defer { Glibc.close(fd) }
        return parseLockRecord(fd)
    }

    private static func parseLockRecord(_ fd: Int32) -> (pid: String, salt: UInt32?) {
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = pread(fd, &buffer, 127, 0)
        guard n > 0 else { return ("?", nil) }
        let lines = String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n")
        let pid = lines.first.map { String($0).trimmingSpaces } ?? "?"
        var salt: UInt32?
        for line in lines.dropFirst() where line.hasPrefix("wal-salt ") {
            salt = UInt32(line.dropFirst("wal-salt ".count).trimmingPrefix("0x"), radix: 16)
        }
        return (pid.isEmpty ? "?" : pid, salt)
    }

    /// The process that last opened the project for writing, when it is still alive (a search
    /// may be running: `tunelua report --watch` goes on); nil otherwise.
    public static func writerProcess(ofProjectAt path: String) -> Int32? {
        guard let pid = Int32(readLockRecord(path.hasSuffix("/") ? String(path.dropLast()) : path).pid), pid > 0 else { return nil }
        return kill(pid, 0) == 0 || errno == EPERM ? pid : nil
    }

    /// The WAL salt-1 read from the lock file when the project opened.
    private var recordedSalt: UInt32?
    /// Whether this session has recorded its WAL's salt (once, after its first commit).
    private var saltRecorded = false

    /// Rewrites the lock file: our pid, and the WAL salt when there is one to vouch for.
    private func writeLockRecord(salt: UInt32?) {
        guard lockFD >= 0 else { return }
        var text = String(getpid()) + "\n"
        if let salt { text += "wal-salt " + ProjectFileCheck.hex(salt) + "\n" }
        let bytes = Array(text.utf8)
        _ = ftruncate(lockFD, 0)
        _ = pwrite(lockFD, bytes, bytes.count, 0)
    }

    private func recordWALSalt() {
        saltRecorded = true
        if let salt = try? ProjectFileCheck.walHeader(databasePath + "-wal", databasePageSize: 0, recordedSalt: nil) {
            writeLockRecord(salt: salt)
        }
    }

    private func takeLock() throws {
        let path = location + "/" + SQLiteStore.lockName
        lockFD = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFD >= 0 else {
            throw EngineError(.storage, "Tuner: cannot create the lock file '\(path)': \(String(cString: strerror(errno)))")
        }
        if flock(lockFD, LOCK_EX | LOCK_NB) != 0 {
            let pid = SQLiteStore.parseLockRecord(lockFD).pid
            Glibc.close(lockFD)
            lockFD = -1
            if pid == String(getpid()) {
                throw EngineError(.projectLocked, "Tuner: the project '\(location)' is already open in this process by another tuner; close that tuner first (tuner:close()), or use another project_name")
            }
            throw EngineError(.projectLocked, "Tuner: the project '\(location)' is in use by another process (pid \(pid)); wait for it to finish, or use another project_name")
        }
        recordedSalt = SQLiteStore.parseLockRecord(lockFD).salt
    }

    private func openDatabase(flags: Int32, uri: String? = nil) throws {
        var handle: OpaquePointer?
        let rc = sqlite3_open_v2(uri ?? databasePath, &handle, flags, nil)
        db = handle
        guard rc == SQLITE_OK else {
            let msg = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "code \(rc)"
            throw EngineError(.storage, "Tuner: cannot open the project database '\(databasePath)': \(msg)")
        }
    }

    static func uriEscaped(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "%"), UInt8(ascii: "?"), UInt8(ascii: "#"): out += "%" + String(byte, radix: 16, uppercase: true)
            default: out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out
    }

    private func configure(findings: ProjectFileCheck.Findings) throws {
        sqlite3_busy_timeout(db, 5000)
        // Until the checks below pass, closing must not checkpoint a WAL into the database.
        _ = tl_sqlite_no_checkpoint_on_close(db, 1)
        // Normal locking (not EXCLUSIVE, which would keep the WAL index in process memory): readers
        // in other processes (`tunelua summary`, `report`, `export`) read WAL snapshots while the
        // search writes.
        let version = try queryInt("PRAGMA user_version")
        if version == 0 {
            // Before WAL, so the mark lands in the main file's header, where the next open checks it.
            try exec("PRAGMA application_id=\(SQLiteStore.applicationId)")
        }
        try exec("PRAGMA journal_mode=WAL")
        try exec("PRAGMA synchronous=NORMAL")
        // Checkpoints are where WAL mode syncs to disk; fewer of them, each larger.
        try exec("PRAGMA wal_autocheckpoint=4000")
        if version == 0 {
            try transaction {
                try exec("""
                    CREATE TABLE IF NOT EXISTS project(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS oracle_state(id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL, updated REAL NOT NULL, state_seq INTEGER NOT NULL DEFAULT 0);
                    CREATE TABLE IF NOT EXISTS trials(
                        idx INTEGER PRIMARY KEY, trial_id TEXT NOT NULL, status TEXT NOT NULL,
                        hyperparameters TEXT NOT NULL, score REAL, best_step INTEGER NOT NULL DEFAULT 0,
                        message TEXT, run_count INTEGER NOT NULL DEFAULT 0, end_seq INTEGER,
                        started REAL, ended REAL, worker TEXT, heartbeat REAL, oracle_state TEXT, state_seq INTEGER);
                    CREATE TABLE IF NOT EXISTS metrics(
                        id INTEGER PRIMARY KEY, trial_id TEXT NOT NULL, name TEXT NOT NULL, step INTEGER NOT NULL,
                        value REAL, direction TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS checkpoints(
                        trial_id TEXT NOT NULL, step INTEGER NOT NULL, data BLOB NOT NULL, saved REAL NOT NULL,
                        PRIMARY KEY (trial_id, step));
                    """)
                for v in 1..<SQLiteStore.formatVersion { try exec(SQLiteStore.migrations[v]!) }
                try exec("PRAGMA user_version=\(SQLiteStore.formatVersion)")
            }
        } else if version > SQLiteStore.formatVersion {
            throw EngineError(.incompatibleProject, "Tuner: '\(databasePath)' was written by a newer tunelua (format \(version), this one reads \(SQLiteStore.formatVersion)); it was left untouched")
        } else {
            try checkIntegrity(findings: findings)
            if version < SQLiteStore.formatVersion { try migrate(from: version) }
        }
    }

    /// Brings an older project's schema to `formatVersion`, in one transaction (docs/project-files.md).
    private func migrate(from version: Int32) throws {
        try transaction {
            for v in version..<SQLiteStore.formatVersion { try exec(SQLiteStore.migrations[v]!) }
            try exec("PRAGMA user_version=\(SQLiteStore.formatVersion)")
        }
    }

    /// Schema changes by the format they upgrade from (a new project applies them all after the
    /// format-1 tables; an older project gets the missing ones in one transaction when it opens).
    static let migrations: [Int32: String] = [
        // 1 → 2: intermediate values (trial:report, Keras epochs), one per metric and step.
        1: """
            CREATE TABLE IF NOT EXISTS intermediate_values(
                trial_id TEXT NOT NULL, name TEXT NOT NULL, step INTEGER NOT NULL, value REAL,
                PRIMARY KEY (trial_id, name, step));
            """,
    ]

    // MARK: - Integrity

    /// The cheap checks made at every open, before anything is written: the schema is there,
    /// trial rows run 0, 1, 2, … without a gap, and no trial id appears twice (a resume would
    /// otherwise give the next trial the id of a finished one and overwrite it). `PRAGMA
    /// quick_check` runs only when something already looks wrong, or on `tunelua check`.
    func checkIntegrity(findings: ProjectFileCheck.Findings, full: Bool = false) throws {
        var problems: [String] = []
        let version = try queryInt("PRAGMA user_version")
        if version == 0 {
            if try queryInt("SELECT count(*) FROM sqlite_master") > 0 {
                problems.append("it has tables but no schema version (PRAGMA user_version is 0)")
            }
        } else if try queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('project', 'oracle_state', 'trials', 'metrics', 'checkpoints')") != 5 {
            problems.append("tables of the schema are missing")
        } else {
            let st = try statement("SELECT count(*), min(idx), max(idx), count(DISTINCT trial_id) FROM trials")
            defer { sqlite3_reset(st) }
            if try step(st) {
                let count = sqlite3_column_int64(st, 0), low = sqlite3_column_int64(st, 1)
                let high = sqlite3_column_int64(st, 2), distinct = sqlite3_column_int64(st, 3)
                if count > 0 && (low != 0 || high != count - 1) {
                    let gap = try queryInt64("SELECT CASE WHEN min(idx) > 0 THEN 0 ELSE (SELECT min(a.idx) + 1 FROM trials a WHERE NOT EXISTS (SELECT 1 FROM trials b WHERE b.idx = a.idx + 1)) END FROM trials")
                    problems.append("trial rows are not contiguous (\(count) rows with idx \(low) to \(high); the row with idx \(gap) is missing)")
                }
                if distinct != count {
                    let id = try queryText("SELECT trial_id FROM trials GROUP BY trial_id HAVING count(*) > 1 ORDER BY min(idx) LIMIT 1") ?? "?"
                    problems.append("trial id '\(id)' appears in more than one row")
                }
            }
        }
        if full || findings.needsQuickCheck || !problems.isEmpty {
            problems += try quickCheck()
        }
        guard problems.isEmpty else {
            throw EngineError(.corruptData, "Tuner: the project database '\(databasePath)' is damaged: \(problems.joined(separator: "; ")); it was left untouched and cannot be resumed; restore it from a copy")
        }
    }

    /// `PRAGMA quick_check`, its first few complaints (empty when the file is sound).
    func quickCheck() throws -> [String] {
        var out: [String] = []
        let st = try statement("PRAGMA quick_check(5)")
        defer { sqlite3_reset(st) }
        while try step(st) {
            let line = columnText(st, 0) ?? ""
            if line != "ok" { out.append("quick_check: " + String(line.prefix(200))) }
        }
        return out
    }

    // MARK: - ProjectStore

    public func load() throws -> StoredProject? {
        readOnly ? try snapshot(loadRows) : try loadRows()
    }

    /// Runs `body` in one read transaction: a WAL snapshot, never half of what a search commits.
    private func snapshot<T>(_ body: () throws -> T) throws -> T {
        try exec("BEGIN DEFERRED")
        defer { sqlite3_exec(db, "COMMIT", nil, nil, nil) }
        return try body()
    }

    private func loadRows() throws -> StoredProject? {
        let meta = try queryPairs("SELECT key, value FROM project")
        guard let kind = meta["oracle_kind"] else { return nil }
        let objective = try Objective(json: JSON.parse(meta["objective"] ?? "null", source: "'\(databasePath)', table project, key 'objective'"))
        // The newest oracle state: written with each trial's row (one page per commit), or alone.
        let stateText = try queryText("""
            SELECT state FROM (SELECT state, state_seq FROM oracle_state
                               UNION ALL SELECT oracle_state, state_seq FROM trials WHERE oracle_state IS NOT NULL)
            ORDER BY state_seq DESC LIMIT 1
            """) ?? "{}"
        stateSeq = try queryInt64("""
            SELECT max(s) FROM (SELECT max(state_seq) AS s FROM oracle_state UNION ALL SELECT max(state_seq) FROM trials)
            """)
        var trials: [(trial: Trial, values: HPValues)] = []
        var byId: [String: Trial] = [:]
        var ended: [(Int, String)] = []
        let sel = try statement("SELECT trial_id, idx, status, hyperparameters, score, best_step, message, run_count, end_seq, worker, started, ended FROM trials ORDER BY idx")
        defer { sqlite3_reset(sel) }
        while try step(sel) {
            let id = columnText(sel, 0) ?? ""
            let values = try HPValues(json: JSON.parse(columnText(sel, 3) ?? "{}", source: "'\(databasePath)', trial \(id) (idx \(sqlite3_column_int64(sel, 1))), column hyperparameters"))
            let hps = HyperParameters()
            hps.values = values
            let trial = Trial(trialId: id, index: Int(sqlite3_column_int64(sel, 1)), hyperparameters: hps,
                              status: TrialStatus(rawValue: columnText(sel, 2) ?? "") ?? .running)
            trial.score = sqlite3_column_type(sel, 4) == SQLITE_NULL ? nil : sqlite3_column_double(sel, 4)
            trial.bestStep = Int(sqlite3_column_int64(sel, 5))
            trial.message = columnText(sel, 6)
            trial.runCount = Int(sqlite3_column_int64(sel, 7))
            trial.worker = columnText(sel, 9)
            if sqlite3_column_type(sel, 10) != SQLITE_NULL { trial.started = sqlite3_column_double(sel, 10) }
            if sqlite3_column_type(sel, 11) != SQLITE_NULL { trial.ended = sqlite3_column_double(sel, 11) }
            if sqlite3_column_type(sel, 8) != SQLITE_NULL { ended.append((Int(sqlite3_column_int64(sel, 8)), id)) }
            trials.append((trial, values))
            byId[id] = trial
        }
        let ms = try statement("SELECT trial_id, name, step, value, direction FROM metrics ORDER BY id")
        defer { sqlite3_reset(ms) }
        while try step(ms) {
            guard let t = byId[columnText(ms, 0) ?? ""] else { continue }
            let value = sqlite3_column_type(ms, 3) == SQLITE_NULL ? Double.nan : sqlite3_column_double(ms, 3)
            t.metrics.update(columnText(ms, 1) ?? "", value, step: Int(sqlite3_column_int64(ms, 2)),
                             direction: Objective.Direction(rawValue: columnText(ms, 4) ?? "min"))
        }
        if try queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'intermediate_values'") > 0 {
            let iv = try statement("SELECT trial_id, name, step, value FROM intermediate_values ORDER BY rowid")
            defer { sqlite3_reset(iv) }
            while try step(iv) {
                guard let t = byId[columnText(iv, 0) ?? ""] else { continue }
                let value = sqlite3_column_type(iv, 3) == SQLITE_NULL ? Double.nan : sqlite3_column_double(iv, 3)
                t.intermediateValues.record([(columnText(iv, 1) ?? "", value)], step: Int(sqlite3_column_int64(iv, 2)), objective: objective)
            }
        }
        let project = StoredProject(oracleKind: kind, objective: objective,
                             oracleState: try JSON.parse(stateText, source: "'\(databasePath)', the oracle state"),
                             trials: trials, endOrder: ended.sorted { $0.0 < $1.0 }.map(\.1))
        // Every row has been read back: from here on closing may checkpoint again.
        if !readOnly { _ = tl_sqlite_no_checkpoint_on_close(db, 0) }
        return project
    }

    public func create(oracleKind: String, objective: Objective, oracleState: String) throws {
        _ = tl_sqlite_no_checkpoint_on_close(db, 0)
        try transaction {
            let put = try statement("INSERT OR REPLACE INTO project(key, value) VALUES (?, ?)")
            for (k, v) in [("format_version", String(SQLiteStore.formatVersion)), ("oracle_kind", oracleKind),
                           ("objective", objective.json.encoded), ("created", String(Self.now()))] {
                bind(put, 1, k)
                bind(put, 2, v)
                try run(put)
            }
            try writeOracleState(oracleState)
        }
    }

    public func trialStarted(_ trial: Trial, rerun: Bool, worker: String, oracleState: String?) throws {
        let now = Self.now()
        try transaction {
            let up = try statement("""
                INSERT INTO trials(trial_id, idx, status, hyperparameters, score, best_step, message, run_count, started, worker,
                                   heartbeat, oracle_state, state_seq)
                VALUES (?1, ?2, 'RUNNING', ?3, NULL, 0, ?4, ?5, ?6, ?7, ?6, ?8, ?9)
                ON CONFLICT(idx) DO UPDATE SET status = 'RUNNING', hyperparameters = ?3, score = NULL, best_step = 0,
                    started = ?6, ended = NULL, worker = ?7, heartbeat = ?6,
                    oracle_state = coalesce(?8, oracle_state), state_seq = coalesce(?9, state_seq)
                """)
            bind(up, 1, trial.trialId)
            sqlite3_bind_int64(up, 2, Int64(trial.index))
            bind(up, 3, trial.hyperparameters.values.json.encoded)
            bind(up, 4, trial.message)
            sqlite3_bind_int64(up, 5, Int64(trial.runCount))
            sqlite3_bind_double(up, 6, now)
            bind(up, 7, worker)
            bindState(up, 8, 9, oracleState)
            try run(up)
            rowOf[trial.trialId] = Int64(trial.index)
            if rerun {
                let del = try statement("DELETE FROM metrics WHERE trial_id = ?")
                bind(del, 1, trial.trialId)
                try run(del)
                let delIV = try statement("DELETE FROM intermediate_values WHERE trial_id = ?")
                bind(delIV, 1, trial.trialId)
                try run(delIV)
            }
        }
    }

    public func metricsReported(trialId: String, metrics: [(name: String, value: Double, direction: Objective.Direction)], step: Int) throws {
        try transaction {
            try insertMetrics(trialId, metrics, step)
            try beat(trialId)
        }
    }

    public func intermediateReported(trialId: String, step: Int, values: [(String, Double)]) throws {
        try transaction {
            let st = try statement("INSERT OR IGNORE INTO intermediate_values(trial_id, name, step, value) VALUES (?, ?, ?, ?)")
            for (name, value) in values {
                bind(st, 1, trialId)
                bind(st, 2, name)
                sqlite3_bind_int64(st, 3, Int64(step))
                if value.isNaN { sqlite3_bind_null(st, 4) } else { sqlite3_bind_double(st, 4, value) }
                try run(st)
            }
            try beat(trialId)
        }
    }

    /// Rows of the trials this store started, by trial id: `trial_id` has no index, and a scan of
    /// `trials` at every report made a long search slow down as it grew.
    private var rowOf: [String: Int64] = [:]

    /// A running trial's heartbeat, written with each report.
    private func beat(_ trialId: String) throws {
        if let row = rowOf[trialId] {
            let hb = try statement("UPDATE trials SET heartbeat = ? WHERE idx = ?")
            sqlite3_bind_double(hb, 1, Self.now())
            sqlite3_bind_int64(hb, 2, row)
            try run(hb)
        } else {
            let hb = try statement("UPDATE trials SET heartbeat = ? WHERE trial_id = ?")
            sqlite3_bind_double(hb, 1, Self.now())
            bind(hb, 2, trialId)
            try run(hb)
        }
    }

    public func trialEnded(_ trial: Trial, metrics: [(name: String, value: Double, direction: Objective.Direction)], step: Int,
                           endSeq: Int?, oracleState: String?) throws {
        let now = Self.now()
        try transaction {
            try insertMetrics(trial.trialId, metrics, step)
            let up = try statement("""
                UPDATE trials SET status = ?2, hyperparameters = ?3, score = ?4, best_step = ?5, message = ?6,
                    run_count = ?7, end_seq = ?8, ended = ?9, heartbeat = ?9,
                    oracle_state = coalesce(?11, oracle_state), state_seq = coalesce(?12, state_seq) WHERE idx = ?10
                """)
            bind(up, 1, trial.trialId)
            bind(up, 2, trial.status.rawValue)
            bind(up, 3, trial.hyperparameters.values.json.encoded)
            if let s = trial.score, !s.isNaN { sqlite3_bind_double(up, 4, s) } else { sqlite3_bind_null(up, 4) }
            sqlite3_bind_int64(up, 5, Int64(trial.bestStep))
            bind(up, 6, trial.message)
            sqlite3_bind_int64(up, 7, Int64(trial.runCount))
            if let endSeq { sqlite3_bind_int64(up, 8, Int64(endSeq)) } else { sqlite3_bind_null(up, 8) }
            sqlite3_bind_double(up, 9, now)
            sqlite3_bind_int64(up, 10, Int64(trial.index))
            bindState(up, 11, 12, oracleState)
            try run(up)
        }
    }

    public func saveOracleState(_ state: String) throws {
        try transaction { try writeOracleState(state) }
    }

    public func saveCheckpoint(trialId: String, step: Int, data: [UInt8], replacingOthers: Bool) throws {
        try transaction {
            if replacingOthers {
                let drop = try statement("DELETE FROM checkpoints WHERE trial_id = ? AND step <> ?")
                bind(drop, 1, trialId)
                sqlite3_bind_int64(drop, 2, Int64(step))
                try run(drop)
            }
            let st = try statement("INSERT OR REPLACE INTO checkpoints(trial_id, step, data, saved) VALUES (?, ?, ?, ?)")
            bind(st, 1, trialId)
            sqlite3_bind_int64(st, 2, Int64(step))
            _ = data.withUnsafeBytes { sqlite3_bind_blob(st, 3, $0.baseAddress, Int32($0.count), tl_sqlite_transient()) }
            sqlite3_bind_double(st, 4, Self.now())
            try run(st)
        }
    }

    public func loadCheckpoint(trialId: String, step: Int?) throws -> [UInt8]? {
        let st = try statement(step == nil
            ? "SELECT data FROM checkpoints WHERE trial_id = ?1 ORDER BY saved DESC, rowid DESC LIMIT 1"
            : "SELECT data FROM checkpoints WHERE trial_id = ?1 AND step = ?2")
        defer { sqlite3_reset(st) }
        bind(st, 1, trialId)
        if let step { sqlite3_bind_int64(st, 2, Int64(step)) }
        guard try self.step(st) else { return nil }
        let n = Int(sqlite3_column_bytes(st, 0))
        guard n > 0, let p = sqlite3_column_blob(st, 0) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    public func reader() throws -> ProjectStore { try SQLiteStore(readingProjectAt: location) }

    public func close() {
        for (_, st) in statements { sqlite3_finalize(st) }
        statements = [:]
        if let db { sqlite3_close_v2(db) }
        db = nil
        if lockFD >= 0 {
            flock(lockFD, LOCK_UN)
            Glibc.close(lockFD)
            lockFD = -1
        }
    }

    // MARK: - SQLite plumbing

    /// Orders oracle states written to `oracle_state` and to trial rows; the highest wins on load.
    private var stateSeq: Int64 = 0

    private func writeOracleState(_ state: String) throws {
        stateSeq += 1
        let st = try statement("""
            INSERT INTO oracle_state(id, state, updated, state_seq) VALUES (1, ?1, ?2, ?3)
            ON CONFLICT(id) DO UPDATE SET state = ?1, updated = ?2, state_seq = ?3
            """)
        bind(st, 1, state)
        sqlite3_bind_double(st, 2, Self.now())
        sqlite3_bind_int64(st, 3, stateSeq)
        try run(st)
    }

    private func bindState(_ st: OpaquePointer, _ textIndex: Int32, _ seqIndex: Int32, _ state: String?) {
        guard let state else {
            sqlite3_bind_null(st, textIndex)
            sqlite3_bind_null(st, seqIndex)
            return
        }
        stateSeq += 1
        bind(st, textIndex, state)
        sqlite3_bind_int64(st, seqIndex, stateSeq)
    }

    private func insertMetrics(_ trialId: String, _ metrics: [(name: String, value: Double, direction: Objective.Direction)], _ step: Int) throws {
        guard !metrics.isEmpty else { return }
        let st = try statement("INSERT INTO metrics(trial_id, name, step, value, direction) VALUES (?, ?, ?, ?, ?)")
        for m in metrics {
            bind(st, 1, trialId)
            bind(st, 2, m.name)
            sqlite3_bind_int64(st, 3, Int64(step))
            if m.value.isNaN { sqlite3_bind_null(st, 4) } else { sqlite3_bind_double(st, 4, m.value) }
            bind(st, 5, m.direction.rawValue)
            try run(st)
        }
    }

    private func error(_ what: String) -> EngineError {
        let msg = db.map { String(cString: sqlite3_errmsg($0)) } ?? "no database"
        let code = db.map { sqlite3_errcode($0) } ?? 0
        if code == SQLITE_BUSY || code == SQLITE_LOCKED {
            return EngineError(.projectLocked, "Tuner: the project database '\(databasePath)' is busy (\(msg)) while \(what)")
        }
        if code == SQLITE_NOTADB || code == SQLITE_CORRUPT {
            return EngineError(.corruptData, "Tuner: the project database '\(databasePath)' is corrupt (\(msg)) while \(what)")
        }
        return EngineError(.storage, "Tuner: SQLite error \(code) on '\(databasePath)': \(msg) while \(what)")
    }

    private func exec(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, sql, nil, nil, &err) == SQLITE_OK else {
            sqlite3_free(err)
            throw error("running \(sql.prefix(40))")
        }
    }

    private var inTransaction = false

    /// Runs `body` in one `BEGIN IMMEDIATE … COMMIT`, rolled back on error.
    private func transaction(_ body: () throws -> Void) throws {
        if inTransaction { try body(); return }
        // Prepared once: compiling BEGIN/COMMIT text twice per trial is measurable.
        try run(try statement("BEGIN IMMEDIATE"))
        inTransaction = true
        defer { inTransaction = false }
        do {
            try body()
            try run(try statement("COMMIT"))
            if !saltRecorded && !readOnly { recordWALSalt() }
        } catch {
            sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
            throw error
        }
    }

    private func statement(_ sql: StaticString) throws -> OpaquePointer {
        let key = UInt(bitPattern: sql.utf8Start)
        if let st = statements[key] { return st }
        var st: OpaquePointer?
        let rc = sql.withUTF8Buffer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                sqlite3_prepare_v3(db, $0.baseAddress, Int32($0.count), UInt32(SQLITE_PREPARE_PERSISTENT), &st, nil)
            }
        }
        guard rc == SQLITE_OK, let st else {
            throw error("preparing \(String(describing: sql).prefix(40))")
        }
        statements[key] = st
        return st
    }

    private func bind(_ st: OpaquePointer, _ i: Int32, _ text: String?) {
        guard let text else { sqlite3_bind_null(st, i); return }
        sqlite3_bind_text(st, i, text, -1, tl_sqlite_transient())
    }

    /// Steps a statement that returns no rows, then resets it for reuse.
    private func run(_ st: OpaquePointer) throws {
        defer { sqlite3_reset(st); sqlite3_clear_bindings(st) }
        let rc = sqlite3_step(st)
        guard rc == SQLITE_DONE || rc == SQLITE_ROW else { throw error("writing") }
    }

    /// Steps a query; false at the end.
    private func step(_ st: OpaquePointer) throws -> Bool {
        let rc = sqlite3_step(st)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw error("reading")
    }

    private func columnText(_ st: OpaquePointer, _ i: Int32) -> String? {
        guard sqlite3_column_type(st, i) != SQLITE_NULL, let p = sqlite3_column_text(st, i) else { return nil }
        return String(cString: p)
    }

    private func queryInt(_ sql: StaticString) throws -> Int32 {
        let st = try statement(sql)
        defer { sqlite3_reset(st) }
        return try step(st) ? sqlite3_column_int(st, 0) : 0
    }

    private func queryInt64(_ sql: StaticString) throws -> Int64 {
        let st = try statement(sql)
        defer { sqlite3_reset(st) }
        return try step(st) ? sqlite3_column_int64(st, 0) : 0
    }

    private func queryText(_ sql: StaticString) throws -> String? {
        let st = try statement(sql)
        defer { sqlite3_reset(st) }
        return try step(st) ? columnText(st, 0) : nil
    }

    private func queryPairs(_ sql: StaticString) throws -> [String: String] {
        let st = try statement(sql)
        defer { sqlite3_reset(st) }
        var out: [String: String] = [:]
        while try step(st) { out[columnText(st, 0) ?? ""] = columnText(st, 1) ?? "" }
        return out
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

private extension String {
    var trimmingSpaces: String {
        String(self.drop { $0 == " " || $0 == "\n" || $0 == "\0" }.reversed().drop { $0 == " " || $0 == "\n" || $0 == "\0" }.reversed())
    }
}
