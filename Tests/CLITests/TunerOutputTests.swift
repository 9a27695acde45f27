import Foundation
import Testing

/// What a search prints on standard error as it runs: failures as they happen, and warnings for
/// the Keras Tuner arguments tunelua ignores.
struct TunerOutputTests {
    /// A failed trial's message and traceback appear while the search runs, before the next
    /// trial's banner (Keras Tuner keeps them only in the trial unless debugging).
    @Test func failedTrialErrorIsShownWhileTheSearchRuns() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tl-fail-\(UUID().uuidString)").path
        let path = try Tunelua.script("""
            local kt = require "tunelua"
            local t = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = 2, seed = 1,
              directory = "\(dir)", project_name = "p",
              run_trial = function(self, trial)
                local x = trial.hyperparameters.Float("x", 0, 1)
                if trial.trial_id == "0" then error("bad value " .. x) end
                io.stderr:write("running trial ", trial.trial_id, "\\n")
                return { y = x }
              end }
            t:search()
            """, name: "search.lua")
        let result = try Tunelua.run([path])
        #expect(result.status == 0, "\(result.stderr)")
        let failure = try #require(result.stderr.range(of: "Trial 0 failed: "))
        #expect(result.stderr.contains("search.lua:6: bad value"))
        let traceback = try #require(result.stderr.range(of: "stack traceback:"))
        let next = try #require(result.stderr.range(of: "running trial 1"))
        #expect(failure.lowerBound < traceback.lowerBound && traceback.lowerBound < next.lowerBound)
    }

    @Test func quietSearchPrintsNoFailures() throws {
        let path = try Tunelua.script("""
            local kt = require "tunelua"
            local t = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = 1, verbose = 0,
              directory = os.tmpname() .. "-d", project_name = "p",
              run_trial = function(self, trial) error(kt.errors.FailedTrialError("nope")) end }
            t:search()
            print(t.oracle:get_trial("0").status)
            """)
        let result = try Tunelua.run([path])
        #expect(result.stdout == "FAILED\n")
        #expect(!result.stderr.contains("nope"))
    }

    /// `logger` and `distribution_strategy` are accepted, as in Keras Tuner, with a warning at the
    /// user's line saying they are ignored; never silently.
    @Test func ignoredArgumentsWarnAtTheUsersLine() throws {
        let path = try Tunelua.script("""
            local kt = require "tunelua"
            local t = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = 1, verbose = 0,
              directory = os.tmpname() .. "-d", project_name = "p", logger = {}, distribution_strategy = "mirrored",
              run_trial = function() return { y = 1 } end }
            print(t.tuner_id)
            """, name: "search.lua")
        let result = try Tunelua.run([path])
        #expect(result.status == 0)
        #expect(result.stdout == "tuner0\n")
        #expect(result.stderr.contains("search.lua:2: warning: RandomSearch: the `logger` argument is not supported and will be ignored"))
        #expect(result.stderr.contains("search.lua:2: warning: RandomSearch: the `distribution_strategy` argument is not supported and will be ignored"))
    }

    /// `trial:summary()` in Pareto mode prints each objective's value instead of the score (the
    /// sum), for a trial of this run and for one resumed from the store.
    @Test func paretoTrialSummaryShowsEachObjective() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tl-pareto-\(UUID().uuidString)").path
        let path = try Tunelua.script("""
            local kt = require "tunelua"
            local function tuner(n)
              return kt.RandomSearch{ objective = { kt.Objective("f1", "min"), kt.Objective("f2", "max") },
                multi_objective = "pareto", max_trials = n, verbose = 0, directory = "\(dir)", project_name = "p",
                run_trial = function(self, trial)
                  trial.hyperparameters:Float("x", 0, 1)
                  return { f1 = 0.25, f2 = 4.5 }
                end }
            end
            local t = tuner(1)
            t:search()
            t.oracle:get_trial("0"):summary()
            t:close()
            tuner(1).oracle:get_trial("0"):summary()
            """)
        let result = try Tunelua.run([path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.components(separatedBy: "f1: 0.25\nf2: 4.5\n").count == 3, "\(result.stdout)")
        #expect(!result.stdout.contains("Score:"), "\(result.stdout)")
    }
}
