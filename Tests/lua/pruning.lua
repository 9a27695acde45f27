-- Pruning black-box trials (docs/reference.md, Pruning): trial:report, trial:should_prune, kt.errors.TrialPruned.
local kt = require "tunelua"
local H = dofile("helpers.lua")
local dir = H.tmpdir("pruning")

local runs = 0
local function curves(self, trial)
  runs = runs + 1
  local x = trial.hyperparameters:Float("x", 0, 1)
  local v
  for step = 0, 9 do
    v = x + 1 / (step + 1)
    trial:report(step, v)
    if trial:should_prune() then return end  -- a bare return: ignored, the trial is pruned
  end
  return { loss = v }
end

local function tuner(max_trials)
  return kt.RandomSearch{ objective = kt.Objective("loss", "min"), max_trials = max_trials, seed = 3,
                          directory = dir, project_name = "curves", verbose = 0,
                          pruner = kt.pruners.MedianPruner{ n_startup_trials = 2 }, run_trial = curves }
end

local t = tuner(12)
t:search()
local pruned, completed = {}, 0
for id, trial in pairs(t.oracle.trials) do
  if trial.status == "PRUNED" then
    pruned[#pruned + 1] = id
    local iv = trial:intermediate_values("loss")
    assert(#iv >= 1 and #iv < 10, "a pruned trial stops early: " .. #iv)
    assert(iv[#iv].step == #iv - 1)
    assert(trial.score == iv[#iv].value, "a pruned trial's score is its last value (Optuna)")
  else
    assert(trial.status == "COMPLETED", trial.status)
    completed = completed + 1
    assert(#trial:intermediate_values("loss") == 10)
    assert(#trial:intermediate_values() == 10, "no name: the objective's")
  end
end
assert(#pruned > 0 and H.count(t.oracle.trials) == 12, "pruned trials count toward max_trials")
assert(runs == 12, "no pruned trial is retried")
for _, best in ipairs(t.oracle:get_best_trials(completed)) do assert(best.status == "COMPLETED") end
-- trial.metrics keeps Keras Tuner's meaning: what run_trial returned, not the reports
local best = t.oracle:get_best_trials(1)[1]
assert(#best.metrics:get_history("loss") == 1)

-- resume: the stored trials come back with their status and intermediate values, and are not re-run
t:close()
runs = 0
local again = tuner(15)
for _, id in ipairs(pruned) do
  local trial = again.oracle:get_trial(id)
  assert(trial.status == "PRUNED" and #trial:intermediate_values("loss") >= 1)
end
again:search()
assert(runs == 3, "only the new trials run: " .. runs)
local pruned_now = 0
for _, trial in pairs(again.oracle.trials) do if trial.status == "PRUNED" then pruned_now = pruned_now + 1 end end
again:close()

-- the stored table (docs/project-files.md promises sqlite3 can read the project)
local sqlite = io.popen("command -v sqlite3"):read("l")
if sqlite then
  local db = dir .. "/curves/tunelua.db"
  local n = tonumber(io.popen("sqlite3 '" .. db .. "' \"SELECT count(*) FROM trials WHERE status = 'PRUNED'\""):read("l"))
  assert(n == pruned_now, "PRUNED rows: " .. tostring(n))
  local version = tonumber(io.popen("sqlite3 '" .. db .. "' 'PRAGMA user_version'"):read("l"))
  assert(version >= 2)
  assert(tonumber(io.popen("sqlite3 '" .. db .. "' 'SELECT count(*) FROM intermediate_values'"):read("l")) > 12)
end

-- raising kt.errors.TrialPruned prunes too; a table report keeps every metric
local raised = kt.RandomSearch{ objective = "val_loss", max_trials = 2, directory = dir, project_name = "raised", verbose = 0,
  run_trial = function(self, trial)
    trial.hyperparameters:Int("n", 1, 5)
    trial:report(0, { val_loss = 3, accuracy = 0.25 })
    if trial.trial_id == "1" then error(kt.errors.TrialPruned("too slow")) end
    return 1
  end }
raised:search()
local p = raised.oracle:get_trial("1")
assert(p.status == "PRUNED", p.status)
assert(p:intermediate_values("accuracy")[1].value == 0.25)
assert(raised.oracle:get_trial("0").status == "COMPLETED")

-- every pruner, passed to every kind of tuner
local pruners = {
  kt.pruners.MedianPruner{}, kt.pruners.PercentilePruner{ 25.0, n_warmup_steps = 1 },
  kt.pruners.SuccessiveHalvingPruner{ min_resource = 1, reduction_factor = 2 }, kt.pruners.SuccessiveHalvingPruner{},
  kt.pruners.HyperbandPruner{ max_resource = 10 }, kt.pruners.HyperbandPruner{ min_resource = 1, max_resource = "auto" },
  kt.pruners.ThresholdPruner{ upper = 1.5 }, kt.pruners.PatientPruner{ kt.pruners.MedianPruner{}, patience = 2 },
  kt.pruners.PatientPruner{ patience = 1, min_delta = 0.1 },
}
for i, pruner in ipairs(pruners) do
  assert(tostring(pruner):find("Pruner"), tostring(pruner))
  for _, Tuner in ipairs({ kt.RandomSearch, kt.BayesianOptimization, kt.TPE }) do
    runs = 0
    local tu = Tuner{ objective = kt.Objective("loss", "min"), max_trials = 4, seed = i, directory = dir,
                      project_name = "all" .. i, overwrite = true, verbose = 0, pruner = pruner, run_trial = curves }
    tu:search()
    assert(runs == 4)
    tu:close()
  end
end

-- misuse is a clear error
H.raises("MedianPruner: unknown argument 'n_startup_trial' (did you mean 'n_startup_trials'?)", function()
  kt.pruners.MedianPruner{ n_startup_trial = 1 } end)
H.raises("percentile must be between 0 and 100", function() kt.pruners.PercentilePruner{ 120 } end)
H.raises("either lower or upper must be specified", function() kt.pruners.ThresholdPruner{} end)
H.raises("min_resource", function() kt.pruners.SuccessiveHalvingPruner{ min_resource = "fixed" } end)
H.raises("argument 'pruner' must be a pruner", function()
  kt.RandomSearch{ pruner = "median", run_trial = curves, directory = dir, project_name = "bad" } end)
local outside = raised.oracle:get_trial("0")
H.raises("report: trial 0 is not running in a search", function() outside:report(1, 0.5) end)
H.raises("should_prune: trial 0 is not running", function() outside:should_prune() end)
