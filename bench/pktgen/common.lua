-- Shared by the traffic scripts of bench/pktgen/ (Pktgen-DPDK 23.06, Lua 5.3).
--
-- A traffic script sets up its ports with the helpers below and ends with
-- sw.main(profile): it waits for the links, sends for SW_SECONDS (default
-- 10) at SW_SCALE (default 1) times the script's rates, appends one line
-- "TAG sent=N oerrors=N secs=N" to SW_OUT and quits. bench/pktgen.sh runs
-- one pktgen per trial this way.
--
-- Environment (all optional):
--   SW_SECONDS   seconds to send when run alone
--   SW_LINK_MBPS link speed pktgen computes rates against (memif reports
--                100000, af_packet 10000); rates below are given in packets
--                per second and turned into pktgen's percent with it
--   SW_OUT       file the per-trial results are appended to
--   SW_SCALE     multiplies the rates of the swept ports (prof.scaled)
--   SW_TAG       the result line's first word
--   SW_START_FILE  written the moment sending starts (delays are timed
--                from its modification time)
--
-- Frame sizes are pktgen's: 64 means a 60-byte frame on the wire plus the
-- 4-byte FCS, which memif and af_packet do not carry.

-- (pktgen itself provides the pktgen table: no require of its Pktgen.lua)

local sw = {}

sw.link_mbps = tonumber(os.getenv("SW_LINK_MBPS") or "100000")

-- pktgen's rate is a percent of the link speed, and pktgen turns it into
-- packets per second with the size of the port's single-packet template
-- (pktgen_packet_rate(), pktgen_wire_size(): template size - 4 FCS + 24
-- bytes of preamble, gap and FCS), even when the port sends a range of
-- other sizes. The templates here keep pktgen's default 64 bytes (84 on
-- the wire by that rule), so a rate in packets/s becomes the percent that
-- pktgen turns back into the same packets/s, whatever frames the port
-- sends (computed from the frames' own sizes, a range port of 64-1,514
-- byte frames would send 9.7 times what it was asked). Nine decimals:
-- at 100G a few hundred packets/s is 0.0002 %.
sw.pace_wire = 64 - 4 + 24
function sw.pct(pps)
	local full = math.floor(sw.link_mbps * 1e6 / (sw.pace_wire * 8))
	local p = pps * 100.0 / full

	if p > 100 then p = 100 end
	return string.format("%.9f", p)
end

-- CLI commands pktgen's Lua bindings lack (TCP flags of the range
-- template): written to a command file and run by pktgen's CLI
function sw.cli(lines)
	local path = os.tmpname()
	local f = assert(io.open(path, "w"))

	f:write(table.concat(lines, "\n"), "\n")
	f:close()
	pktgen.run("cmd", path, "")
	os.remove(path)
end

