import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The test server's URL (tools/postgres-server, started by tools/test), or nil: then these tests
/// are skipped.
enum TestPostgres {
    static let url = ProcessInfo.processInfo.environment["TUNELUA_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    static let skipped: Comment = "TUNELUA_TEST_POSTGRES is not set (tools/test starts a private server; by hand: source tools/postgres-server && postgres_server_start)"

    /// A project name no other test uses.
    static func project(_ stem: String) -> String { "\(stem)_\(UUID().uuidString.prefix(8).lowercased())" }

    /// Rows of `sql` read with psql from outside the search, fields split on `|`.
    static func query(_ sql: String) throws -> [[String]] {
        let r = try Tunelua.run(["-X", "-A", "-t", "-q", "-d", url!, "-c", sql], executable: "/usr/bin/psql")
        #expect(r.status == 0, "psql: \(r.stderr)")
        return r.stdout.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Starts `tunelua options script args` with `storage` in the environment, output to pipes; in
    /// the network namespace `namespace` when given (PostgresNetworkTests).
    static func start(_ script: String, _ args: [String], options: [String] = [], environment: [String: String] = [:],
                      storage: String? = url, namespace: String? = nil) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        let command = options + [script] + args
        process.executableURL = URL(fileURLWithPath: namespace == nil ? Tunelua.binary : "/usr/sbin/ip")
        process.arguments = namespace.map { ["netns", "exec", $0, Tunelua.binary] + command } ?? command
        var env = ProcessInfo.processInfo.environment
        env["TUNELUA_STORAGE"] = storage
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Waits for a started peer and returns what it printed. One still running after `seconds`
    /// is killed (a peer waiting for a trial that never ends fails its test, never stalls the run).
    static func finish(_ p: (Process, Pipe, Pipe), within seconds: Double = 180) -> Tunelua.Result {
        let process = p.0
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        nonisolated(unsafe) var errData = Data()
        let done = DispatchSemaphore(value: 0)
        Thread {
            errData = p.2.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }.start()
        let outData = p.1.fileHandleForReading.readDataToEndOfFile()
        p.0.waitUntilExit()
        done.wait()
        return Tunelua.Result(status: p.0.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                              stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// Several processes on one PostgreSQL project are peers in one search, through the real binary
/// and a real server: no trial id or configuration is handed out twice, a killed peer's trial is
/// re-run with its values after the grace period, a peer that comes back late records nothing.
@Suite(.serialized, .enabled(if: TestPostgres.url != nil, TestPostgres.skipped))
struct PostgresPeersTests {
    /// `arg[1]` project, `arg[2]` max_trials, `arg[3]` seconds per trial, `arg[4]` "hang" or a
    /// marker path prefix: in hang mode the process writes `arg[5]` and loops in its first trial.
    static let script = """
        local kt = require "tunelua"
        local project, n, pause, mode, marker = arg[1], tonumber(arg[2]), tonumber(arg[3]), arg[4], arg[5]
        local tuner = kt.RandomSearch{ max_trials = n, project_name = project, verbose = 0,
          heartbeat_interval = 0.2, grace_period = 1.0,
          run_trial = function(self, trial)
            local x = trial.hyperparameters:Float("x", 0, 1)
            io.write("ran ", trial.trial_id, " ", string.format("%.17g", x), " ", trial.worker, "\\n"); io.flush()
            if mode == "hang" then
              local f = io.open(marker, "w"); f:write(trial.trial_id, " ", string.format("%.17g", x)); f:close()
              while true do end
            end
            local t = os.clock() + pause
            while os.clock() < t do end
            return x
          end }
        tuner:search()
        io.write("finished ", tuner.tuner_id, "\\n")
        """

    private func lines(_ text: String, _ prefix: String) -> [[String]] {
        text.split(separator: "\n").filter { $0.hasPrefix(prefix) }.map { $0.split(separator: " ").map(String.init) }
    }

    private func waitFor(_ path: String, seconds: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !FileManager.default.fileExists(atPath: path) && Date() < deadline { usleep(20_000) }
        return FileManager.default.fileExists(atPath: path)
    }

    @Test func threePeersRunExactlyThirtyDistinctTrials() throws {
        let path = try Tunelua.script(Self.script, name: "peers.lua")
        let project = TestPostgres.project("three")
        let peers = try (0..<3).map { _ in try TestPostgres.start(path, [project, "30", "0.02", "run"]) }
        let results = peers.map { TestPostgres.finish($0) }
        for r in results { #expect(r.status == 0, "\(r.stderr)") }
        let ran = results.flatMap { lines($0.stdout, "ran ") }
        #expect(ran.count == 30)
        #expect(Set(ran.map { $0[1] }).count == 30, "no trial id handed out twice")
        // Every process named its worker differently (tuner0, tuner1, tuner2).
        #expect(Set(results.compactMap { lines($0.stdout, "finished ").first?[1] }) == ["tuner0", "tuner1", "tuner2"])
        let rows = try TestPostgres.query("""
            SELECT count(*), count(DISTINCT trial_id), count(DISTINCT hyperparameters), count(DISTINCT worker),
                   count(*) FILTER (WHERE status = 'COMPLETED') FROM tunelua_trials WHERE project = '\(project)'
            """)
        #expect(rows.first == ["30", "30", "30", "3", "30"])
        let summary = try Tunelua.run(["summary", "--storage", TestPostgres.url!, project, "3"])
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(summary.stdout.contains("Showing 3 best trials"))
        #expect(!summary.stdout.contains(TestPostgres.url!), "the password stays out of the summary")
    }

    /// `workers = 2` in each of two processes: four workers with four distinct names share the search.
    @Test func workerThreadsOfTwoPeersShareOneSearchWithDistinctNames() throws {
        let code = """
            local kt = require "tunelua"
            local tuner = kt.RandomSearch{ max_trials = 40, project_name = arg[1], verbose = 0, workers = 2,
              run_trial = function(self, trial)
                local x = trial.hyperparameters:Float("x", 0, 1)
                local t = os.clock() + 0.05
                while os.clock() < t do end
                return x
              end }
            tuner:search()
            print("peer " .. tuner.tuner_id)
            """
        let path = try Tunelua.script(code)
        let project = TestPostgres.project("threads")
        let peers = try (0..<2).map { _ in try TestPostgres.start(path, [project]) }
        let results = peers.map { TestPostgres.finish($0) }
        for r in results { #expect(r.status == 0, "\(r.stderr)") }
        // Each process names its two workers after its own tuner id: tuner0/tuner1 and tuner2/tuner3.
        let ids = results.compactMap { $0.stdout.split(separator: "\n").first { $0.hasPrefix("peer ") }?.dropFirst(5) }
        #expect(Set(ids.map(String.init)) == ["tuner0", "tuner2"])
        let rows = try TestPostgres.query("""
            SELECT count(*), count(DISTINCT hyperparameters), count(*) FILTER (WHERE status = 'COMPLETED'),
                   string_agg(DISTINCT worker, ',' ORDER BY worker) FROM tunelua_trials WHERE project = '\(project)'
            """)
        #expect(rows.first?.prefix(3) == ["40", "40", "40"])
        // (Which workers ran trials is timing; all of them are these four.)
        let workers = Set((rows.first?.last ?? "").split(separator: ",").map(String.init))
        #expect(workers.isSubset(of: ["tuner0", "tuner1", "tuner2", "tuner3"]) && !workers.isEmpty)
    }

    @Test func killedPeersTrialRunsAgainWithItsValuesAndTheRestartedPeerJoins() throws {
        let path = try Tunelua.script(Self.script, name: "kill.lua")
        let marker = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("hung").path
        let project = TestPostgres.project("kill")
        let doomed = try TestPostgres.start(path, [project, "12", "0.2", "hang", marker])
        #expect(waitFor(marker), "the doomed peer never started a trial")
        let hung = try String(contentsOfFile: marker, encoding: .utf8).split(separator: " ").map(String.init)
        let others = try (0..<2).map { _ in try TestPostgres.start(path, [project, "12", "0.2", "run"]) }
        usleep(300_000)
        kill(doomed.0.processIdentifier, SIGKILL)
        let killedAt = Date()
        _ = TestPostgres.finish(doomed)
        // Restarted after the kill, the process is a peer again (with a worker number of its own).
        let restarted = try TestPostgres.start(path, [project, "12", "0.2", "run"])
        let results = (others + [restarted]).map { TestPostgres.finish($0) }
        for r in results { #expect(r.status == 0, "\(r.stderr)") }
        let reruns = results.flatMap { lines($0.stdout, "ran ") }.filter { $0[1] == hung[0] }
        #expect(reruns.count == 1, "trial \(hung[0]) ran again exactly once: \(reruns)")
        #expect(reruns.first?[2] == hung[1], "with the same value")
        #expect(Date().timeIntervalSince(killedAt) >= 1.0)
        let rows = try TestPostgres.query("""
            SELECT trial_id, status, hyperparameters FROM tunelua_trials WHERE project = '\(project)' ORDER BY idx
            """)
        #expect(rows.count == 12)
        #expect(rows.allSatisfy { $0[1] == "COMPLETED" }, "\(rows)")
        #expect(Set(rows.map { $0[2] }).count == 12)
        let workers = Set(results.compactMap { lines($0.stdout, "finished ").first?[1] })
        #expect(workers.count == 3 && !workers.contains("tuner0"), "the killed peer was tuner0; names are never reused: \(workers)")
    }

    /// A peer stopped (SIGSTOP: no heartbeat, as if cut off) past the grace period loses its trial
    /// to another peer; when it continues, its late result is not recorded.
    @Test func latePeerDoesNotRecordItsReQueuedTrial() throws {
        let path = try Tunelua.script(Self.script, name: "late.lua")
        let project = TestPostgres.project("late")
        let slow = try TestPostgres.start(path, [project, "6", "1.5", "run"])
        // Wait until the slow peer runs its first trial, then freeze it.
        let deadline = Date().addingTimeInterval(30)
        while try TestPostgres.query("SELECT count(*) FROM tunelua_trials WHERE project = '\(project)'").first != ["1"],
              Date() < deadline { usleep(20_000) }
        kill(slow.0.processIdentifier, SIGSTOP)
        let other = try TestPostgres.start(path, [project, "6", "0.05", "run"])
        let otherResult = TestPostgres.finish(other)
        #expect(otherResult.status == 0, "\(otherResult.stderr)")
        #expect(lines(otherResult.stdout, "ran ").map { $0[1] }.sorted() == ["0", "1", "2", "3", "4", "5"])
        kill(slow.0.processIdentifier, SIGCONT)
        let slowResult = TestPostgres.finish(slow)
        #expect(slowResult.status == 0, "\(slowResult.stderr)")
        #expect(slowResult.stderr.contains("Trial 0: its heartbeat stopped and another process re-ran it; this result is not recorded."))
        let rows = try TestPostgres.query("SELECT trial_id, status, worker FROM tunelua_trials WHERE project = '\(project)' ORDER BY idx")
        #expect(rows.count == 6)
        #expect(rows.first == ["0", "COMPLETED", "tuner1"], "the re-run's result stands: \(rows)")
    }

    /// A peer's pruner decides with the intermediate values of trials another peer completed while
    /// its own trial ran: the bad peer starts once the good one has ended the first trial (until
    /// then no peer may propose another: the space is unknown), its trial waits until the good peer
    /// has completed two, then its first report is pruned against them (MedianPruner, two startup
    /// trials).
    @Test func pruningSeesTheIntermediateValuesOfAnotherPeersTrials() throws {
        let code = """
            local kt = require "tunelua"
            local project, mode, dir = arg[1], arg[2], arg[3]
            local function exists(name) local f = io.open(dir .. "/" .. name) if f then f:close() end return f ~= nil end
            local function touch(name) io.open(dir .. "/" .. name, "w"):close() end
            local function await(name) while not exists(name) do local t = os.clock() + 0.01 while os.clock() < t do end end end
            local completed = 0
            local tuner = kt.RandomSearch{ objective = kt.Objective("loss", "min"), max_trials = 5, project_name = project,
              verbose = 0, heartbeat_interval = 0.2, pruner = kt.pruners.MedianPruner{ n_startup_trials = 2 },
              run_trial = function(self, trial)
                local x = trial.hyperparameters:Float("x", 0, 1)
                io.write("ran ", trial.trial_id, "\\n"); io.flush()
                if mode == "good" then
                  if completed >= 2 then await("bad-ended") end
                  for step = 0, 3 do trial:report(step, 0.0) end
                  completed = completed + 1
                  if completed == 1 then touch("good-one") end
                  if completed == 2 then touch("good-two") end
                  return { loss = 0.0 }
                end
                await("good-two")
                for step = 0, 3 do
                  trial:report(step, 10.0)
                  if trial:should_prune() then touch("bad-ended") return end
                end
                touch("bad-ended")
                return { loss = 10.0 }
              end }
            tuner:search()
            """
        let path = try Tunelua.script(code, name: "prune.lua")
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let project = TestPostgres.project("prune")
        let good = try TestPostgres.start(path, [project, "good", dir])
        guard waitFor(dir + "/good-one") else {
            _ = TestPostgres.finish(good, within: 0)
            Issue.record("the good peer never ended its first trial")
            return
        }
        let bad = try TestPostgres.start(path, [project, "bad", dir])
        let results = [good, bad].map { TestPostgres.finish($0) }
        for r in results { #expect(r.status == 0, "\(r.stderr)") }
        let badIds = lines(results[1].stdout, "ran ").map { $0[1] }
        let goodIds = lines(results[0].stdout, "ran ").map { $0[1] }
        #expect(!badIds.isEmpty && badIds.count + goodIds.count == 5, "good \(goodIds), bad \(badIds)")
        let rows = try TestPostgres.query("""
            SELECT t.trial_id, t.status, (SELECT count(*) FROM tunelua_intermediate i
                                          WHERE i.project = t.project AND i.trial_id = t.trial_id)
            FROM tunelua_trials t WHERE t.project = '\(project)' ORDER BY t.idx
            """)
        let byId = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], ($0[1], $0[2])) })
        for id in badIds {
            #expect(byId[id]?.0 == "PRUNED" && byId[id]?.1 == "1", "the bad peer's trial \(id) is pruned at its first step: \(rows)")
        }
        for id in goodIds { #expect(byId[id]?.0 == "COMPLETED" && byId[id]?.1 == "4", "\(rows)") }
    }
}
