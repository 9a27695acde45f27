-- An allowed module, for Tests/lua/sandbox/escapes.lua.
return "ok module"
