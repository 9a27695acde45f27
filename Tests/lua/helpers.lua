-- Shared helpers for the Lua test scripts (loaded with dofile).
local H = {}

--- A fresh project directory under the system's temporary folder.
function H.tmpdir(tag)
  local dir = os.tmpname()
  os.remove(dir)
  dir = dir .. "-" .. (tag or "tunelua")
  assert(os.execute("mkdir -p '" .. dir .. "'"))
  return dir
end

--- A project directory named after this process, so that every worker state of a parallel
--- search (each runs the script again) names the same one.
function H.procdir(tag)
  local stat = assert(io.open("/proc/self/stat")):read("l")
  local dir = "/tmp/tunelua-test-" .. stat:match("^%d+") .. "-" .. tag
  assert(os.execute("mkdir -p '" .. dir .. "'"))
  return dir
end

--- A CPU-bound pause (a few milliseconds) so that every worker of a parallel search gets trials.
function H.spin()
  local s = 0
  for i = 1, 1500000 do s = s + i % 7 end
  return s
end

--- Asserts that `fn` raises an error whose message contains `pattern` (plain text).
function H.raises(pattern, fn, ...)
  local ok, err = pcall(fn, ...)
  assert(not ok, "expected an error containing '" .. pattern .. "', got success")
  local text = tostring(err)
  assert(text:find(pattern, 1, true), "expected an error containing '" .. pattern .. "', got: " .. text)
  return text
end

function H.count(t) local n = 0 for _ in pairs(t) do n = n + 1 end return n end

function H.close(a, b, eps) return math.abs(a - b) <= (eps or 1e-9) end

return H
