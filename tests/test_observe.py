"""Observability end to end, live mode: scanwatch on DPDK's net_pcap vdev
replaying two captures into two RX queues (one worker each), with DPDK
telemetry on and the Prometheus endpoint on a free loopback port.

- dpdk-telemetry.py: /scanwatch/stats, /workers, /queues, /sinks report the
  captures' packet and byte counts, per worker and per queue;
- GET /metrics passes `promtool check metrics` with no lint problem and
  reports the same counts per worker, per queue and per sink; HEAD has no
  body; other paths and methods 404; a silent and a half-sent request do not
  delay a scrape and are dropped after the idle timeout; a request head over
  8 KiB gets 431;
- SIGTERM exits 0 and the last EVE stats event agrees with both;
- a listen address already in use: exit non-zero, the message names it.

Usage: test_observe.py SCANWATCH DATA_DIR   (root: DPDK runtime dir)
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish, load_counts  # noqa: E402

binary, data = os.path.abspath(sys.argv[1]), sys.argv[2]
TELEMETRY = "/usr/bin/dpdk-telemetry.py"
PROMTOOL = "/usr/bin/promtool"
CASES = ["nmap_syn_vertical", "benign_http"]   # queue 0, queue 1


def pcap_frames(path):
    """(frames, bytes captured) of a classic pcap file, from its record headers."""
    with open(path, "rb") as f:
        hdr = f.read(24)
        magic = struct.unpack("<I", hdr[:4])[0]
        endian = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
        n = total = 0
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                break
            incl = struct.unpack(endian + "IIII", rec)[2]
            f.seek(incl, 1)
            n += 1
            total += incl
    return n, total


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def telemetry(prefix, *cmds):
    """Run dpdk-telemetry.py with commands on stdin; one JSON reply per command."""
    p = subprocess.run([TELEMETRY, "-f", prefix], input="".join(c + "\n" for c in cmds),
                       capture_output=True, text=True, timeout=20)
    replies = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
    if len(replies) != len(cmds):
        raise RuntimeError("dpdk-telemetry.py: %r %r" % (p.stdout[-500:], p.stderr[-500:]))
    return [r[c.split(",")[0]] for r, c in zip(replies, cmds)]


def http_get(port, path, timeout=15):
    return http_request(port, "GET", path, timeout)


def http_request(port, method, path, timeout=15):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request(method, path)
        r = c.getresponse()
        return r.status, r.getheader("Content-Type"), r.read().decode()
    finally:
        c.close()


LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_metrics(text):
    """{(name, frozenset(labels)): value} from the text format; labels unescaped."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$', line)
        if m is None:
            raise ValueError("unparsable sample: %r" % line)
        labels = {}
        for k, v in LABEL.findall(m.group(2) or ""):
            labels[k] = re.sub(r'\\(.)', lambda x: "\n" if x.group(1) == "n" else x.group(1), v)
        out[(m.group(1), frozenset(labels.items()))] = float(m.group(3))
    return out


def series(metrics, name, **labels):
    """Samples of name whose labels include labels."""
    want = set(labels.items())
    return [v for (n, ls), v in metrics.items() if n == name and want <= set(ls)]


def one(metrics, name, **labels):
    s = series(metrics, name, **labels)
    return s[0] if len(s) == 1 else None


counts = load_counts(data)
pcaps = [os.path.join(data, c + ".pcap") for c in CASES]
frames = [pcap_frames(p) for p in pcaps]
check("pcap_reader_agrees_with_counts_txt",
      [f[0] for f in frames] == [counts[c] for c in CASES], (frames, CASES))
want_pkts = sum(f[0] for f in frames)
want_bytes = sum(f[1] for f in frames)

tmp = tempfile.mkdtemp(prefix="swobs-")
prefix = "swobs%d" % os.getpid()
runtime = "/var/run/dpdk/" + prefix
port = free_port()
listen = "127.0.0.1:%d" % port
dev = "net_pcap0," + ",".join("rx_pcap=" + p for p in pcaps)
cmd = [binary, "-i", dev, "--workers", "2", "-l", tmp,
       "--set", "stats.interval=1", "--set", "stats.prometheus.listen=" + listen,
       "--", "--no-huge", "-m", "512", "--file-prefix=" + prefix]
