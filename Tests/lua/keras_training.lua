-- Building and training models with tunelua.keras, as a Keras user writes them.
local keras = require "tunelua.keras"
local data = require "tunelua.data"
local H = dofile("helpers.lua")
local dir = H.tmpdir("keras")

local x, y = data.csv("data/digits.csv")
assert(x.shape[1] == 1797 and x.shape[2] == 64 and #y == 1797)
x = x / 16
local xt, yt, xv, yv = data.split(x, y, { fraction = 0.8, seed = 3 })

local function mlp()
  local model = keras.Sequential{
    keras.Input{ shape = { 64 } },
    keras.layers.Dense{ units = 64, activation = "relu" },
    keras.layers.Dropout{ rate = 0.1 },
    keras.layers.Dense{ units = 10 },
  }
  model:compile{ optimizer = keras.optimizers.Adam{ learning_rate = 0.005 },
                 loss = keras.losses.SparseCategoricalCrossentropy{ from_logits = true }, metrics = { "accuracy" } }
  return model
end

-- an MLP reaches 95% validation accuracy; History has Keras's keys and 0-based epochs
keras.utils.set_random_seed(7)
local model = mlp()
local seen_epochs = {}
local history = model:fit(xt, yt, { epochs = 12, batch_size = 32, validation_data = { xv, yv }, verbose = 0,
  callbacks = { { on_epoch_end = function(self, epoch, logs)
    seen_epochs[#seen_epochs + 1] = epoch
    assert(self.model == model and logs.loss and logs.val_accuracy)
  end } } })
assert(#history.epoch == 12 and history.epoch[1] == 0 and seen_epochs[1] == 0)
local acc = history.history.val_accuracy[12]
assert(acc >= 0.95, "validation accuracy " .. acc)
local loss, accuracy = model:evaluate(xv, yv, { verbose = 0 })
assert(H.close(accuracy, acc, 1e-6))
assert(model:evaluate(xv, yv, { verbose = 0, return_dict = true }).accuracy == accuracy)
assert(model:count_params() == 64 * 64 + 64 + 64 * 10 + 10)

-- the same seed gives bit-identical training
local function run()
  keras.utils.set_random_seed(11)
  local m = mlp()
  return m:fit(xt, yt, { epochs = 2, verbose = 0 }).history.loss[2]
end
assert(run() == run(), "same seed, same training")

-- save -> load gives identical predictions (weights file and whole-model file)
local before = model:predict(xv):totable()
model:save_weights(dir .. "/w.weights")
local other = mlp()
other:load_weights(dir .. "/w.weights")
local after = other:predict(xv):totable()
for i = 1, #before do for j = 1, 10 do assert(before[i][j] == after[i][j]) end end
model:save(dir .. "/m.model")
local loaded = keras.models.load_model(dir .. "/m.model")
local again = loaded:predict(xv):totable()
assert(again[5][3] == before[5][3])
-- the whole-model file keeps the compile arguments: the loss from logits, the learning rate
local saved_loss = loaded:evaluate(xv, yv, { verbose = 0, return_dict = true }).loss
assert(saved_loss == model:evaluate(xv, yv, { verbose = 0, return_dict = true }).loss, "loss config kept")
assert(math.abs(loaded.optimizer.learning_rate - 0.005) < 1e-9, "learning rate kept: " .. tostring(loaded.optimizer.learning_rate))

-- a small CNN on the digits as 8x8x1 images learns
keras.utils.set_random_seed(1)
local images = xt:reshape{ #xt, 8, 8, 1 }
local cnn = keras.Sequential{
  keras.Input{ shape = { 8, 8, 1 } },
  keras.layers.Conv2D{ filters = 8, kernel_size = 3, activation = "relu", padding = "same" },
  keras.layers.MaxPooling2D{ pool_size = 2 },
  keras.layers.Flatten(),
  keras.layers.Dense{ units = 10, activation = "softmax" },
}
cnn:compile{ optimizer = "adam", loss = "sparse_categorical_crossentropy", metrics = { "accuracy" } }
local h = cnn:fit(images, yt, { epochs = 8, validation_split = 0.2, verbose = 0 })
assert(h.history.val_accuracy[8] > 0.85, "cnn validation accuracy " .. h.history.val_accuracy[8])

-- callbacks: EarlyStopping, LambdaCallback, and stopping from a Lua callback
local lambda_calls = 0
local m2 = mlp()
local h2 = m2:fit(xt, yt, { epochs = 50, verbose = 0, validation_split = 0.2, callbacks = {
  keras.callbacks.EarlyStopping{ monitor = "val_loss", patience = 1, restore_best_weights = true },
  keras.callbacks.LambdaCallback{ on_epoch_end = function(epoch, logs) lambda_calls = lambda_calls + 1 end },
} })
assert(#h2.epoch < 50 and lambda_calls == #h2.epoch, "early stopping stopped at " .. #h2.epoch)
local m3 = mlp()
local h3 = m3:fit(xt, yt, { epochs = 10, verbose = 0, callbacks = { { on_epoch_end = function(self, epoch)
  if epoch == 1 then self.model.stop_training = true end
end } } })
assert(#h3.epoch == 2)

-- mistakes are clear errors where they were made
H.raises("Dense: unknown argument 'unit' (did you mean 'units'?)", function() keras.layers.Dense{ unit = 3 } end)
H.raises("relu", function() keras.layers.Dense{ units = 3, activation = "rellu" } end)
H.raises("loss", function() mlp():compile{ optimizer = "adam" } end)
H.raises("compiled", function() keras.Sequential{ keras.layers.Dense{ units = 1, input_shape = { 2 } } }:fit({ { 1, 2 } }, { 1 }) end)
local bad = keras.Sequential{ keras.Input{ shape = { 8, 8, 1 } }, keras.layers.MaxPooling2D{ pool_size = 2 } }
H.raises("Conv2D", function() bad:add(keras.layers.Conv2D{ filters = 2, kernel_size = 9 }) end)
H.raises("learning_rat", function() keras.optimizers.Adam{ learning_rat = 0.1 } end)
H.raises("optimizer", function() mlp():compile{ optimizer = "adamm", loss = "mse" } end)
H.raises("label", function() data.csv("data/digits.csv", { label = "lable" }) end)
H.raises("nonexistent", function() data.csv(dir .. "/nonexistent.csv") end)

-- tensors
local t = data.tensor{ { 1, 2 }, { 3, 4 } }
assert(t.shape[1] == 2 and t.shape[2] == 2 and #t == 2)
assert((t * 2):totable()[2][2] == 8 and (10 - t):totable()[1][1] == 9 and (-t):totable()[1][2] == -2)
assert(t:mean() == 2.5 and H.close(t:std(), math.sqrt(1.25), 1e-6))
assert(t:rows(2, 2):totable()[1][1] == 3)
assert(tostring(t):find("Tensor"))
local onehot = keras.utils.to_categorical(data.tensor{ 0, 2, 1 }, 3)
assert(onehot.shape[2] == 3 and onehot:totable()[2][3] == 1)
print("keras_training ok")
