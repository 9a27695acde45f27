-- Keras Tuner's Tuner arguments, each honoured as Keras Tuner 1.4 does (issue "Keras Tuner's Tuner,
-- complete"). Every check runs after search() returns: an assert inside run_trial would only fail
-- that one trial.
local kt = require "tunelua"
local keras = require "tunelua.keras"
local data = require "tunelua.data"
local H = dofile("helpers.lua")
local dir = H.tmpdir("tuner-args")

local x, y = data.csv("data/digits.csv")
x = x / 16
local xt, yt, xv, yv = data.split(x, y, { fraction = 0.8, seed = 1 })
keras.utils.set_random_seed(11)

local function dense_model(units, compile)
  local model = keras.Sequential()
  model:add(keras.layers.Dense{ units = units, activation = "relu", input_shape = { 64 } })
  model:add(keras.layers.Dense{ units = 10 })
  if compile then model:compile(compile) end
  return model
end

local function statuses(tuner)
  local out = {}
  for id, trial in pairs(tuner.oracle.trials) do out[id] = trial end
  return out
end

-- 1. max_model_size: an oversized model fails its trial (FAILED, Keras Tuner's message), is not
-- retried, and the search goes on.
do
  local builds = {}
  local tuner = kt.RandomSearch{
    function(hp)
      local units = hp.Choice("units", { 4, 200 })
      builds[units] = (builds[units] or 0) + 1
      return dense_model(units, { optimizer = "adam", loss = keras.losses.SparseCategoricalCrossentropy{ from_logits = true },
                                  metrics = { "accuracy" } })
    end,
    objective = "val_accuracy", max_trials = 2, max_model_size = 1000, max_retries_per_trial = 2, seed = 1,
    directory = dir, project_name = "size", verbose = 0 }
  tuner:search(xt, yt, { epochs = 1, validation_data = { xv, yv }, verbose = 0 })
  local failed, completed = 0, 0
  for _, trial in pairs(statuses(tuner)) do
    if trial.status == "FAILED" then
      failed = failed + 1
      -- 64*200 + 200 + 200*10 + 10 trainable parameters
      assert(trial.message:find("Oversized model: 15010 parameters. Skip model.", 1, true), trial.message)
    elseif trial.status == "COMPLETED" then
      completed = completed + 1
    end
  end
  assert(failed == 1 and completed == 1, "failed " .. failed .. ", completed " .. completed)
  -- the constructor's builds, plus one per trial run: the oversized one ran once (no retry)
  assert(builds[200] <= 2, "the oversized model was retried: " .. tostring(builds[200]) .. " builds")
  assert(tuner.max_model_size == 1000)
end

-- 2. optimizer, loss and metrics of the tuner override the model's compile arguments and make an
-- uncompiled hypermodel usable.
do
  local tuner = kt.RandomSearch{
    function(hp) return dense_model(hp.Int("units", 8, 16, { step = 8 })) end,   -- never compiled
    optimizer = keras.optimizers.Adam{ learning_rate = 0.01 },
    loss = keras.losses.SparseCategoricalCrossentropy{ from_logits = true },
    metrics = { "accuracy" },
    objective = "val_accuracy", max_trials = 2, seed = 2, directory = dir, project_name = "uncompiled", verbose = 0 }
  tuner:search(xt, yt, { epochs = 2, validation_data = { xv, yv }, verbose = 0 })
  for id, trial in pairs(statuses(tuner)) do
    assert(trial.status == "COMPLETED", id .. " " .. trial.status .. ": " .. tostring(trial.message))
    assert(trial.score > 0.5, "trained with the tuner's optimizer and loss: " .. trial.score)
  end

  -- a model compiled with {"mae"} scored by the tuner's {"accuracy"}
  local mae = kt.RandomSearch{
    function(hp)
      return dense_model(hp.Int("units", 8, 16, { step = 8 }), {
        optimizer = "adam", loss = keras.losses.SparseCategoricalCrossentropy{ from_logits = true }, metrics = { "mae" } })
    end,
    metrics = { "accuracy" }, objective = "val_accuracy", max_trials = 1, seed = 2,
    directory = dir, project_name = "metrics", verbose = 0 }
  mae:search(xt, yt, { epochs = 1, validation_data = { xv, yv }, verbose = 0 })
  local best = mae.oracle:get_best_trials(1)[1]
  assert(best.status == "COMPLETED" and best.metrics:exists("val_accuracy") and not best.metrics:exists("val_mae"),
         "the tuner's metrics replace the model's")
end

-- 3. executions_per_trial: the checkpoint holds the best epoch over all executions.
do
  local execution_best = {}
  local Model = kt.HyperModel:extend()
  function Model:build(hp)
    return dense_model(hp.Fixed("units", 32), {
      optimizer = keras.optimizers.Adam{ learning_rate = 0.01 },
      loss = keras.losses.SparseCategoricalCrossentropy{ from_logits = true }, metrics = { "accuracy" } })
  end
  function Model:fit(hp, model, ...)
    execution_best[#execution_best + 1] = true
    local args = { ... }
    local options = args[#args]
    -- the first execution trains well, the second hardly at all
    if #execution_best == 2 then options.epochs = 1; model.optimizer.learning_rate = 1e-6 end
    local history = model:fit(...)
    local best = -1
    for _, v in ipairs(history.history.val_accuracy) do best = math.max(best, v) end
    execution_best[#execution_best] = best
    return history
  end
  local tuner = kt.RandomSearch{ Model(), objective = "val_accuracy", max_trials = 1, executions_per_trial = 2,
                                 directory = dir, project_name = "executions", verbose = 0 }
  tuner:search(xt, yt, { epochs = 4, validation_data = { xv, yv }, verbose = 0 })
  assert(#execution_best == 2 and execution_best[1] > execution_best[2], "two executions, the first better")
  local trial = tuner.oracle:get_best_trials(1)[1]
  assert(H.close(trial.score, (execution_best[1] + execution_best[2]) / 2, 1e-6), "the score averages the executions")
  local _, accuracy = tuner:get_best_models(1)[1]:evaluate(xv, yv, { verbose = 0 })
  assert(H.close(accuracy, execution_best[1], 1e-6),
         "the checkpoint is the first execution's best epoch: " .. accuracy .. " vs " .. execution_best[1])
  assert(tuner.executions_per_trial == 2)
end

-- 4. save_model(trial_id, model, step) and load_model(trial): the weights saved at best_step.
do
  local val_loss
  local tuner = kt.RandomSearch{
    function(hp)
      return dense_model(hp.Fixed("units", 16), {
        optimizer = keras.optimizers.Adam{ learning_rate = 0.01 },
        loss = keras.losses.SparseCategoricalCrossentropy{ from_logits = true } })
    end,
    run_trial = function(self, trial, ...)
      local model = self.hypermodel:build(trial.hyperparameters)
      local tuner = self
      local saver = { on_epoch_end = function(cb, epoch, logs) tuner:save_model(trial.trial_id, cb.model, epoch) end }
      local history = model:fit(xt, yt, { epochs = 4, validation_data = { xv, yv }, callbacks = { saver }, verbose = 0 })
      val_loss = history.history.val_loss
      return history
    end,
    objective = "val_loss", max_trials = 1, directory = dir, project_name = "save_model", verbose = 0 }
  tuner:search()
  local trial = tuner.oracle:get_best_trials(1)[1]
  local loss = tuner:load_model(trial):evaluate(xv, yv, { verbose = 0 })
  assert(H.close(loss, val_loss[trial.best_step + 1], 1e-5),
         "load_model reads step " .. trial.best_step .. ": " .. loss .. " vs " .. val_loss[trial.best_step + 1])
  assert(tuner:load_model(trial.trial_id) ~= nil, "load_model takes an id too")
end

-- 5. declare_hyperparameters runs before the first build; its hyperparameters are in the space at
-- construction. 6. The space at construction has every conditional branch.
do
  local order = {}
  local Model = kt.HyperModel:extend()
  function Model:declare_hyperparameters(hp)
    order[#order + 1] = "declare"
    hp.Float("dropout", 0, 0.5)
  end
  function Model:build(hp)
    order[#order + 1] = "build"
    local kind = hp.Choice("kind", { "small", "wide", "deep" })
    hp.conditional_scope("kind", { "small" }, function() hp.Int("small_units", 4, 8) end)
    hp.conditional_scope("kind", { "wide" }, function()
      hp.Int("wide_units", 64, 128)
      hp.Boolean("wide_bias")
      hp.conditional_scope("wide_bias", { true }, function() hp.Float("bias_init", 0, 1) end)
    end)
    hp.conditional_scope("kind", { "deep" }, function() hp.Int("layers", 2, 4) end)
    return dense_model(4, { optimizer = "adam", loss = "mse" })
  end
  local tuner = kt.RandomSearch{ Model(), objective = "val_loss", max_trials = 1,
                                 directory = dir, project_name = "branches", verbose = 0 }
  assert(order[1] == "declare" and order[2] == "build", table.concat(order, " "))
  local names = {}
  for _, hp in ipairs(tuner.oracle:get_space().space) do names[#names + 1] = hp.name end
  assert(table.concat(names, " ") == "dropout kind small_units wide_units wide_bias bias_init layers",
         "every branch at construction: " .. table.concat(names, " "))
end

-- 8. tuner_id, and clear errors for an oracle or hypermodel of the wrong kind.
do
  local t = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = 1, directory = dir,
                             project_name = "ids", verbose = 0, run_trial = function() return { y = 1 } end }
  assert(t.tuner_id == "tuner0")
  local named = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = 1, directory = dir, tuner_id = "chief",
                                 project_name = "ids2", verbose = 0, run_trial = function() return { y = 1 } end }
  assert(named.tuner_id == "chief")
  H.raises("Tuner: argument 'oracle' must be an oracle", function() kt.Tuner{ oracle = {}, run_trial = function() end } end)
  H.raises("Tuner: argument 'oracle' must be an oracle", function() kt.Tuner{ oracle = 5, run_trial = function() end } end)
  H.raises("RandomSearch: hypermodel must be a build function or a kt.HyperModel", function()
    kt.RandomSearch{ hypermodel = 5, directory = dir, project_name = "bad" }
  end)
  H.raises("RandomSearch: hypermodel must be a build function or a kt.HyperModel", function()
    kt.RandomSearch{ hypermodel = { nothing = true }, directory = dir, project_name = "bad" }
  end)
end

-- 9. A project reopened in the same process: the newer tuner takes it over; the older is closed.
do
  local function make(n)
    return kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = n, seed = 3, directory = dir,
                            project_name = "reopen", verbose = 0,
                            run_trial = function(self, trial) return { y = trial.hyperparameters.Float("x", 0, 1) } end }
  end
  local first = make(2)
  first:search()
  local second = make(4)           -- `first` is still referenced
  second:search()
  H.raises("this tuner is closed", function() first:search() end)
  local count = 0
  for _ in pairs(second.oracle.trials) do count = count + 1 end
  assert(count == 4, "the second tuner continued the first's 2 trials: " .. count)
  second:close()
  H.raises("this tuner is closed", function() second:results_summary() end)
  local third = make(4)            -- a closed project opens again
  assert(third.remaining_trials == 0)
end

-- 11. A custom oracle in Lua, as Keras Tuner's guide writes one; it persists and resumes.
do
  local MyOracle = kt.oracles.Oracle:extend("MyOracle")
  local asked = {}
  function MyOracle:populate_space(trial_id)
    asked[#asked + 1] = trial_id
    if #self.hyperparameters.space == 0 then return { status = "RUNNING", values = {} } end
    return { status = "RUNNING", values = { x = (#asked - 1) / 10 } }
  end
  local function make(n)
    return kt.Tuner{ oracle = MyOracle{ objective = kt.Objective("y", "min"), max_trials = n },
                     run_trial = function(self, trial) local x = trial.hyperparameters.Float("x", 0, 1); return { y = x } end,
                     directory = dir, project_name = "custom_oracle", verbose = 0 }
  end
  local tuner = make(3)
  tuner:search()
  assert(#asked == 3 and asked[1] == "0" and asked[3] == "2", table.concat(asked, ","))
  assert(tuner.oracle:get_trial("2").hyperparameters:get("x") == 0.2)
  assert(tuner.oracle.max_trials == 3 and #tuner.oracle:get_best_trials(3) == 3)
  local resumed = make(5)
  resumed:search()
  assert(#asked == 5 and asked[4] == "3", "resumed at trial 3: " .. table.concat(asked, ","))
  local stopping = kt.oracles.Oracle:extend("Stopping")
  function stopping:populate_space() return { status = "STOPPED" } end
  local t = kt.Tuner{ oracle = stopping{ objective = kt.Objective("y", "min"), max_trials = 5 },
                      run_trial = function() return { y = 1 } end, directory = dir, project_name = "stopping", verbose = 0 }
  t:search()
  assert(next(t.oracle.trials) == nil, "STOPPED ends the search")
  H.raises("was created by a MyOracle search", function()
    kt.Tuner{ oracle = stopping{ objective = kt.Objective("y", "min") }, run_trial = function() return { y = 1 } end,
              directory = dir, project_name = "custom_oracle", verbose = 0 }
  end)
end

print("ok")
