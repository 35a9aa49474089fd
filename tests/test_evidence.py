"""Evidence captures (OUTPUT.DIR/evidence/<source>-<first_seen>.pcap) offline.

- every scan alert names its source's capture, which exists, is read by
  tcpdump and tshark, holds only packets from or to the source, each a
  (snap-length) prefix of a frame of the capture, and holds the probes from
  before the decision;
- packets after the alert: at most evidence.packets, counted;
- evidence.snaplen bounds every record;
- evidence.source-kb: no file above it, the drops counted;
- evidence.total-kb: the directory stays within it, the oldest files (an
  earlier run's first) removed, counted;
- evidence.enabled: no turns it off; bad budgets are refused by name;
- output.dir turns them on as -l does; files 0640, the directory 0750.
Usage: test_evidence.py SCANWATCH DATA_DIR
"""
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish  # noqa: E402

binary, data = sys.argv[1:3]
for tool in ("tcpdump", "tshark"):
    if shutil.which(tool) is None:
        print("SKIP: %s is not installed (scripts/deps.sh test)" % tool)
        sys.exit(77)

from scapy.all import RawPcapReader  # noqa: E402

# quickstart: seven scanners of six kinds (TCP, UDP, ICMP, protocol scans);
# decoys; a slow scan (packets after the alert); a VXLAN tunnel.
CASES = ["quickstart", "nmap_decoy", "slow_scan", "tunnel_vxlan", "nmap_ipproto"]


def run(pcap, d, *extra):
    """scanwatch -r pcap -l d; return (alerts, stats, returncode, stderr)."""
    p = subprocess.run([binary, "-r", pcap, "-l", d] + list(extra), capture_output=True,
                       text=True, timeout=300)
    alerts, stats = [], None
    path = os.path.join(d, "eve.json")
    if os.path.exists(path):
        for line in open(path):
            e = json.loads(line)
            if e["event_type"] == "alert":
                alerts.append(e)
            elif e["event_type"] == "stats":
                stats = e["stats"]["scanwatch"]
    return alerts, stats, p.returncode, p.stderr


def tool_count(tool, path):
    """Packets tool reads from path (tcpdump prints a tunnel's inner packet
    on a line of its own: lines that start with a time stamp)."""
    p = subprocess.run([tool, "-n", "-r", path],
                       capture_output=True, text=True, timeout=60)
    lines = p.stdout.splitlines()
    if tool == "tcpdump":
        lines = [x for x in lines if re.match(r"\d\d:\d\d:\d\d\.", x)]
    return p.returncode, len(lines), p.stderr[-300:]


def read(path):
    """(bytes, time, wire length) of every record, undissected (fast)."""
    out = []
    r = RawPcapReader(path)
    ns = r.nano if hasattr(r, "nano") else False
    for data, m in r:
        t = m.sec + m.usec / (1e9 if ns else 1e6)
        out.append((data, t, m.wirelen))
    r.close()
    return out


def packed(addr):
    return socket.inet_pton(socket.AF_INET6 if ":" in addr else socket.AF_INET, addr)


def scan_alerts(alerts):
    return [a for a in alerts if a["alert"]["gid"] == 122]


