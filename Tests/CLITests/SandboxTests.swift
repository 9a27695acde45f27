import Foundation
import Testing

/// `tunelua --sandbox` (docs/sandbox.md) from the real binary, each test in its own scratch folder:
/// the escapes a hostile script tries are refused with their messages, bombs end one trial and the
/// next runs, worker states are sandboxed too, and the command line's limits hold.
struct SandboxTests {
    static let scripts = Tunelua.luaTests.appendingPathComponent("sandbox")

    /// A fresh folder holding `files` (name → text), for one run.
    func scratch(_ files: [String: String] = [:]) throws -> URL {
        let directory = URL(fileURLWithPath: try Tunelua.script("", name: ".keep")).deletingLastPathComponent()
        for (name, text) in files { try Data(text.utf8).write(to: directory.appendingPathComponent(name)) }
        return directory
    }

    func copy(_ name: String, into directory: URL) throws {
        try FileManager.default.copyItem(at: Self.scripts.appendingPathComponent(name), to: directory.appendingPathComponent(name))
    }

    @Test func everyEscapeIsRefusedWithItsMessage() throws {
        let dir = try scratch()
        for name in ["escapes.lua", "ok.lua"] { try copy(name, into: dir) }
        try FileManager.default.copyItem(at: Tunelua.luaTests.appendingPathComponent("data/digits.csv"), to: dir.appendingPathComponent("data.csv"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: false)
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("tunelua-escape-\(UUID().uuidString)").path
        for (link, destination) in ["passwd_link": "/etc/passwd", "etc_link": "/etc", "module_link.lua": "/etc/passwd", "dangling": target] {
            try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent(link).path, withDestinationPath: destination)
        }
        let compile = try Tunelua.run(["-e", "io.open('bytecode.luac', 'wb'):write(string.dump(function() return 1 end))"], directory: dir)
        #expect(compile.status == 0, "\(compile.stderr)")

        let result = try Tunelua.run(["--sandbox", "escapes.lua", target], directory: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("escapes refused: 41"), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: target), "the dangling link's target was created")
        #expect(!FileManager.default.fileExists(atPath: target + ".weights"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/escape"))
    }

    @Test func bombsFailTheirTrialAndTheNextOneRuns() throws {
        let dir = try scratch()
        try copy("bombs.lua", into: dir)
        let result = try Tunelua.run(["--sandbox", "--cpu-limit", "1", "--memory-limit", "64M", "bombs.lua"], directory: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("bombs: 9 failed, the next trial completed"), "\(result.stdout)")
    }

    @Test func aBinaryScriptIsRefused() throws {
        let dir = try scratch()
        let compile = try Tunelua.run(["-e", "io.open('main.luac', 'wb'):write(string.dump(function() print('ran') end))"], directory: dir)
        #expect(compile.status == 0, "\(compile.stderr)")
        let plain = try Tunelua.run(["main.luac"], directory: dir)
        #expect(plain.stdout == "ran\n", "without the sandbox a compiled script runs: \(plain.stderr)")
        let result = try Tunelua.run(["--sandbox", "main.luac"], directory: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("attempt to load a binary chunk (mode is 't')"), "\(result.stderr)")
        #expect(!result.stdout.contains("ran"))
    }

    @Test func workerStatesAreSandboxedToo() throws {
        let dir = try scratch(["workers.lua": """
            local kt = require "tunelua"
            local data = require "tunelua.data"
            local tuner = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = 8, seed = 1, directory = ".",
              project_name = "workers", overwrite = true, verbose = 0, workers = 2,
              run_trial = function(self, trial)
                local x = trial.hyperparameters:Float("x", 0, 1)
                local s = 0
                for i = 1, 3000000 do s = s + i % 7 end   -- a CPU-bound pause, so both workers get trials
                local ok, err = pcall(data.csv, "/etc/passwd")
                assert(not ok and err:find("csv: '/etc/passwd' is outside the sandbox", 1, true), err)
                local sandboxed = kt.sandboxed and io == nil and debug == nil and os.execute == nil and string.dump == nil
                return { y = x, sandboxed = sandboxed and 1 or 0 }
              end }
            tuner:search()
            local workers = {}
            for _, trial in pairs(tuner.oracle.trials) do
              assert(trial.status == "COMPLETED", trial.status .. ": " .. tostring(trial.message))
              assert(trial.metrics:get_last_value("sandboxed") == 1, "trial " .. trial.trial_id .. " ran unsandboxed on " .. trial.worker)
              workers[trial.worker] = true
            end
            assert(workers.tuner1, "the worker state ran no trial")
            print("every worker sandboxed")
            """])
        let result = try Tunelua.run(["--sandbox", "--workers", "2", "workers.lua"], directory: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("every worker sandboxed"), "\(result.stdout)")
    }

    @Test func allowNamesTheDirectoriesInsteadOfTheScriptsFolder() throws {
        let data = try scratch(["numbers.csv": "a,label\n1,0\n2,1\n"])
        let dir = try scratch(["here.csv": "a,label\n1,0\n", "script.lua": """
            local data = require "tunelua.data"
            local x = data.csv(arg[1] .. "/numbers.csv")
            assert(x)
            local ok, err = pcall(data.csv, "here.csv")
            assert(not ok, "the script's folder is not allowed once --allow names others")
            print(err)
            """])
        let result = try Tunelua.run(["--sandbox", "--allow", data.path, "script.lua", data.path], directory: dir)
        #expect(result.status == 0, "\(result.stderr)")
        let resolved = URL(fileURLWithPath: data.path).resolvingSymlinksInPath().path
        #expect(result.stdout.contains("script.lua:4: csv: 'here.csv' (resolves to "), "\(result.stdout)")
        #expect(result.stdout.contains("is outside the sandbox (allowed: \(resolved))"), "\(result.stdout)")
    }

    @Test func theTimeLimitEndsTheWholeRun() throws {
        let dir = try scratch(["spin.lua": "print('started') io.stdout:flush() while true do pcall(function() while true do end end) end"])
        let started = Date()
        let result = try Tunelua.run(["--time-limit", "1", "spin.lua"], directory: dir)
        #expect(result.status == 1)
        #expect(result.stderr.contains("tunelua: stopped: the run reached its --time-limit of 1.0 s"), "\(result.stderr)")
        #expect(result.stdout.contains("started"))
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func withoutTheSandboxNothingChanges() throws {
        let dir = try scratch(["plain.lua": """
            local kt = require "tunelua"
            assert(kt.sandboxed == false and io and debug and os.execute and string.dump and package.loadlib)
            assert(getmetatable("").__index == string and #package.searchers == 5)
            print("unrestricted")
            """])
        let result = try Tunelua.run(["plain.lua"], directory: dir)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "unrestricted\n")
    }

    @Test(arguments: [
        (["--sandbox", "--allow", "/nonexistent-tunelua-dir", "x.lua"], "--allow: '/nonexistent-tunelua-dir' is not an existing directory"),
        (["--allow", "/tmp", "x.lua"], "--allow: only with --sandbox"),
        (["--cpu-limit", "0", "x.lua"], "--cpu-limit: must be a positive number of seconds"),
        (["--time-limit", "0", "x.lua"], "--time-limit: must be a positive number of seconds"),
    ])
    func badLimitsAreRefused(_ arguments: [String], _ message: String) throws {
        let dir = try scratch(["x.lua": "print('ran')"])
        let result = try Tunelua.run(arguments, directory: dir)
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stdout.contains("ran"))
    }
}

