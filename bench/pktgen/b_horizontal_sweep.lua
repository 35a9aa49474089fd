-- (b) A horizontal sweep of one port over a /16.
--
-- Packets (port 0): 64-byte SYN frames as in (a) (IPv4 total length 46, TCP
-- SYN only, window 8192, 6 bytes of fill).
--   source      10.66.1.12:41000 (fixed)
--   destination 10.30.0.1, 10.30.0.2, ... 10.30.255.254, port 445, then
--               again from 10.30.0.1
-- Default rate 10,000 packets/s.
-- Expected: a horizontal SYN scan alert for 10.66.1.12 (port 445).
local dir = debug.getinfo(1, "S").source:match("^@(.*)/") or "."
package.path = package.path .. ";" .. dir .. "/?.lua"
local sw = require "common"

sw.horizontal(0)
sw.main({ ports = { 0 }, pps = { 10000 } })
