-- Projects on disk: resume, overwrite, and bad projects that must lose nothing.
local kt = require "tunelua"
local H = dofile("helpers.lua")
local dir = H.tmpdir("persist")

local function run(max_trials, overwrite, log)
  local t = kt.RandomSearch{ max_trials = max_trials, seed = 3, overwrite = overwrite, directory = dir,
    project_name = "p", verbose = 0,
    run_trial = function(self, trial)
      local x = trial.hyperparameters.Float("x", -1, 1)
      log[#log + 1] = { id = trial.trial_id, x = x }
      return x * x
    end }
  t:search()
  return t
end

local first = {}
local t1 = run(5, true, first)
assert(#first == 5)
local stored = {}
for id, trial in pairs(t1.oracle.trials) do stored[id] = trial.hyperparameters:get("x") end
t1 = nil
collectgarbage()

-- resuming with a larger max_trials keeps the finished trials and runs only the new ones
local second = {}
local t2 = run(8, false, second)
assert(#second == 3, "resumed run executed " .. #second .. " trials")
assert(H.count(t2.oracle.trials) == 8)
for id, x in pairs(stored) do
  assert(t2.oracle:get_trial(id).hyperparameters:get("x") == x, "stored values are bit-identical")
end
for _, r in ipairs(second) do assert(stored[r.id] == nil, "new trials get new ids") end
t2 = nil
collectgarbage()

-- resuming a finished search runs nothing
local third = {}
run(8, false, third)
assert(#third == 0)
collectgarbage()

-- overwrite starts fresh
local fresh = {}
run(2, true, fresh)
assert(#fresh == 2)
collectgarbage()

-- another oracle kind on the same project is a clear error
H.raises("RandomSearch", function()
  kt.GridSearch{ directory = dir, project_name = "p", verbose = 0, run_trial = function() return 0 end }
end)

-- bad project names and places
H.raises("project_name", function()
  kt.RandomSearch{ directory = dir, project_name = "../escape", run_trial = function() return 0 end }
end)
H.raises("project_name", function()
  kt.RandomSearch{ directory = dir, project_name = "a/b", run_trial = function() return 0 end }
end)
H.raises("/proc/tunelua-cannot-write", function()
  kt.RandomSearch{ directory = "/proc/tunelua-cannot-write", project_name = "x", run_trial = function() return 0 end }
end)

-- a file that is not a tunelua database: clear error, file untouched
assert(os.execute("mkdir -p '" .. dir .. "/corrupt'"))
local path = dir .. "/corrupt/tunelua.db"
local f = assert(io.open(path, "wb")); f:write(("garbage\0"):rep(100)); f:close()
H.raises("corrupt", function()
  kt.RandomSearch{ directory = dir, project_name = "corrupt", run_trial = function() return 0 end }
end)
local g = assert(io.open(path, "rb")); local content = g:read("a"); g:close()
assert(content == ("garbage\0"):rep(100), "the file was changed")
print("persistence ok")
