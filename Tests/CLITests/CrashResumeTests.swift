import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A search killed with SIGKILL in the middle of a trial resumes and finishes with exactly
/// `max_trials` trials: none lost, none run twice, the interrupted one re-run with its values.
struct CrashResumeTests {
    static let script = """
        local kt = require "tunelua"
        local dir, marker, hang = arg[1], arg[2], arg[3] == "hang"
        local tuner = kt.RandomSearch{ max_trials = 6, seed = 11, directory = dir, project_name = "crash", verbose = 0,
          run_trial = function(self, trial)
            local x = trial.hyperparameters.Float("x", 0, 1)
            io.write("ran ", trial.trial_id, " ", string.format("%.17g", x), "\\n"); io.flush()
            if hang and trial.trial_id == "3" then
              local f = io.open(marker, "w"); f:write("x"); f:close()
              while true do end
            end
            return x
          end }
        tuner:search()
        for id, t in pairs(tuner.oracle.trials) do
          io.write("final ", id, " ", t.status, " ", string.format("%.17g", t.hyperparameters:get("x")), "\\n")
        end
        """

    @Test func killedSearchResumesWithoutLosingOrRepeatingTrials() throws {
        let path = try Tunelua.script(Self.script, name: "crash.lua")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let marker = directory.appendingPathComponent("marker").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tunelua.binary)
        process.arguments = [path, directory.path, marker, "hang"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { usleep(20_000) }
        #expect(FileManager.default.fileExists(atPath: marker), "trial 3 never started")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let firstRun = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let ranFirst = firstRun.split(separator: "\n").filter { $0.hasPrefix("ran ") }
        #expect(ranFirst.count == 4)
        let valueOfThree = ranFirst.last?.split(separator: " ").last.map(String.init)

        let resumed = try Tunelua.run([path, directory.path, marker, "finish"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let lines = resumed.stdout.split(separator: "\n")
        let ranAgain = lines.filter { $0.hasPrefix("ran ") }.map { $0.split(separator: " ") }
        #expect(ranAgain.map { String($0[1]) } == ["3", "4", "5"], "resumed run: \(ranAgain)")
        #expect(ranAgain.first.map { String($0[2]) } == valueOfThree, "trial 3 re-runs with the same value")
        let final = lines.filter { $0.hasPrefix("final ") }.map { $0.split(separator: " ") }
        #expect(final.count == 6)
        #expect(Set(final.map { String($0[1]) }).count == 6)
        #expect(final.allSatisfy { $0[2] == "COMPLETED" })
    }

    /// Ctrl-C in the middle of a trial stops the search with a message and exit status 1; running
    /// the script again re-runs that trial with the same values and finishes the search.
    @Test func interruptedSearchResumesTheInterruptedTrial() throws {
        let path = try Tunelua.script(Self.script, name: "interrupt.lua")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let marker = directory.appendingPathComponent("marker").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tunelua.binary)
        process.arguments = [path, directory.path, marker, "hang"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: marker) && Date() < deadline { usleep(20_000) }
        usleep(100_000)
        process.interrupt()
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(stderr.contains("interrupted"), "\(stderr)")
        let valueOfThree = stdout.split(separator: "\n").last { $0.hasPrefix("ran 3 ") }?.split(separator: " ").last.map(String.init)

        let resumed = try Tunelua.run([path, directory.path, marker, "finish"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let ranAgain = resumed.stdout.split(separator: "\n").filter { $0.hasPrefix("ran ") }.map { $0.split(separator: " ") }
        #expect(ranAgain.map { String($0[1]) } == ["3", "4", "5"])
        #expect(ranAgain.first.map { String($0[2]) } == valueOfThree)
    }
}
