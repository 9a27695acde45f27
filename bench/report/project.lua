-- Builds bench/report's project: N black-box trials (default 10,000) over 6 hyperparameters, one of
-- them conditional, each reporting 10 intermediate values.
--   tunelua bench/report/project.lua DIR [N]
local kt = require "tunelua"
local dir, n = arg[1], tonumber(arg[2] or 10000)

local function run(self, trial)
  local hp = trial.hyperparameters
  local lr = hp:Float("learning_rate", 1e-5, 1e-1, { sampling = "log" })
  local units = hp:Int("units", 16, 512, { step = 16 })
  local activation = hp:Choice("activation", { "relu", "tanh", "gelu", "selu" })
  local batch = hp:Choice("batch_size", { 16, 32, 64, 128 })
  local rate = 0
  if hp:Boolean("dropout") then
    rate = hp:Float("rate", 0.05, 0.5, { parent_name = "dropout", parent_values = { true } })
  end
  local base = (math.log(lr, 10) + 3) ^ 2 / 4 + (units - 256) ^ 2 / 2e5 + rate / 2
    + (activation == "gelu" and 0 or 0.1) + (batch == 32 and 0 or 0.05)
  local loss
  for step = 0, 9 do
    loss = base + 1 / (step + 1) + math.random() * 0.01
    trial:report(step, loss)
  end
  return { loss = loss, accuracy = 1 / (1 + loss) }
end

local tuner = kt.RandomSearch{ objective = kt.Objective("loss", "min"), max_trials = n, seed = 1,
  directory = dir, project_name = "bench_report", overwrite = true, verbose = 0, run_trial = run }
tuner:search()
