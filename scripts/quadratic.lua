-- Keras Tuner's own black-box example: minimize (x + 1)^2 over x in [-2, 2].
local kt = require "tunelua"

local tuner = kt.RandomSearch{
  objective = kt.Objective("y", "min"),
  max_trials = 50,
  seed = 7,
  directory = "runs",
  project_name = "quadratic",
  run_trial = function(self, trial)
    local x = trial.hyperparameters.Float("x", -2.0, 2.0)
    return x * x + 2 * x + 1          -- or a table: { y = … }
  end,
}
tuner:search_space_summary()
tuner:search()
tuner:results_summary()
print(tuner:get_best_hyperparameters(1)[1]:get("x"))
