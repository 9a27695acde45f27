-- One peer of bench/postgres/run.sh: a trivial run_trial, so what is timed is the store's work.
--   tunelua bench/postgres/peer.lua PROJECT MAX_TRIALS
local kt = require "tunelua"
local project, n = arg[1], tonumber(arg[2])
local tuner = kt.RandomSearch{ max_trials = n, project_name = project, verbose = 0, seed = 1,
  run_trial = function(self, trial)
    local x = trial.hyperparameters:Float("x", 0, 1)
    local y = trial.hyperparameters:Float("y", -1, 1)
    return x * x + y
  end }
tuner:search()