errf = open(os.path.join(tmp, "stderr"), "w+")
sw = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=errf)
blocker = None
try:
    # -- a. telemetry, once the replay is over ---------------------------------
    stats = None
    deadline = time.time() + 60
    while time.time() < deadline and sw.poll() is None:
        if os.path.exists(os.path.join(runtime, "dpdk_telemetry.v2")):
            try:
                stats, sinks = telemetry(prefix, "/scanwatch/stats", "/scanwatch/sinks")
                # the replay is over and the first stats event (1 s) went out
                if stats and stats["packets"] == want_pkts and sinks["enqueued"][0] >= 1:
                    break
            except (RuntimeError, ValueError, KeyError, subprocess.TimeoutExpired):
                pass
        time.sleep(0.3)
    errf.seek(0)
    if not check("scanwatch_runs_and_answers_telemetry", sw.poll() is None and stats is not None,
                 "exit %s: %s" % (sw.poll(), errf.read()[-2000:])):
        finish()
    stats, workers, worker1, queues, sinks = telemetry(
        prefix, "/scanwatch/stats", "/scanwatch/workers", "/scanwatch/workers,1",
        "/scanwatch/queues", "/scanwatch/sinks")
    check("telemetry_packets_equal_captures", stats["packets"] == want_pkts,
          "%s != %d" % (stats["packets"], want_pkts))
    check("telemetry_bytes_equal_captures", stats["bytes"] == want_bytes,
          "%s != %d" % (stats["bytes"], want_bytes))
    check("telemetry_port_counter_agrees", stats["port_packets"] == want_pkts, stats)
    check("telemetry_nothing_missed_or_dropped",
          stats["imissed"] == 0 and stats["no_mbufs"] == 0 and stats["ring_drops"] == 0 and
          stats["sink_drops"] == 0, stats)
    check("telemetry_has_every_total",
          all(k in stats for k in ("uptime", "invalid", "parse_error_tcp_trunc", "events",
                                   "alerts", "updates", "flagged_sources", "ierrors")), stats)
    check("telemetry_workers_listed", workers["id"] == [0, 1] and workers["queue"] == [0, 1],
          workers)
    check("telemetry_packets_per_worker", workers["packets"] == [f[0] for f in frames],
          (workers["packets"], frames))
    check("telemetry_bytes_per_worker", workers["bytes"] == [f[1] for f in frames],
          (workers["bytes"], frames))
    check("telemetry_workers_polled",
          all(p > i for p, i in zip(workers["polls"], workers["idle_polls"])), workers)
    check("telemetry_one_worker_by_id", worker1["id"] == 1 and worker1["packets"] == frames[1][0],
          worker1)
    check("telemetry_queues_per_pmd", queues["queue"] == [0, 1] and
          queues["port_name"] == ["net_pcap0"] * 2 and
          queues["packets"] == [f[0] for f in frames], queues)
    check("telemetry_sinks_listed", len(sinks["name"]) >= 1 and
          len(sinks["name"]) == len(sinks["type"]) == len(sinks["enqueued"]) and
          stats["sinks"] == len(sinks["name"]), sinks)
    # the scan alert leaves the hold (1 s) on the control thread's clock
    for _ in range(50):
        st, scanners, kinds = telemetry(prefix, "/scanwatch/stats", "/scanwatch/scanners",
                                        "/scanwatch/alert_kinds")
        if st["alerts"] >= 1 and scanners["src"]:
            break
        time.sleep(0.2)
    check("telemetry_scanners_name_the_scanner",
          "10.66.0.11" in scanners["src"] and
          all(len(scanners[k]) == len(scanners["src"]) for k in
              ("kind", "class", "tool", "rate_pps", "targets", "ports", "age_ms")) and
          scanners["ports"][scanners["src"].index("10.66.0.11")] > 100, scanners)
    check("telemetry_alert_kinds_sum_to_alerts",
          sum(n for k, n in zip(kinds["kind"], kinds["alerts"]) if k != "payload") ==
          st["alerts"] >= 1 and
          sum(n for k, n in zip(kinds["kind"], kinds["alerts"]) if k == "payload") ==
          st.get("payload_alerts", 0), (kinds, st["alerts"]))
    check("telemetry_sink_took_stats_events", sinks["enqueued"][0] >= 1 and
          sum(sinks["drop_queue_full"]) + sum(sinks["drop_error"]) == 0, sinks)

    # -- b. Prometheus -----------------------------------------------------------
    status, ctype, body = http_get(port, "/metrics")
    check("metrics_200_text_0_0_4", status == 200 and ctype is not None and
          ctype.startswith("text/plain; version=0.0.4"), (status, ctype))
    with open(os.path.join(tmp, "metrics.txt"), "w") as f:
        f.write(body)
    pt = subprocess.run([PROMTOOL, "check", "metrics"], input=body, capture_output=True,
                        text=True, timeout=30)
    check("promtool_check_metrics_clean", pt.returncode == 0 and
          pt.stdout.strip() == "" and pt.stderr.strip() == "",
          (pt.returncode, pt.stdout[-1500:], pt.stderr[-1500:]))
    m = parse_metrics(body)
    check("metrics_packets_equal_captures", one(m, "scanwatch_packets_total") == want_pkts,
          one(m, "scanwatch_packets_total"))
    check("metrics_bytes_equal_captures", one(m, "scanwatch_bytes_total") == want_bytes)
    check("metrics_per_worker", [one(m, "scanwatch_worker_packets_total", worker=str(i))
                                 for i in (0, 1)] == [f[0] for f in frames] and
          len(series(m, "scanwatch_worker_ring_drops_total")) == 2,
          series(m, "scanwatch_worker_packets_total"))
    check("metrics_per_queue", [one(m, "scanwatch_queue_packets_total", port="net_pcap0",
                                    queue=str(q)) for q in (0, 1)] == [f[0] for f in frames],
          series(m, "scanwatch_queue_packets_total"))
    check("metrics_per_port", one(m, "scanwatch_port_packets_total", port="net_pcap0") ==
          want_pkts and one(m, "scanwatch_port_missed_packets_total", port="net_pcap0") == 0)
    ok = True
    for name, typ in zip(sinks["name"], sinks["type"]):
        ok &= one(m, "scanwatch_sink_enqueued_total", sink=name, type=typ) is not None
        ok &= one(m, "scanwatch_sink_up", sink=name, type=typ) == 1
        ok &= sorted(dict(ls)["reason"] for (n, ls) in m
                     if n == "scanwatch_sink_dropped_total" and ("sink", name) in ls) == \
            ["error", "queue_full", "shutdown"]
    check("metrics_per_sink", ok and len(series(m, "scanwatch_sink_written_total")) ==
          len(sinks["name"]), [k for k in m if k[0].startswith("scanwatch_sink_")][:6])
    check("metrics_payload_rules", (one(m, "scanwatch_rules_loaded") or 0) >= 35 and
          one(m, "scanwatch_rules_generation") == 1 and
          one(m, "scanwatch_rules_reload_failures_total") == 0 and
          len(series(m, "scanwatch_worker_match_ring_drops_total")) == 2 and
          sum(series(m, "scanwatch_worker_payload_scanned_total")) > 0,
          [k for k in m if "rules" in k[0] or "payload" in k[0] or "match" in k[0]])
    check("telemetry_payload_rules", stats.get("rules_loaded", 0) >= 35 and
          stats.get("payload_ring_drops") == 0 and
          stats.get("rules_loaded") == one(m, "scanwatch_rules_loaded"),
          {k: v for k, v in stats.items() if "rules" in k or "payload" in k})
    check("metrics_parse_errors_by_reason",
          len(series(m, "scanwatch_parse_errors_total")) >= 10 and
          one(m, "scanwatch_parse_errors_total", reason="tcp_trunc") is not None)
    check("metrics_build_info_and_uptime",
          one(m, "scanwatch_build_info") == 1 and
          one(m, "scanwatch_uptime_seconds") is not None and
          one(m, "scanwatch_ring_drops_total") == 0)
    check("metrics_alerts_by_kind_sum_to_alerts",
          sum(v for (n, ls), v in m.items() if n == "scanwatch_alerts_by_kind_total" and
              dict(ls)["kind"] != "payload") == one(m, "scanwatch_alerts_total") >= 1,
          series(m, "scanwatch_alerts_by_kind_total"))
    check("metrics_agree_with_telemetry",
          one(m, "scanwatch_alerts_total") >= stats["alerts"] and
          one(m, "scanwatch_events_total") == stats["events"])
    # the README's tables name every metric (with its type) and telemetry key
    readme = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                               "README.md")).read()
    undocumented = [f for f, t in re.findall(r"^# TYPE (\S+) (\S+)$", body, re.M)
                    if "| `%s` | %s |" % (f, t) not in readme]
    check("readme_lists_every_metric", undocumented == [], undocumented)
    rows = {cmd: next((ln for ln in readme.splitlines() if ln.startswith("| `%s` |" % cmd)), "")
            for cmd in ("/scanwatch/stats", "/scanwatch/workers", "/scanwatch/sinks",
                        "/scanwatch/scanners", "/scanwatch/alert_kinds")}
    undocumented = [(cmd, k) for cmd, reply in (("/scanwatch/stats", stats),
                                                 ("/scanwatch/workers", workers),
                                                 ("/scanwatch/sinks", sinks),
                                                 ("/scanwatch/scanners", scanners),
                                                 ("/scanwatch/alert_kinds", kinds))
                    for k in reply if "`%s`" % k not in rows[cmd] and
                    not (k.startswith("parse_error_") and "`parse_error_<reason>`" in rows[cmd])]
    check("readme_lists_every_telemetry_key", undocumented == [], undocumented)
    status, _, _ = http_get(port, "/")
    check("other_path_404", status == 404, status)
    status, _, _ = http_get(port, "/metricsx")
    check("other_path_404_prefix", status == 404, status)

    # raw, since http.client would not read a body after HEAD
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    c.sendall(b"HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    reply = b""
    while True:
        chunk = c.recv(65536)
        if not chunk:
            break
        reply += chunk
    c.close()
    head, _, rest = reply.partition(b"\r\n\r\n")
    check("head_200_without_body", head.startswith(b"HTTP/1.1 200") and rest == b"" and
          b"Content-Length: " in head, reply[:300])
    status, _, _ = http_request(port, "POST", "/metrics")
    check("post_404", status == 404, status)
    status, _, _ = http_get(port, "/metrics?name[]=x")
    check("query_string_ignored", status == 200, status)

    # a silent client and one that stops halfway through its request line:
    # neither delays a scrape, and the server drops them once idle too long
    silent = socket.create_connection(("127.0.0.1", port), timeout=10)
    slow = socket.create_connection(("127.0.0.1", port), timeout=10)
    slow.sendall(b"GET /met")
    t0 = time.time()
    status, _, body2 = http_get(port, "/metrics", timeout=20)
    check("silent_client_does_not_hang_scrape", status == 200 and time.time() - t0 < 2,
          (status, time.time() - t0))
    silent.settimeout(15)
    try:
        closed = silent.recv(100) == b""
    except OSError:
        closed = True
    check("silent_client_dropped_after_timeout", closed and time.time() - t0 < 10,
          time.time() - t0)
    silent.close()
    slow.close()
    for size, what in ((9000, "over_8k_head"), (20000, "oversized_request")):
        big = socket.create_connection(("127.0.0.1", port), timeout=10)
        big.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * size +
                    b"\r\n\r\n")
        reply = big.recv(200)
        big.close()
        check(what + "_refused_431", reply.startswith(b"HTTP/1.1 431"), reply[:60])
    status, _, _ = http_get(port, "/metrics")
    check("scrape_after_bad_clients", status == 200, status)

    # -- c. exit and the last EVE stats event ----------------------------------
    sw.send_signal(signal.SIGTERM)
    try:
        rc = sw.wait(timeout=60)
    except subprocess.TimeoutExpired:
        rc = None
    errf.seek(0)
    check("sigterm_exits_0", rc == 0, "exit %s: %s" % (rc, errf.read()[-2000:]))
    last = None
    eve = os.path.join(tmp, "eve.json")
    for line in open(eve) if os.path.exists(eve) else []:
        e = json.loads(line)
        if e.get("event_type") == "stats":
            last = e["stats"]
    check("final_stats_event_written", last is not None)
    if last is not None:
        sws = last["scanwatch"]
        check("final_stats_packets_agree",
              last["capture"]["packets"] == stats["packets"] ==
              one(m, "scanwatch_packets_total") == want_pkts, last["capture"])
        check("final_stats_bytes_agree",
              last["decoder"]["bytes"] == stats["bytes"] == one(m, "scanwatch_bytes_total"))
        check("final_stats_workers_agree",
              [w["packets"] for w in sws["workers"]] == workers["packets"] and
              [w["ring_drops"] for w in sws["workers"]] == workers["ring_drops"],
              sws["workers"])
        check("final_stats_events_agree", sws["events"] == stats["events"] and
              sws["ring_drops"] == stats["ring_drops"])
        check("final_stats_imissed_agree",
              last["capture"]["dpdk"]["imissed"] == stats["imissed"] ==
              one(m, "scanwatch_port_missed_packets_total", port="net_pcap0"))
        check("final_stats_sinks_agree",
              [s["name"] for s in sws.get("sinks", [])] == sinks["name"], sws.get("sinks"))
        if "detect" in sws:
            check("final_stats_alerts_not_fewer", sws["detect"]["alerts"] >= stats["alerts"])

    # -- negative: the address is taken ------------------------------------------
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    taken = "127.0.0.1:%d" % blocker.getsockname()[1]
    neg = subprocess.run([binary, "-i", "net_pcap0,rx_pcap=" + pcaps[0], "-l", tmp,
                          "--set", "stats.prometheus.listen=" + taken, "--",
                          "--no-huge", "-m", "512", "--file-prefix=" + prefix + "n"],
                         capture_output=True, text=True, timeout=60)
    check("listen_in_use_exits_nonzero_naming_address",
          neg.returncode != 0 and taken in neg.stderr and "in use" in neg.stderr,
          (neg.returncode, neg.stderr[-800:]))
finally:
    if sw.poll() is None:
        sw.kill()
        sw.wait(timeout=30)
    if blocker is not None:
        blocker.close()
    errf.close()
    shutil.rmtree(tmp, ignore_errors=True)
    for d in (runtime, runtime + "n"):
        shutil.rmtree(d, ignore_errors=True)
finish()
