-- 16 trials of a CPU-bound black-box run_trial (a busy Lua loop of about 0.5 s each), for the
-- workers benchmark: bench/workers/run.sh times it with 1 and 2 workers.
local kt = require "tunelua"
local workers, dir = tonumber(arg[1]) or 1, arg[2] or "runs"
local tuner = kt.RandomSearch{
  objective = kt.Objective("y", "min"), max_trials = 16, seed = 1, workers = workers,
  directory = dir, project_name = "cpu_bound_" .. workers, overwrite = true, verbose = 0,
  run_trial = function(self, trial)
    local x = trial.hyperparameters.Float("x", -1, 1)
    local s = 0
    for i = 1, 65000000 do s = s + (i % 3) end
    return x * x + s * 0
  end,
}
tuner:search()
