"""The abuse desk's distinctions and fragmented scans (issue 12 items 2, 4b).

Real captures from scripts/record-kinds.sh:
- tests/data/kinds/hammering.pcap: a connection storm on one SSH port
  (10.66.7.21, the kernel's TCP stack, 120 connects) and the same four
  sensitive ports of one host scanned 15 times by nmap (10.66.7.22) are
  hammering, with their repeat counts; a narrow nmap sweep of SSH, SMB and
  RDP (10.66.7.23) is knob-rattling and lists them.
- tests/data/nmap_frag.pcap: nmap -f, -ff, --mtu 8 and IPv6 8-byte
  fragments: every scan is caught and says fragmented; the headers were
  read across fragments (counters), none left as a parse error.
- tests/data/slow_filtered.pcap: paced scans nothing answers (nmap -T2 of
  a dropped host and of a dropped /28, hping3 at one SYN a second): decided
  by the sequential test on timeouts (detect.trw.timeout), filtered, within
  8 probes; with timeouts off, both nmap scans go unseen.
And built fragments (scapy): overlapping bytes (the held ones win, counted)
and a datagram whose header never completes (expired, counted).

Usage: test_kinds.py SCANWATCH DATA_DIR
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish, run  # noqa: E402

binary, data = sys.argv[1:3]
try:
    from scapy.all import Ether, IP, TCP, Raw, wrpcap  # noqa: E402
except ImportError:
    print("SKIP: python3-scapy is not installed")
    sys.exit(77)


def scans(alerts, src):
    return [a for a in alerts if a["src_ip"] == src and a["alert"]["gid"] == 122 and
            a["alert"]["metadata"]["scan"]["update"] == 0]


# --- unanswered probes time out (detect.trw.timeout) ------------------------
SLOW = os.path.join(data, "slow_filtered.pcap")
PACED = ("10.66.7.32", "10.66.7.33", "10.66.7.34")
alerts, stats, _, _ = run(binary, SLOW)
for src in PACED:
    first = scans(alerts, src)
    m = first[0]["alert"]["metadata"]["scan"] if first else {}
    check("paced_%s_decided_on_timeouts" % src, len(first) == 1 and
          m["decided_by"] == "sequential-test" and m["filtered"] and m["answered"] == 0 and
          m["probes"] <= 8, m)
det = stats["scanwatch"]["detect"]
check("timeouts_counted", det.get("timeouts", 0) >= 12 and det.get("timeouts_one_way") == 0,
      {k: v for k, v in det.items() if k.startswith("timeouts")})
check("client_not_alerted", not [a for a in alerts if a["src_ip"] == "10.66.7.31"],
      [a["alert"]["signature"] for a in alerts if a["src_ip"] == "10.66.7.31"])
alerts, stats, _, _ = run(binary, SLOW, "--set", "detect.trw.timeout=0")
check("without_timeouts_paced_nmap_unseen",
      not scans(alerts, "10.66.7.32") and not scans(alerts, "10.66.7.34") and
      stats["scanwatch"]["detect"].get("timeouts") == 0,
      sorted({a["src_ip"] for a in alerts}))

# --- hammering and knob-rattling -------------------------------------------
alerts, stats, _, _ = run(binary, os.path.join(data, "kinds", "hammering.pcap"))
storm = scans(alerts, "10.66.7.21")
check("storm_is_hammering_only", [a["alert"]["metadata"]["scan"]["kind"] for a in storm] ==
      ["hammering"], [a["alert"]["signature"] for a in storm])
if storm:
    a = storm[0]
    s = a["alert"]["metadata"]["scan"]
    check("storm_sid_severity", a["alert"]["signature_id"] == 1030 and
          a["alert"]["severity"] == 1 and a["alert"]["signature"] == "TCP hammering",
          (a["alert"]["signature_id"], a["alert"]["severity"], a["alert"]["signature"]))
    check("storm_target_and_count", a["dest_ip"] == "10.99.7.5" and a["dest_port"] == 22 and
          s["repeats"] >= 50 and s["intent"] == "hammering" and s["services"] == ["ssh/22"],
          (a["dest_ip"], a["dest_port"], s.get("repeats"), s["intent"], s["services"]))

rescans = scans(alerts, "10.66.7.22")
kinds = {a["alert"]["metadata"]["scan"]["kind"]: a for a in rescans}
check("rescans_hammering", "hammering" in kinds, sorted(kinds))
if "hammering" in kinds:
    s = kinds["hammering"]["alert"]["metadata"]["scan"]
    check("rescans_count_and_services", s["repeats"] >= 50 and
          {"ssh/22", "telnet/23", "smb/445", "rdp/3389"} <= set(s["services"]),
          (s["repeats"], s["services"]))
check("rescans_scan_is_knob_rattling", "portscan" in kinds and
      kinds["portscan"]["alert"]["metadata"]["scan"]["intent"] == "knob-rattling" and
      kinds["portscan"]["alert"]["severity"] == 1,
      [(k, a["alert"]["metadata"]["scan"]["intent"], a["alert"]["severity"])
       for k, a in kinds.items()])

# the rescanned host answers; it scans nobody (its answers were once read
# as ACK probes when a burst spanned a second: SW_FUTURE_S)
check("rescanned_target_not_alerted", scans(alerts, "10.99.7.6") == [],
      [a["alert"]["signature"] for a in scans(alerts, "10.99.7.6")])
check("only_the_three_sources_alerted",
      {a["src_ip"] for a in alerts} == {"10.66.7.21", "10.66.7.22", "10.66.7.23"},
      sorted({a["src_ip"] for a in alerts}))

sweep = scans(alerts, "10.66.7.23")
check("narrow_sweep_is_knob_rattling", len(sweep) == 1 and
      sweep[0]["alert"]["metadata"]["scan"]["kind"] == "portsweep" and
      sweep[0]["alert"]["metadata"]["scan"]["intent"] == "knob-rattling" and
      sweep[0]["alert"]["severity"] == 2 and
      sorted(sweep[0]["alert"]["metadata"]["scan"]["services"]) ==
      ["rdp/3389", "smb/445", "ssh/22"],
      [(a["alert"]["signature"], a["alert"]["severity"], a["alert"]["metadata"]["scan"])
       for a in sweep])
check("hammering_not_fragmented",
      not any(a["alert"]["metadata"]["scan"]["fragmented"] for a in alerts
              if a["alert"]["gid"] == 122))

# --- fragmented scans --------------------------------------------------------
alerts, stats, _, _ = run(binary, os.path.join(data, "nmap_frag.pcap"))
for src in ("10.66.7.11", "10.66.7.12", "10.66.7.13", "fd00:66::14"):
    mine = scans(alerts, src)
    check("frag_%s_caught" % src, mine and all(
        a["alert"]["metadata"]["scan"]["fragmented"] and
        a["alert"]["metadata"]["scan"]["technique"] == "syn" for a in mine),
        [(a["alert"]["signature"], a["alert"]["metadata"]["scan"]["fragmented"]) for a in mine])
sw = stats["scanwatch"]
check("frag_headers_read", sw.get("frag_assembled", 0) >= 400 and sw.get("frag_expired") == 0,
      {k: v for k, v in sw.items() if k.startswith("frag")})
check("frag_no_parse_errors", stats["decoder"]["invalid"] == 0 and
      not any(sw["parse"].get(k) for k in ("tcp_trunc", "tcp_doff")), sw["parse"])


# --- overlap policy and expiry, on built fragments --------------------------
def frags(src, dst, ident, pieces, ts):
    """IPv4 fragments of one datagram: pieces = [(offset, bytes, more)]."""
    out = []
    for i, (off, b, more) in enumerate(pieces):
        p = Ether() / IP(src=src, dst=dst, id=ident, proto=6, flags="MF" if more else 0,
                         frag=off // 8) / Raw(b)
        p.time = ts + i * 0.001
        out.append(p)
    return out


syn = bytes(TCP(sport=40000, dport=22, flags="S", window=1024, seq=1))
other = bytes(TCP(sport=40000, dport=3389, flags="S", window=1024, seq=1))
pkts = []
# 1: bytes 0-7 (ports 40000 -> 22), then 0-15 with other ports, then the rest:
#    the held ports win, the overlap is counted, the probe is port 22
pkts += frags("10.66.8.1", "10.99.8.1", 7, [(0, syn[:8], True), (0, other[:16], True),
                                             (16, syn[16:], False)], 1700000000.0)
# 2: a first fragment whose rest never comes; 40 s later another datagram
#    lands in the table and the first one is found expired
pkts += frags("10.66.8.2", "10.99.8.1", 8, [(0, syn[:8], True)], 1700000001.0)
pkts += frags("10.66.8.2", "10.99.8.1", 8, [(0, syn[:8], True)], 1700000041.0)
with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "frag.pcap")
    wrpcap(path, pkts)
    alerts, stats, _, _ = run(binary, path)
sw = stats["scanwatch"]
check("overlap_counted_held_bytes_win", sw.get("frag_overlaps") == 1 and
      sw.get("frag_assembled") == 1, {k: v for k, v in sw.items() if k.startswith("frag")})
check("expired_counted", sw.get("frag_expired") == 1,
      {k: v for k, v in sw.items() if k.startswith("frag")})
finish()
