-- (c) A masscan-like randomised block scan at full rate.
--
-- Packets (port 0): 64-byte SYN frames (IPv4 total length 46, TCP SYN only,
-- window 8192, 6 bytes of fill).
--   source      10.66.1.13:61000 (fixed, as masscan's --source-port)
--   destination a host drawn at random in 10.40.0.0/16 and a port drawn at
--               random in 0-1023, independently for every packet (pktgen's
--               rnd bits, applied after the checksums: the IPv4 and TCP
--               checksums are wrong, which a passive sensor does not check)
-- Default rate: the whole link (pktgen's 100 %; over memif as fast as the
-- receiver takes them).
-- Expected: a block (or horizontal) SYN scan alert for 10.66.1.13.
local dir = debug.getinfo(1, "S").source:match("^@(.*)/") or "."
package.path = package.path .. ";" .. dir .. "/?.lua"
local sw = require "common"

sw.block(0)
sw.main({ ports = { 0 }, pps = { 1e12 } })
