-- GridSearch over discrete hyperparameters: every combination exactly once, defaults first.
-- Stop it with Ctrl-C and run it again: it resumes where it stopped.
local kt = require "tunelua"

local tuner = kt.GridSearch{
  objective = kt.Objective("cost", "min"),
  directory = "runs",
  project_name = "grid",
  run_trial = function(self, trial)
    local hp = trial.hyperparameters
    local workers = hp.Int("workers", 1, 4)
    local batch = hp.Choice("batch", { 16, 64, 256 })
    local cache = hp.Boolean("cache")
    return { cost = 100 / (workers * math.log(batch)) + (cache and 0 or 3) + workers }
  end,
}
tuner:search()
tuner:results_summary(3)
