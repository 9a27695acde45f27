-- Extending tuner classes in Lua, hooks, and calling the parent's methods.
local kt = require "tunelua"
local H = dofile("helpers.lua")
local dir = H.tmpdir("subclass")

local events = {}
local MyTuner = kt.RandomSearch:extend()
function MyTuner:run_trial(trial, scale)
  local x = trial.hyperparameters.Float("x", 0, 1)
  return { loss = x * scale, other = 1 }
end
function MyTuner:on_search_begin() events[#events + 1] = "search_begin" end
function MyTuner:on_trial_begin(trial) events[#events + 1] = "begin " .. trial.trial_id end
function MyTuner:on_trial_end(trial) events[#events + 1] = "end " .. trial.status end
function MyTuner:on_search_end() events[#events + 1] = "search_end" end

local tuner = MyTuner{ objective = "loss", max_trials = 2, directory = dir, project_name = "p", verbose = 0 }
assert(kt.RandomSearch:is_instance(tuner) and kt.Tuner:is_instance(tuner))
tuner:search(10)   -- search's arguments reach run_trial
assert(table.concat(events, "|") == "search_begin|begin 0|end COMPLETED|begin 1|end COMPLETED|search_end",
       table.concat(events, "|"))
local best = tuner.oracle:get_best_trials(1)[1]
assert(best.metrics:get_direction("loss") == "min")
assert(best.metrics:get_last_value("other") == 1)

-- an array of results is averaged per metric
local Avg = kt.RandomSearch:extend()
function Avg:run_trial(trial)
  trial.hyperparameters.Int("k", 1, 1)
  return { { loss = 1 }, { loss = 3 } }
end
local avg = Avg{ objective = "loss", max_trials = 1, directory = dir, project_name = "avg", verbose = 0 }
avg:search()
assert(avg.oracle:get_best_trials(1)[1].score == 2)

-- a subclass of a subclass can call up the chain
local Base = kt.RandomSearch:extend()
function Base:run_trial(trial) return trial.hyperparameters.Float("x", 0, 1) end
local Child = Base:extend()
function Child:run_trial(trial) return Base.run_trial(self, trial) + 100 end
local child = Child{ max_trials = 1, directory = dir, project_name = "child", verbose = 0 }
child:search()
assert(child.oracle:get_best_trials(1)[1].score >= 100)

-- the base tuner takes an oracle object
local oracle = kt.oracles.RandomSearchOracle{ objective = kt.Objective("y", "max"), max_trials = 3, seed = 1 }
local base = kt.Tuner{ oracle = oracle, directory = dir, project_name = "base", verbose = 0,
  run_trial = function(self, trial) return { y = trial.hyperparameters.Float("y_in", 0, 1) } end }
base:search()
assert(base.oracle == oracle and #base:get_best_hyperparameters(3) == 3)
local first = base:get_best_hyperparameters(3)
assert(first[1]:get("y_in") >= first[2]:get("y_in"), "max objective sorts descending")

-- without run_trial or a hypermodel, the error says what to do
H.raises("no hypermodel and no run_trial", function()
  kt.RandomSearch{ max_trials = 1, directory = dir, project_name = "bare", verbose = 0 }
end)

-- a HyperModel subclass
local HM = kt.HyperModel:extend()
function HM:build(hp) return hp.Int("n", 1, 3) end
local hm = HM()
local hp = kt.HyperParameters()
assert(hm:build(hp) == 1)
print("subclassing ok")