/// PostgreSQL peers are processes of their own: each started with `--sandbox` is sandboxed, and a
/// CPU bomb in one fails that trial only while the peers finish the search.
@Suite(.serialized, .enabled(if: TestPostgres.url != nil, TestPostgres.skipped))
struct SandboxedPeersTests {
    @Test func eachSandboxedPeerHonoursTheSandbox() throws {
        let path = try Tunelua.script("""
            local kt = require "tunelua"
            local tuner = kt.RandomSearch{ max_trials = 12, project_name = arg[1], directory = arg[2], verbose = 0,
              max_consecutive_failed_trials = 12,
              run_trial = function(self, trial)
                local x = trial.hyperparameters:Float("x", 0, 1)
                assert(kt.sandboxed and io == nil and os.execute == nil, "a peer ran unsandboxed")
                if trial.trial_id == "03" then while true do end end
                local t = os.clock() + 0.05
                while os.clock() < t do end
                return x
              end }
            tuner:search()
            print("peer " .. tuner.tuner_id)
            """, name: "peer.lua")
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let project = TestPostgres.project("sandboxed")
        let peers = try (0..<2).map { _ in
            try TestPostgres.start(path, [project, folder], options: ["--sandbox", "--cpu-limit", "0.5"])
        }
        let results = peers.map { TestPostgres.finish($0) }
        for r in results { #expect(r.status == 0, "\(r.stderr)") }
        let rows = try TestPostgres.query("""
            SELECT status, count(*), min(message) FROM tunelua_trials WHERE project = '\(project)' GROUP BY status ORDER BY status
            """)
        #expect(rows == [["COMPLETED", "11", ""], ["FAILED", "1", "exceeded its CPU time limit of 0.5 s"]], "\(rows)")
    }
}
