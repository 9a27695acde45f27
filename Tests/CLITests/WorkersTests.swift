import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A parallel search (`--workers 2`) as users meet it: killed or interrupted while both workers
/// run a trial, it resumes those two trials with their ids and values and loses nothing; a worker
/// failing before `search()` stops the run once; data loaded in every state exists once.
struct WorkersTests {
    /// Trials from 3 on hang until the process is stopped (in "hang" mode): once 3 and 4 both
    /// run, 0–2 have ended and been committed, whichever worker ran them.
    static let script = """
        local kt = require "tunelua"
        local dir, markers, hang = arg[1], arg[2], arg[3] == "hang"
        local tuner = kt.RandomSearch{ max_trials = 8, seed = 5, directory = dir, project_name = "parallel", verbose = 0,
          run_trial = function(self, trial)
            local x = trial.hyperparameters.Float("x", 0, 1)
            io.write("ran ", trial.trial_id, " ", string.format("%.17g", x), "\\n"); io.flush()
            if hang and tonumber(trial.trial_id) >= 3 then
              local f = io.open(markers .. trial.trial_id, "w"); f:write("x"); f:close()
              while true do end
            end
            return x
          end }
        tuner:search()
        for id, t in pairs(tuner.oracle.trials) do
          io.write("final ", id, " ", t.status, " ", string.format("%.17g", t.hyperparameters:get("x")), " ", t.worker, "\\n")
        end
        """

    /// Starts the hanging run and waits until trials 3 and 4 both run.
    private func startHanging(_ path: String, _ directory: URL) throws -> (Process, Pipe, Pipe) {
        let markers = directory.appendingPathComponent("running-").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tunelua.binary)
        process.arguments = ["--workers", "2", path, directory.path, markers, "hang"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        let both = { ["3", "4"].allSatisfy { FileManager.default.fileExists(atPath: markers + $0) } }
        while !both() && Date() < deadline && process.isRunning { usleep(20_000) }
        #expect(both(), "trials 3 and 4 never ran at the same time")
        return (process, out, err)
    }

    private func lines(_ text: String, _ prefix: String) -> [[String]] {
        text.split(separator: "\n").filter { $0.hasPrefix(prefix) }.map { $0.split(separator: " ").map(String.init) }
    }

    /// Resumes without hanging and checks that exactly 3–7 ran, 3 and 4 with their values.
    private func resumeAndCheck(_ path: String, _ directory: URL, firstRun: String) throws {
        let valueOf = Dictionary(lines(firstRun, "ran ").map { ($0[1], $0[2]) }) { a, _ in a }
        let resumed = try Tunelua.run(["--workers", "2", path, directory.path, "-", "finish"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let ranAgain = lines(resumed.stdout, "ran ")
        #expect(ranAgain.map { $0[1] }.sorted() == ["3", "4", "5", "6", "7"], "resumed run: \(ranAgain)")
        for id in ["3", "4"] {
            #expect(ranAgain.first { $0[1] == id }?[2] == valueOf[id], "trial \(id) re-runs with its values")
        }
        let final = lines(resumed.stdout, "final ")
        #expect(final.map { $0[1] }.sorted() == (0..<8).map(String.init))
        #expect(final.allSatisfy { $0[2] == "COMPLETED" }, "\(final)")
        #expect(Set(final.map { $0[4] }).isSubset(of: ["tuner0", "tuner1"]))
    }

    @Test func killedParallelSearchLosesOnlyItsRunningTrials() throws {
        let path = try Tunelua.script(Self.script, name: "kill.lua")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let (process, out, _) = try startHanging(path, directory)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let firstRun = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(lines(firstRun, "ran ").map { $0[1] }.sorted() == ["0", "1", "2", "3", "4"], "\(firstRun)")
        try resumeAndCheck(path, directory, firstRun: firstRun)
    }

    @Test func ctrlCStopsEveryWorkerAndTheSearchResumes() throws {
        let path = try Tunelua.script(Self.script, name: "interrupt.lua")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let (process, out, err) = try startHanging(path, directory)
        process.interrupt()
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let firstRun = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 1, "\(stderr)")
        #expect(stderr.contains("interrupted"), "\(stderr)")
        #expect(!firstRun.contains("final "), "code after search() ran after Ctrl-C")
        try resumeAndCheck(path, directory, firstRun: firstRun)
    }

    @Test func workerFailingBeforeSearchStopsTheRunOnce() throws {
        let path = try Tunelua.script("""
            local kt = require "tunelua"
            if kt.is_worker() then
              local rows = nil
              print(#rows)
            end
            local tuner = kt.RandomSearch{ max_trials = 4, directory = arg[1], project_name = "setup", verbose = 0,
              run_trial = function(self, trial) return trial.hyperparameters.Float("x", 0, 1) end }
            tuner:search()
            print("after search")
            """, name: "setup.lua")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        let result = try Tunelua.run([path, directory.path], environment: ["TUNELUA_WORKERS": "3"])
        #expect(result.status == 1)
        #expect(!result.stdout.contains("after search"))
        let occurrences = result.stderr.components(separatedBy: "attempt to get length of a nil value").count - 1
        #expect(occurrences == 1, "the error is reported once: \(result.stderr)")
        #expect(result.stderr.contains("setup.lua:4:"), "the error names the script's line: \(result.stderr)")
    }

    /// The Fashion-MNIST arrays, and what the script computes from them with a number (`x / 255`),
    /// exist once however many states load them: the peak resident size of a 2-worker run stays
    /// close to a 1-worker one (a copy per state would add about 440 MB).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist")))
    func loadedDataExistsOnceAcrossWorkers() throws {
        let path = try Tunelua.script("""
            local kt = require "tunelua"
            local keras = require "tunelua.keras"
            local x, y, xt, yt = keras.datasets.fashion_mnist.load_data()
            x, xt = x / 255, xt / 255
            local tuner = kt.RandomSearch{ max_trials = 4, directory = arg[1], project_name = arg[2], verbose = 0,
              workers = tonumber(arg[2]),
              run_trial = function(self, trial)
                return trial.hyperparameters.Float("v", 0, 1) + #x.shape * 0
              end }
            tuner:search()
            for line in io.lines("/proc/self/status") do
              local kb = line:match("^VmHWM:%s+(%d+)")
              if kb then print("peak " .. kb) end
            end
            """, name: "memory.lua")
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        func peak(_ workers: Int) throws -> Double {
            let result = try Tunelua.run([path, directory, String(workers)])
            #expect(result.status == 0, "\(result.stderr)")
            let kb = result.stdout.split(separator: "\n").first { $0.hasPrefix("peak ") }.flatMap { Double($0.dropFirst(5)) }
            return try #require(kb)
        }
        let one = try peak(1), two = try peak(2)
        #expect(two <= one * 1.3, "peak resident size: 1 worker \(Int(one / 1024)) MB, 2 workers \(Int(two / 1024)) MB")
        #expect(two <= one + 200_000, "the data set was copied: \(Int(one / 1024)) MB → \(Int(two / 1024)) MB")
    }
}