-- A range template: every field steps by its inc, wrapping at max, all at
-- once on every packet. t = { src_ip = {start, min, max, inc}, dst_ip = ...,
-- sport = {start, min, max, inc}, dport = ..., size = n, proto = "tcp"|"udp",
-- flags = {"syn"} }
function sw.range(port, t)
	local p = tostring(port)
	local r = pktgen.range
	local function num(fn, v)
		fn(p, "start", v[1]); fn(p, "min", v[2]); fn(p, "max", v[3]); fn(p, "inc", v[4])
	end
	local ip = num

	pktgen.set_type(p, "ipv4")
	pktgen.set_proto(p, t.proto or "tcp")
	r.ip_proto(p, t.proto or "tcp")
	ip(r.src_ip, t.src_ip)
	ip(r.dst_ip, t.dst_ip)
	num(r.src_port, t.sport)
	num(r.dst_port, t.dport)
	if type(t.size) == "table" then
		num(r.pkt_size, t.size)
	else
		num(r.pkt_size, { t.size or 64, t.size or 64, t.size or 64, 0 })
	end
	r.ttl(p, "start", t.ttl or 64)
	if (t.proto or "tcp") == "tcp" then
		local cmds = { "range " .. p .. " tcp flag clr all" }
		for _, fl in ipairs(t.flags or { "ack" }) do
			cmds[#cmds + 1] = "range " .. p .. " tcp flag set " .. fl
		end
		sw.cli(cmds)
	end
	pktgen.set_range(p, "on")
end

-- Random bits over a 32-bit word at a byte offset of the frame (pktgen's
-- rnd: applied after the checksums, so IPv4 and TCP checksums of these
-- frames are wrong; scanwatch, like a tap, does not verify them).
-- Offsets: IPv4 source 26, destination 30, TCP ports 34 (src) and 36 (dst).
function sw.rnd(port, idx, offset, mask)
	pktgen.rnd(tostring(port), idx, offset, mask)
end

-- ---- the traffic profiles (each script documents its packets) -----------

-- (a) vertical SYN scan from 10.66.1.11:40000 to every port of 10.20.0.5
function sw.vertical(port)
	sw.range(port, {
		src_ip = { "10.66.1.11", "10.66.1.11", "10.66.1.11", "0.0.0.0" },
		dst_ip = { "10.20.0.5", "10.20.0.5", "10.20.0.5", "0.0.0.0" },
		sport = { 40000, 40000, 40000, 0 },
		dport = { 1, 1, 65535, 1 },
		size = 64, flags = { "syn" },
	})
end

-- (b) horizontal sweep of port 445 over 10.30.0.1-10.30.255.254 from
-- 10.66.1.12:41000
function sw.horizontal(port)
	sw.range(port, {
		src_ip = { "10.66.1.12", "10.66.1.12", "10.66.1.12", "0.0.0.0" },
		dst_ip = { "10.30.0.1", "10.30.0.1", "10.30.255.254", "0.0.0.1" },
		sport = { 41000, 41000, 41000, 0 },
		dport = { 445, 445, 445, 0 },
		size = 64, flags = { "syn" },
	})
end

-- The single-packet template (what pktgen's rnd bits apply to: random mode
-- excludes range and sequence modes)
function sw.single(port, t)
	local p = tostring(port)

	pktgen.set_type(p, "ipv4")
	pktgen.set_proto(p, "tcp")
	pktgen.set_ipaddr(p, "src", t.src .. "/32")
	pktgen.set_ipaddr(p, "dst", t.dst)
	pktgen.set(p, "sport", t.sport)
	pktgen.set(p, "dport", t.dport)
	sw.cli({ "set " .. p .. " tcp flag clr all", "set " .. p .. " tcp flag set syn" })
end

-- (c) masscan-like block scan from 10.66.1.13:61000: destination host drawn
-- at random in 10.40.0.0/16, destination port at random in 0-1023, every
-- packet (pktgen's rnd bits over the single-packet template)
function sw.block(port)
	sw.single(port, { src = "10.66.1.13", dst = "10.40.0.1", sport = 61000, dport = 80 })
	sw.rnd(port, 0, 30, "........ ........ XXXXXXXX XXXXXXXX")
	sw.rnd(port, 1, 36, "000000XX XXXXXXXX ........ ........")
end

-- (d) random-source SYN flood to 10.50.0.80:443: source address (all 32
-- bits) and source port at random on every packet
function sw.flood(port)
	sw.single(port, { src = "1.0.0.1", dst = "10.50.0.80", sport = 1024, dport = 443 })
	-- (pktgen sends nothing when one spec randomises all 32 bits: halves)
	sw.rnd(port, 0, 26, "XXXXXXXX XXXXXXXX ........ ........")
	sw.rnd(port, 1, 28, "XXXXXXXX XXXXXXXX ........ ........")
	sw.rnd(port, 2, 34, "XXXXXXXX XXXXXXXX ........ ........")
end

-- (e) background, two ports of range templates:
--   port A: established TCP, client to server, flags ACK+PSH: clients
--     10.10.0.1-10.10.3.232 (1,000, in turn), ports 50000-50999, each to
--     server 10.20.1.1-10.20.1.250 (client i to server i mod 250, so every
--     client always talks to the same server) port 443; sizes 64, 114, ...
--     1514 bytes in turn (steps of 50)
--   port B: DNS queries, UDP, clients 10.11.0.1-10.11.3.232 (1,000), ports
--     53000-53999, all to the resolver 10.53.0.53:53, 82 bytes
-- Every source talks to one peer on one port: nothing here is a scan.
function sw.background(tcp_port, dns_port)
	sw.range(tcp_port, {
		src_ip = { "10.10.0.1", "10.10.0.1", "10.10.3.232", "0.0.0.1" },
		dst_ip = { "10.20.1.1", "10.20.1.1", "10.20.1.250", "0.0.0.1" },
		sport = { 50000, 50000, 50999, 1 },
		dport = { 443, 443, 443, 0 },
		size = { 64, 64, 1514, 50 }, flags = { "ack", "psh" },
	})
	sw.range(dns_port, {
		proto = "udp",
		src_ip = { "10.11.0.1", "10.11.0.1", "10.11.3.232", "0.0.0.1" },
		dst_ip = { "10.53.0.53", "10.53.0.53", "10.53.0.53", "0.0.0.0" },
		sport = { 53000, 53000, 53999, 1 },
		dport = { 53, 53, 53, 0 },
		size = 82,
	})
end

-- mean frame size of the TCP background (64 ... 1514 in steps of 50)
sw.background_size = 789

local function port_totals(ports)
	local st = pktgen.portStats("all", "port")
	local sent, errs = 0, 0

	for _, p in ipairs(ports) do
		sent = sent + (st[p].opackets or 0)
		errs = errs + (st[p].oerrors or 0)
	end
	return sent, errs
end

-- One trial: the first prof.scaled ports (default 1: the traffic swept) at
-- `scale` times their profile rates, the others (the labelled scanners of
-- a mix) at their own rates, for `secs` seconds, or
-- `count` packets on ports[1] when count > 0. Appends one line to SW_OUT.
local function trial(prof, tag, scale, secs, count)
	local ports = prof.ports
	local list = table.concat(ports, ",")

	pktgen.clr()
	-- a memif port sends nothing until connected, and pktgen's sending
	-- lcore spins on a port that is down: wait up to 10 s for every link
	for _ = 1, 100 do
		local st, up = pktgen.linkState(list), true
		for _, p in ipairs(ports) do
			if not tostring(st[p]):find("UP") then up = false end
		end
		if up then break end
		pktgen.delay(100)
	end
	-- rates after the links are up: pktgen turns a percent into packets/s
	-- with the link speed it reads at that moment (0 while memif connects)
	for i, p in ipairs(ports) do
		local pps = prof.pps[i]
		if i <= (prof.scaled or 1) then pps = pps * scale end
		pktgen.set(tostring(p), "rate", sw.pct(pps))
		pktgen.set(tostring(p), "count", (i == 1) and count or 0)
	end
	pktgen.delay(200)
	local t0 = os.time()
	pktgen.start(list)
	if os.getenv("SW_START_FILE") then
		local f = io.open(os.getenv("SW_START_FILE"), "w")
		if f then f:write("started\n"); f:close() end
	end
	if count > 0 then
		-- a fixed count: wait until the port has sent it (or secs + 5 s)
		local waited = 0
		while pktgen.isSending(tostring(ports[1]))[ports[1]] == "y" and waited < (secs + 5) * 10 do
			pktgen.delay(100)
			waited = waited + 1
		end
	else
		pktgen.delay(math.floor(secs * 1000))
	end
	-- the packets/s pktgen computed for each port from its percent (its
	-- own view of the rate it paces by)
	local info, pps = pktgen.portInfo(list), {}
	for _, p in ipairs(ports) do
		local i = info[p] or {}
		local d = i.tx_debug or (i.info and i.info.tx_debug) or {}
		pps[#pps + 1] = tostring(d.tx_pps or "?")
	end
	pktgen.stop(list)
	-- portStats("port") is the snapshot pktgen's stats timer takes once a
	-- second (info->prev_stats), not the live counters: wait past the next
	-- one, or up to a second of the trial's frames is missing from "sent"
	pktgen.delay(1500)
	local sent, errs = port_totals(ports)
	local f = io.open(os.getenv("SW_OUT") or "/dev/null", "a")
	if f then
		f:write(string.format("%s sent=%d oerrors=%d secs=%.0f tx_pps=%s\n", tag, sent,
				      errs, os.time() - t0, table.concat(pps, ",")))
		f:close()
	end
end

-- prof = { ports = {0, ...}, pps = {packets/s per port}, scaled = how many
-- leading ports the sweep scales (default 1) }
function sw.main(prof)
	pktgen.screen("off")
	trial(prof, os.getenv("SW_TAG") or "alone", tonumber(os.getenv("SW_SCALE") or "1"),
	      tonumber(os.getenv("SW_SECONDS") or "10"), 0)
	pktgen.quit()
end

return sw
