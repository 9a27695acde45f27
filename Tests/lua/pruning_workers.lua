-- Pruning with two workers: one oracle and one pruner serve both Lua states (docs/reference.md, Parallel search and Pruning).
local kt = require "tunelua"
local H = dofile("helpers.lua")
-- every worker state loads this script, so the project's path is named after the process
local dir = H.procdir("pruning_workers")

local tuner = kt.RandomSearch{ objective = kt.Objective("loss", "min"), max_trials = 12, seed = 5, workers = 2,
  directory = dir, project_name = "w", overwrite = true, verbose = 0,
  pruner = kt.pruners.MedianPruner{ n_startup_trials = 2 }, trial_timeout = 5,
  run_trial = function(self, trial)
    local x = trial.hyperparameters:Float("x", 0, 1)
    local v
    for step = 0, 7 do
      v = x + 1 / (step + 1)
      trial:report(step, v)
      if trial:should_prune() then return end
      local t = os.clock() while os.clock() - t < 0.002 do end
    end
    return v
  end }
tuner:search()

local workers, pruned = {}, 0
for _, trial in pairs(tuner.oracle.trials) do
  workers[trial.worker] = true
  if trial.status == "PRUNED" then pruned = pruned + 1 end
  assert(trial.status == "PRUNED" or trial.status == "COMPLETED", trial.status)
end
assert(H.count(tuner.oracle.trials) == 12)
assert(workers.tuner0 and workers.tuner1, "both workers ran trials")
assert(pruned > 0)
os.execute("rm -rf '" .. dir .. "'")
