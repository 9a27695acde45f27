-- Black-box tuning with RandomSearch, as in the issue's example.
local kt = require "tunelua"
local H = dofile("helpers.lua")
local dir = H.tmpdir("random")

local calls = 0
local tuner = kt.RandomSearch{
  objective = kt.Objective("y", "min"), max_trials = 30, seed = 7,
  directory = dir, project_name = "quadratic", verbose = 0,
  run_trial = function(self, trial)
    calls = calls + 1
    local x = trial.hyperparameters.Float("x", -2.0, 2.0)
    return x * x + 2 * x + 1
  end,
}
tuner:search()
assert(calls == 30, "ran " .. calls)
assert(tuner.remaining_trials == 0)
local best = tuner:get_best_hyperparameters(1)[1]
assert(math.abs(best:get("x") + 1) < 0.3, "best x " .. best:get("x"))
local trials = tuner.oracle.trials
assert(H.count(trials) == 30)
local seen = {}
for id, t in pairs(trials) do
  assert(t.status == "COMPLETED")
  local x = t.hyperparameters:get("x")
  assert(not seen[x], "random search repeated a configuration")
  seen[x] = true
  assert(t.trial_id == id and #id == 2, "zero-padded ids: " .. id)
end

-- the same seed gives the same trials
local function xs(seed, project)
  local got = {}
  local t = kt.RandomSearch{ max_trials = 5, seed = seed, directory = dir, project_name = project, verbose = 0,
    run_trial = function(self, trial) local x = trial.hyperparameters.Float("x", 0, 1); got[#got + 1] = x; return x end }
  t:search()
  return got
end
local a, b, c = xs(0, "s1"), xs(0, "s2"), xs(1, "s3")
for i = 1, 5 do assert(a[i] == b[i]) end
assert(a[2] ~= c[2], "seed 0 is a real seed, different from seed 1")

-- two Booleans, max_trials 15: exactly 4 trials, then a message saying the space is exhausted
local runs = 0
local t2 = kt.RandomSearch{ max_trials = 15, directory = dir, project_name = "bools", verbose = 0,
  run_trial = function(self, trial)
    runs = runs + 1
    local hp = trial.hyperparameters
    return (hp.Boolean("a") and 1 or 0) + (hp.Boolean("b") and 2 or 0)
  end }
t2:search()
assert(runs == 4, "ran " .. runs)

-- a plain number with no objective is recorded as default_objective (minimized)
local t3 = kt.RandomSearch{ max_trials = 3, directory = dir, project_name = "default", verbose = 0,
  run_trial = function(self, trial) return trial.hyperparameters.Int("k", 0, 100) end }
t3:search()
local bt = t3.oracle:get_best_trials(1)[1]
assert(bt.metrics:get_direction("default_objective") == "min")

-- results that cannot be scored are clear errors naming what was returned
for _, case in ipairs({
  { nil, "run_trial" }, { "text", "string" }, { { loss = 1 }, "'y'" },
}) do
  local t = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = 2, directory = dir, overwrite = true,
    project_name = "bad", verbose = 0, run_trial = function() return case[1] end }
  H.raises(case[2], function() t:search() end)
end
H.raises("unknown argument 'max_trial' (did you mean 'max_trials'?)", function()
  kt.RandomSearch{ max_trial = 3, directory = dir, project_name = "typo" }
end)
H.raises("objective", function() kt.RandomSearch{ objective = 3, directory = dir, project_name = "obj" } end)
H.raises("direction", function() kt.Objective("y", "up") end)
print("random_search ok")
