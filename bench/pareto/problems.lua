-- The benchmark problems, shared by pareto.lua: ZDT1 (2 objectives, 30 variables in [0, 1]) and
-- DTLZ2 (3 objectives, 12 variables in [0, 1]), with the reference points reference.py uses too.
local P = {}

P.zdt1 = {
  variables = 30, reference = { 1.1, 11 },
  f = function(x)
    local n, s = #x, 0
    for i = 2, n do s = s + x[i] end
    local g = 1 + 9 * s / (n - 1)
    return { x[1], g * (1 - math.sqrt(x[1] / g)) }
  end,
}

P.dtlz2 = {
  variables = 12, reference = { 2, 2, 2 },
  f = function(x)
    local m, g = 3, 0
    for i = m, #x do g = g + (x[i] - 0.5) ^ 2 end
    local a, b = x[1] * math.pi / 2, x[2] * math.pi / 2
    return { (1 + g) * math.cos(a) * math.cos(b), (1 + g) * math.cos(a) * math.sin(b), (1 + g) * math.sin(a) }
  end,
}

return P
