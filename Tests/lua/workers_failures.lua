-- Failures in a parallel search behave as with one worker (docs/reference.md, Parallel search): a FatalError in any
-- worker stops every worker and reaches the main state with its kind; the consecutive-failure
-- limit counts every worker's failures; a failed trial is retried, by whichever worker is free.
local kt = require "tunelua"
local H = dofile("helpers.lua")
local dir = H.procdir("workers_failures")

local spin = H.spin

local function trials_of(tuner)
  local list = {}
  for _, t in pairs(tuner.oracle.trials) do list[#list + 1] = t end
  table.sort(list, function(a, b) return tonumber(a.trial_id) < tonumber(b.trial_id) end)
  return list
end

-- A FatalError raised by trial 03 in whichever worker runs it stops the other one too.
local fatal = kt.RandomSearch{ max_trials = 20, seed = 1, workers = 2, directory = dir, project_name = "fatal",
  overwrite = true, verbose = 0,
  run_trial = function(self, trial)
    local x = trial.hyperparameters.Float("x", 0, 1)
    spin()
    if tonumber(trial.trial_id) == 3 then error(kt.errors.FatalError("stop now")) end
    spin()
    return x
  end }
local ok, err = pcall(fatal.search, fatal)
if not kt.is_worker() then
  assert(not ok, "a FatalError in a worker must stop the search")
  assert(getmetatable(err) == kt.errors.FatalError and err.message == "stop now", tostring(err))
  local list = trials_of(fatal)
  assert(#list <= 6, "the search went on after the FatalError: " .. #list .. " trials")
  local completed = 0
  for _, t in ipairs(list) do if t.status == "COMPLETED" then completed = completed + 1 end end
  assert(completed < #list and completed <= 4, completed .. " of " .. #list .. " trials completed")
end

-- Three failures in a row, counted across both workers, abort the search.
local failing = kt.RandomSearch{ max_trials = 20, seed = 1, workers = 2, max_consecutive_failed_trials = 3,
  directory = dir, project_name = "consecutive", overwrite = true, verbose = 0,
  run_trial = function(self, trial)
    trial.hyperparameters.Float("x", 0, 1)
    spin()
    error("broken trial " .. trial.trial_id)
  end }
ok, err = pcall(failing.search, failing)
if not kt.is_worker() then
  assert(not ok and tostring(err):find("consecutive", 1, true), tostring(err))
  local failed, running = 0, 0
  for _, t in ipairs(trials_of(failing)) do
    if t.status == "FAILED" then
      failed = failed + 1
      assert(tostring(t.message):find("broken trial " .. t.trial_id, 1, true), t.trial_id .. ": " .. tostring(t.message))
    else
      -- the other worker's trial, stopped with the search: it runs again on resume
      assert(t.status == "RUNNING", t.trial_id .. " " .. t.status)
      running = running + 1
    end
  end
  assert(failed == 3 and running <= 1, failed .. " failed and " .. running .. " stopped trials")
end

-- A failed trial runs again (max_retries_per_trial) and then completes; every id once.
if not kt.is_worker() then os.remove(dir .. "/retried-2") end
local retried = kt.RandomSearch{ max_trials = 6, seed = 1, workers = 2, max_retries_per_trial = 1,
  directory = dir, project_name = "retries", overwrite = true, verbose = 0,
  run_trial = function(self, trial)
    local x = trial.hyperparameters.Float("x", 0, 1)
    spin()
    local marker = dir .. "/retried-" .. trial.trial_id
    if trial.trial_id == "2" and not io.open(marker) then
      io.open(marker, "w"):close()
      error("first attempt fails")
    end
    return x
  end }
retried:search()
if not kt.is_worker() then
  local list = trials_of(retried)
  assert(#list == 6, #list .. " trials")
  for _, t in ipairs(list) do assert(t.status == "COMPLETED", t.trial_id .. " " .. t.status) end
  print("workers_failures: ok")
end
