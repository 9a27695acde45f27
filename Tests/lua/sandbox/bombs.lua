-- CPU and memory bombs end their trial, not the process: each trial below fails with its
-- message and the next one runs. Run by Tests/CLITests/SandboxTests.swift as
-- `tunelua --sandbox --cpu-limit 1 --memory-limit 64M bombs.lua`.
local kt = require "tunelua"
local keras = require "tunelua.keras"

local bombs = {
  -- CPU: a loop that swallows every error, a collector run in a loop, coroutines that never yield
  function() while true do pcall(function() local a = 0 for i = 1, 1e7 do a = a + i end end) end end,
  function() while true do collectgarbage("collect") end end,
  function() coroutine.wrap(function() while true do end end)() end,
  function()
    local co = coroutine.create(function() while true do pcall(error, "caught") end end)
    while true do coroutine.resume(co) end
  end,
  function()   -- coroutines inside coroutines, each catching what it can
    local function nest(n)
      if n == 0 then while true do end end
      return coroutine.wrap(function() while true do pcall(nest, n - 1) end end)()
    end
    nest(5)
  end,
  -- memory: the Lua heap, one huge string, and the engine's buffers
  function() local t = {} while true do t[#t + 1] = string.rep("x", 1 << 24) .. #t end end,
  function() return #string.rep("x", 1 << 30) end,
  function() local t = {} for i = 1, 1e9 do t[i] = i end end,
  function()
    local m = keras.Sequential{ keras.layers.Dense{ units = 1 << 20, input_shape = { 1 << 16 } } }
    return m
  end,
}
local expected = {
  "exceeded its CPU time limit of 1.0 s", "exceeded its CPU time limit of 1.0 s", "exceeded its CPU time limit of 1.0 s",
  "exceeded its CPU time limit of 1.0 s", "exceeded its CPU time limit of 1.0 s",
  "not enough memory (the Lua heap reached the memory limit", "not enough memory", "not enough memory",
  "see --memory-limit",
}

local ran, ids = {}, {}
local tuner = kt.RandomSearch{ objective = kt.Objective("y", "min"), max_trials = #bombs + 1, seed = 1,
  directory = ".", project_name = "bombs", overwrite = true, verbose = 0, max_consecutive_failed_trials = #bombs + 1,
  run_trial = function(self, trial)
    local x = trial.hyperparameters:Float("x", 0, 1)
    local i = tonumber(trial.trial_id) + 1
    ran[#ran + 1], ids[i] = i, trial.trial_id
    if bombs[i] then bombs[i]() end
    return x
  end }
tuner:search()

assert(#ran == #bombs + 1, "every trial ran once: " .. table.concat(ran, ","))
for i = 1, #bombs do
  local trial = tuner.oracle:get_trial(ids[i])
  assert(trial.status == "FAILED", "bomb " .. i .. ": " .. trial.status)
  assert(trial.message:find(expected[i], 1, true), "bomb " .. i .. ": " .. trial.message)
end
assert(tuner.oracle:get_trial(ids[#bombs + 1]).status == "COMPLETED")
-- The state is healthy afterwards: Lua code and allocation run on.
local s = 0
for i = 1, 1e6 do s = s + i end
assert(#string.rep("y", 1 << 20) == 1 << 20 and s > 0)
print("bombs: " .. #bombs .. " failed, the next trial completed")
