-- The Lua side of the bridge, as scripts see it.
local kt = require "tunelua"
assert(type(kt.version) == "string", "tunelua.version")
assert(require "tunelua" == kt, "require caches the module")

-- arg is set as lua sets it
assert(arg[0]:match("bridge_basics%.lua$"), "arg[0] is the script")

-- integers and floats stay apart
assert(math.type(1) == "integer" and math.type(1.0) == "float")

-- the standard library is all there
assert(io and os and string and table and math and utf8 and coroutine and debug and package)

-- a hostile _G metatable cannot crash the host: errors stay Lua errors
local ok, err = pcall(function()
  setmetatable(_G, { __index = function(_, k) error("no global " .. k) end })
  return undefined_name
end)
assert(not ok and err:match("no global undefined_name"), tostring(err))
setmetatable(_G, nil)

-- coroutines work across the module
local co = coroutine.wrap(function() coroutine.yield(require("tunelua").version) end)
assert(co() == kt.version)
print("bridge_basics ok")
