import Foundation
import Testing

/// What a user meets when pointing a tuner at PostgreSQL: clear errors for bad URLs, servers and
/// credentials (naming host and port, never the password), a project shared only by the same
/// search, `overwrite` refused while peers run, and model-based oracles that learn from peers.
@Suite(.serialized, .enabled(if: TestPostgres.url != nil, TestPostgres.skipped))
struct PostgresStorageTests {
    /// The URL's parts, to build wrong variants of it.
    private var parts: (user: String, password: String, host: String, port: String, database: String) {
        let u = URLComponents(string: TestPostgres.url!)!
        return (u.user!, u.password!, u.host!, String(u.port!), String(u.path.dropFirst()))
    }

    private func tuner(_ storage: String, project: String = "errors", extra: String = "") throws -> Tunelua.Result {
        let code = """
            local kt = require "tunelua"
            local tuner = kt.RandomSearch{ max_trials = 2, project_name = "\(project)", verbose = 0, storage = "\(storage)", \(extra)
              run_trial = function(self, trial) return trial.hyperparameters:Float("x", 0, 1) end }
            tuner:search()
            print("searched")
            """
        return try Tunelua.run([try Tunelua.script(code)])
    }

    @Test func wrongPasswordNamesTheServerButNotThePassword() throws {
        let p = parts
        let wrong = "not-\(p.password)"
        let r = try tuner("postgresql://\(p.user):\(wrong)@\(p.host):\(p.port)/\(p.database)")
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot connect to PostgreSQL at \(p.host):\(p.port)"), "\(r.stderr)")
        #expect(r.stderr.contains("password authentication failed"), "\(r.stderr)")
        #expect(!r.stderr.contains(wrong) && !r.stderr.contains(p.password))
    }

    @Test func unreachableServerNamesHostAndPort() throws {
        let p = parts
        // Port 1 on loopback: nothing listens there.
        let r = try tuner("postgresql://\(p.user):\(p.password)@127.0.0.1:1/\(p.database)")
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot connect to PostgreSQL at 127.0.0.1:1"), "\(r.stderr)")
        #expect(!r.stderr.contains(p.password))
    }

    @Test(arguments: ["mysql://u:secret@localhost/db", "postgresql://u:secret@localhost:99999/db", "sqlite.db"])
    func badURLIsAClearErrorWithoutThePassword(_ url: String) throws {
        let r = try tuner(url)
        #expect(r.status == 1)
        #expect(r.stderr.contains("postgresql://") || r.stderr.contains("port"), "\(r.stderr)")
        #expect(!r.stderr.contains("secret"), "\(r.stderr)")
    }

    @Test func missingDatabaseNamesIt() throws {
        let p = parts
        let r = try tuner("postgresql://\(p.user):\(p.password)@\(p.host):\(p.port)/no_such_database")
        #expect(r.status == 1)
        #expect(r.stderr.contains("no_such_database"), "\(r.stderr)")
    }

    @Test func anotherOracleOrObjectiveOnTheSameProjectIsRefused() throws {
        let project = TestPostgres.project("mixed")
        let first = try tuner(TestPostgres.url!, project: project)
        #expect(first.status == 0, "\(first.stderr)")
        let code = """
            local kt = require "tunelua"
            kt.TPE{ max_trials = 2, project_name = "\(project)", verbose = 0, storage = "\(TestPostgres.url!)",
              run_trial = function(self, trial) return 1 end }
            """
        let other = try Tunelua.run([try Tunelua.script(code)])
        #expect(other.status == 1)
        #expect(other.stderr.contains("was created by a RandomSearch"), "\(other.stderr)")
        let objective = try tuner(TestPostgres.url!, project: project, extra: "objective = kt.Objective('acc', 'max'),")
        #expect(objective.status == 1)
        #expect(objective.stderr.contains("was created with"), "\(objective.stderr)")
    }

