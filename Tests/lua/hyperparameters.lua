-- kt.HyperParameters as users meet it in the REPL and in build(hp).
local kt = require "tunelua"
local H = dofile("helpers.lua")

local hp = kt.HyperParameters()
-- both call forms, Keras Tuner's defaults (Float/Int default to min_value)
assert(hp.Float("lr", 1e-4, 1e-1, { sampling = "log" }) == 1e-4)
assert(hp:Int("units", 32, 512, { step = 32 }) == 32)
assert(math.type(hp:get("units")) == "integer")
assert(hp.Choice("act", { "relu", "tanh" }) == "relu")
assert(hp:Boolean("bn") == false)
assert(hp.Fixed("seed", 42) == 42)
assert(hp:Choice{ "opt", { "adam", "sgd" }, default = "sgd" } == "sgd")
assert(hp.values.units == 32 and hp.values.lr == 1e-4)
H.raises("read-only", function() hp.values.units = 64 end)

-- redeclaring the same name with the same arguments returns the value; other arguments are an error
assert(hp.Int("units", 32, 512, { step = 32 }) == 32)
local msg = H.raises("already declared", function() hp.Int("units", 16, 512) end)
assert(msg:find("units", 1, true))

-- validation, with the function named
H.raises("min_value", function() hp.Float("bad", 5, 1) end)
H.raises("log", function() hp.Float("badlog", 0, 1, { sampling = "log" }) end)
H.raises("Choice", function() hp.Choice("empty", {}) end)
H.raises("Choice", function() hp.Choice("mixed", { 1, "a" }) end)
H.raises("default", function() hp.Choice("d", { 1, 2 }, { default = 3 }) end)
H.raises("Int", function() hp.Int("frac", 1.5, 4) end)
H.raises("unknown argument 'setp' (did you mean 'step'?)", function() hp.Int("typo", 1, 4, { setp = 1 }) end)
H.raises("bad argument #2 to 'Float' (number expected, got string)", function() hp.Float("x", "a", 1) end)
H.raises("sampling", function() hp.Float("s", 1, 2, { sampling = "cubic" }) end)

-- conditional scopes: inactive hyperparameters read as nil; nested scopes are ANDed
local c = kt.HyperParameters()
c.Choice("model", { "mlp", "cnn" })
c:conditional_scope("model", { "cnn" }, function()
  assert(c.Int("filters", 8, 64) == nil, "inactive hp returns nil")
end)
c:conditional_scope("model", "mlp", function()
  assert(c.Int("layers", 1, 3) == 1)
  c.Boolean("wide")
  c:conditional_scope("wide", { true }, function()
    assert(c.Int("width", 64, 128) == nil)
  end)
end)
assert(c:is_active("layers") and not c:is_active("filters") and not c:is_active("width"))
assert(c.values.filters == nil and c.values.layers == 1)

-- name scopes prefix names
local n = kt.HyperParameters()
n:name_scope("block1", function() n.Int("units", 1, 2) end)
assert(n:get("block1/units") == 1)

-- copy is independent; merge brings hps in
local a = kt.HyperParameters(); a.Int("x", 0, 10)
local b = a:copy(); b.Int("y", 0, 1)
assert(not a:is_active("y") and b:is_active("y"))
a:merge(b)
assert(a:get("y") == 0)
assert(tostring(a):find("x"), tostring(a))
assert(#a.space == 2 and a.space[1].name == "x")
print("hyperparameters ok")
