-- Keras Tuner 1.4 behaviours, through the real binary: merge(overwrite), get_config/from_config,
-- trial:summary(), the Fatal error family, and tostring(tensor).
local kt = require "tunelua"
local data = require "tunelua.data"
local H = dofile("helpers.lua")
local dir = H.tmpdir("kt-small")

local function deep_equal(a, b, path)
  path = path or "config"
  if type(a) ~= type(b) then return false, path .. ": " .. type(a) .. " vs " .. type(b) end
  if type(a) ~= "table" then
    if a == b and math.type(a) == math.type(b) then return true end
    return false, path .. ": " .. tostring(a) .. " vs " .. tostring(b)
  end
  for k, v in pairs(a) do
    local ok, why = deep_equal(v, b[k], path .. "." .. tostring(k))
    if not ok then return false, why end
  end
  for k in pairs(b) do
    if a[k] == nil then return false, path .. "." .. tostring(k) .. ": missing on the left" end
  end
  return true
end

--- A space whose `n` has the value 3 while its default is 2 (values are read-only in Lua, so
--- the value is set through from_config).
local function space_with_n3()
  local hp = kt.HyperParameters()
  hp.Int("n", 1, 10, { default = 2 })
  return kt.HyperParameters.from_config{ space = hp:get_config().space, values = { n = 3 } }
end

local other = kt.HyperParameters()
other.Int("n", 1, 20, { default = 7 })
other.Boolean("new", { default = true })

