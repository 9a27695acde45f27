-- Every escape a hostile script would try, each refused with its message (docs/sandbox.md).
-- Run by Tests/CLITests/SandboxTests.swift as `tunelua --sandbox escapes.lua TARGET` in a scratch
-- folder holding: passwd_link -> /etc/passwd, etc_link -> /etc, module_link.lua -> /etc/passwd,
-- dangling -> TARGET (which does not exist), sub/, bytecode.luac (a compiled chunk), ok.lua and
-- data.csv (allowed files, the controls).
local kt = require "tunelua"
local keras = require "tunelua.keras"
local data = require "tunelua.data"
local target = assert(arg[1], "usage: escapes.lua TARGET")
local here = arg[0]:match("^(.*)/[^/]*$") or "."
local checked = 0

local function refused(pattern, fn, ...)
  local ok, err = pcall(fn, ...)
  assert(not ok, "expected a refusal containing '" .. pattern .. "', got success")
  err = tostring(err)
  assert(err:find(pattern, 1, true), "expected a refusal containing '" .. pattern .. "', got: " .. err)
  checked = checked + 1
  return err
end
local function outside(fname, path) return fname .. ": '" .. path end

assert(kt.sandboxed == true)

-- The libraries: only the safe ones, os reduced to clock, time and date.
assert(io == nil and debug == nil and string.dump == nil and package.loadlib == nil)
assert(os.execute == nil and os.getenv == nil and os.remove == nil and os.exit == nil and os.tmpname == nil)
assert(type(os.clock()) == "number" and type(os.time()) == "number" and type(os.date("%Y")) == "string")
assert(package.loaded.io == nil and package.loaded.debug == nil and package.loaded.os == os)
refused("module 'io' not found", require, "io")
refused("module 'debug' not found", require, "debug")
package.cpath = "/usr/lib/x86_64-linux-gnu/lua/5.4/?.so;/usr/local/lib/lua/5.4/?.so"
refused("module 'lpeg' not found", require, "lpeg")   -- no C searcher at all
assert(#package.searchers == 3)

-- /etc/passwd through every reader and require.
local passwd = "/etc/passwd"
local model = keras.Sequential{ keras.layers.Dense{ units = 1, input_shape = { 2 } } }
refused(outside("dofile", passwd) .. "' is outside the sandbox (allowed: ", dofile, passwd)
refused(outside("loadfile", passwd), loadfile, passwd)
refused(outside("csv", passwd), data.csv, passwd)
refused(outside("csv", passwd), data.csv, { path = passwd })
refused(outside("idx", passwd), data.idx, passwd)
refused(outside("npy", passwd), data.npy, passwd)
refused(outside("load_model", passwd), keras.models.load_model, passwd)
refused(outside("load_weights", passwd), model.load_weights, model, passwd)
package.path = "/etc/?"
refused(outside("require", passwd), require, "passwd")
package.path = here .. "/?.lua"
assert(require("ok") == "ok module")                       -- an allowed module loads
assert(dofile(here .. "/ok.lua") == "ok module")
assert(data.csv(here .. "/data.csv"))                      -- an allowed file reads
refused("standard input cannot be read in the sandbox", dofile)
refused("standard input cannot be read in the sandbox", loadfile)

-- Writing outside the allowed directory.
local out = target .. ".weights"
refused(outside("save_weights", out), model.save_weights, model, out)
refused(outside("save", out), model.save, model, out)
refused(outside("RandomSearch", "/tmp/escape"), kt.RandomSearch, { objective = "loss", max_trials = 1,
  directory = "/tmp", project_name = "escape", run_trial = function() return 0 end })
refused("is outside the sandbox (allowed: ", kt.RandomSearch, { objective = "loss", max_trials = 1,
  directory = here, project_name = "../../escape", run_trial = function() return 0 end })
local reported = kt.RandomSearch{ objective = "loss", max_trials = 1, directory = here, project_name = "reported",
  verbose = 0, run_trial = function() return 0 end }
refused(outside("report", out), reported.report, reported, out)

-- `..` and symbolic links are resolved before the check.
refused("(resolves to /etc/passwd) is outside the sandbox", data.csv, here .. "/sub/../../../../../../../etc/passwd")
refused("(resolves to /etc/passwd) is outside the sandbox", data.csv, here .. "/passwd_link")
refused("(resolves to /etc/passwd) is outside the sandbox", dofile, here .. "/passwd_link")
refused("(resolves to /etc/passwd) is outside the sandbox", loadfile, here .. "/etc_link/passwd")
refused("(resolves to /etc/passwd) is outside the sandbox", require, "module_link")
refused("is outside the sandbox (allowed: ", model.save_weights, model, here .. "/dangling")   -- would create TARGET
refused("is outside the sandbox (allowed: ", model.save_weights, model, here .. "/etc_link/new.weights")

-- Binary chunks: none loads, and none can be made.
refused("attempt to load a binary chunk (mode is 't')", dofile, here .. "/bytecode.luac")
local f, err = loadfile(here .. "/bytecode.luac", "b")
assert(f == nil and err:find("attempt to load a binary chunk", 1, true), err)
local bytes = "\27Lua\84\0\25\147\13\10\26\10\4\8\8"
for _, mode in ipairs { "b", "bt", "t" } do
  local g, message = load(bytes, "x", mode)
  assert(g == nil and message == "load: binary chunks are not allowed in the sandbox", message)
end
local pieces = { bytes }
local g, message = load(function() return table.remove(pieces, 1) end, "x", "b")
assert(g == nil and message:find("attempt to load a binary chunk", 1, true), message)
refused("attempt to call a nil value (field 'dump')", function() return string.dump(print) end)
assert(load("return 1 + 1", "text", "b")() == 2)           -- text still loads, whatever the mode
local env = {}
assert(load("x = 1", "env", "t", env)) ; assert(load("x = 1", "env", "t", env)() == nil and env.x == 1)

-- The shared string metatable cannot be changed.
local view = getmetatable("")
assert(view.__index == string)
refused("the string metatable is read-only in the sandbox", function() view.__index = {} end)
refused("the string metatable is read-only in the sandbox", function() getmetatable("").__add = function() end end)
rawset(view, "__index", { upper = function() return "pwned" end })   -- only the view changes
assert(("x"):upper() == "X")
refused("bad argument #1 to 'setmetatable' (table expected, got string)", setmetatable, "", {})
assert(getmetatable(view) == false)

-- Finalizers run with hooks off, out of every limit's reach: none can be set.
refused("setmetatable: __gc metamethods are not allowed in the sandbox", setmetatable, {}, { __gc = function() while true do end end })
local Class = kt.HyperModel:extend()
Class.__gc = function() while true do end end
refused("__gc metamethods are not allowed in the sandbox", function() return Class() end)
assert(getmetatable(setmetatable({}, { __index = string })).__index == string)

-- collectgarbage: the options that stop or retune the collector are refused.
for _, option in ipairs { "stop", "restart", "generational", "incremental", "setpause", "setstepmul" } do
  refused("collectgarbage: option '" .. option .. "' is not allowed in the sandbox", collectgarbage, option, 0)
end
refused("collectgarbage: option 'table' is not allowed", collectgarbage, {})
assert(collectgarbage("count") > 0 and collectgarbage() == 0 and collectgarbage("isrunning"))
collectgarbage("step", 10)

-- Rebinding globals does not reach what the sandbox keeps.
_G.load, _G.require = nil, nil
refused(outside("dofile", passwd), dofile, passwd)

print("escapes refused: " .. checked)
