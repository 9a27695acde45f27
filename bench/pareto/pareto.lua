-- Issue 14's benchmark: one Pareto search of a problem of problems.lua by one oracle, printing the
-- hypervolume of its trials against the problem's reference point.
--   tunelua bench/pareto/pareto.lua zdt1|dtlz2 TPE|BayesianOptimization|RandomSearch [seed=1] [trials=100]
local kt = require "tunelua"
local here = arg[0]:match("^(.*)/") or "."
local problems = dofile(here .. "/problems.lua")

local name, oracle = arg[1] or "zdt1", arg[2] or "TPE"
local seed, trials = tonumber(arg[3] or "1"), tonumber(arg[4] or "100")
local problem = assert(problems[name], "unknown problem " .. name)
local objectives = {}
for i = 1, #problem.reference do objectives[i] = kt.Objective("f" .. i, "min") end

-- The space is declared up front, as Optuna's is known to its samplers: otherwise the first trial
-- would run Keras Tuner's defaults (every x at 0, a Pareto-optimal point of ZDT1).
local space = kt.HyperParameters()
for i = 1, problem.variables do space:Float("x" .. i, 0, 1) end

local dir = os.getenv("TMPDIR") or "/tmp"
local tuner = kt[oracle]{
  objective = objectives, multi_objective = "pareto", max_trials = trials, seed = seed, hyperparameters = space,
  directory = dir, project_name = ("tunelua-bench-pareto-%s-%s-%d-%d"):format(name, oracle, seed, os.time()),
  overwrite = true, verbose = 0,
  run_trial = function(self, trial)
    local x = {}
    for i = 1, problem.variables do x[i] = trial.hyperparameters:Float("x" .. i, 0, 1) end
    local f = problem.f(x)
    local metrics = {}
    for i, v in ipairs(f) do metrics["f" .. i] = v end
    return metrics
  end,
}
local start = os.clock()
tuner:search()
print(("tunelua %s %s seed %d: hypervolume %.6f (%d trials, %.1f s)"):format(
  oracle, name, seed, tuner.oracle:hypervolume(problem.reference), trials, os.clock() - start))
local project = tuner.project_dir
tuner:close()
for _, f in ipairs({ "tunelua.db", "tunelua.db-wal", "tunelua.db-shm", "tunelua.lock" }) do os.remove(project .. "/" .. f) end
os.remove(project)