-- 1. merge: overwrite = false keeps what is there, overwrite = true (the default) takes the other's.
do
  local a = space_with_n3()
  assert(a:get("n") == 3)
  a:merge(other, { overwrite = false })
  assert(a:get("n") == 3, "overwrite=false must keep n=3, got " .. tostring(a:get("n")))
  assert(a:get("new") == true and #a.space == 2)
  assert(a.space[1].max_value == 10, "overwrite=false must keep n's declaration")

  local b = space_with_n3()
  b:merge(other, false)
  assert(b:get("n") == 3, "merge(other, false) must keep n=3")

  local c = space_with_n3()
  c:merge(other)
  assert(c:get("n") == 7, "overwrite defaults to true: the other's default wins, got " .. tostring(c:get("n")))
  assert(#c.space == 2 and c.space[1].max_value == 20, "overwrite=true takes the other's declaration")

  local d = space_with_n3()
  d:merge{ other, overwrite = true }
  assert(d:get("n") == 7)

  -- a list of hyperparameters, as Keras Tuner's merge takes: other.space or get_config().space
  local e = space_with_n3()
  e:merge(other.space, { overwrite = false })
  assert(e:get("n") == 3 and e:get("new") == true)
  local f = kt.HyperParameters()
  f:merge(other:get_config().space)
  assert(f:get("n") == 7 and f:get("new") == true and #f.space == 2)
  local g = space_with_n3()
  g:merge(other.space)
  assert(g:get("n") == 7)

  H.raises("merge: argument 'hps' must be a HyperParameters object or a list", function() f:merge(42) end)
  H.raises("merge: hps[1].class_name must be one of", function() f:merge{ { class_name = "Nope", name = "z" } } end)
end

-- 2. get_config / from_config
do
  local hp = kt.HyperParameters()
  hp.Float("lr", 1e-4, 1e-1, { sampling = "log" })
  hp.Choice("model", { "linear", "dnn" }, { default = "dnn" })
  hp:conditional_scope("model", "dnn", function() hp.Int("layers", 1, 4, { step = 1 }) end)
  hp.Fixed("seed", 7)
  local cfg = hp:get_config()

  -- Keras Tuner's shape: {space = {{class_name, config}, ...}, values = {...}}
  assert(#cfg.space == 4)
  assert(cfg.space[1].class_name == "Float" and cfg.space[1].config.name == "lr")
  assert(cfg.space[1].config.sampling == "log" and cfg.space[1].config.default == 1e-4)
  assert(cfg.space[2].class_name == "Choice" and cfg.space[2].config.values[2] == "dnn" and cfg.space[2].config.ordered == false)
  assert(cfg.space[3].class_name == "Int" and cfg.space[3].config.default == nil and math.type(cfg.space[3].config.min_value) == "integer")
  local cond = cfg.space[3].config.conditions[1]
  assert(cond.class_name == "Parent" and cond.config.name == "model" and cond.config.values[1] == "dnn")
  assert(cfg.space[4].class_name == "Fixed" and cfg.space[4].config.value == 7 and cfg.space[4].config.default == nil)
  assert(cfg.values.lr == 1e-4 and cfg.values.model == "dnn" and cfg.values.layers == 1 and cfg.values.seed == 7)
  assert(getmetatable(cfg) == nil, "get_config returns a plain table")

  -- from_config rebuilds an equal object: same space, same values, conditions kept
  local back = kt.HyperParameters.from_config(cfg)
  assert(deep_equal(back:get_config(), cfg))
  assert(tostring(back) == tostring(hp), tostring(back) .. " vs " .. tostring(hp))
  assert(back:is_active("layers"))
  assert(kt.HyperParameters:from_config(cfg):get("layers") == 1, "the colon form works too")
  -- independent of the original
  back.Boolean("extra")
  assert(#hp.space == 4 and #back.space == 5)
  -- conditions are live after the rebuild: switching the parent deactivates the child
  cfg.values.model = "linear"
  local linear = kt.HyperParameters.from_config(cfg)
  assert(not linear:is_active("layers") and linear.values.layers == nil)
  H.raises("inactive", function() linear:get("layers") end)
  -- a redeclaration against the rebuilt space is checked as against the original
  H.raises("already declared", function() back.Int("layers", 1, 8, { parent_name = "model", parent_values = { "dnn" } }) end)

  -- kt.HyperParameters() still makes an empty space
  assert(tostring(kt.HyperParameters()) == "HyperParameters()")

  -- any input is a clear error naming from_config and the argument
  H.raises("from_config: config must be a table (got number)", function() kt.HyperParameters.from_config(1) end)
  H.raises("from_config: config must be a table (got nil)", function() kt.HyperParameters.from_config() end)
  H.raises("from_config: config.space must be a list (got string)", function() kt.HyperParameters.from_config{ space = "x" } end)
  local cyclic = { space = {} }
  cyclic.space[1] = cyclic
  H.raises("from_config: config.space[1] contains itself", function() kt.HyperParameters.from_config(cyclic) end)
  local deep = {}
  local cur = deep
  for _ = 1, 200 do cur.space = {} cur = cur.space end
  H.raises("nested too deeply", function() kt.HyperParameters.from_config(deep) end)
  H.raises("from_config: config.space[1]: Int(name='n'): max_value must be an integer", function()
    kt.HyperParameters.from_config{ space = { { class_name = "Int", config = { name = "n", min_value = 0, max_value = 2 ^ 80 } } } }
  end)
  H.raises("from_config: config.space[1]: Float(name='x'): min_value and max_value must be finite", function()
    kt.HyperParameters.from_config{ space = { { class_name = "Float", config = { name = "x", min_value = -math.huge, max_value = 0 } } } }
  end)
  H.raises("from_config: config.values.layers = 99 is not a value of Int", function()
    kt.HyperParameters.from_config{ space = cfg.space, values = { layers = 99, model = "dnn" } }
  end)
  H.raises("from_config: config.values.ghost names no hyperparameter", function()
    kt.HyperParameters.from_config{ space = cfg.space, values = { ghost = 1 } }
  end)
  H.raises("from_config: config.values.layers = 'many' is not a value of Int", function()
    kt.HyperParameters.from_config{ space = cfg.space, values = { layers = "many" } }
  end)
  H.raises("from_config: config.space[1].config has an unknown key 'min'", function()
    kt.HyperParameters.from_config{ space = { { class_name = "Int", config = { name = "n", min = 0, max_value = 1 } } } }
  end)
end

-- 3. trial:summary() prints Keras Tuner's summary on standard output (checked from a child run)
do
  local child = dir .. "/summary.lua"
  local file = assert(io.open(child, "w"))
  file:write(([[
    local kt = require "tunelua"
    local tuner = kt.RandomSearch{ objective = "loss", max_trials = 1, directory = %q, project_name = "summary",
      verbose = 0, run_trial = function(self, trial)
        return { loss = trial.hyperparameters.Int("units", 32, 64, { default = 48 }) / 64 }
      end }
    tuner:search()
    io.write("before\n") io.flush()
    tuner.oracle:get_best_trials(1)[1]:summary()
    io.write("after\n")
  ]]):format(dir))
  file:close()
  local pipe = assert(io.popen(("%q %q 2>&1"):format(arg[-1], child)))
  local out = pipe:read("a")
  pipe:close()
  local expected = "before\nTrial 0 summary\nHyperparameters:\nunits: 48\nScore: 0.75\nafter\n"
  assert(out == expected, "trial:summary() printed:\n" .. out)
end

-- 4. the Fatal family aborts the search with the error, message intact
for _, kind in ipairs({ "FatalError", "FatalValueError", "FatalTypeError", "FatalRuntimeError" }) do
  local runs = 0
  local tuner = kt.RandomSearch{ objective = "loss", max_trials = 5, directory = dir, project_name = "fatal_" .. kind,
    verbose = 0, run_trial = function(self, trial)
      runs = runs + 1
      trial.hyperparameters.Float("x", 0, 1)
      error(kt.errors[kind]("stop: " .. kind))
    end }
  local ok, err = pcall(tuner.search, tuner)
  assert(not ok, kind .. " did not end the search")
  assert(runs == 1, kind .. " must abort at once, ran " .. runs .. " trials")
  assert(kt.errors[kind]:is_instance(err), kind .. ": search ended with " .. tostring(err))
  assert(kt.errors.FatalError:is_instance(err), kind .. " is a FatalError")
  assert(err.message == "stop: " .. kind, "message: " .. tostring(err.message))
  assert(tostring(err) == kind .. ": stop: " .. kind)
end
assert(not kt.errors.FatalError:is_instance(kt.errors.FailedTrialError("no")))
assert(not kt.errors.FatalValueError:is_instance(kt.errors.FatalTypeError("no")))

-- 5. tostring(tensor) prints its header once
do
  local text = tostring(data.tensor{ { 1, 2, 3 }, { 4, 5, 6 } })
  local _, headers = text:gsub("Tensor%(", "")
  assert(headers == 1, "header printed " .. headers .. " times:\n" .. text)
  assert(text:find("Tensor(shape=[2, 3]", 1, true) == 1, text)
  assert(text:find("[[1., 2., 3.],", 1, true), text)
end

os.execute("rm -rf '" .. dir .. "'")
print("keras_tuner_small ok")
