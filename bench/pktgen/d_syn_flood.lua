-- (d) A random-source SYN flood (spoofed sources, one victim).
--
-- Packets (port 0): 64-byte SYN frames (IPv4 total length 46, TCP SYN only,
-- window 8192, 6 bytes of fill).
--   source      an address drawn at random from the whole IPv4 space and a
--               random source port, for every packet (rnd bits; checksums
--               wrong as in (c))
--   destination 10.50.0.80:443
-- Default rate: the whole link. Every source is seen about once: no source
-- is a scanner; what is measured is that memory, events, alerts and drops
-- stay bounded and counted (issue 13 item 4).
local dir = debug.getinfo(1, "S").source:match("^@(.*)/") or "."
package.path = package.path .. ";" .. dir .. "/?.lua"
local sw = require "common"

sw.flood(0)
sw.main({ ports = { 0 }, pps = { 1e12 } })
