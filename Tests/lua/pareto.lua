-- Pareto multi-objective search (docs/reference.md, "Pareto mode"): multi_objective = "pareto",
-- trial.objective_values, get_best_trials front by front, oracle:hypervolume, resume, pruning.
local kt = require "tunelua"
local H = dofile("helpers.lua")
local dir = H.tmpdir("pareto")

local objectives = { kt.Objective("f1", "min"), kt.Objective("f2", "min") }
local function quadratics(self, trial)
  local x = trial.hyperparameters:Float("x", -5, 5)
  return { f1 = x * x, f2 = (x - 2) ^ 2 }
end

local function tuner(max_trials)
  return kt.TPE{ objective = objectives, multi_objective = "pareto", max_trials = max_trials, seed = 2,
                 n_startup_trials = 5, directory = dir, project_name = "quadratics", verbose = 0,
                 run_trial = quadratics }
end

local function pruned_count(tuner)
  local n = 0
  for _, trial in pairs(tuner.oracle.trials) do if trial.status == "PRUNED" then n = n + 1 end end
  return n
end

local function dominates(a, b)
  local better = false
  for i = 1, #a do
    if a[i] > b[i] then return false end
    if a[i] < b[i] then better = true end
  end
  return better
end

local t = tuner(20)
t:search()
local best = t.oracle:get_best_trials(20)
assert(#best == 20)
-- The fronts in order: no trial is dominated by one listed after it; the first is non-dominated.
for i, a in ipairs(best) do
  local x = a.hyperparameters.values.x
  assert(H.close(a.objective_values[1], x * x) and H.close(a.objective_values[2], (x - 2) ^ 2))
  for j = i + 1, #best do
    assert(not dominates(best[j].objective_values, a.objective_values), "trial " .. j .. " dominates " .. i)
  end
end
for _, other in ipairs(best) do assert(not dominates(other.objective_values, best[1].objective_values)) end
local hps = t:get_best_hyperparameters(3)
for i = 1, 3 do assert(hps[i].values.x == best[i].hyperparameters.values.x, "same order as get_best_trials") end
local hv = t.oracle:hypervolume({ 30, 30 })
assert(hv > 800 and hv < 900, "hypervolume " .. hv)  -- the ideal front would reach about 897
assert(t.oracle:hypervolume() > 0, "default: the nadir-based reference point")
H.raises("reference_point has 3 values", function() t.oracle:hypervolume({ 1, 2, 3 }) end)
t:results_summary(2)
assert(tostring(t.oracle):find("objective=pareto (f1: min, f2: min)", 1, true), tostring(t.oracle))
assert(tostring(t.oracle):find("Pareto front of %d+ trials"), tostring(t.oracle))

-- resume: the values come back from the store, and the search goes on from them
t:close()
local again = tuner(24)
local same = again.oracle:get_best_trials(20)
for i = 1, 20 do
  assert(same[i].trial_id == best[i].trial_id)
  assert(same[i].objective_values[1] == best[i].objective_values[1])
end
again:search()
assert(H.count(again.oracle.trials) == 24)
again:close()

-- without multi_objective the list keeps Keras Tuner's meaning, the sum
local sum = kt.RandomSearch{ objective = objectives, max_trials = 3, seed = 1, directory = dir, project_name = "sum",
                             verbose = 0, run_trial = quadratics }
sum:search()
local first = sum.oracle:get_best_trials(1)[1]
assert(first.objective_values == nil)
assert(H.close(first.score, first.metrics:get_best_value("f1") + first.metrics:get_best_value("f2")))

-- misuse is refused with a clear error
H.raises("needs a list of at least two objectives", function()
  kt.RandomSearch{ objective = "loss", multi_objective = "pareto", directory = dir, project_name = "one", run_trial = quadratics }
end)
H.raises("did you mean 'pareto'", function()
  kt.RandomSearch{ objective = objectives, multi_objective = "paretto", directory = dir, project_name = "typo", run_trial = quadratics }
end)
H.raises("ThresholdPruner does not support multi_objective", function()
  kt.RandomSearch{ objective = objectives, multi_objective = "pareto", directory = dir, project_name = "threshold",
                   pruner = kt.pruners.ThresholdPruner{ lower = 0 }, run_trial = quadratics }
end)
local oracle = kt.oracles.BayesianOptimizationOracle{ objective = objectives, multi_objective = "pareto", max_trials = 8 }
H.raises("must match the oracle's", function()
  kt.Tuner{ oracle = oracle, multi_objective = "sum", directory = dir, project_name = "mismatch", run_trial = quadratics }
end)
local bo = kt.Tuner{ oracle = oracle, multi_objective = "pareto", directory = dir, project_name = "bo", verbose = 0,
                     run_trial = quadratics }
bo:search()
assert(#bo.oracle:get_best_trials(1)[1].objective_values == 2)

-- pruning: the median pruner stops trials dominated by the scaled front at a step
local runs = 0
local pruned = kt.RandomSearch{ objective = objectives, multi_objective = "pareto", max_trials = 12, seed = 5,
  directory = dir, project_name = "pruned", verbose = 0, pruner = kt.pruners.MedianPruner{ n_startup_trials = 3 },
  run_trial = function(self, trial)
    runs = runs + 1
    local x = trial.hyperparameters:Float("x", 0, 2)
    local offset = trial.hyperparameters:Float("offset", 0, 3)
    local v
    for step = 0, 4 do
      v = { f1 = x * x + offset / (step + 1) + offset, f2 = (x - 2) ^ 2 + offset }
      trial:report(step, v)
      if trial:should_prune() then return end
    end
    return v
  end }
pruned:search()
local n = pruned_count(pruned)
assert(n > 0 and runs == 12, "pruned " .. n)
for _, b in ipairs(pruned.oracle:get_best_trials(12 - n)) do assert(b.status == "COMPLETED") end

-- Hyperband's pruner ranks each rung by front
local halved = kt.RandomSearch{ objective = objectives, multi_objective = "pareto", max_trials = 12, seed = 5,
  directory = dir, project_name = "halved", verbose = 0,
  pruner = kt.pruners.HyperbandPruner{ min_resource = 1, max_resource = 5, reduction_factor = 2 },
  run_trial = function(self, trial)
    local x, offset = trial.hyperparameters:Float("x", 0, 2), trial.hyperparameters:Float("offset", 0, 3)
    local v
    for step = 0, 4 do
      v = { f1 = x * x + offset, f2 = (x - 2) ^ 2 + offset }
      trial:report(step, v)
      if trial:should_prune() then return end
    end
    return v
  end }
halved:search()
local stopped = pruned_count(halved)
assert(stopped > 0, "Hyperband pruned none")
print("pareto.lua ok")
