-- Budgets (docs/reference.md, Pruning): trial_timeout stops a trial stuck in Lua or in training and the search
-- goes on; max_time; stop_after_no_improvement.
local kt = require "tunelua"
local keras = require "tunelua.keras"
local data = require "tunelua.data"
local H = dofile("helpers.lua")
local dir = H.tmpdir("budgets")

local function elapsed(t0) return os.time() - t0 end

-- an infinite Lua loop, even one that swallows errors with pcall
local ran = {}
local looping = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = 3, seed = 1, directory = dir,
  project_name = "loop", verbose = 0, trial_timeout = 0.3, max_retries_per_trial = 2,
  run_trial = function(self, trial)
    local x = trial.hyperparameters:Float("x", 0, 1)
    ran[#ran + 1] = trial.trial_id
    if trial.trial_id == "1" then
      while true do pcall(function() local a = 0 for i = 1, 1e7 do a = a + i end end) end
    end
    return x
  end }
looping:search()
local stuck = looping.oracle:get_trial("1")
assert(stuck.status == "FAILED", stuck.status)
assert(stuck.message == "timed out after 0.3 s", stuck.message)
assert(#ran == 3, "not retried, and the next trial ran: " .. table.concat(ran, ","))
assert(looping.oracle:get_trial("2").status == "COMPLETED")
-- the state is healthy afterwards: Lua code runs on
local s = 0
for i = 1, 1e6 do s = s + i end
assert(s > 0)

-- a long fit: checked between batches
local x, y = data.csv("data/digits.csv")
x = x / 16
local fitting = kt.RandomSearch{ objective = "loss", max_trials = 2, seed = 1, directory = dir, project_name = "fit",
  verbose = 0, trial_timeout = 1,
  run_trial = function(self, trial)
    local model = keras.Sequential{ keras.layers.Dense{ units = trial.hyperparameters:Int("u", 4, 64), input_shape = { 64 } },
                                    keras.layers.Dense{ units = 10 } }
    model:compile{ optimizer = "adam", loss = keras.losses.SparseCategoricalCrossentropy{ from_logits = true } }
    local long = trial.trial_id == "0"
    return model:fit(x, y, { epochs = long and 100000 or 1, batch_size = long and 8 or 512, verbose = 0 })
  end }
local t0 = os.time()
fitting:search()
assert(elapsed(t0) < 30)
assert(fitting.oracle:get_trial("0").status == "FAILED")
assert(fitting.oracle:get_trial("0").message == "timed out after 1.0 s")
assert(fitting.oracle:get_trial("1").status == "COMPLETED")

-- max_time: no trial starts after it (here given to search; per run). Trials sleep (wall time:
-- the machine may be busy, so CPU time would say little).
local function busy(seconds) os.execute("sleep " .. seconds) end
local timed = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = 100, seed = 1, directory = dir,
  project_name = "timed", verbose = 0,
  run_trial = function(self, trial) busy(0.1) return trial.hyperparameters:Float("x", 0, 1) end }
timed:search{ max_time = 0.35 }
local n = H.count(timed.oracle.trials)
assert(n >= 1 and n <= 4, "trials within max_time: " .. n)
timed:search{ max_time = 0.25 }
assert(H.count(timed.oracle.trials) > n, "a new run starts a new budget")

-- stop_after_no_improvement: constant scores never improve after the first
local flat = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = 50, seed = 1, directory = dir,
  project_name = "flat", verbose = 0, stop_after_no_improvement = 4,
  run_trial = function(self, trial) trial.hyperparameters:Float("x", 0, 1) return 1 end }
flat:search()
assert(H.count(flat.oracle.trials) == 5, "first trial + 4 without improvement: " .. H.count(flat.oracle.trials))

H.raises("max_time must be a positive number", function()
  kt.RandomSearch{ objective = "loss", max_time = 0, run_trial = function() end, directory = dir, project_name = "x" } end)
H.raises("search: argument 'max_time' must be a positive number", function() timed:search{ max_time = "soon" } end)
