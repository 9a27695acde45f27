-- A fuzzer for tunelua's Lua API (issue 17): walks every function and method reachable from
-- `tunelua`, `tunelua.keras` and `tunelua.data` (creating objects to reach methods) and calls each
-- with hostile arguments under pcall. Whatever a call does, the process must end by exiting:
-- a signal (segfault, trap, abort) is a bug in tunelua. Run it with a scratch directory as the
-- working directory (it writes files named by its hostile strings there) and as WORKDIR:
--   cd SCRATCH && tunelua .../Tests/fuzz/fuzz.lua SEED CALLS SCRATCH
-- It prints `fuzz seed=S calls=N errors=E` at the end; the driver (Tests/CLITests/FuzzTests.swift,
-- tools/fuzz) runs several seeds in several processes. Under `tunelua --sandbox --allow SCRATCH`
-- (docs/sandbox.md) it runs with what the sandbox leaves: no io or debug tricks, methods found by
-- name instead of through the debug library, WORKDIR made by the driver.
local kt = require "tunelua"
local keras = require "tunelua.keras"
local data = require "tunelua.data"

local seed, calls, workdir = tonumber(arg[1]) or 1, tonumber(arg[2]) or 2000, arg[3] or (os.tmpname() .. ".d")
math.randomseed(seed)
if not kt.sandboxed then os.execute("mkdir -p '" .. workdir .. "'") end

-- Long loops a hostile argument can ask for (epochs = 2^53, max_trials = huge): not bugs, just
-- slow; the named functions are called with arguments that keep them short instead.
local slow = { search = true, load_data = true, fit = true, evaluate = true, predict = true,
               get_best_models = true, load_model = true, extend = false }

-- MARK: hostile values
local function cyclic() local t = {}; t[1] = t; t.a = t; t[2] = { t }; return t end
local function deep(n, key) local t = {}; local r = t; for _ = 1, n do r[key] = {}; r = r[key] end; return t end
local function raising()
  local function boom() error("raising metamethod") end
  return setmetatable({}, { __index = boom, __newindex = boom, __len = boom, __tostring = boom, __call = boom,
                            __eq = boom, __lt = boom, __le = boom, __concat = boom, __add = boom, __pairs = boom,
                            __name = "Hostile", __close = boom, __unm = boom })
end
local sparse = {}; for i = 0, 40 do sparse[2 ^ i] = 1 end  -- `#sparse` can be 2^40

