-- Keras Tuner's introductory tutorial, translated: tune a Dense network's width and learning rate.
-- Uses the 8x8 digits from the repository's test data so it runs in seconds; pass `fashion` to run
-- the tutorial's Fashion-MNIST (needs the Debian package dataset-fashion-mnist).
local kt    = require "tunelua"
local keras = require "tunelua.keras"
local data  = require "tunelua.data"

local fashion = arg[1] == "fashion"
local x_train, y_train, x_test, y_test
if fashion then
  x_train, y_train, x_test, y_test = keras.datasets.fashion_mnist.load_data()
  x_train, x_test = x_train / 255, x_test / 255
else
  local here = arg[0]:match("^(.*)/") or "."
  local x, y = data.csv(here .. "/../Tests/lua/data/digits.csv")
  x_train, y_train, x_test, y_test = data.split(x / 16, y, { fraction = 0.8, seed = 1 })
end
local input_shape = fashion and { 28, 28 } or { 64 }

local function model_builder(hp)
  local model = keras.Sequential()
  model:add(keras.layers.Flatten{ input_shape = input_shape })
  model:add(keras.layers.Dense{ units = hp.Int("units", 32, 512, { step = 32 }), activation = "relu" })
  model:add(keras.layers.Dense{ units = 10 })
  model:compile{
    optimizer = keras.optimizers.Adam{ learning_rate = hp.Choice("learning_rate", { 1e-2, 1e-3, 1e-4 }) },
    loss = keras.losses.SparseCategoricalCrossentropy{ from_logits = true },
    metrics = { "accuracy" },
  }
  return model
end

local tuner = kt.Hyperband{ model_builder, objective = "val_accuracy", max_epochs = 10, factor = 3, seed = 1,
                            directory = "runs", project_name = "intro_to_kt", overwrite = true }
local stop_early = keras.callbacks.EarlyStopping{ monitor = "val_loss", patience = 5 }
tuner:search(x_train, y_train, { epochs = 50, validation_split = 0.2, callbacks = { stop_early }, verbose = 0 })

print(string.format("best val_accuracy %.4f", tuner.oracle:get_best_trials(1)[1].score))
local best_hps = tuner:get_best_hyperparameters(1)[1]
print(string.format("best units: %d, best learning rate: %g", best_hps:get("units"), best_hps:get("learning_rate")))
local model = tuner.hypermodel:build(best_hps)
model:fit(x_train, y_train, { epochs = fashion and 10 or 30, validation_split = 0.2, verbose = 2,
                              callbacks = { keras.callbacks.EarlyStopping{ monitor = "val_loss", patience = 3,
                                                                           restore_best_weights = true } } })
local loss, accuracy = model:evaluate(x_test, y_test, { verbose = 0 })
print(string.format("test loss %.4f, test accuracy %.4f", loss, accuracy))
