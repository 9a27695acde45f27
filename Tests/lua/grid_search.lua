-- GridSearch, retries and failure handling, as Keras Tuner's acceptance tests check them.
local kt = require "tunelua"
local H = dofile("helpers.lua")
local dir = H.tmpdir("grid")

-- An assert inside run_trial only fails that trial (the tuner catches it and goes on), so the
-- checks below collect in run_trial and assert after search() returns.

-- Choice(2) x Boolean x Choice(2) x Choice(3) x Fixed: exactly 24 distinct trials
local seen, repeated, runs = {}, {}, 0
local grid = kt.GridSearch{ directory = dir, project_name = "g24", verbose = 0,
  run_trial = function(self, trial)
    runs = runs + 1
    local hp = trial.hyperparameters
    local key = table.concat({ hp.Choice("a", { 1, 2 }), tostring(hp.Boolean("b")), hp.Choice("c", { "x", "y" }),
                               hp.Choice("d", { 0.1, 0.2, 0.3 }), hp.Fixed("e", 5) }, ",")
    if seen[key] then repeated[#repeated + 1] = key end
    seen[key] = true
    return runs
  end }
grid:search()
assert(#repeated == 0, "grid repeated " .. table.concat(repeated, " "))
assert(runs == 24 and H.count(seen) == 24, "ran " .. runs)

-- the defaults first, then odometer order (the last declared changes fastest); each value list
-- starts at its default, as in Keras Tuner: q = b, then a
local order = {}
local g2 = kt.GridSearch{ directory = dir, project_name = "order", verbose = 0,
  run_trial = function(self, trial)
    local hp = trial.hyperparameters
    order[#order + 1] = hp.Int("p", 1, 2) .. hp.Choice("q", { "a", "b" }, { default = "b" })
    return 0
  end }
g2:search()
assert(table.concat(order, " ") == "1b 1a 2b 2a", table.concat(order, " "))

-- Int(1, 5) x Float(1, 2): 5 x 11 = 55 trials (the Float's default 1.0 and its 10 bucket
-- centres), each combination once
local want = {}
for i = 1, 5 do
  want[string.format("%d,%.17g", i, 1.0)] = true
  for k = 0, 9 do want[string.format("%d,%.17g", i, (k * 0.1 + 0.05) * (2 - 1) + 1)] = true end
end
local got, extra, n55 = {}, {}, 0
local g55 = kt.GridSearch{ directory = dir, project_name = "g55", verbose = 0,
  run_trial = function(self, trial)
    n55 = n55 + 1
    local hp = trial.hyperparameters
    local key = string.format("%d,%.17g", hp.Int("i", 1, 5), hp.Float("f", 1, 2))
    if got[key] or not want[key] then extra[#extra + 1] = key end
    got[key] = true
    return 0
  end }
g55:search()
assert(#extra == 0, "repeated or unexpected: " .. table.concat(extra, " "))
assert(n55 == 55 and H.count(got) == 55, "ran " .. n55 .. ", distinct " .. H.count(got))
for key in pairs(want) do assert(got[key], "never ran " .. key) end

-- an error on 2 of 5 values, 2 retries: 3 + 2*3 = 9 calls; with FailedTrialError: 5
local function failing(retries, make_error)
  local calls = 0
  local t = kt.GridSearch{ directory = dir, project_name = "retry" .. tostring(make_error ~= nil), overwrite = true,
    max_retries_per_trial = retries, max_consecutive_failed_trials = 10, verbose = 0,
    run_trial = function(self, trial)
      calls = calls + 1
      local v = trial.hyperparameters.Choice("v", { 1, 2, 3, 4, 5 })
      if v == 2 or v == 4 then error(make_error and make_error("bad value " .. v) or ("bad value " .. v)) end
      return v
    end }
  t:search()
  return calls, t
end
local calls, t = failing(2, nil)
assert(calls == 9, "ran " .. calls)
local failed = 0
for _, trial in pairs(t.oracle.trials) do
  if trial.status == "FAILED" then
    failed = failed + 1
    assert(trial.message:find("bad value"), trial.message)
    assert(trial.message:find("stack traceback"), "the traceback is kept with the message")
  end
end
assert(failed == 2)
calls = failing(2, kt.errors.FailedTrialError)
assert(calls == 5, "ran " .. calls)

-- consecutive failures abort the search with a message
local t3 = kt.RandomSearch{ max_trials = 10, directory = dir, project_name = "abort", verbose = 0,
  max_consecutive_failed_trials = 3,
  run_trial = function(self, trial) trial.hyperparameters.Float("x", 0, 1); error("always") end }
H.raises("consecutive", function() t3:search() end)

-- a NaN objective is INVALID and can succeed on retry; the old message is then gone
local attempts = {}
local t4 = kt.GridSearch{ directory = dir, project_name = "nan", verbose = 0, max_retries_per_trial = 1,
  run_trial = function(self, trial)
    local v = trial.hyperparameters.Choice("v", { 1 })
    attempts[#attempts + 1] = trial.trial_id
    if #attempts == 1 then return 0 / 0 end
    return v
  end }
t4:search()
assert(#attempts == 2 and attempts[1] == attempts[2], "a retry re-runs the same trial id")
local only = t4.oracle:get_trial(attempts[1])
assert(only.status == "COMPLETED" and only.score == 1 and only.message == nil)

-- FatalError aborts the search at once, keeping its kind
local t5 = kt.RandomSearch{ max_trials = 5, directory = dir, project_name = "fatal", verbose = 0,
  run_trial = function() error(kt.errors.FatalError("stop now")) end }
local ok, err = pcall(function() t5:search() end)
assert(not ok and getmetatable(err) == kt.errors.FatalError and err.message == "stop now", tostring(err))
print("grid_search ok")
