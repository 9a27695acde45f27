-- Extending a tuner in Lua, as Keras Tuner users subclass RandomSearch.
local kt = require "tunelua"

local MyTuner = kt.RandomSearch:extend()

function MyTuner:run_trial(trial, data)
  local hp = trial.hyperparameters
  local scale = hp.Float("scale", 0.1, 10, { sampling = "log" })
  local err = 0
  for _, v in ipairs(data) do err = err + (v * scale - 3) ^ 2 end
  if err > 1000 then
    -- fail this trial without retrying it
    error(kt.errors.FailedTrialError("error too large: " .. err))
  end
  return { mse = err / #data }
end

function MyTuner:on_trial_end(trial)
  print(string.format("trial %s: %s %s", trial.trial_id, trial.status, tostring(trial.score)))
end

local tuner = MyTuner{ objective = "mse", max_trials = 10, seed = 2, directory = "runs",
                       project_name = "subclass", overwrite = true, verbose = 0 }
tuner:search({ 1, 2, 3, 4 })     -- search's arguments are passed on to run_trial
tuner:results_summary(1)
