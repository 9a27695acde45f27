/// The tables of tunelua's projects in a PostgreSQL database, created on first use and versioned.
///
/// Every project of a database shares these tables (a `project` column), so one database serves
/// many searches. `tunelua_meta.format_version` says which layout the tables have; a newer one
/// is refused rather than misread, an older one is migrated forward here in one transaction.
enum PostgresSchema {
    static func ensure(_ db: PostgresConnection) throws {
        // A fixed lock key: two processes starting at once create the tables once.
        try db.script("BEGIN; SELECT pg_advisory_xact_lock(7517036917254443008)", what: "creating tunelua's tables")
        do {
            let exists = try db.execute("SELECT to_regclass('tunelua_meta') IS NOT NULL", what: "creating tunelua's tables")
            if exists[0, 0] != "t" {
                try db.script(createSQL, what: "creating tunelua's tables")
            }
            do {
                let row = try db.execute("SELECT value FROM tunelua_meta WHERE key = 'format_version'", what: "reading the format version")
                let version = Int(row.count > 0 ? row[0, 0] ?? "0" : "0") ?? 0
                if version > PostgresStore.formatVersion {
                    throw EngineError(.incompatibleProject, "Tuner: the tunelua tables in database '\(db.url.database ?? "?")' at \(db.url.endpoint) were written by a newer tunelua (format \(version), this one reads \(PostgresStore.formatVersion))")
                }
                if version < PostgresStore.formatVersion {
                    // Older tables are brought forward in this transaction, one step at a time.
                    for from in version..<PostgresStore.formatVersion {
                        if let sql = migrations[from] { try db.script(sql, what: "upgrading tunelua's tables from format \(from)") }
                    }
                    try db.execute("UPDATE tunelua_meta SET value = $1 WHERE key = 'format_version'",
                                   [String(PostgresStore.formatVersion)], what: "upgrading tunelua's tables")
                }
            }
            try db.script("COMMIT", what: "creating tunelua's tables")
        } catch {
            _ = try? db.script("ROLLBACK", what: "rolling back")
            throw error
        }
    }

    static let createSQL = """
        CREATE TABLE tunelua_meta(key text PRIMARY KEY, value text NOT NULL);
        INSERT INTO tunelua_meta VALUES ('format_version', '1');
        CREATE SEQUENCE tunelua_changes;
        CREATE TABLE tunelua_projects(
            project text PRIMARY KEY, oracle_kind text NOT NULL, objective text NOT NULL, created double precision NOT NULL,
            state text NOT NULL, state_seq bigint NOT NULL, format_version integer NOT NULL);
        CREATE TABLE tunelua_trials(
            project text NOT NULL, idx integer NOT NULL, trial_id text NOT NULL, status text NOT NULL,
            hyperparameters text NOT NULL, score double precision, best_step integer NOT NULL DEFAULT 0, message text,
            run_count integer NOT NULL DEFAULT 0, end_seq integer, started double precision, ended double precision,
            worker text, owner text, heartbeat timestamptz, seq bigint NOT NULL,
            PRIMARY KEY (project, idx), UNIQUE (project, trial_id));
        CREATE INDEX tunelua_trials_changes ON tunelua_trials(project, seq);
        CREATE INDEX tunelua_trials_running ON tunelua_trials(project, heartbeat) WHERE status = 'RUNNING';
        CREATE TABLE tunelua_metrics(
            id bigserial PRIMARY KEY, project text NOT NULL, trial_id text NOT NULL, name text NOT NULL,
            step integer NOT NULL, value double precision, direction text NOT NULL);
        CREATE INDEX tunelua_metrics_trial ON tunelua_metrics(project, trial_id);
        CREATE TABLE tunelua_checkpoints(
            project text NOT NULL, trial_id text NOT NULL, step integer NOT NULL, data bytea NOT NULL,
            saved double precision NOT NULL, PRIMARY KEY (project, trial_id, step));
        CREATE TABLE tunelua_peers(
            project text NOT NULL, peer text NOT NULL, pid integer, first_worker integer NOT NULL,
            workers integer NOT NULL DEFAULT 1, heartbeat timestamptz NOT NULL, PRIMARY KEY (project, peer));
        """

    /// Schema changes by the format they upgrade from; a new database gets them all after `createSQL`.
    static let migrations: [Int: String] = [
        // 1 → 2: intermediate values (trial:report, Keras epochs), one per metric and step.
        1: """
            CREATE TABLE IF NOT EXISTS tunelua_intermediate(
                project text NOT NULL, trial_id text NOT NULL, name text NOT NULL, step integer NOT NULL,
                value double precision, PRIMARY KEY (project, trial_id, name, step));
            """,
    ]
}
