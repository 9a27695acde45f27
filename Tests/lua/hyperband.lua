-- Hyperband, as in Keras Tuner's introductory tutorial (docs/reference.md, Tuners), on the digits.
local kt = require "tunelua"
local keras = require "tunelua.keras"
local data = require "tunelua.data"
local H = dofile("helpers.lua")
local dir = H.tmpdir("hyperband")

local x, y = data.csv("data/digits.csv")
x = x / 16
local xt, yt, xv, yv = data.split(x, y, { fraction = 0.8, seed = 1 })
keras.utils.set_random_seed(3)

local function model_builder(hp)
  local model = keras.Sequential()
  model:add(keras.layers.Flatten{ input_shape = { 64 } })
  model:add(keras.layers.Dense{ units = hp.Int("units", 32, 512, { step = 32 }), activation = "relu" })
  model:add(keras.layers.Dense{ units = 10 })
  model:compile{
    optimizer = keras.optimizers.Adam{ learning_rate = hp.Choice("learning_rate", { 1e-2, 1e-3, 1e-4 }) },
    loss = keras.losses.SparseCategoricalCrossentropy{ from_logits = true },
    metrics = { "accuracy" },
  }
  return model
end

-- Which epochs each trial trains, and what a continued trial's model scores before training.
local epochs_of, start_score = {}, {}
local Tuner = kt.Hyperband:extend()
function Tuner:on_epoch_begin(trial, model, epoch, logs)
  local ids = epochs_of[trial.trial_id] or {}
  epochs_of[trial.trial_id] = ids
  if #ids == 0 and trial.hyperparameters.values["tuner/trial_id"] then
    local _, accuracy = model:evaluate(xv, yv, { verbose = 0 })
    start_score[trial.trial_id] = accuracy
  end
  ids[#ids + 1] = epoch
end

local tuner = Tuner{ model_builder, objective = "val_accuracy", max_epochs = 10, factor = 3, seed = 7,
                     directory = dir, project_name = "intro_to_kt", verbose = 0 }
-- as in Keras Tuner, the constructor declares the space (one build), so it can be summarized now
assert(#tuner.oracle:get_space().space == 2, "space declared at construction")
local stop_early = keras.callbacks.EarlyStopping{ monitor = "val_loss", patience = 20 }  -- never stops here
tuner:search(xt, yt, { epochs = 50, validation_data = { xv, yv }, callbacks = { stop_early }, verbose = 0 })

-- Keras Tuner's schedule for max_epochs = 10, factor = 3: 30 trials in three brackets
assert(H.count(tuner.oracle.trials) == 30, "trials: " .. H.count(tuner.oracle.trials))
assert(tuner.remaining_trials == nil)
local continued = 0
for id, trial in pairs(tuner.oracle.trials) do
  local v = trial.hyperparameters.values
  assert(trial.status == "COMPLETED", id .. " " .. trial.status)
  -- the first trial already draws every hyperparameter (the space is declared before it)
  assert(v.units ~= nil and v.learning_rate ~= nil)
  -- each trial trains from tuner/initial_epoch up to tuner/epochs
  local seen = epochs_of[id]
  assert(#seen == v["tuner/epochs"] - v["tuner/initial_epoch"], id .. ": " .. #seen .. " epochs")
  assert(seen[1] == v["tuner/initial_epoch"] and seen[#seen] == v["tuner/epochs"] - 1)
  if v["tuner/trial_id"] then
    continued = continued + 1
    -- a continued trial starts from its parent's best epoch: same values, same weights, same score
    local parent = tuner.oracle:get_trial(v["tuner/trial_id"])
    assert(parent.hyperparameters.values.units == v.units)
    assert(H.close(start_score[id], parent.score, 1e-6), start_score[id] .. " vs " .. parent.score)
  end
end
assert(continued == 8, "continued trials: " .. continued)

local best_hps = tuner:get_best_hyperparameters(1)[1]
assert(best_hps:get("units") % 32 == 0 and best_hps:get("tuner/epochs") >= 1)
assert(tuner.oracle:get_best_trials(1)[1].score > 0.9)
local model = tuner.hypermodel:build(best_hps)
local history = model:fit(xt, yt, { epochs = 2, validation_split = 0.2, verbose = 0 })
assert(#history.history.val_accuracy == 2)

-- the oracle on its own, and bad arguments
local oracle = kt.oracles.HyperbandOracle{ objective = kt.Objective("score", "max"), max_epochs = 9 }
assert(oracle.max_trials == nil)
H.raises("factor", function() kt.Hyperband{ model_builder, objective = "val_accuracy", factor = 1, directory = dir } end)
H.raises("max_epochs", function() kt.Hyperband{ model_builder, objective = "val_accuracy", max_epochs = 0, directory = dir } end)
H.raises("unknown argument 'max_epoch'", function()
  kt.Hyperband{ model_builder, objective = "val_accuracy", max_epoch = 10, directory = dir }
end)
print("hyperband ok")
