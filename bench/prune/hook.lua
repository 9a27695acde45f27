-- The cost trial_timeout adds to a tight Lua loop (best of 3 trials):
--   tunelua bench/prune/hook.lua            (no timeout)
--   tunelua bench/prune/hook.lua timeout    (trial_timeout armed, 1000 s)
local kt = require "tunelua"
local timeout = arg[1] == "timeout" and 1000 or nil
local took
local t = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = 3, seed = 1, verbose = 0,
  directory = os.getenv("TMPDIR") or "/tmp", project_name = "tunelua-bench-hook", overwrite = true, trial_timeout = timeout,
  run_trial = function(self, trial)
    local x = trial.hyperparameters:Float("x", 0, 1)
    local c = os.clock()
    local s = 0
    for i = 1, 2e7 do s = s + (i % 7) * x end
    took = (took and math.min(took, os.clock() - c)) or (os.clock() - c)
    return s
  end }
t:search()
print(arg[1] or "none", string.format("%.3f s CPU (best of 3 trials, 2e7 iterations)", took))
