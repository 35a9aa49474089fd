-- (f) A mix: background with labelled scanners of known addresses and
-- rates inside it, each on a port of its own (five ports, one memif
-- connection each; scanwatch reads all five with one worker).
--
--   port 0  (e) TCP background, 1,000 clients     80 % of the swept rate
--   port 1  (e) DNS queries, 1,000 clients        20 % of the swept rate
--           (default 200,000 packets/s together; bench/pktgen.sh scales it)
--   port 2  (a) vertical SYN scan     10.66.1.11 -> 10.20.0.5:1-65535     2,000 pps
--   port 3  (b) horizontal sweep      10.66.1.12 -> 10.30.0.0/16:445      2,000 pps
--   port 4  (c) randomised block scan 10.66.1.13 -> 10.40.0.0/16:0-1023   5,000 pps
-- Packets as documented in a_vertical_syn.lua, b_horizontal_sweep.lua,
-- c_masscan_block.lua and e_background.lua.
-- Expected: alerts for 10.66.1.11, .12 and .13 and for no other source.
-- pktgen 23.06 paced all ports of a sending lcore by the first port's
-- rate; bench/pktgen/pktgen-23.06.patch paces each port by its own, so the
-- five ports can share one lcore (-m "1.[0-4]") and keep their rates.
local dir = debug.getinfo(1, "S").source:match("^@(.*)/") or "."
package.path = package.path .. ";" .. dir .. "/?.lua"
local sw = require "common"

sw.background(0, 1)
sw.vertical(2)
sw.horizontal(3)
sw.block(4)
sw.main({ ports = { 0, 1, 2, 3, 4 }, pps = { 160000, 40000, 2000, 2000, 5000 }, scaled = 2 })
