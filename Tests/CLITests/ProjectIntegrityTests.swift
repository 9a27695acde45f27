import Foundation
import Testing

/// Issue 17, items 8 and 9: a damaged project is refused when it opens — exit 1, a message that
/// names the file and what is wrong — with every byte of the database as it was; `tunelua check`
/// says the same without writing; `tunelua summary` works on read-only files.
struct ProjectIntegrityTests {
    static let script = """
        local kt = require "tunelua"
        local tuner = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = tonumber(arg[2]), seed = 1,
          directory = arg[1], project_name = "p", verbose = 0,
          run_trial = function(self, trial) local x = trial.hyperparameters.Float("x", -2, 2); return { y = x * x } end }
        tuner:search()
        print("trials", #tuner.oracle:get_best_trials(1000))
        """

    /// A finished 5-trial project in a fresh directory; returns the directory.
    static func project() throws -> URL {
        let path = try Tunelua.script(script, name: "search.lua")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let result = try Tunelua.run([path, directory.path, "5"])
        #expect(result.status == 0 && result.stdout == "trials\t5\n", "\(result.stderr)")
        return directory
    }

    static func sqlite(_ database: String, _ sql: String) throws {
        let result = try Tunelua.run([database, sql], executable: "/usr/bin/sqlite3")
        #expect(result.status == 0, "sqlite3: \(result.stderr)")
    }

    static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// Resumes the project with more trials, which must be refused, and checks it was not touched.
    static func refusesResume(_ directory: URL, message: String) throws {
        let database = directory.appendingPathComponent("p/tunelua.db").path
        let before = bytes(database)
        let wal = bytes(database + "-wal")
        let result = try Tunelua.run([directory.appendingPathComponent("search.lua").path, directory.path, "8"])
        #expect(!result.signaled && result.status == 1, "exit \(result.status): \(result.stderr)")
        #expect(result.stderr.contains(database), "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(bytes(database) == before, "the database changed")
        if let wal { #expect(bytes(database + "-wal") == wal, "the WAL changed") }
        let check = try Tunelua.run(["check", directory.appendingPathComponent("p").path])
        #expect(check.status == 1 && check.stderr.contains(message), "\(check.stderr)")
        #expect(bytes(database) == before, "check changed the database")
    }

    @Test func soundProjectPassesCheck() throws {
        let directory = try Self.project()
        let check = try Tunelua.run(["check", directory.appendingPathComponent("p").path])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("ok (5 trials, quick_check ok)"), "\(check.stdout)")
    }

    @Test func missingTrialRowIsRefusedNotOverwritten() throws {
        let directory = try Self.project()
        try Self.sqlite(directory.appendingPathComponent("p/tunelua.db").path, "DELETE FROM trials WHERE idx = 2")
        try Self.refusesResume(directory, message: "trial rows are not contiguous (4 rows with idx 0 to 4; the row with idx 2 is missing)")
    }

    @Test func duplicatedTrialIdIsRefused() throws {
        let directory = try Self.project()
        try Self.sqlite(directory.appendingPathComponent("p/tunelua.db").path, "UPDATE trials SET trial_id = '0' WHERE idx = 1")
        try Self.refusesResume(directory, message: "trial id '0' appears in more than one row")
    }

    @Test func truncatedFileIsRefused() throws {
        let directory = try Self.project()
        let database = directory.appendingPathComponent("p/tunelua.db").path
        #expect(truncate(database, 8192) == 0)
        try Self.refusesResume(directory, message: "is truncated")
    }

    @Test func deepJSONInARowNamesTheTrial() throws {
        let directory = try Self.project()
        let deep = directory.appendingPathComponent("deep.txt")
        try Data(String(repeating: "[", count: 100_000).utf8).write(to: deep)
        try Self.sqlite(directory.appendingPathComponent("p/tunelua.db").path,
                        "UPDATE trials SET hyperparameters = readfile('\(deep.path)') WHERE idx = 1")
        try Self.refusesResume(directory, message: "trial 1 (idx 1), column hyperparameters: invalid JSON: nested deeper than 256 levels")
    }

    @Test func newerSchemaVersionIsRefused() throws {
        let directory = try Self.project()
        try Self.sqlite(directory.appendingPathComponent("p/tunelua.db").path, "PRAGMA user_version = 99")
        let database = directory.appendingPathComponent("p/tunelua.db").path
        let before = Self.bytes(database)
        let result = try Tunelua.run([directory.appendingPathComponent("search.lua").path, directory.path, "8"])
        #expect(result.status == 1 && result.stderr.contains("was written by a newer tunelua (format 99"), "\(result.stderr)")
        #expect(Self.bytes(database) == before)
    }

    /// A project killed mid-search keeps its WAL; another project's WAL put in its place is refused.
    @Test func foreignWALIsRefusedWithoutTouchingAByte() throws {
        let slow = """
            local kt = require "tunelua"
            local tuner = kt.RandomSearch{ max_trials = 1000000, seed = 3, directory = arg[1], project_name = "p", verbose = 0,
              run_trial = function(self, trial) return trial.hyperparameters.Float("x", -2, 2) end }
            tuner:search()
            """
        var directories: [URL] = []
        for _ in 0..<2 {
            let path = try Tunelua.script(slow, name: "search.lua")
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Tunelua.binary)
            process.arguments = [path, directory.path]
            try process.run()
            let wal = directory.appendingPathComponent("p/tunelua.db-wal").path
            let deadline = Date().addingTimeInterval(30)
            while (Self.bytes(wal)?.count ?? 0) < 100_000 && Date() < deadline { usleep(20_000) }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            directories.append(directory)
        }
        let ours = directories[0].appendingPathComponent("p/tunelua.db").path
        let theirs = directories[1].appendingPathComponent("p/tunelua.db").path
        #expect(FileManager.default.fileExists(atPath: ours + "-wal"))
        unlink(ours + "-wal")
        try FileManager.default.copyItem(atPath: theirs + "-wal", toPath: ours + "-wal")
        let before = Self.bytes(ours), wal = Self.bytes(ours + "-wal")
        let result = try Tunelua.run([directories[0].appendingPathComponent("search.lua").path, directories[0].path])
        #expect(!result.signaled && result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("tunelua.db-wal' does not belong to '\(ours)'"), "\(result.stderr)")
        #expect(Self.bytes(ours) == before && Self.bytes(ours + "-wal") == wal)
        // Its own WAL is accepted: the killed project resumes (and is checked sound).
        let check = try Tunelua.run(["check", directories[1].appendingPathComponent("p").path])
        #expect(check.status == 0, "\(check.stderr)")
    }

    @Test func summaryReadsAReadOnlyProject() throws {
        let directory = try Self.project()
        let project = directory.appendingPathComponent("p").path
        #expect(chmod(project + "/tunelua.db", 0o444) == 0 && chmod(project, 0o555) == 0)
        defer { _ = chmod(project, 0o755) }
        // As root the permission bits do not bind; the immutable fallback is exercised either way
        // when the directory cannot take a WAL index.
        let result = try Tunelua.run(["summary", project])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Results summary"), "\(result.stdout)")
    }
}
