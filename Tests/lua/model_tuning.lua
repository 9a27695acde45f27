-- Tuning a model from a build function: Keras Tuner's introductory tutorial on the digits.
local kt = require "tunelua"
local keras = require "tunelua.keras"
local data = require "tunelua.data"
local H = dofile("helpers.lua")
local dir = H.tmpdir("tuning")

local x, y = data.csv("data/digits.csv")
x = x / 16
keras.utils.set_random_seed(5)

local built = 0
local function model_builder(hp)
  built = built + 1
  local model = keras.Sequential()
  model:add(keras.layers.Dense{ units = hp.Int("units", 16, 64, { step = 16 }), activation = "relu", input_shape = { 64 } })
  model:add(keras.layers.Dense{ units = 10 })
  model:compile{
    optimizer = keras.optimizers.Adam{ learning_rate = hp.Choice("learning_rate", { 1e-2, 1e-3 }) },
    loss = keras.losses.SparseCategoricalCrossentropy{ from_logits = true },
    metrics = { "accuracy" },
  }
  return model
end

local epochs_seen = 0
local Tuner = kt.RandomSearch:extend()
function Tuner:on_epoch_end(trial, model, epoch, logs) epochs_seen = epochs_seen + 1 end

local tuner = Tuner{ model_builder, objective = "val_accuracy", max_trials = 3, seed = 2,
                     directory = dir, project_name = "intro_to_kt", verbose = 0 }
local stop_early = keras.callbacks.EarlyStopping{ monitor = "val_loss", patience = 5 }
tuner:search(x, y, { epochs = 3, validation_split = 0.2, callbacks = { stop_early }, verbose = 0 })
-- one build before the first trial declares the space (Keras Tuner's _populate_initial_space)
assert(built == 4 and epochs_seen == 9, "built " .. built .. ", epochs " .. epochs_seen)

local best_hps = tuner:get_best_hyperparameters(1)[1]
assert(best_hps:get("units") % 16 == 0)
local best_trial = tuner.oracle:get_best_trials(1)[1]
assert(best_trial.score > 0.8, "best val_accuracy " .. best_trial.score)
assert(best_trial.metrics:get_direction("val_accuracy") == "max")

-- the best model comes back with its best epoch's weights
local best_model = tuner:get_best_models(1)[1]
local _, accuracy = best_model:evaluate(x, y, { verbose = 0 })
assert(accuracy > 0.8, "reloaded best model accuracy " .. accuracy)

-- the tutorial's next step: build the best model again and train it
local model = tuner.hypermodel:build(best_hps)
local history = model:fit(x, y, { epochs = 2, validation_split = 0.2, verbose = 0 })
assert(#history.history.val_accuracy == 2)

-- a HyperModel subclass works the same way
local MyHyperModel = kt.HyperModel:extend()
function MyHyperModel:build(hp) return model_builder(hp) end
function MyHyperModel:fit(hp, model, ...) return model:fit(...) end
local t2 = kt.BayesianOptimization{ MyHyperModel(), objective = "val_loss", max_trials = 2, seed = 1,
                                    directory = dir, project_name = "hypermodel", verbose = 0 }
t2:search(x, y, { epochs = 1, validation_split = 0.2, verbose = 0 })
assert(#t2:get_best_hyperparameters(2) == 2)
print("model_tuning ok")
