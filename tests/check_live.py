"""Assertions of tests/test_live.sh on scanwatch's eve.json."""
import json
import sys

alerts, stats = [], None
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event_type"] == "alert":
        alerts.append(e)
    elif e["event_type"] == "stats":
        stats = e["stats"]

failed = 0


def check(name, cond, detail=""):
    global failed
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else ": " + detail))
    failed += not cond


scan = [a for a in alerts if a["src_ip"] == "10.66.50.1"]
check("nmap_syn_scan_alerted", len(scan) >= 1, "alerts: %r" % alerts)
check("nmap_syn_scan_alerted_once_per_kind",
      len({a["alert"]["signature_id"] for a in scan}) == len([a for a in scan if a["alert"]["metadata"]["scan"]["update"] == 0]),
      "%r" % [a["alert"]["signature"] for a in scan])
if scan:
    s = scan[0]["alert"]["metadata"]["scan"]
    check("kind_is_portscan", s["kind"] == "portscan", s["kind"])
    check("technique_is_syn", s["technique"] == "syn", s["technique"])
    check("tool_is_nmap", s["tool"] == "nmap", s["tool"])
    check("target_is_10.66.50.2", scan[0]["dest_ip"] == "10.66.50.2", scan[0]["dest_ip"])
# nmap -sV and NSE from 10.66.50.5: the shipped payload rules
grab = [a for a in alerts if a["src_ip"] == "10.66.50.5" and a["alert"]["gid"] == 1]
sids = {a["alert"]["signature_id"] for a in grab}
check("nse_user_agent_alerted", 1500001 in sids, "payload sids %r" % sorted(sids))
check("sv_probe_alerted", sids & {1500101, 1500102, 1500104}, "payload sids %r" % sorted(sids))
check("payload_alerts_name_nmap",
      grab and all(a["alert"]["metadata"]["payload"].get("tool") == "nmap" for a in grab
                   if a["alert"]["signature_id"] == 1500001),
      "%r" % [(a["alert"]["signature"], a["alert"]["metadata"]["payload"].get("tool")) for a in grab])
# a bare "GET / HTTP/1.0" is what nmap -sV sends, and netcat and scripts too:
# those probes name no tool
check("generic_probes_name_no_tool",
      all("tool" not in a["alert"]["metadata"]["payload"] for a in grab
          if a["alert"]["signature_id"] in (1500101, 1500102, 1500104)),
      "%r" % [(a["alert"]["signature"], a["alert"]["metadata"]["payload"].get("tool")) for a in grab])
check("payload_alert_once_per_sid", len(grab) == len(sids),
      "%r" % [a["alert"]["signature"] for a in grab])
check("payload_excerpt_is_the_request",
      any("Nmap Scripting Engine" in a["alert"]["metadata"]["payload"]["excerpt"] for a in grab))
check("http_client_not_alerted", not any(a["src_ip"] == "10.66.50.9" for a in alerts),
      "%r" % [a["src_ip"] for a in alerts])
paced = [a for a in alerts if a["src_ip"] == "10.66.50.7" and "scan" in a["alert"]["metadata"]]
# nothing answers 10.66.50.77: every failure the alert counts is a timeout.
# One worker sees all eight probes and its sequential test decides; with
# two, the kernel's fanout hashes each probe's flow to either worker, each
# sees about half, and the control thread's merged count may decide first
# (decided_by "threshold"): either way the failures are the timeouts'.
want_workers = int(sys.argv[2]) if len(sys.argv) > 2 else 1
p0 = paced[0]["alert"]["metadata"]["scan"] if paced else {}
check("paced_unanswered_scan_decided_on_timeouts", bool(paced) and
      p0["filtered"] and p0["failed"] >= 2 and p0["answered"] == 0 and
      (p0["decided_by"] == "sequential-test" or want_workers > 1),
      "%r" % p0)
check("target_not_alerted", not any(a["src_ip"] == "10.66.50.2" for a in alerts))
check("final_stats_written", stats is not None)
if stats:
    pk = stats["capture"]["packets"]
    check("packets_counted", pk >= 600, "capture.packets=%d" % pk)
    check("no_invalid_packets", stats["decoder"]["invalid"] == 0, str(stats["decoder"]["invalid"]))
    check("no_ring_drops", stats["scanwatch"]["ring_drops"] == 0)
    check("no_imissed", stats["capture"]["dpdk"]["imissed"] == 0)
    workers = stats["scanwatch"]["workers"]
    want = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    check("one_worker_per_queue", len(workers) == want, len(workers))
    if want > 1:
        # the kernel's fanout spreads the scan's flows over every queue
        check("every_worker_saw_traffic", all(w["packets"] > 0 for w in workers),
              [w["packets"] for w in workers])
sys.exit(1 if failed else 0)
