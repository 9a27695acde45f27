-- Issue 3's benchmark: the black-box example with N trials (default 2,000) and SQLite persistence,
-- run through the real binary. Prints the tuner's overhead per trial: total time minus the time
-- spent inside run_trial (CPU time, as os.clock measures it).
--   tunelua bench/tuner/overhead.lua [trials] [directory]
local kt = require "tunelua"
local n = tonumber(arg[1]) or 2000
local dir = arg[2] or (os.tmpname() .. ".d")
local clock = os.clock
local inside = 0
local t0 = clock()
local tuner = kt.RandomSearch{
  objective = kt.Objective("y", "min"), max_trials = n, seed = 7, overwrite = true, verbose = 0,
  directory = dir, project_name = "quadratic",
  run_trial = function(self, trial)
    local s = clock()
    local x = trial.hyperparameters.Float("x", -2.0, 2.0)
    local y = x * x + 2 * x + 1
    inside = inside + (clock() - s)
    return y
  end,
}
tuner:search()
local total = clock() - t0
print(string.format("tunelua: %d trials, %.3f s total, %.3f s inside run_trial, overhead %.1f us/trial",
                    n, total, inside, (total - inside) / n * 1e6))
os.execute("rm -rf '" .. dir .. "'")
