-- (e) Background that looks like established TCP and DNS (two ports).
--
-- Packets:
--   port 0  established TCP, client to server, flags ACK+PSH, window 8192:
--           clients 10.10.0.1 ... 10.10.3.232 (1,000, one per packet in
--           turn) from ports 50000 ... 50999 to 10.20.1.1 ... 10.20.1.250
--           port 443 (client i always to server i mod 250); frame sizes 64,
--           114, ... 1514 bytes in turn (mean 789)
--   port 1  DNS queries, UDP, 82-byte frames: clients 10.11.0.1 ...
--           10.11.3.232 from ports 53000 ... 53999 to 10.53.0.53:53
-- Every source talks to one peer on one port: nothing here is a scan.
-- Default rates 80,000 and 20,000 packets/s.
-- Expected: no alert.
local dir = debug.getinfo(1, "S").source:match("^@(.*)/") or "."
package.path = package.path .. ";" .. dir .. "/?.lua"
local sw = require "common"

sw.background(0, 1)
sw.main({ ports = { 0, 1 }, pps = { 80000, 20000 },
	  scaled = 2 })
