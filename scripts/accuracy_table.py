#!/usr/bin/env python3
"""accuracy_table.py SCORER_DIR SET... -- one row per class of labelled sources.

Each SET is LABELS:PCAP_DIR:ALERTS_DIR:PREFIX (ALERTS_DIR/<case>.json holds
scanwatch's EVE output for PCAP_DIR/<case>.pcap). A class is the case for
benign-only captures (PREFIX + case: "campus: p2p") and the labelled kind
for scanners ("scanner: vertical"); the benign sources of scanner captures
make one more row. Per class: captures, sources, sources alerted, the alert
kinds they drew, and the median probes to detect (score.py's probe
definition: the probes a source had sent up to its first scan alert).
Prints a Markdown table (README.md, "Accuracy").
"""
import bisect
import collections
import json
import os
import statistics
import sys


def first_scan_alerts(path):
    """src_ip -> (first scan alert time in us, set of kinds)."""
    out = {}
    if not os.path.exists(path):
        return out
    for line in open(path):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if e.get("event_type") != "alert" or "scan" not in e["alert"].get("metadata", {}):
            continue
        ip = score.norm_ip(e["src_ip"])
        ts = score.parse_ts(e["timestamp"])
        t, kinds = out.get(ip, (ts, set()))
        kinds.add(e["alert"]["metadata"]["scan"]["kind"])
        out[ip] = (min(t, ts), kinds)
    return out


def main():
    global score
    sys.path.insert(0, sys.argv[1])
    import score as score_mod
    score = score_mod
    rows = collections.OrderedDict()
    for spec in sys.argv[2:]:
        labels, pcaps, alerts, prefix = spec.split(":", 3)
        cases = json.load(open(labels))["cases"]
        for case in sorted(cases):
            srcs = cases[case]["sources"]
            pcap = os.path.join(pcaps, cases[case].get("pcap", case + ".pcap"))
            al = first_scan_alerts(os.path.join(alerts, case + ".json"))
            times = score.probe_times(pcap) if any(s["src_ip"] in al for s in srcs) else {}
            only_benign = all(s["label"] == "benign" for s in srcs)
            for s in srcs:
                if only_benign:
                    cls = prefix + case
                elif s["label"] == "scanner":
                    cls = "scanner: " + s["kind"]
                else:
                    cls = prefix + "benign beside scanners"
                r = rows.setdefault(cls, {"cases": set(), "n": 0, "alerted": 0,
                                          "kinds": set(), "ptd": [], "label": s["label"]})
                r["cases"].add(case)
                r["n"] += 1
                ip = score.norm_ip(s["src_ip"])
                if ip in al:
                    r["alerted"] += 1
                    r["kinds"] |= al[ip][1]
                    r["ptd"].append(bisect.bisect_right(times.get(ip, []), al[ip][0]))
    print("| class | captures | sources | alerted | alert kinds | median probes to detect |")
    print("|---|---:|---:|---:|---|---:|")
    for cls, r in rows.items():
        ok = "" if (r["label"] == "benign") == (r["alerted"] == 0) and \
            (r["label"] == "benign" or r["alerted"] == r["n"]) else " **!**"
        print("| %s | %d | %d | %d%s | %s | %s |" % (
            cls, len(r["cases"]), r["n"], r["alerted"], ok,
            ", ".join(sorted(r["kinds"])) or "-",
            ("%g" % statistics.median(r["ptd"])) if r["ptd"] else "-"))


if __name__ == "__main__":
    main()
