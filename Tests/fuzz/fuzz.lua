-- A fuzzer for tunelua's Lua API (issue 17): walks every function and method reachable from
-- `tunelua`, `tunelua.keras` and `tunelua.data` (creating objects to reach methods) and calls each
-- with hostile arguments under pcall. Whatever a call does, the process must end by exiting:
-- a signal (segfault, trap, abort) is a bug in tunelua. Usage:
--   tunelua Tests/fuzz/fuzz.lua SEED CALLS WORKDIR
-- It prints `fuzz seed=S calls=N errors=E` at the end; the driver (Tests/CLITests/FuzzTests.swift,
-- tools/fuzz) runs several seeds in several processes.
local seed, calls, workdir = tonumber(arg[1]) or 1, tonumber(arg[2]) or 2000, arg[3] or (os.tmpname() .. ".d")
math.randomseed(seed)
os.execute("mkdir -p '" .. workdir .. "'")

local kt = require "tunelua"
local keras = require "tunelua.keras"
local data = require "tunelua.data"

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
  function() return "/dev/zero" end, function() return workdir end, function() return "../../etc" end,
  function() return {} end, function() return { 1, 2, 3 } end, function() return { { 1, 2 }, { 3, 4 } } end,
  function() return { 1, { 2, 3 } } end, function() return { 0 / 0, math.huge } end,
  function() return cyclic() end, function() return deep(100000, 1) end, function() return deep(100000, "a") end,
  function() return raising() end, function() return sparse end,
  function() return { units = 2 ^ 40 } end, function() return { units = math.maxinteger, activation = "nope" } end,
  function() return { math.maxinteger, math.maxinteger } end, function() return { -1, 0 } end,
  function() return { name = "x", [1] = "y", [true] = 1 } end,
  function() return function() error("raising function") end end, function() return function(...) return ... end end,
  function() return coroutine.create(function() end) end, function() return io.tmpfile() end, function() return io.stdout end,
  function() return true end, function() return false end,
}

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
-- Methods: the metatable's metamethods and the method table the __index closure holds.
for _, o in ipairs(objects) do
  local mt = getmetatable(o.value)
  if type(mt) == "table" then
    collect(o.name .. ":", mt, 4)
    local index = rawget(mt, "__index")
    if type(index) == "function" then
      for i = 1, 8 do
        local name, up = debug.getupvalue(index, i)
        if name == nil then break end
        if type(up) == "table" then collect(o.name .. ":", up, 4) end
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
  local ok = pcall(target.fn, table.unpack(args, 1, n))
  if not ok then errors = errors + 1 end
  done = done + 1
  if done % 200 == 0 then collectgarbage() end
end
io.write(string.format("fuzz seed=%d calls=%d errors=%d targets=%d objects=%d cpu=%.1fs\n", seed, done, errors, #targets, #objects, os.clock() - started))
