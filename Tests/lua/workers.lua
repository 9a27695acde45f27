-- Parallel search with workers = N (docs/reference.md, Parallel search): every oracle hands out exactly its trials, no id
-- or configuration twice, each trial records the worker that ran it, and code after search() runs
-- in the main state only. Worker states run this script again up to each search, so every check
-- sits behind `kt.is_worker()`.
local kt = require "tunelua"
local H = dofile("helpers.lua")
local dir = H.procdir("workers")

local spin = H.spin

local function objective(hp)
  local x = hp.Float("x", -2, 2)
  local n = hp.Int("n", 1, 4)
  spin()
  return (x - 0.5) ^ 2 + n
end

--- Runs one search and, in the main state, returns its trials as a list.
local function search(name, make, args)
  args.directory, args.project_name, args.overwrite, args.verbose = dir, name, true, 0
  if not args.oracle then args.objective = args.objective or kt.Objective("y", "min") end
  args.run_trial = args.run_trial or function(self, trial) return objective(trial.hyperparameters) end
  local tuner = make(args)
  tuner:search()
  if kt.is_worker() then return nil end
  local list = {}
  for _, t in pairs(tuner.oracle.trials) do list[#list + 1] = t end
  table.sort(list, function(a, b) return tonumber(a.trial_id) < tonumber(b.trial_id) end)
  return list, tuner
end

--- The checks every parallel search must pass.
local function check(name, trials, expected, workers, distinct_values)
  if not trials then return end
  assert(#trials == expected, name .. ": " .. #trials .. " trials, expected " .. expected)
  local ids, configs, used = {}, {}, {}
  for i, t in ipairs(trials) do
    assert(tonumber(t.trial_id) == i - 1, name .. ": trial ids are not 0.." .. expected - 1)
    assert(t.status == "COMPLETED", name .. ": trial " .. t.trial_id .. " is " .. t.status .. " " .. tostring(t.message))
    assert(t.worker and t.worker:match("^tuner%d$"), name .. ": trial " .. t.trial_id .. " has worker " .. tostring(t.worker))
    used[t.worker] = true
    local key = tostring(t.hyperparameters.values.x) .. "/" .. tostring(t.hyperparameters.values.n)
    if distinct_values then
      assert(not configs[key], name .. ": configuration " .. key .. " handed out twice")
    end
    configs[key] = true
  end
  -- (nil when trials are too few and short for every worker to be sure of one)
  local n = H.count(used)
  assert(not workers or n == workers, name .. ": " .. n .. " of " .. tostring(workers) .. " workers ran trials")
end

local trials = search("random2", kt.RandomSearch, { max_trials = 8, seed = 3, workers = 2 })
check("RandomSearch, 2 workers", trials, 8, 2, true)

trials = search("random4", kt.RandomSearch, { max_trials = 12, seed = 3, workers = 4 })
check("RandomSearch, 4 workers", trials, 12, 4, true)

trials = search("grid", kt.GridSearch, {
  workers = 2,
  run_trial = function(self, trial)
    local hp = trial.hyperparameters
    local n = hp.Int("n", 1, 4)
    local x = hp.Choice("x", { -1, 0, 1 })
    spin()
    return n + x
  end })
-- the product of n's 4 values and x's 3, each once
check("GridSearch, 2 workers", trials, 12, 2, true)

trials = search("bo", kt.BayesianOptimization, { max_trials = 8, seed = 3, workers = 2, num_initial_points = 3 })
check("BayesianOptimization, 2 workers", trials, 8, 2, true)

trials = search("tpe", kt.TPE, { max_trials = 8, seed = 3, workers = 2, n_startup_trials = 3 })
check("TPE, 2 workers", trials, 8, 2, true)

-- Hyperband: the same trials in parallel as alone (its brackets fix how many), promotions included
local function hyperband(name, workers)
  return search(name, kt.Hyperband, {
    max_epochs = 9, factor = 3, seed = 3, workers = workers,
    run_trial = function(self, trial)
      local hp = trial.hyperparameters
      local epochs = hp.values["tuner/epochs"]
      return objective(hp) / epochs
    end })
end
local alone = hyperband("hyperband1", 1)
trials = hyperband("hyperband2", 2)
if trials then
  check("Hyperband, 2 workers", trials, #alone, 2, false)
  local promoted = 0
  for _, t in ipairs(trials) do
    if t.hyperparameters.values["tuner/trial_id"] then promoted = promoted + 1 end
  end
  assert(promoted > 0, "Hyperband with 2 workers promoted no trial")
end

-- A custom oracle written in Lua proposes in whichever state asks (docs/reference.md, Oracles)
local Counting = kt.oracles.Oracle:extend()
function Counting:populate_space(trial_id)
  local i = tonumber(trial_id)
  if i >= 6 then return { status = "STOPPED" } end
  return { status = "RUNNING", values = { x = i / 10 - 1, n = i % 4 + 1 } }
end
trials = search("custom", kt.Tuner, {
  oracle = Counting{ objective = kt.Objective("y", "min"), max_trials = 10 }, workers = 2 })
check("custom Lua oracle, 2 workers", trials, 6, 2, true)

-- seeded RandomSearch gives the same trials for any worker count
local one = search("same1", kt.RandomSearch, { max_trials = 6, seed = 21, workers = 1 })
local two = search("same2", kt.RandomSearch, { max_trials = 6, seed = 21, workers = 2 })
if one then
  for i = 1, 6 do
    assert(one[i].hyperparameters.values.x == two[i].hyperparameters.values.x,
           "trial " .. one[i].trial_id .. " differs between 1 and 2 workers")
  end
  assert(one[1].worker == "tuner0", "one worker is tuner0 too")
end

-- and GridSearch too
local function grid(name, workers)
  return search(name, kt.GridSearch, { workers = workers,
    run_trial = function(self, trial)
      local hp = trial.hyperparameters
      spin()
      return hp.Int("n", 1, 3) + hp.Choice("c", { 1, 2 })
    end })
end
local g1, g2 = grid("grid1", 1), grid("grid2", 2)
if g1 then
  assert(#g1 == 6 and #g2 == 6, #g1 .. " and " .. #g2 .. " grid trials")
  for i = 1, 6 do
    local a, b = g1[i].hyperparameters.values, g2[i].hyperparameters.values
    assert(a.n == b.n and a.c == b.c, "grid trial " .. g1[i].trial_id .. " differs between 1 and 2 workers")
  end
end

-- workers = "auto" is the CPUs this process may run on
local auto = kt.RandomSearch{ max_trials = 1, workers = "auto", directory = dir, project_name = "auto",
                              overwrite = true, verbose = 0, run_trial = function() return 0 end }
if not kt.is_worker() then
  local nproc = tonumber(io.popen("nproc"):read("l"))
  assert(auto.workers == nproc, "workers = 'auto' gave " .. tostring(auto.workers) .. ", nproc says " .. nproc)
end

-- deterministic = true: model-based oracles propose in batches, so two runs give the same trials
for _, make in ipairs({ { "BayesianOptimization", { num_initial_points = 2 } }, { "TPE", { n_startup_trials = 2 } },
                         { "Hyperband", { max_epochs = 9, factor = 3 } } }) do
  local name, extra = make[1], make[2]
  local runs = {}
  for run = 1, 2 do
    local args = { max_trials = 8, seed = 4, workers = 2, deterministic = true }
    for k, v in pairs(extra) do args[k] = v end
    if name == "Hyperband" then args.max_trials = nil end
    runs[run] = search("det_" .. name .. run, kt[name], args)
  end
  if runs[1] then
    assert(#runs[1] == #runs[2], name .. ": " .. #runs[1] .. " and " .. #runs[2] .. " trials")
    for i, t in ipairs(runs[1]) do
      local u = runs[2][i]
      for k, v in pairs(t.hyperparameters.values) do
        assert(u.hyperparameters.values[k] == v,
               name .. " with deterministic = true: trial " .. t.trial_id .. "'s " .. k .. " differs between runs")
      end
    end
  end
end

-- model tuning: each worker builds and trains its own models; the best model loads in the main state
local keras = require "tunelua.keras"
local data = require "tunelua.data"
local x, y = data.csv("data/digits.csv")
local x_train, y_train, x_val, y_val = data.split(x / 16, y, { fraction = 0.8, seed = 1 })
local function build(hp)
  local model = keras.Sequential{ seed = 1 }
  model:add(keras.layers.Dense{ units = hp.Int("units", 8, 64, { step = 8 }), activation = "relu", input_shape = { 64 } })
  model:add(keras.layers.Dense{ units = 10, activation = "softmax" })
  model:compile{ optimizer = keras.optimizers.Adam{ learning_rate = hp.Choice("lr", { 1e-2, 3e-3 }) },
                 loss = "sparse_categorical_crossentropy", metrics = { "accuracy" } }
  return model
end
local tuner = kt.RandomSearch{ build, objective = "val_accuracy", max_trials = 4, seed = 2, workers = 2,
                               executions_per_trial = 1, directory = dir, project_name = "keras", overwrite = true,
                               verbose = 0 }
tuner:search(x_train, y_train, { epochs = 3, validation_data = { x_val, y_val }, verbose = 0 })
if not kt.is_worker() then
  local list = {}
  for _, t in pairs(tuner.oracle.trials) do list[#list + 1] = t end
  table.sort(list, function(a, b) return tonumber(a.trial_id) < tonumber(b.trial_id) end)
  check("model tuning, 2 workers", list, 4, nil, false)
  local best = tuner:get_best_models(1)[1]
  local _, accuracy = best:evaluate(x_val, y_val, { verbose = 0 })
  local score = tuner.oracle:get_best_trials(1)[1].score
  assert(math.abs(accuracy - score) < 1e-6, "the best model reloads with its score: " .. accuracy .. " vs " .. score)
end

if not kt.is_worker() then print("workers: ok") end