for case in CASES:
    pcap = os.path.join(data, case + ".pcap")
    frames = [x[0] for x in read(pcap)]
    with tempfile.TemporaryDirectory(prefix="swevid-") as d:
        alerts, stats, rc, err = run(pcap, d)
        scans = scan_alerts(alerts)
        check("%s_runs_and_alerts" % case, rc == 0 and scans, (rc, err[-300:]))
        named = [a["alert"]["metadata"]["scan"].get("evidence") for a in scans]
        check("%s_every_scan_alert_names_a_file" % case, all(named), named)
        sources = {a["src_ip"] for a in scans}
        files = sorted(os.listdir(os.path.join(d, "evidence")))
        check("%s_one_file_per_alerted_source" % case,
              len(files) == len(sources) and
              all(any(f.startswith(s + "-") for f in files) for s in sources),
              (files, sources))
        snap = 128
        for a in scans:
            rel = a["alert"]["metadata"]["scan"]["evidence"]
            src = a["src_ip"]
            path = os.path.join(d, rel)
            tag = "%s_%s" % (case, src)
            ok = check("%s_file_exists" % tag, os.path.isfile(path) and
                       re.fullmatch(r"evidence/%s-\d{8}T\d{6}\.\d{6}Z\.pcap" % re.escape(src), rel),
                       rel)
            if not ok:
                continue
            rc1, n1, e1 = tool_count("tcpdump", path)
            # tshark takes a second to start: the first file of each capture
            rc2, n2, e2 = tool_count("tshark", path) if a is scans[0] else (0, n1, "")
            pk = read(path)
            check("%s_tcpdump_and_tshark_read_it" % tag,
                  rc1 == 0 and rc2 == 0 and n1 == n2 == len(pk) > 0, (rc1, n1, e1, rc2, n2, e2))
            # the address, in either header (or a tunnel's inner one)
            check("%s_only_the_sources_packets" % tag, all(packed(src) in p[0] for p in pk),
                  len([p for p in pk if packed(src) not in p[0]]))
            check("%s_packets_are_the_captures" % tag,
                  all(any(f.startswith(p[0]) for f in frames) for p in pk[:50]) and
                  all(len(p[0]) <= snap for p in pk))
            t_alert = a["timestamp"]
            first = min(p[1] for p in pk)
            # the probes that led to the decision: from before the deciding packet
            t = datetime.datetime.strptime(t_alert, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
            check("%s_holds_probes_before_the_decision" % tag, first <= t + 1e-6,
                  (first, t_alert))
        check("%s_counters" % case,
              stats["evidence_sources"] == len(sources) and
              stats["evidence_files"] == len(sources) and stats["evidence_packets"] > 0 and
              stats["evidence_ring_drops"] == 0 and stats["evidence_errors"] == 0 and
              stats["evidence_disk_bytes"] == sum(
                  os.path.getsize(os.path.join(d, "evidence", f)) for f in files),
              {k: v for k, v in stats.items() if k.startswith("evidence")})

slow = os.path.join(data, "slow_scan.pcap")
quick = os.path.join(data, "quickstart.pcap")

# On by default with output.dir too (not only -l); under umask 0 the files
# are 0640 and the directory 0750, as eve.json and the log directory: they
# hold internal hosts' packets.
with tempfile.TemporaryDirectory(prefix="swevid-") as d:
    out = os.path.join(d, "out")
    p = subprocess.run([binary, "-r", quick, "--set", "output.dir=" + out], capture_output=True,
                       text=True, timeout=300, preexec_fn=lambda: os.umask(0))
    ev = os.path.join(out, "evidence")
    files = sorted(os.listdir(ev)) if os.path.isdir(ev) else []
    check("output_dir_turns_evidence_on", p.returncode == 0 and files, (p.returncode, p.stderr[-300:]))
    if files:
        modes = {f: oct(os.stat(os.path.join(ev, f)).st_mode & 0o777) for f in files}
        check("evidence_files_0640", all(m == oct(0o640) for m in modes.values()), modes)
        check("evidence_dir_0750", os.stat(ev).st_mode & 0o777 == 0o750,
              oct(os.stat(ev).st_mode & 0o777))

# After the alert: at most evidence.packets, the rest counted as late.
with tempfile.TemporaryDirectory(prefix="swevid-") as d:
    _, st, rc, err = run(slow, d, "--set", "evidence.packets=3")
    live = st["evidence_packets"] - st["evidence_history_packets"]
    check("packets_after_alert_capped", rc == 0 and 0 < live <= 3 and st["evidence_late"] > 0,
          {k: v for k, v in st.items() if k.startswith("evidence")})
with tempfile.TemporaryDirectory(prefix="swevid-") as d:
    _, st, rc, err = run(slow, d)
    live = st["evidence_packets"] - st["evidence_history_packets"]
    check("packets_after_alert_copied_by_the_worker", rc == 0 and live > 3 and
          st["evidence_copies"] >= live, st)

# Snap length.
with tempfile.TemporaryDirectory(prefix="swevid-") as d:
    alerts, st, rc, err = run(quick, d, "--set", "evidence.snaplen=64")
    pk = [p for f in os.listdir(os.path.join(d, "evidence"))
          for p in read(os.path.join(d, "evidence", f))]
    check("snaplen_bounds_records", rc == 0 and pk and all(len(p[0]) <= 64 for p in pk) and
          any(p[2] > 64 for p in pk), len(pk))

# Per-source budget: 1 KiB per file.
with tempfile.TemporaryDirectory(prefix="swevid-") as d:
    alerts, st, rc, err = run(quick, d, "--set", "evidence.source-kb=1")
    sizes = [os.path.getsize(os.path.join(d, "evidence", f))
             for f in os.listdir(os.path.join(d, "evidence"))]
    check("source_budget_respected", rc == 0 and sizes and max(sizes) <= 1024 and
          st["evidence_source_budget_drops"] > 0, (sizes, st.get("evidence_source_budget_drops")))

# Total budget: an earlier run's file goes first, then this run's oldest.
with tempfile.TemporaryDirectory(prefix="swevid-") as d:
    os.makedirs(os.path.join(d, "evidence"))
    old = os.path.join(d, "evidence", "192.0.2.1-20200101T000000.000000Z.pcap")
    with open(old, "wb") as f:
        f.write(b"\0" * 50000)
    os.utime(old, (1577836800, 1577836800))
    alerts, st, rc, err = run(quick, d, "--set", "evidence.total-kb=200",
                              "--set", "evidence.source-kb=100")
    files = os.listdir(os.path.join(d, "evidence"))
    total = sum(os.path.getsize(os.path.join(d, "evidence", f)) for f in files)
    order = []
    for a in scan_alerts(alerts):
        rel = a["alert"]["metadata"]["scan"].get("evidence")
        if rel and rel not in order:
            order.append(rel)
    kept = ["evidence/" + f for f in files]
    # what is left is the newest captures: a suffix of the alert order
    check("total_budget_respected", rc == 0 and total <= 200 * 1024 and
          st["evidence_disk_bytes"] == total, (total, st))
    check("total_budget_removes_oldest_first",
          not os.path.exists(old) and kept and sorted(kept) == sorted(order[-len(kept):]) and
          st["evidence_files_removed"] == 1 + len(order) - len(kept),
          (kept, order, st["evidence_files_removed"]))

# Off with one key; no output directory, no captures.
with tempfile.TemporaryDirectory(prefix="swevid-") as d:
    alerts, st, rc, err = run(quick, d, "--set", "evidence.enabled=no")
    check("off_switch", rc == 0 and scan_alerts(alerts) and
          not os.path.exists(os.path.join(d, "evidence")) and
          not any("evidence" in a["alert"]["metadata"].get("scan", {}) for a in alerts) and
          st["evidence_files"] == 0, os.listdir(d))
p = subprocess.run([binary, "-r", quick], capture_output=True, text=True, timeout=300)
check("stdout_output_no_evidence", p.returncode == 0 and '"alert"' in p.stdout and
      '"evidence":"' not in p.stdout and '"evidence": "' not in p.stdout)

# Validation: errors name the keys.
for kv, want in (("evidence.source-kb=4096", "evidence.source-kb"),
                 ("evidence.snaplen=10", "evidence.snaplen"),
                 ("evidence.history=1000", "evidence.history"),
                 ("evidence.enabled=maybe", "evidence.enabled")):
    extra = ["--set", kv] + (["--set", "evidence.total-kb=1024"] if "source-kb" in kv else [])
    p = subprocess.run([binary, "-T"] + extra, capture_output=True, text=True, timeout=60)
    check("refused_%s" % kv.split("=")[0].replace(".", "_").replace("-", "_"),
          p.returncode != 0 and want in p.stderr, (p.returncode, p.stderr[-300:]))
finish()
