"""Checks of scripts/soak.sh on what it left in OUT.

Usage: check_soak.py OUT SECONDS

OUT holds eve.json (alerts and a stats event every stats.interval), rss.txt
(time, VmRSS kB every 2 s), scanners.txt (round, tool, source, exit status),
iface.json (ip -s -j link of the target interface after the load stopped),
caps.txt / caps_end.txt (every thread's credentials), exit_status, and the
evidence captures (evidence/, on by default with an output directory).
"""
import json
import os
import shutil
import socket
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish  # noqa: E402

out, secs = sys.argv[1], float(sys.argv[2])
alerts, stats = [], []
for line in open(os.path.join(out, "eve.json")):
    e = json.loads(line)
    if e["event_type"] == "alert":
        alerts.append(e)
    elif e["event_type"] == "stats":
        stats.append(e["stats"])

status = int(open(os.path.join(out, "exit_status")).read())
check("exit_status_0", status == 0, "exit %d; stderr: %s" % (
    status, open(os.path.join(out, "stderr")).read()[-2000:]))
check("stats_written", len(stats) >= 2, len(stats))
if not stats:
    finish()
final = stats[-1]
sw = final["scanwatch"]

# -- counters at every stats interval ------------------------------------------
BURSTS = 2 * 512    # frames a worker may hold between the PMD's count and its own
bad_sum, bad_port, bad_mono = [], [], []
prev = None
for i, st in enumerate(stats):
    s = st["scanwatch"]
    pk = st["capture"]["packets"]
    if pk != sum(w["packets"] for w in s["workers"]):
        bad_sum.append((i, pk, [w["packets"] for w in s["workers"]]))
    # read the workers first, then the port: the port may be ahead by the
    # frames in flight, never behind. port_packets is what the PMD
    # delivered (ipackets): the frames it missed (imissed, the kernel
    # ring's drops on af_packet) are counted beside it, not in it
    gap = s["port_packets"] - pk
    if not 0 <= gap <= BURSTS * len(s["workers"]):
        bad_port.append((i, s["port_packets"], pk, gap))
    if prev is not None:
        for k in ("packets",):
            if st["capture"][k] < prev["capture"][k]:
                bad_mono.append((i, k))
        for k in ("port_packets", "events", "events_drained", "ring_drops"):
            if s[k] < prev["scanwatch"][k]:
                bad_mono.append((i, k))
    prev = st
check("every_interval_packets_eq_sum_of_workers", not bad_sum, bad_sum[:5])
check("every_interval_port_packets_eq_processed_within_a_burst", not bad_port, bad_port[:5])
check("every_interval_counters_monotonic", not bad_mono, bad_mono[:5])
check("exit_port_packets_eq_processed", sw["port_packets"] == final["capture"]["packets"],
      (sw["port_packets"], final["capture"]["dpdk"]["imissed"], final["capture"]["packets"]))
check("exit_mbufs_all_back_in_pool", sw.get("mbufs_in_use") == 0, sw.get("mbufs_in_use"))
check("exit_every_event_drained", sw["events_drained"] == sw["events"],
      (sw["events"], sw["events_drained"]))
check("no_invalid_frames", final["decoder"]["invalid"] == 0, final["decoder"]["invalid"])
check("no_sink_drops", all(k["drop_queue_full"] + k["drop_error"] + k["drop_shutdown"] == 0
                           for k in sw["sinks"]), sw["sinks"])
print("note ring_drops=%d no_mbufs=%d imissed=%d" % (
    sw["ring_drops"], final["capture"]["dpdk"]["no_mbufs"], final["capture"]["dpdk"]["imissed"]))

# -- what the kernel interface saw against what the port delivered -------------
ifs = json.load(open(os.path.join(out, "iface.json")))[0]["stats64"]
kernel = ifs["rx"]["packets"] + ifs["tx"]["packets"]
port = sw["port_packets"]
loss = (kernel - port) / kernel if kernel else 0.0
rate = port / max(final["uptime"], 1)
print("note frames: interface rx %d + tx %d, port %d (%.3f%% not delivered by the PMD), "
      "%.0f frames/s over %d s" % (ifs["rx"]["packets"], ifs["tx"]["packets"], port, 100 * loss, rate, final["uptime"]))
# af_packet's kernel ring drops what the PMD does not fetch in time;
# scanwatch adds those drops (PACKET_STATISTICS) to imissed, so the
# interface's count is the port's plus imissed, to a few frames (IPv6
# neighbour discovery on the new veth): no loss in silence
missed = final["capture"]["dpdk"]["imissed"]
unexplained = kernel - port - missed
check("every_lost_frame_counted_in_imissed", abs(unexplained) <= 64 + kernel // 100000,
      "interface %d, port %d, imissed %d: %d unexplained" % (kernel, port, missed, unexplained))
check("kernel_ring_loss_below_1pct", loss < 0.01, "%.3f%%" % (100 * loss))

# -- memory ---------------------------------------------------------------------
rss = []
for line in open(os.path.join(out, "rss.txt")):
    f = line.split()
    if len(f) == 2:
        rss.append((float(f[0]), int(f[1])))
