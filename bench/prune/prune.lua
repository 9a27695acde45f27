-- Issue 13's benchmark: the Keras Tuner tutorial's model (scripts/tune_model.lua's builder) tuned by
-- RandomSearch, with or without MedianPruner; prints epochs trained, wall time and best val_accuracy.
--   tunelua bench/prune/prune.lua pruned|unpruned [trials=30] [epochs=10] [samples=all] [digits]
local kt    = require "tunelua"
local keras = require "tunelua.keras"
local data  = require "tunelua.data"

local mode = arg[1] or "pruned"
local trials = tonumber(arg[2] or "30")
local epochs = tonumber(arg[3] or "10")
local samples = tonumber(arg[4] or "0")
local digits = arg[5] == "digits"

local x_train, y_train, input_shape
if digits then
  local here = arg[0]:match("^(.*)/") or "."
  local x, y = data.csv(here .. "/../../Tests/lua/data/digits.csv")
  x_train, y_train, input_shape = x / 16, y, { 64 }
else
  x_train, y_train = keras.datasets.fashion_mnist.load_data()
  x_train, input_shape = x_train / 255, { 28, 28 }
end
if samples > 0 and samples < #x_train then x_train, y_train = x_train:rows(1, samples), y_train:rows(1, samples) end

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

local trained = 0
local Counting = kt.RandomSearch:extend()
function Counting:on_epoch_end() trained = trained + 1 end

keras.utils.set_random_seed(1)
local tuner = Counting{ model_builder, objective = "val_accuracy", max_trials = trials, seed = 7,
                        directory = os.getenv("TMPDIR") or "/tmp", project_name = "tunelua-bench-prune-" .. mode,
                        overwrite = true, verbose = 0,
                        pruner = mode == "pruned" and kt.pruners.MedianPruner{} or nil }
local t0 = os.time()
local clock = io.popen("date +%s.%N"):read("l")
tuner:search(x_train, y_train, { epochs = epochs, validation_split = 0.2, verbose = 0 })
local wall = tonumber(io.popen("date +%s.%N"):read("l")) - tonumber(clock)
local best = tuner.oracle:get_best_trials(1)[1]
local pruned = 0
for _, t in pairs(tuner.oracle.trials) do if t.status == "PRUNED" then pruned = pruned + 1 end end
print(string.format("tunelua %s: %d trials (%d pruned), %d epochs trained, %.1f s, best val_accuracy %.4f",
                    mode, trials, pruned, trained, wall, best.score))
