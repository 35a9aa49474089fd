"""Benign campus traffic raises no scan alert (tests/data/benign, issue 12).

Every capture of tests/data/benign (scripts/record-benign.sh: peer-to-peer,
mail relays, NAT gateways, resolvers, happy-eyeballs clients, backscatter,
a spoofed SYN flood) is read with the default configuration and with the
exact twin (detect.mode=exact); any scan alert (gid 122) fails, naming the
source and its counts. Every labelled source must still have been seen
(the capture was read, its sources counted as probes).

A flood is not a scan: for the spoofed random-source SYN flood, each of its
1500 sources is one first contact and nothing more - no suspect event, no
alert - while the server's SYN-ACKs are counted as answers; the backscatter
of floods elsewhere (SYN-ACKs, RSTs, ICMP errors to campus addresses that
never sent anything) answers nothing that was seen: at most one contact per
spoofed address (a bare RST reads as the answer to an ACK probe).
Usage: test_benign.py SCANWATCH DATA_DIR
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from swtest import check, finish, run  # noqa: E402

binary, data = sys.argv[1:3]
bdir = os.path.join(data, "benign")
labels = json.load(open(os.path.join(bdir, "labels.json")))["cases"]


def sw_detect(stats):
    return stats["scanwatch"]["detect"] if stats and "scanwatch" in stats else {}


def scan_alerts(alerts):
    return [a for a in alerts if a["alert"]["gid"] == 122]


for case in sorted(labels):
    pcap = os.path.join(bdir, labels[case]["pcap"])
    srcs = labels[case]["sources"]
    nprobes = sum(s["n_probes"] for s in srcs)
    for mode in ("sketch", "exact"):
        extra = ["--set", "detect.mode=exact"] if mode == "exact" else []
        alerts, stats, _, _ = run(binary, pcap, *extra)
        det = sw_detect(stats)
        scans = scan_alerts(alerts)
        check("%s_%s_no_scan_alert" % (case, mode), not scans, "; ".join(
            "%s %s (%s)" % (a["src_ip"], a["alert"]["signature"], {
                k: a["alert"]["metadata"]["scan"].get(k)
                for k in ("unique_targets", "unique_ports", "probes", "failed", "answered",
                          "half_open")}) for a in scans[:5]))
        # the capture was read: every packet, and probes from its sources
        check("%s_%s_read" % (case, mode), det.get("probes", 0) > 0 and
              stats["decoder"]["pkts"] > nprobes, "detect %s" % det)

    if case == "syn_flood":
        # exact twin: every SYN is its source's one first contact
        _, xstats, _, _ = run(binary, pcap, "--set", "detect.mode=exact")
        xdet = sw_detect(xstats)
        check("flood_each_source_one_first_contact_exact",
              xdet.get("first_contacts") == len(srcs) == nprobes,
              "%s first contacts, %d sources, %d SYNs" % (xdet.get("first_contacts"),
                                                          len(srcs), nprobes))
        alerts, stats, _, _ = run(binary, pcap)
        det = sw_detect(stats)
        # the sketch: the same, but for the filter's false positives. The
        # seed is random per run; with sketch.seed=10 (1 of 600 seeds
        # tried) and once in CI, two of the 1,500 tuples agreed on their 19
        # line bits and 15 cell bits, and the later read as seen
        check("flood_each_source_one_first_contact",
              len(srcs) - 1 <= det.get("first_contacts", 0) <= len(srcs) == nprobes,
              "%s first contacts, %d sources, %d SYNs" % (det.get("first_contacts"), len(srcs),
                                                          nprobes))
        check("flood_raises_no_suspect", det.get("suspects") == 0, det)
        check("flood_answers_are_counted", det.get("positive_responses", 0) > len(srcs) // 2,
              det)
        check("flood_no_alert_at_all", not alerts, [a["alert"]["signature"] for a in alerts])
    if case == "backscatter":
        alerts, stats, _, _ = run(binary, pcap)
        det = sw_detect(stats)
        # SYN-ACKs and ICMP errors answer probes never seen: nothing is
        # counted. A bare RST (an ACK flood's victim) reads as the answer to
        # an ACK probe of the address it goes to: one contact per spoofed
        # address, never a suspect
        check("backscatter_synacks_count_nothing", det.get("positive_responses") == 0, det)
        check("backscatter_one_contact_per_spoofed_address",
              det.get("first_contacts") == det.get("negative_responses"), det)
        check("backscatter_raises_no_suspect", det.get("suspects") == 0, det)

finish()
