import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` at random (seeded) moments for every oracle (issue 17): after the kills, running the
/// script again finishes the search with the same trials an uninterrupted run makes — every one
/// COMPLETED, ids contiguous and unique, a re-run trial with its first values, and the project
/// sound by `tunelua check`. CI kills each of the 5 oracles 3 times (15 kills).
struct KillResumeTests {
    static let script = """
        local kt = require "tunelua"
        local oracle, dir, log = arg[1], arg[2], arg[3]
        local function run_trial(self, trial)
          local hp = trial.hyperparameters
          local n, c = hp.Int("n", 0, 11), hp.Choice("c", { "a", "b" })
          local x = oracle == "GridSearch" and n / 11 or hp.Float("x", -2, 2)
          local f = io.open(log, "a"); f:write("ran ", trial.trial_id, " ", n, c, string.format("%.17g", x), "\\n"); f:close()
          local t = os.clock() + 0.02 + (n % 3) * 0.01; while os.clock() < t do end
          return (x - 0.3) ^ 2 + n / 100 + (c == "a" and 0 or 0.05)
        end
        local args = { objective = kt.Objective("loss", "min"), seed = 5, directory = dir, project_name = "kill", verbose = 0, run_trial = run_trial }
        if oracle == "Hyperband" then args.max_epochs = 9; args.factor = 3; args.hyperband_iterations = 1
        else args.max_trials = 10 end
        if oracle == "BayesianOptimization" or oracle == "TPE" then args.num_initial_points = 3; args.n_startup_trials = nil end
        if oracle == "TPE" then args.num_initial_points = nil; args.n_startup_trials = 3 end
        local tuner = kt[oracle](args)
        tuner:search()
        local ids = {}
        for id in pairs(tuner.oracle.trials) do ids[#ids + 1] = id end
        table.sort(ids)
        for _, id in ipairs(ids) do
          local t = tuner.oracle.trials[id]
          local hp = t.hyperparameters
          local x = oracle == "GridSearch" and hp:get("n") / 11 or hp:get("x")
          io.write("final ", id, " ", t.status, " ", hp:get("n"), hp:get("c"), string.format("%.17g", x), "\\n")
        end
        """

    static let oracles = ["RandomSearch", "GridSearch", "BayesianOptimization", "TPE", "Hyperband"]

    /// `final` lines: id → (status, values).
    static func finals(_ stdout: String) -> [String: (String, String)] {
        var out: [String: (String, String)] = [:]
        for line in stdout.split(separator: "\n") where line.hasPrefix("final ") {
            let parts = line.split(separator: " ").map(String.init)
            if parts.count == 4 { out[parts[1]] = (parts[2], parts[3]) }
        }
        return out
    }

    @Test(arguments: oracles)
    func searchKilledAtRandomMomentsFinishesWithTheSameTrials(_ oracle: String) throws {
        let path = try Tunelua.script(Self.script, name: "kill.lua")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        // The uninterrupted run, for comparison.
        let reference = try Tunelua.run([path, oracle, directory.appendingPathComponent("reference").path,
                                         directory.appendingPathComponent("reference.log").path])
        #expect(reference.status == 0, "\(reference.stderr)")
        let expected = Self.finals(reference.stdout)
        #expect(expected.count >= 10)

        let project = directory.appendingPathComponent("killed").path
        let log = directory.appendingPathComponent("killed.log").path
        var random = UInt64(oracle.utf8.reduce(17) { $0 &* 31 &+ UInt64($1) })
        for _ in 0..<3 {
            random = random &* 6364136223846793005 &+ 1442695040888963407
            let delay = 0.15 + Double(random >> 40) / Double(1 << 24) * 0.6   // 0.15 … 0.75 s
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Tunelua.binary)
            process.arguments = [path, oracle, project, log]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(delay * 1e6))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let resumed = try Tunelua.run([path, oracle, project, log])
        #expect(!resumed.signaled && resumed.status == 0, "\(resumed.stderr)")
        let got = Self.finals(resumed.stdout)
        #expect(got.count == expected.count, "\(oracle): \(got.count) trials after the kills, \(expected.count) without")
        #expect(got.values.allSatisfy { $0.0 == "COMPLETED" }, "\(oracle): \(got)")
        let ids = got.keys.sorted()
        #expect(ids.compactMap { Int($0) } == Array(0..<ids.count), "\(oracle): ids \(ids)")
        if oracle == "RandomSearch" || oracle == "GridSearch" {
            // Seeded and not model-based: the very same trials.
            for (id, value) in expected { #expect(got[id]?.1 == value.1, "\(oracle): trial \(id)") }
        }
        // A trial that ran more than once (killed while running) ran with the same values each time.
        let ran = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        var firstValues: [String: String] = [:]
        for line in ran.split(separator: "\n") {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 3 else { continue }
            if let first = firstValues[parts[1]] {
                if oracle != "Hyperband" { #expect(first == parts[2], "\(oracle): trial \(parts[1]) re-ran with other values") }
            } else {
                firstValues[parts[1]] = parts[2]
            }
        }
        for (id, value) in got where oracle != "Hyperband" { #expect(firstValues[id] == value.1, "\(oracle): trial \(id)") }
        let check = try Tunelua.run(["check", project + "/kill"])
        #expect(check.status == 0, "\(check.stderr)")
    }
}
