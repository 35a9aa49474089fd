"""scanwatch-report on the alerts of bundled captures.

- per source, every scan row says what the scan's latest alert says
  (probes, targets, ports, failed; an update supersedes the first alert),
  with the tool and the first probe of the alerts;
- the HTML page is one self-contained file whose timeline plot has bars
  and a line; rendered by headless Chromium when it is installed;
- an evidence capture next to eve.json (DIR/evidence/<source>-<first>.pcap,
  written here from the capture's packets of that source) is read: its
  packet counts are reported and the timeline is drawn from it;
- --from/--to select by time; a missing file, a bad time, an unknown or
  malformed source, an empty range: exit 2 with a message saying what.

Usage: test_report.py SCANWATCH REPORT DATA_DIR
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish  # noqa: E402

binary, report, data = sys.argv[1:4]
CASES = ["quickstart", "slow_scan", "nmap_decoy"]
tmp = tempfile.mkdtemp(prefix="swreport-")


def sw(case, evidence=False, sub=""):
    """Alerts of a bundled capture; without scanwatch's own evidence captures
    unless asked, so the checks below control what evidence/ holds."""
    d = os.path.join(tmp, sub, case)
    ev = [] if evidence else ["--set", "evidence.enabled=no"]
    p = subprocess.run([binary, "-r", os.path.join(data, case + ".pcap"), "-l", d] + ev,
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("scanwatch %s: %s" % (case, p.stderr[-1000:]))
    return os.path.join(d, "eve.json")


def rep(*args):
    return subprocess.run(["/usr/bin/python3", report] + list(args), capture_output=True,
                          text=True, timeout=120)


def latest_scans(eve):
    """(src, class, kind) -> (latest scan metadata, lines), updates chained."""
    out = {}
    for line in open(eve):
        e = json.loads(line)
        sc = e.get("alert", {}).get("metadata", {}).get("scan")
        if e["event_type"] != "alert" or sc is None:
            continue
        key = (e["src_ip"], sc["class"], sc["kind"])
        n = out[key][1] + 1 if sc["update"] > 0 and key in out else 1
        out[key] = (sc, n)
    return out


ROW = re.compile(r"^  (\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+"
                 r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3})\s+(\d+)$", re.M)

try:
    eves = {c: sw(c) for c in CASES}
    for case, eve in eves.items():
        scans = latest_scans(eve)
        check(case + "_has_scan_alerts", len(scans) > 0)
        for src in sorted({k[0] for k in scans}):
            p = rep("--source", src, eve)
            if not check("%s_%s_report_runs" % (case, src), p.returncode == 0, p.stderr):
                continue
            rows = {(m[1], m[0]): m for m in ROW.findall(p.stdout)}
            for (s, cls, kind), (sc, nlines) in scans.items():
                if s != src:
                    continue
                m = rows.get((cls, kind))
                want = (sc["technique"], sc["tool"] or "-", str(sc["probes"]),
                        str(sc["unique_targets"]), str(sc["unique_ports"]), str(sc["failed"]),
                        sc["first_seen"][:10] + " " + sc["first_seen"][11:23], str(nlines))
                got = m and (m[2], m[3], m[4], m[5], m[6], m[7], m[9], m[10])
                check("%s_%s_%s_%s_numbers_match_alert" % (case, src, cls, kind), got == want,
                      (got, want))
                if sc.get("tool_evidence"):
                    check("%s_%s_%s_tool_and_why" % (case, src, kind),
                          sc["tool_evidence"] in p.stdout)
            check("%s_%s_names_first_probe" % (case, src), "First probe:" in p.stdout and
                  "Timeline" in p.stdout)

    # an update supersedes: slow_scan's two lines are one scan at the update's counts
    scans = latest_scans(eves["slow_scan"])
    check("slow_scan_has_an_update", any(n > 1 for _, n in scans.values()), scans)
    p = rep(eves["slow_scan"])
    upd = [sc for sc, n in scans.values() if n > 1]
    check("update_supersedes_first_alert", upd and re.search(
        r"slow_scan\s+TCP\s+\S+\s+\S+\s+%d\s" % upd[0]["probes"], p.stdout) and
        len(ROW.findall(p.stdout)) == len(scans), p.stdout)

    # two runs' files: each source's sensor line counts its own run's packets
    def packets(eve):
        return [json.loads(ln)["stats"]["capture"]["packets"] for ln in open(eve)
                if '"event_type":"stats"' in ln][-1]
    p = rep(eves["slow_scan"], eves["nmap_decoy"])
    got = dict(re.findall(r"^Source (\S+)\n.*?^Sensor: (\d+) packets read", p.stdout,
                          re.M | re.S))
    want = {k[0]: packets(eves[c]) for c in ("slow_scan", "nmap_decoy")
            for k in latest_scans(eves[c])}
    check("sensor_counts_from_the_sources_own_file",
          {k: int(v) for k, v in got.items()} == want, (got, want))

    # every source of a run, and the HTML page
    page = os.path.join(tmp, "quick.html")
    p = rep("--html", page, eves["quickstart"])
    srcs = {k[0] for k in latest_scans(eves["quickstart"])}
    check("all_sources_reported", p.returncode == 0 and
          all("Source %s\n" % s in p.stdout for s in srcs), p.stderr)
    doc = open(page).read() if os.path.exists(page) else ""
    svgs = re.findall(r"<svg.*?</svg>", doc, re.S)
    check("html_has_one_plot_per_source", len(svgs) == len(srcs) >= 1, len(svgs))
    bars = [float(h) for h in re.findall(r'<rect [^>]*height="([0-9.]+)"', doc)]
    check("html_plot_not_empty", len(bars) >= len(srcs) and all(h > 0 for h in bars) and
          doc.count("<polyline") == len(srcs), (len(bars), doc.count("<polyline")))
    check("html_self_contained", not re.search(r'(src|href)\s*=\s*"(?!#)', doc) and
          "<script" not in doc and "@import" not in doc)
    chrome = shutil.which("chromium")
    if chrome:
        shot = os.path.join(tmp, "quick.png")
        subprocess.run([chrome, "--headless", "--no-sandbox", "--disable-gpu",
                        "--window-size=1000,1400", "--screenshot=" + shot, "file://" + page],
                       capture_output=True, timeout=120)
        check("html_renders_in_chromium", os.path.exists(shot) and
              os.path.getsize(shot) > 20000, shot)
    else:
        print("skip html_renders_in_chromium: chromium is not installed")

    # an evidence capture next to eve.json
    from scapy.all import IP, rdpcap, wrpcap  # noqa: E402
    eve = eves["quickstart"]
    src = "10.66.0.11"
    sc = latest_scans(eve)[(src, "TCP", "portscan")][0]
    pk = [x for x in rdpcap(os.path.join(data, "quickstart.pcap"))
          if IP in x and src in (x[IP].src, x[IP].dst)]
    out = [x for x in pk if x[IP].src == src]
    evdir = os.path.join(os.path.dirname(eve), "evidence")
    os.makedirs(evdir, exist_ok=True)  # scanwatch writes its own there too
    wrpcap(os.path.join(evdir, "%s-%s.pcap" % (src, sc["first_seen"])), pk)
    p = rep("--source", src, eve)
    check("evidence_capture_counted", "%d packets from the source, %d to it" %
          (len(out), len(pk) - len(out)) in p.stdout, p.stdout[-1500:])
    check("evidence_distinct_targets_ports",
          "%d distinct targets, %d distinct ports" %
          (len({x[IP].dst for x in out}), len({x[IP].dport for x in out})) in p.stdout)
    check("timeline_from_evidence", "Timeline (from packets of the evidence captures" in
          p.stdout)
    # the same packets as pcapng (Wireshark's default) are read alike
    from scapy.utils import PcapNgWriter  # noqa: E402
    ng = os.path.join(evdir, "%s-%s.pcap" % (src, sc["first_seen"]))
    w = PcapNgWriter(ng)
    for x in pk:
        w.write(x)
    w.close()
    q = rep("--source", src, eve)
    check("evidence_pcapng_counted", "%d packets from the source, %d to it" %
          (len(out), len(pk) - len(out)) in q.stdout, q.stdout[-800:])
    check("evidence_absent_is_said", "Evidence captures: none found" in
          rep("--source", "10.66.0.15", eve).stdout)
    # a capture holding the pcap header alone (the source's probes had left
    # the sensor's history when it started): said, not taken for none
    empty = os.path.join(evdir, "10.66.0.15-empty.pcap")
    with open(empty, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 128, 1))
    p = rep("--source", "10.66.0.15", eve)
    check("empty_evidence_says_why", p.returncode == 0 and "10.66.0.15-empty.pcap" in p.stdout
          and "evidence_history_none" in p.stdout and "none found" not in p.stdout,
          p.stdout[-800:])
    os.unlink(empty)
    with open(os.path.join(evdir, "10.66.0.15-x.pcap"), "w") as f:
        f.write("this is not a capture file, only text")
    p = rep("--source", "10.66.0.15", eve)
    check("damaged_evidence_named_not_fatal", p.returncode == 0 and "unreadable" in p.stdout and
          "not a pcap or pcapng file" in p.stdout, p.stdout[-800:])

    # the evidence captures scanwatch itself writes, named by the alerts
    eve2 = sw("quickstart", evidence=True, sub="own-evidence")
    sc2 = latest_scans(eve2)[(src, "TCP", "portscan")][0]
    own = os.path.join(os.path.dirname(eve2), sc2.get("evidence", "?"))
    opk = rdpcap(own) if os.path.exists(own) else []
    p = rep("--source", src, eve2)
    nfrom = sum(1 for x in opk if IP in x and x[IP].src == src)
    check("own_evidence_counted", len(opk) > 0 and
          "%d packets from the source, %d to it" % (nfrom, len(opk) - nfrom) in p.stdout,
          (own, len(opk), p.stdout[-800:]))

    # time ranges
    first = sc["first_seen"]
    p = rep("--from", "2026-11-25T07:49:00Z", "--to", "2026-11-25 07:49:50", eve)
    check("range_selects_sources", p.returncode == 0 and "Source 10.66.0.11\n" in p.stdout and
          "Source 10.66.0.15\n" not in p.stdout, p.stdout[:400] + p.stderr)
    p = rep("--from", "2030-01-01", eve)
    check("empty_range_is_an_error", p.returncode == 2 and "no alert in" in p.stderr, p.stderr)

    # bad input
    p = rep(os.path.join(tmp, "missing.json"))
    check("missing_file_error", p.returncode == 2 and "no such file" in p.stderr and
          "Traceback" not in p.stderr, p.stderr)
    p = rep("--from", "yesterday-ish", eve)
    check("bad_time_error", p.returncode == 2 and "is not a time" in p.stderr and
          "Traceback" not in p.stderr, p.stderr)
    p = rep("--from", "2026-11-26", "--to", "2026-11-25", eve)
    check("reversed_range_error", p.returncode == 2 and "is after" in p.stderr, p.stderr)
    p = rep("--source", "192.0.2.77", eve)
    check("unknown_source_error", p.returncode == 2 and "no alert for source 192.0.2.77" in
          p.stderr and "10.66.0.11" in p.stderr, p.stderr)
    p = rep("--source", "10.66.0.999", eve)
    check("bad_source_error", p.returncode == 2 and "not an IP address" in p.stderr, p.stderr)
    p = rep(os.path.dirname(eve))
    check("directory_error", p.returncode == 2 and "directory" in p.stderr, p.stderr)
    junk = os.path.join(tmp, "junk.json")
    with open(junk, "w") as f:
        f.write(open(eve).read() + "{not json\n")
    p = rep("--source", src, junk)
    check("malformed_line_warned_and_skipped", p.returncode == 0 and
          "junk.json:" in p.stderr and "Source %s" % src in p.stdout, p.stderr)
    # damaged alert and stats lines (fields deleted or of another type):
    # skipped with a warning or refused with a message, never a traceback
    import contextlib  # noqa: E402
    import importlib.machinery  # noqa: E402
    import io  # noqa: E402
    import random  # noqa: E402
    mod = importlib.machinery.SourceFileLoader("swreport", report).load_module()
    rnd = random.Random(14)
    junk_vals = [None, True, -1, 1.5, "", "x", [], {}, ["a"], [1], "2026-13-45T99:00", 10 ** 30]

    def mutate(o):
        if isinstance(o, dict) and o:
            k = rnd.choice(sorted(o))
            r = rnd.random()
            if r < 0.3:
                o[k] = rnd.choice(junk_vals)
            elif r < 0.4:
                del o[k]
            else:
                mutate(o[k])
        elif isinstance(o, list) and o:
            i = rnd.randrange(len(o))
            if rnd.random() < 0.5:
                o[i] = rnd.choice(junk_vals)
            else:
                mutate(o[i])

    base = [json.loads(ln) for ln in open(eve)] + \
        [json.loads(ln) for ln in open(eves["slow_scan"])]
    crashes = []
    fz = os.path.join(tmp, "fuzz.json")
    for i in range(200):
        with open(fz, "w") as f:
            for e in base:
                e = json.loads(json.dumps(e))
                for _ in range(rnd.randint(0, 2)):
                    mutate(e)
                f.write(json.dumps(e) + "\n")
        try:
            with contextlib.redirect_stdout(io.StringIO()), \
                    contextlib.redirect_stderr(io.StringIO()):
                mod.main(["--html", os.path.join(tmp, "fuzz.html"), fz])
        except mod.ReportError:
            pass
        except Exception as err:  # noqa: BLE001 - any other is the bug looked for
            crashes.append((i, repr(err)))
    check("damaged_lines_never_crash", crashes == [], crashes[:3])

    p = rep("--html", os.path.join(tmp, "no", "dir", "x.html"), eve)
    check("unwritable_html_error", p.returncode == 2 and "cannot write" in p.stderr, p.stderr)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
finish()
