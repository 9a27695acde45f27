import Foundation
import Testing
@testable import Engine

/// The PostgreSQL store against the real test server (tools/postgres-server): everything the
/// SQLite store keeps comes back exactly (trials, metrics, oracle state, checkpoints), resume
/// works, a newer format is refused; URLs never show their password.
@Suite(.serialized)
struct PostgresStoreTests {
    static let url = ProcessInfo.processInfo.environment["TUNELUA_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    static let skipped: Comment = "TUNELUA_TEST_POSTGRES is not set (tools/test starts a private server)"

    private func project() -> String { "store_\(UUID().uuidString.prefix(8).lowercased())" }

    @Test func urlPartsAndRedaction() throws {
        let u = try PostgresURL(parsing: "postgresql://ann:s%40cret@db.example:6543/tuning?sslmode=disable")
        #expect(u.user == "ann" && u.host == "db.example" && u.port == 6543 && u.database == "tuning")
        #expect(u.redacted == "postgresql://ann@db.example:6543/tuning")
        #expect(try PostgresURL(parsing: "postgres://[::1]/x").endpoint == "[::1]:5432")
        #expect(PostgresURL.scrub("postgresql://ann:s3cret@h:1/x") == "postgresql://ann:***@h:1/x")
        #expect(throws: EngineError.self) { try PostgresURL(parsing: "postgresql://ann:pw@h:0/x") }
        #expect(throws: EngineError.self) { try PostgresURL(parsing: "http://h/x") }
    }

    @Test(.enabled(if: url != nil, skipped))
    func searchResumesWithExactValuesMetricsAndCheckpoints() throws {
        let name = project()
        var firstValues: [String: HPValues] = [:]
        do {
            let store = try PostgresStore(url: Self.url!, projectName: name, heartbeatInterval: 0.5)
            let t = try Tuner(oracle: try RandomSearchOracle(maxTrials: 4, seed: 3), store: store, verbose: 0)
            #expect(!t.reloaded)
            try t.search(ClosureTrialRunner { trial in
                let x = try trial.hyperparameters.float("x", minValue: 0, maxValue: 1)!.numeric!
                return .number(x / 3)
            })
            firstValues = Dictionary(uniqueKeysWithValues: t.oracle.orderedTrials.map { ($0.trialId, $0.hyperparameters.values) })
            var blob = [UInt8](repeating: 0, count: 70_000)
            for i in blob.indices { blob[i] = UInt8(truncatingIfNeeded: i &* 31) }
            try t.store.saveCheckpoint(trialId: "0", step: 2, data: blob, replacingOthers: false)
            try t.store.saveCheckpoint(trialId: "0", step: 5, data: [0, 1, 0], replacingOthers: false)
            #expect(try t.store.loadCheckpoint(trialId: "0", step: 2) == blob)
            #expect(try t.store.loadCheckpoint(trialId: "0", step: nil) == [0, 1, 0])
            try t.store.saveCheckpoint(trialId: "0", step: 7, data: [9], replacingOthers: true)
            #expect(try t.store.loadCheckpoint(trialId: "0", step: 2) == nil)
            t.close()
        }
        let store = try PostgresStore(url: Self.url!, projectName: name, heartbeatInterval: 0.5)
        let t = try Tuner(oracle: try RandomSearchOracle(maxTrials: 6, seed: 3), store: store, verbose: 0)
        #expect(t.reloaded && t.oracle.orderedTrials.count == 4)
        for trial in t.oracle.orderedTrials {
            #expect(trial.hyperparameters.values == firstValues[trial.trialId], "values come back bit for bit")
            let x = try #require(trial.hyperparameters.values["x"]?.numeric)
            #expect(trial.score == x / 3)
            #expect(try trial.metrics.getLastValue("default_objective") == x / 3)
        }
        try t.search(ClosureTrialRunner { trial in .number(try trial.hyperparameters.float("x", minValue: 0, maxValue: 1)!.numeric!) })
        #expect(t.oracle.orderedTrials.count == 6)
        #expect(Set(t.oracle.orderedTrials.map(\.hyperparameters.values.configurationKey)).count == 6)
        #expect(try t.store.loadCheckpoint(trialId: "0", step: 7) == [9])
        t.close()
    }

    @Test(.enabled(if: url != nil, skipped))
    func databaseOfANewerFormatIsRefused() throws {
        let parsed = try PostgresURL(parsing: Self.url!)
        let admin = try PostgresConnection(url: Self.url!, url: parsed)
        let database = "tl_format_\(UUID().uuidString.prefix(8).lowercased())"
        try admin.script("CREATE DATABASE \(database)", what: "test")
        defer {
            try? admin.script("DROP DATABASE \(database)", what: "test")
            admin.close()
        }
        var components = URLComponents(string: Self.url!)!
        components.path = "/" + database
        let other = components.string!
        do {
            let store = try PostgresStore(url: other, projectName: "p")
            store.close()
        }
        let conn = try PostgresConnection(url: other, url: try PostgresURL(parsing: other))
        try conn.execute("UPDATE tunelua_meta SET value = '99' WHERE key = 'format_version'")
        conn.close()
        #expect {
            _ = try PostgresStore(url: other, projectName: "p")
        } throws: { error in
            "\(error)".contains("written by a newer tunelua (format 99, this one reads \(PostgresStore.formatVersion))")
        }
    }
}
