-- tuner:report(path) (docs/reference.md, Tuner objects): the HTML report of the tuner's own
-- project, written while the tuner holds it, at the given path or at project_dir/report.html.
local kt = require "tunelua"
local H = dofile("helpers.lua")
local dir = H.tmpdir("report")

local tuner = kt.RandomSearch{ objective = kt.Objective("loss", "min"), max_trials = 8, seed = 2, directory = dir,
  project_name = "lua_report", verbose = 0,
  run_trial = function(self, trial)
    local hp = trial.hyperparameters
    local x = hp:Float("x", 1e-3, 1, { sampling = "log" })
    local kind = hp:Choice("kind", { "a", "b" })
    for step = 0, 2 do trial:report(step, x + 1 / (step + 1)) end
    return { loss = x + (kind == "a" and 0 or 1) }
  end }
tuner:search()

local function read(path)
  local f = assert(io.open(path, "rb"))
  local text = f:read("a")
  f:close()
  return text
end

local path = tuner:report(dir .. "/mine.html")
assert(path == dir .. "/mine.html", path)
local html = read(path)
for _, title in ipairs{ "Optimization history", "Parallel coordinates", "Slice", "Contour", "Intermediate values",
                        "Hyperparameter importance", "Timeline" } do
  assert(html:find("<title>" .. title .. "</title>", 1, true), "missing plot: " .. title)
end
local rows = select(2, html:gsub("<tr><td>", ""))
assert(rows == 8, "one table row per trial, got " .. rows)

assert(tuner:report() == tuner.project_dir .. "/report.html")
assert(read(tuner.project_dir .. "/report.html"):find("lua_report", 1, true))
H.raises("bad argument #1 to 'report' (string expected, got number)", function() tuner:report(3) end)
print("report ok")
