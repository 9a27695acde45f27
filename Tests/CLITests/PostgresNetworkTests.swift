import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Three hosts made of network namespaces (tools/netns-hosts): a PostgreSQL server and two peers,
/// each with an address of its own, which reach one another only over the bridge between them.
/// Peers that share one search there show that nothing assumes one host; a peer cut off from the
/// network stops beating, and the other re-runs its trial.
@Suite(.serialized, .enabled(if: NetworkHosts.permitted, NetworkHosts.skipped))
struct PostgresNetworkTests {
    @Test func peersOnTwoHostsShareOneSearch() throws {
        let hosts = NetworkHosts.self
        // After its first trial, each peer waits until the other has ended one (the file system is
        // shared): both hosts take part, however the scheduler runs them. (Not in the first trial: a
        // peer waits for the first trial to end before it knows the search space.)
        let path = try Tunelua.script("""
            local kt = require "tunelua"
            local me, other, dir, project = arg[1], arg[2], arg[3], arg[4]
            local ran = 0
            local tuner = kt.RandomSearch{ max_trials = 20, project_name = project, verbose = 0, heartbeat_interval = 0.2,
              run_trial = function(self, trial)
                local x = trial.hyperparameters:Float("x", 0, 1)
                io.write("ran ", trial.trial_id, " ", trial.worker, "\\n"); io.flush()
                if ran > 0 then
                  while not io.open(dir .. "/" .. other) do local t = os.clock() + 0.01 while os.clock() < t do end end
                end
                ran = ran + 1
                if ran == 1 then io.open(dir .. "/" .. me, "w"):close() end
                return x
              end }
            tuner:search()
            """, name: "hosts.lua")
        let dir = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let project = TestPostgres.project("hosts")
        let peers = try ["a", "b"].map { try hosts.start(on: $0, path, [$0, $0 == "a" ? "b" : "a", dir, project]) }
        let results = peers.map { TestPostgres.finish($0) }
        for r in results { #expect(r.status == 0, "\(r.stderr)") }
        let ran = results.map { $0.stdout.split(separator: "\n").filter { $0.hasPrefix("ran ") }.map { $0.split(separator: " ") } }
        #expect(ran.allSatisfy { !$0.isEmpty }, "both hosts ran trials")
        #expect(Set(ran.joined().map { String($0[1]) }).count == 20 && ran.joined().count == 20)
        #expect(Set(ran.map { Set($0.map { String($0[2]) }) }).count == 2, "each host's worker has its own name")
        let rows = try hosts.query("SELECT count(*), count(DISTINCT hyperparameters) FROM tunelua_trials WHERE project = '\(project)' AND status = 'COMPLETED'")
        #expect(rows.first == ["20", "20"])
    }

    @Test func aPeerCutOffFromTheNetworkLosesItsTrialToTheOther() throws {
        let hosts = NetworkHosts.self
        let path = try Tunelua.script(PostgresPeersTests.script, name: "cut.lua")
        let marker = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("hung").path
        let project = TestPostgres.project("cut")
        let cut = try hosts.start(on: "a", path, [project, "6", "0.05", "hang", marker])
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { usleep(20_000) }
        let hung = try String(contentsOfFile: marker, encoding: .utf8).split(separator: " ").map(String.init)
        // The peer goes on running (a loop in its trial, its heartbeat thread alive); only its link is down.
        let down = try hosts.link("a", "down")
        defer { _ = try? hosts.link("a", "up") }
        #expect(down.status == 0, "\(down.stderr)")
        let other = try hosts.start(on: "b", path, [project, "6", "0.05", "run"])
        // Were the cut peer still beating, the other would wait for its trial forever.
        let result = TestPostgres.finish(other, within: 60)
        kill(cut.0.processIdentifier, SIGKILL)
        _ = TestPostgres.finish(cut)
        #expect(result.status == 0, "\(result.stderr)")
        let reran = result.stdout.split(separator: "\n").filter { $0.hasPrefix("ran \(hung[0]) ") }
        #expect(reran.count == 1 && reran.first?.split(separator: " ")[2] == Substring(hung[1]),
                "trial \(hung[0]) re-ran once on the other host with its value \(hung[1]): \(result.stdout)")
        let rows = try hosts.query("SELECT count(*) FILTER (WHERE status = 'COMPLETED'), count(DISTINCT hyperparameters) FROM tunelua_trials WHERE project = '\(project)'")
        #expect(rows.first == ["6", "6"])
    }
}

/// The namespaces tools/test made (tools/netns-hosts): their tag and the server's URL.
struct NetworkHosts {
    static let tag = ProcessInfo.processInfo.environment["TUNELUA_TEST_HOSTS"] ?? ""
    static let url = ProcessInfo.processInfo.environment["TUNELUA_TEST_HOSTS_URL"] ?? ""
    static let permitted = !tag.isEmpty && !url.isEmpty
    static let skipped: Comment = "TUNELUA_TEST_HOSTS is not set: tools/test makes the namespaces where it may (root, iproute2); by hand: tools/netns-hosts up TAG"

    /// Starts `tunelua script args` on host `a` or `b`, with the server's URL as its storage.
    static func start(on host: String, _ script: String, _ args: [String]) throws -> (Process, Pipe, Pipe) {
        try TestPostgres.start(script, args, storage: url, namespace: "\(tag)-\(host)")
    }

    /// Sets host `host`'s link up or down.
    static func link(_ host: String, _ state: String) throws -> Tunelua.Result {
        try Tunelua.run(["-n", "\(tag)-\(host)", "link", "set", "dev", "eth0", state], executable: "/usr/sbin/ip")
    }

    /// Rows of `sql`, read with psql from host `b` (the one no test cuts off).
    static func query(_ sql: String) throws -> [[String]] {
        let r = try Tunelua.run(["netns", "exec", "\(tag)-b", "/usr/bin/psql", "-X", "-A", "-t", "-q", "-d", url, "-c", sql],
                                executable: "/usr/sbin/ip")
        #expect(r.status == 0, "psql: \(r.stderr)")
        return r.stdout.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }
}
