-- (a) A vertical SYN scan: one scanner, one target, every port.
--
-- Packets (port 0): 64-byte frames (60 on the wire without the FCS):
-- Ethernet, IPv4 (TTL 64, total length 46), TCP with SYN only, window 8192,
-- no options, 6 bytes of pktgen's fill pattern as payload.
--   source      10.66.1.11:40000 (fixed, as nmap -sS keeps its source port)
--   destination 10.20.0.5, ports 1, 2, ... 65535, then again from 1
-- Default rate 10,000 packets/s (nmap -T5 sends a few thousand).
-- Expected: a vertical SYN scan alert for 10.66.1.11.
local dir = debug.getinfo(1, "S").source:match("^@(.*)/") or "."
package.path = package.path .. ";" .. dir .. "/?.lua"
local sw = require "common"

sw.vertical(0)
sw.main({ ports = { 0 }, pps = { 10000 } })
