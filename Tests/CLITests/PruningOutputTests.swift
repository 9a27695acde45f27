import Foundation
import Testing

/// What pruning and budgets print while a search runs: each pruned trial, each timeout, and why
/// the search ended (docs/reference.md, Pruning).
struct PruningOutputTests {
    func project() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tl-prune-\(UUID().uuidString)").path
    }

    @Test func prunedTrialsAndTheNoImprovementEndingArePrinted() throws {
        let path = try Tunelua.script("""
            local kt = require "tunelua"
            local t = kt.RandomSearch{ objective = kt.Objective("loss", "min"), max_trials = 30, seed = 2,
              directory = "\(project())", project_name = "p", stop_after_no_improvement = 3,
              pruner = kt.pruners.ThresholdPruner{ upper = 1.5 },
              run_trial = function(self, trial)
                local x = trial.hyperparameters.Float("x", 0, 2)
                for step = 0, 4 do
                  trial:report(step, x + step / 10)
                  if trial:should_prune() then return end
                end
                return x + 0.4
              end }
            t:search()
            local pruned = {}
            for id, trial in pairs(t.oracle.trials) do
              if trial.status == "PRUNED" then pruned[#pruned + 1] = id .. "@" .. #trial:intermediate_values("loss") - 1 end
            end
            table.sort(pruned)
            print("PRUNED " .. table.concat(pruned, " "))
            """, name: "prune.lua")
        let result = try Tunelua.run([path])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").last { $0.hasPrefix("PRUNED") })
        let pruned = line.split(separator: " ").dropFirst()
        #expect(!pruned.isEmpty)
        for entry in pruned {
            let parts = entry.split(separator: "@")
            let index = Int(parts[0])! + 1
            #expect(result.stdout.contains("Trial \(index)/30 pruned at step \(parts[1]) ["), "\(entry)")
        }
        #expect(result.stdout.contains("Search stopped: the last 3 finished trials did not improve the best loss (stop_after_no_improvement = 3)."))
    }

    @Test func timeoutsAndMaxTimeArePrinted() throws {
        let path = try Tunelua.script("""
            local kt = require "tunelua"
            local t = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = 100, seed = 1,
              directory = "\(project())", project_name = "p", trial_timeout = 1, max_time = 2,
              run_trial = function(self, trial)
                local x = trial.hyperparameters.Float("x", 0, 1)
                if trial.trial_id == "000" then while true do end end
                os.execute("sleep 0.1")
                return x
              end }
            t:search()
            print("STATUS " .. t.oracle:get_trial("000").status)
            """, name: "budget.lua")
        let result = try Tunelua.run([path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("Trial 000 failed: timed out after 1.0 s"))
        #expect(result.stdout.contains("Search stopped: max_time of 2.0 s reached; no new trial starts"))
        #expect(result.stdout.contains("STATUS FAILED"))
    }

    /// Making pruners leaves no reference cycle: the state closes at exit, the tuner with it, and
    /// the project's WAL is checkpointed into the database (as without pruners).
    @Test func theStateClosesAtExitAfterEveryPrunerWasMade() throws {
        let dir = project()
        let path = try Tunelua.script("""
            local kt = require "tunelua"
            local all = { kt.pruners.MedianPruner{}, kt.pruners.PercentilePruner{ 10 }, kt.pruners.SuccessiveHalvingPruner{},
                          kt.pruners.HyperbandPruner{}, kt.pruners.ThresholdPruner{ lower = 0 },
                          kt.pruners.PatientPruner{ kt.pruners.MedianPruner{}, 1 } }
            local t = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = 2, seed = 1, verbose = 0,
              directory = "\(dir)", project_name = "p", pruner = all[6],
              run_trial = function(self, trial) trial:report(0, 1) return trial.hyperparameters.Float("x", 0, 1) end }
            t:search()
            """, name: "exit.lua")
        let result = try Tunelua.run([path])
        #expect(result.status == 0, "\(result.stderr)")
        let wal = FileManager.default.contents(atPath: dir + "/p/tunelua.db-wal")
        #expect(wal == nil || wal!.isEmpty, "the WAL was left behind: the state was not closed")
    }
}
