-- Keras training reports every epoch and stops a pruned trial at the end of its epoch (docs/reference.md, Pruning).
local kt = require "tunelua"
local keras = require "tunelua.keras"
local data = require "tunelua.data"
local H = dofile("helpers.lua")
local dir = H.tmpdir("pruning-keras")

local x, y = data.csv("data/digits.csv")
x = x / 16
keras.utils.set_random_seed(3)

local function build(hp)
  local model = keras.Sequential()
  model:add(keras.layers.Dense{ units = hp.Int("units", 8, 32, { step = 8 }), activation = "relu", input_shape = { 64 } })
  model:add(keras.layers.Dense{ units = 10 })
  model:compile{ optimizer = keras.optimizers.Adam{ learning_rate = 1e-2 },
                 loss = keras.losses.SparseCategoricalCrossentropy{ from_logits = true }, metrics = { "accuracy" } }
  return model
end

local epochs = {}
local Tuner = kt.RandomSearch:extend()
function Tuner:on_epoch_end(trial, model, epoch, logs)
  epochs[trial.trial_id] = (epochs[trial.trial_id] or 0) + 1
  -- the epoch's logs are already the trial's intermediate values when the hooks run
  assert(#trial:intermediate_values("val_accuracy") == epoch + 1)
end

-- nobody reaches 99.9% validation accuracy in two epochs: every trial is pruned at step 1 (after its
-- warm-up epoch 0), so training stops at the end of epoch 1 of 6
local tuner = Tuner{ build, objective = "val_accuracy", max_trials = 3, seed = 1, directory = dir,
                     project_name = "threshold", verbose = 0,
                     pruner = kt.pruners.ThresholdPruner{ lower = 0.999, n_warmup_steps = 1 } }
tuner:search(x, y, { epochs = 6, validation_split = 0.2, verbose = 0 })
for id, trial in pairs(tuner.oracle.trials) do
  assert(trial.status == "PRUNED", id .. " " .. trial.status)
  assert(epochs[id] == 2, "trained epochs: " .. tostring(epochs[id]))
  local iv = trial:intermediate_values("val_accuracy")
  assert(#iv == 2 and iv[1].step == 0 and iv[2].step == 1)
  assert(#trial:intermediate_values("loss") == 2 and #trial:intermediate_values("val_loss") == 2)
  assert(trial.best_step == 1)
end
-- the status and the values are in the store
tuner:close()
local reopened = kt.RandomSearch{ build, objective = "val_accuracy", max_trials = 3, directory = dir,
                                  project_name = "threshold", verbose = 0 }
for _, trial in pairs(reopened.oracle.trials) do
  assert(trial.status == "PRUNED")
  assert(#trial:intermediate_values("val_accuracy") == 2)
end
reopened:close()

-- a median pruner on a real search: some trials run all epochs, the others stop early
epochs = {}
local median = Tuner{ build, objective = "val_loss", max_trials = 6, seed = 2, directory = dir, project_name = "median",
                      verbose = 0, pruner = kt.pruners.MedianPruner{ n_startup_trials = 2 } }
median:search(x, y, { epochs = 4, validation_split = 0.2, verbose = 0 })
local full, stopped = 0, 0
for id, trial in pairs(median.oracle.trials) do
  if trial.status == "COMPLETED" then
    full = full + 1
    assert(epochs[id] == 4)
  else
    assert(trial.status == "PRUNED", trial.status)
    stopped = stopped + 1
    assert(epochs[id] == #trial:intermediate_values("val_loss") and epochs[id] < 4)
  end
end
assert(full >= 2, "the startup trials complete")
assert(median.oracle:get_best_trials(1)[1].status == "COMPLETED")
-- trial.metrics keeps Keras Tuner's meaning (the best epoch of a completed trial)
local best = median.oracle:get_best_trials(1)[1]
assert(best.metrics:get_best_value("val_loss") == best.score)
assert(median:get_best_models(1)[1] ~= nil)
