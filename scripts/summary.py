#!/usr/bin/python3
"""One line per alert of an EVE file, then totals (scripts/quickstart.sh).

Usage: scripts/summary.py EVE.json
"""
import json
import sys

alerts, stats = [], None
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event_type"] == "alert":
        alerts.append(e)
    elif e["event_type"] == "stats":
        stats = e["stats"]
for e in alerts:
    md = e["alert"]["metadata"]
    if "scan" in md:
        s = md["scan"]
        print("%-16s %-26s %-9s %-10s tool=%-8s targets=%-4d ports=%-5d probes=%-5d "
              "failed=%-5d answered=%d" % (e["src_ip"], e["alert"]["signature"],
                                          s.get("direction", "-"), s["technique"], s["tool"],
                                          s["unique_targets"], s["unique_ports"], s["probes"],
                                          s["failed"], s["answered"]))
    else:  # a payload rule (gid 1)
        p = md["payload"]
        print("%-16s %-26s %-9s %-10s tool=%-8s to %s:%s, sid %d %s, excerpt %r" % (
            e["src_ip"], "payload rule", p.get("direction", "-"), "payload", p.get("tool", "-"),
            e["dest_ip"],
            e.get("dest_port", "-"), e["alert"]["signature_id"], e["alert"]["signature"],
            p["excerpt"][:40]))
if stats:
    print("%d packets read, %d invalid, %d alerts" % (
        stats["capture"]["packets"], stats["decoder"]["invalid"], len(alerts)))
