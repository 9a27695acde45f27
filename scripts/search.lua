-- The main demo (until model tuning lands): a black-box search that finishes in seconds.
local kt = require "tunelua"
print("tunelua " .. kt.version)
