-- Bayesian optimization and TPE on black-box functions, from Lua.
local kt = require "tunelua"
local H = dofile("helpers.lua")
local dir = H.tmpdir("bo")

-- maximizing -a^3 + b^3 + c - |d| over [-1, 1]^4 reaches about 3 in 50 trials
local bo = kt.BayesianOptimization{ objective = kt.Objective("score", "max"), max_trials = 50, seed = 1,
  directory = dir, project_name = "cubic", verbose = 0,
  run_trial = function(self, trial)
    local hp = trial.hyperparameters
    local a, b, c, d = hp.Float("a", -1, 1), hp.Float("b", -1, 1), hp.Float("c", -1, 1), hp.Float("d", -1, 1)
    return { score = -a ^ 3 + b ^ 3 + c - math.abs(d) }
  end }
bo:search()
local best = bo.oracle:get_best_trials(1)[1].score
assert(best > 2.9, "BO reached " .. best)

-- TPE on a 1-D quadratic
local tpe = kt.TPE{ objective = "loss", max_trials = 40, seed = 3, directory = dir, project_name = "tpe", verbose = 0,
  run_trial = function(self, trial)
    local x = trial.hyperparameters.Float("x", -5, 5)
    return { loss = (x - 1.5) ^ 2 }
  end }
tpe:search()
assert(tpe.oracle:get_best_trials(1)[1].score < 0.05)

-- a stepped Float gets only grid values; a small discrete space is exhausted without repeats.
-- The tuner catches errors raised in run_trial (the trial fails and the search goes on), so the
-- trials only record what they saw and the checks come after search().
local seen = {}
local stepped = kt.BayesianOptimization{ objective = "loss", max_trials = 20, num_initial_points = 2, seed = 4,
  directory = dir, project_name = "stepped", verbose = 0,
  run_trial = function(self, trial)
    local v = trial.hyperparameters.Float("v", 0, 10, { step = 3 })
    seen[#seen + 1] = v
    return { loss = v }
  end }
stepped:search()
local distinct = {}
for _, v in ipairs(seen) do
  assert(v == 0 or v == 3 or v == 6 or v == 9, "off-grid " .. v)
  assert(not distinct[v], "repeated " .. v)
  distinct[v] = true
end
assert(#seen == 4, "expected the 4 grid values once each, got " .. #seen .. " trials")
for id, trial in pairs(stepped.oracle.trials) do
  assert(trial.status == "COMPLETED", "trial " .. id .. " is " .. trial.status)
end

-- bad arguments are clear errors
H.raises("beta", function() kt.BayesianOptimization{ beta = -1, directory = dir, project_name = "x", run_trial = function() return 0 end } end)
H.raises("alpha", function() kt.BayesianOptimization{ alpha = 0, directory = dir, project_name = "x", run_trial = function() return 0 end } end)
H.raises("num_initial_points", function()
  kt.BayesianOptimization{ num_initial_points = 0, directory = dir, project_name = "x", run_trial = function() return 0 end }
end)
print("model_based_oracles ok")