local hostile = {
  function() return nil end, function() return 0 / 0 end, function() return math.huge end,
  function() return -math.huge end, function() return math.mininteger end, function() return math.maxinteger end,
  function() return -1 end, function() return 0 end, function() return 1 end, function() return 3 end,
  function() return 2 ^ 53 end, function() return 1e308 end, function() return -0.0 end, function() return 0.5 end,
  function() return "" end, function() return "x" end, function() return "relu" end, function() return "adam" end,
  function() return "mse" end, function() return "val_loss" end, function() return "max" end,
  function() return string.rep("\0", 17) end, function() return "a\0b" end, function() return string.rep("a", 1 << 20) end,
  -- Paths stay inside the scratch directory the driver runs this in (its working directory):
  -- a hostile save to a system path, run as root, would damage the machine (an atomic write
  -- once renamed a file over /dev/zero).
  -- (No named pipe: opening one without a writer blocks, as `cat` does; that is POSIX, not a bug.)
  function() return workdir .. "/zero" end, function() return workdir end, function() return "../escape" end,
  function() return {} end, function() return { 1, 2, 3 } end, function() return { { 1, 2 }, { 3, 4 } } end,
  function() return { 1, { 2, 3 } } end, function() return { 0 / 0, math.huge } end,
  function() return cyclic() end, function() return deep(100000, 1) end, function() return deep(100000, "a") end,
  function() return raising() end, function() return sparse end,
  function() return { units = 2 ^ 40 } end, function() return { units = math.maxinteger, activation = "nope" } end,
  function() return { math.maxinteger, math.maxinteger } end, function() return { -1, 0 } end,
  function() return { name = "x", [1] = "y", [true] = 1 } end,
  function() return function() error("raising function") end end, function() return function() coroutine.yield(1) end end,
  function() return { run_trial = function() coroutine.yield() end, build = function() error({}) end } end, function() return function(...) return ... end end,
  function() return coroutine.create(function() end) end,
  function() return true end, function() return false end,
}
if not kt.sandboxed then
  hostile[#hostile + 1] = function() return io.tmpfile() end
  hostile[#hostile + 1] = function() return io.stdout end
end

-- MARK: objects, to reach methods
local objects = {}
local function keep(name, make)
  local ok, value = pcall(make)
  if ok and value ~= nil then objects[#objects + 1] = { name = name, value = value } end
end
keep("tensor", function() return data.tensor{ { 1, 2 }, { 3, 4 } } end)
keep("labels", function() return data.tensor{ 0, 1 } end)
keep("hp", function() local hp = kt.HyperParameters(); hp:Float("x", 0, 1); hp:Int("n", 1, 4); hp:Choice("c", { "a", "b" }); return hp end)
keep("objective", function() return kt.Objective("y", "min") end)
keep("layer", function() return keras.layers.Dense{ units = 2 } end)
keep("optimizer", function() return keras.optimizers.Adam{ learning_rate = 0.01 } end)
keep("callback", function() return keras.callbacks.EarlyStopping{ patience = 1 } end)
keep("model", function()
  local m = keras.Sequential{ keras.Input{ shape = { 2 } }, keras.layers.Dense{ units = 2 } }
  m:compile{ optimizer = "adam", loss = "mse" }
  return m
end)
keep("history", function() return objects[#objects].value:fit(objects[1].value, objects[1].value, { epochs = 1, verbose = 0 }) end)
local tuner
keep("tuner", function()
  tuner = kt.RandomSearch{ max_trials = 2, seed = seed, verbose = 0, directory = workdir, project_name = "fuzz" .. seed,
                           overwrite = true, run_trial = function(self, trial) return trial.hyperparameters.Float("x", 0, 1) end }
  tuner:search()
  return tuner
end)
keep("oracle", function() return tuner.oracle end)
keep("trial", function() return tuner.oracle:get_best_trials(1)[1] end)
keep("metrics", function() return tuner.oracle:get_best_trials(1)[1].metrics end)

-- MARK: the callables
local targets = {}
local seen = {}
local function collect(prefix, t, depth)
  if depth > 4 or seen[t] then return end
  seen[t] = true
  local keys = {}
  for k in next, t do if type(k) == "string" then keys[#keys + 1] = k end end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local v = rawget(t, k)
    if type(v) == "function" then
      targets[#targets + 1] = { name = prefix .. k, fn = v, short = k }
    elseif type(v) == "table" then
      collect(prefix .. k .. ".", v, depth + 1)
    end
  end
end
collect("kt.", kt, 1)
collect("keras.", keras, 1)
collect("data.", data, 1)
local methodNames = [[add build close conditional_scope copy count_params declare_hyperparameters evaluate exists
  extend fit get get_best_hyperparameters get_best_models get_best_step get_best_trials get_best_value get_config
  get_direction get_history get_last_value get_space get_state get_trial get_weights intermediate_values is_active
  is_instance load_model load_weights mean merge name_scope pop populate_space predict report reshape results_summary
  rows run_trial save save_model save_weights search search_space_summary set_state set_weights should_prune std
  summary totable update_space Float Int Choice Boolean Fixed compile]]
-- Methods: the metatable's metamethods and the method table the __index closure holds.
for _, o in ipairs(objects) do
  local mt = getmetatable(o.value)
  if type(mt) == "table" then
    collect(o.name .. ":", mt, 4)
    local index = rawget(mt, "__index")
    if type(index) == "function" and kt.sandboxed then
      -- No debug library: ask the object for the methods docs/reference.md names.
      local methods = {}
      for name in methodNames:gmatch("%S+") do
        local ok, v = pcall(function() return o.value[name] end)
        if ok and type(v) == "function" then methods[name] = v end
      end
      collect(o.name .. ":", methods, 4)
    elseif type(index) == "function" then
      for i = 1, 8 do
        local name, up = debug.getupvalue(index, i)
        if name == nil then break end
        if type(up) == "table" and name ~= "_ENV" then collect(o.name .. ":", up, 4) end
      end
    elseif type(index) == "table" then
      collect(o.name .. ":", index, 4)
    end
  end
end

-- MARK: calling
local function value()
  local r = math.random()
  if r < 0.3 and #objects > 0 then return objects[math.random(#objects)].value end
  return hostile[math.random(#hostile)]()
end

-- Tricks only the debug library can play: our metatables on foreign userdata, another class's
-- metatable on our objects, a Swift function's upvalue swapped for another value.
local function trick()
  local r = kt.sandboxed and 4 or math.random(4)
  local o = objects[math.random(#objects)].value
  local mt = getmetatable(o)
  if r == 1 and type(mt) == "table" then
    local f = io.tmpfile(); debug.setmetatable(f, mt); return f
  elseif r == 2 and type(mt) == "table" and #objects > 1 then
    local victim = objects[math.random(#objects)].value
    if type(victim) == "userdata" then pcall(debug.setmetatable, victim, mt) end
    return victim
  elseif r == 3 then
    local t = targets[math.random(#targets)]
    pcall(debug.setupvalue, t.fn, 1, value())   -- that target stays broken: its calls must fail cleanly
    return t.fn
  else
    return mt
  end
end

local results = 0
local function remember(v)
  if (type(v) == "userdata" or type(v) == "table") and results < 48 then
    results = results + 1
    objects[#objects + 1] = { name = "result", value = v }
  end
end

local trace = not kt.sandboxed and os.getenv("FUZZ_TRACE") ~= nil   -- names each call on stderr, to find a hang
local errors, done = 0, 0
local started = os.clock()
for _ = 1, calls do
  local target = targets[math.random(#targets)]
  local args = {}
  local n = math.random(0, 5)
  if slow[target.short] then
    -- Only the first argument is hostile: the rest keep the call short.
    if target.name:find(":") then args = { objects[math.random(#objects)].value, value(), { epochs = 1, verbose = 0, max_trials = 1 } }
    else args = { value() } end
    n = #args
  elseif target.short == "__gc" and math.random() < 0.9 then
    args = { hostile[math.random(#hostile)]() }; n = 1   -- mostly foreign values: keep our objects alive
  else
    if target.name:find(":") and math.random() < 0.7 then args[1] = objects[math.random(#objects)].value; for i = 2, n do args[i] = value() end
    else for i = 1, n do args[i] = value() end end
  end
  if math.random() < 0.02 then args[math.random(math.max(n, 1))] = trick(); n = math.max(n, 1) end
  if trace then
    local shown = {}
    for i = 1, n do local v = args[i]; shown[i] = type(v) == "string" and ("%q"):format(v:sub(1, 20)) or (type(v) == "table" or type(v) == "userdata") and type(v) or tostring(v) end
    io.stderr:write(done + 1, " ", target.name, "(", table.concat(shown, ", "), ")\n"); io.stderr:flush()
  end
  local ok, first
  if math.random() < 0.1 then
    -- From a coroutine: Swift runs on another Lua thread's stack, and a yield must not cross it.
    local co = coroutine.create(function(...) return target.fn(...) end)
    ok, first = coroutine.resume(co, table.unpack(args, 1, n))
  else
    ok, first = pcall(target.fn, table.unpack(args, 1, n))
  end
  if ok then remember(first) else errors = errors + 1 end
  done = done + 1
  if done % 200 == 0 then collectgarbage() end
end
print(string.format("fuzz seed=%d calls=%d errors=%d targets=%d objects=%d cpu=%.1fs", seed, done, errors, #targets, #objects, os.clock() - started))
