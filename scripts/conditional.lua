-- Conditional hyperparameters: a value is only drawn when its parent has one of the given values.
local kt = require "tunelua"

local tuner = kt.RandomSearch{
  objective = kt.Objective("loss", "min"),
  max_trials = 20,
  seed = 3,
  directory = "runs",
  project_name = "conditional",
  overwrite = true,
  verbose = 0,
  run_trial = function(self, trial)
    local hp = trial.hyperparameters
    local model = hp.Choice("model", { "linear", "tree" })
    local loss
    hp:conditional_scope("model", { "linear" }, function()
      local l2 = hp.Float("l2", 1e-5, 1, { sampling = "log" })
      if model == "linear" then loss = math.abs(math.log(l2, 10) + 2) end
    end)
    hp:conditional_scope("model", { "tree" }, function()
      local depth = hp.Int("depth", 2, 12)
      if model == "tree" then loss = math.abs(depth - 7) / 2 end
    end)
    return { loss = loss }
  end,
}
tuner:search()
tuner:results_summary(3)