    @Test func overwriteWhilePeersRunIsRefusedAndAllowedAfterwards() throws {
        let project = TestPostgres.project("overwrite")
        let path = try Tunelua.script(PostgresPeersTests.script, name: "busy.lua")
        let busy = try TestPostgres.start(path, [project, "4", "0.5", "run"])
        let deadline = Date().addingTimeInterval(30)
        while try TestPostgres.query("SELECT count(*) FROM tunelua_trials WHERE project = '\(project)'").first == ["0"],
              Date() < deadline { usleep(20_000) }
        let refused = try tuner(TestPostgres.url!, project: project, extra: "overwrite = true,")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("overwrite = true refused"), "\(refused.stderr)")
        #expect(TestPostgres.finish(busy).status == 0)
        // The busy peer's search stays whole after the refusal.
        #expect(try TestPostgres.query("SELECT count(*) FROM tunelua_trials WHERE project = '\(project)' AND status = 'COMPLETED'").first == ["4"])
        let allowed = try tuner(TestPostgres.url!, project: project, extra: "overwrite = true,")
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(try TestPostgres.query("SELECT count(*) FROM tunelua_trials WHERE project = '\(project)'").first == ["2"])
    }

    /// Two processes with a model-based oracle: each proposal is made with the other process's
    /// finished trials in view (the oracle's trials include them when `run_trial` starts).
    @Test(arguments: ["BayesianOptimization", "TPE"])
    func modelBasedOraclesSeeOtherPeersResults(_ tunerName: String) throws {
        let project = TestPostgres.project(tunerName.lowercased())
        let code = """
            local kt = require "tunelua"
            local tuner = kt.\(tunerName){ max_trials = 14, project_name = arg[1], verbose = 0,
              run_trial = function(self, trial)
                local x = trial.hyperparameters:Float("x", -2, 2)
                local theirs = 0
                for _, t in pairs(self.oracle.trials) do
                  if t.status == "COMPLETED" and t.worker ~= self.tuner_id then theirs = theirs + 1 end
                end
                io.write("seen ", trial.trial_id, " ", theirs, "\\n"); io.flush()
                -- Long enough that both processes are running before the search is over.
                local t = os.clock() + 0.2
                while os.clock() < t do end
                return (x - 1) ^ 2
              end }
            tuner:search()
            """
        let path = try Tunelua.script(code)
        let peers = try (0..<2).map { _ in try TestPostgres.start(path, [project]) }
        let results = peers.map { TestPostgres.finish($0) }
        for r in results { #expect(r.status == 0, "\(r.stderr)") }
        for r in results {
            let seen = r.stdout.split(separator: "\n").filter { $0.hasPrefix("seen ") }.compactMap { Int($0.split(separator: " ")[2]) }
            #expect(seen.max() ?? 0 > 0, "a peer proposed without the other's results: \(r.stdout)")
        }
        let rows = try TestPostgres.query("SELECT count(DISTINCT trial_id), count(DISTINCT hyperparameters) FROM tunelua_trials WHERE project = '\(project)'")
        #expect(rows.first == ["14", "14"])
    }

    /// Pareto mode on PostgreSQL: two peers share the search, a third process resumes it, and each
    /// reads the same front of per-objective values back (rebuilt from the stored metrics).
    @Test func paretoSearchIsSharedAndResumedWithItsFront() throws {
        let path = try Tunelua.script("""
            local kt = require "tunelua"
            local tuner = kt.RandomSearch{ objective = { kt.Objective("f1", "min"), kt.Objective("f2", "min") },
              multi_objective = "pareto", max_trials = tonumber(arg[2]), project_name = arg[1], verbose = 0,
              run_trial = function(self, trial)
                local x = trial.hyperparameters:Float("x", -1, 3)
                return { f1 = x * x, f2 = (x - 2) ^ 2 }
              end }
            tuner:search()
            for _, t in ipairs(tuner.oracle:get_best_trials(50)) do
              if t.status == "COMPLETED" then io.write("best ", t.trial_id, " ", string.format("%.17g %.17g", t.objective_values[1], t.objective_values[2]), "\\n") end
            end
            """)
        let project = TestPostgres.project("pareto")
        let peers = try (0..<2).map { _ in try TestPostgres.start(path, [project, "16"]) }
        for r in peers.map { TestPostgres.finish($0) } { #expect(r.status == 0, "\(r.stderr)") }
        let resumed = try Tunelua.run([path, project, "20"], environment: ["TUNELUA_STORAGE": TestPostgres.url!])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let best = resumed.stdout.split(separator: "\n").filter { $0.hasPrefix("best ") }.map { $0.split(separator: " ") }
        let points = best.map { (Double($0[2])!, Double($0[3])!) }
        #expect(points.count == 20, "every trial, front first")
        // The front comes first: no point in it is dominated by any trial, and it is not empty.
        let dominated = { (p: (Double, Double)) in points.contains { $0.0 <= p.0 && $0.1 <= p.1 && ($0.0 < p.0 || $0.1 < p.1) } }
        let frontSize = points.prefix { !dominated($0) }.count
        #expect(frontSize >= 1 && points.dropFirst(frontSize).allSatisfy(dominated), "\(points)")
        let rows = try TestPostgres.query("SELECT count(*) FROM tunelua_trials WHERE project = '\(project)' AND status = 'COMPLETED'")
        #expect(rows.first == ["20"])
    }
}