if len(rss) >= 4:
    t0 = rss[0][0]
    warm = max(15.0, 0.25 * secs)
    after = [kb for t, kb in rss if t - t0 >= warm]
    if len(after) >= 2:
        grow = max(after) - min(after)
        print("note RSS after %.0f s warm-up: %d..%d kB over %d samples (first %d kB, last %d kB)"
              % (warm, min(after), max(after), len(after), rss[0][1], rss[-1][1]))
        # flat: within 1 MiB plus 1% after warm-up (allocator noise)
        check("rss_flat_after_warmup", grow <= 1024 + max(after) // 100,
              "grew %d kB after warm-up" % grow)
    else:
        check("rss_sampled", False, "too few samples after warm-up")
else:
    check("rss_sampled", False, "rss.txt: %d samples" % len(rss))

# -- scanners and benign clients ----------------------------------------------
flagged = {}
for a in alerts:
    flagged.setdefault(a["src_ip"], []).append(a)
rounds = [line.split() for line in open(os.path.join(out, "scanners.txt")) if line.strip()]
failed_tools = [r for r in rounds if r[3] != "0"]
check("every_scanner_ran", not failed_tools and len(rounds) >= 4, failed_tools[:5])
retries = os.path.join(out, "scanner_retries.txt")
if os.path.exists(retries):
    # a tool that died of its own signal ran once more (scripts/soak.sh)
    print("note: scanners run again after dying of a signal:",
          [line.split() for line in open(retries) if line.strip()])
missed = [(r[0], r[1], r[2]) for r in rounds if r[2] not in flagged]
by_tool = {}
for r in rounds:
    by_tool.setdefault(r[1], [0, 0])
    by_tool[r[1]][0] += 1
    by_tool[r[1]][1] += r[2] in flagged
print("note scanners flagged per tool: %s over %d rounds" % (
    ", ".join("%s %d/%d" % (t, v[1], v[0]) for t, v in sorted(by_tool.items())),
    len({r[0] for r in rounds})))
check("every_scanner_flagged", not missed, missed[:8])
scanner_ips = {r[2] for r in rounds}
check("http_client_not_flagged", "10.77.0.9" not in flagged,
      [a["alert"]["signature"] for a in flagged.get("10.77.0.9", [])])
check("target_not_flagged", "10.77.0.2" not in flagged)
others = sorted(ip for ip in flagged if ip not in scanner_ips)
check("no_benign_replay_source_flagged", not others,
      [(ip, flagged[ip][0]["alert"]["signature"]) for ip in others[:5]])

# -- evidence captures on the live path (issue 14 item 1) ---------------------------
def records(path):
    """Frames of a classic pcap file (scanwatch writes nanosecond ones)."""
    with open(path, "rb") as f:
        b = f.read()
    if len(b) < 24 or b[:4] not in (b"\x4d\x3c\xb2\xa1", b"\xd4\xc3\xb2\xa1"):
        return None
    out, off = [], 24
    while off + 16 <= len(b):
        incl, = struct.unpack_from("<I", b, off + 8)
        out.append(b[off + 16:off + 16 + incl])
        off += 16 + incl
    return out if off == len(b) else None


scan_alerts = [a for a in alerts if a["alert"]["gid"] == 122]
unnamed = [a["src_ip"] for a in scan_alerts if not a["alert"]["metadata"]["scan"].get("evidence")]
check("every_scan_alert_names_its_evidence_capture", not unnamed, unnamed[:8])
bad_ev, empty_ev = [], []
for src in sorted({a["src_ip"] for a in scan_alerts}):
    rels = {a["alert"]["metadata"]["scan"].get("evidence") for a in scan_alerts
            if a["src_ip"] == src} - {None}
    for rel in rels:
        path = os.path.join(out, rel)
        recs = records(path) if os.path.isfile(path) else None
        addr = socket.inet_pton(socket.AF_INET6 if ":" in src else socket.AF_INET, src)
        if recs is None:
            bad_ev.append((src, rel, "missing or not a whole pcap"))
        elif not recs:
            empty_ev.append((src, rel))
        elif not all(addr in r for r in recs):
            bad_ev.append((src, rel, "holds packets of other hosts"))
        elif shutil.which("tcpdump"):
            p = subprocess.run(["tcpdump", "-n", "-r", path], capture_output=True, text=True,
                               timeout=60)
            if p.returncode != 0:
                bad_ev.append((src, rel, p.stderr[-200:]))
check("evidence_capture_per_flagged_source_is_its_own", not bad_ev, bad_ev[:5])
# empty: neither the probes before the decision (the worker's history had
# moved past them when the flag arrived: a control thread stalled longer
# than the history lasts) nor a packet after it (the scan had ended)
check("evidence_capture_not_empty", not empty_ev, empty_ev[:5])
# and never silently: every capture without a packet from before the alert
# is counted (an empty one among them) and named on stderr
check("evidence_empty_capture_counted",
      len(empty_ev) <= sw.get("evidence_history_none", 0),
      {"empty": len(empty_ev), "evidence_history_none": sw.get("evidence_history_none")})
check("evidence_no_errors", sw.get("evidence_errors") == 0 and
      sw.get("evidence_files") == len({a["src_ip"] for a in scan_alerts}),
      {k: v for k, v in sw.items() if k.startswith("evidence")})
print("note evidence: %s" % ", ".join("%s=%s" % (k[9:], v) for k, v in sorted(sw.items())
                                       if k.startswith("evidence_")))

# -- privileges -------------------------------------------------------------------
for name in ("caps.txt", "caps_end.txt"):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        continue
    bad = [line.strip() for line in open(path)
           if (":CapEff:" in line or ":CapPrm:" in line) and int(line.split()[-1], 16) != 0]
    check("no_capability_in_any_thread_" + name.split(".")[0], not bad, bad[:4])
finish()
