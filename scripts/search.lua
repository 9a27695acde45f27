-- The main demo: Bayesian optimization of a 2-D function with Keras Tuner's API, in about a second.
-- Run it again: the search resumes from runs/branin and has nothing left to do; pass `fresh` to
-- start over (`tunelua search.lua fresh`).
local kt = require "tunelua"

-- The Branin function: three global minima of 0.397887.
local function branin(x, y)
  local pi = math.pi
  local a, b, c, r, s, t = 1, 5.1 / (4 * pi ^ 2), 5 / pi, 6, 10, 1 / (8 * pi)
  return a * (y - b * x ^ 2 + c * x - r) ^ 2 + s * (1 - t) * math.cos(x) + s
end

-- The search space, declared up front so the summary below can show it before the search runs.
local space = kt.HyperParameters()
space.Float("x", -5, 10)
space.Float("y", 0, 15)

local tuner = kt.BayesianOptimization{
  objective = kt.Objective("value", "min"),
  hyperparameters = space,
  max_trials = 40,
  seed = 1,
  directory = "runs",
  project_name = "branin",
  overwrite = arg[1] == "fresh",
  verbose = 0,
  run_trial = function(self, trial)
    local hp = trial.hyperparameters
    local x = hp.Float("x", -5, 10)
    local y = hp.Float("y", 0, 15)
    return { value = branin(x, y) }
  end,
}

tuner:search_space_summary()
tuner:search()
tuner:results_summary(3)

local best = tuner:get_best_hyperparameters(1)[1]
print(string.format("\nbest: x = %.4f, y = %.4f, branin = %.5f (global minimum 0.39789)",
                    best:get("x"), best:get("y"), branin(best:get("x"), best:get("y"))))
