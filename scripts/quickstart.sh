#!/usr/bin/env bash
# Quick start: install what is missing, build, and run scanwatch on a bundled
# capture of real scanner traffic (nmap, masscan, zmap, hping3 and benign
# clients recorded between network namespaces; see tests/data/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
scripts/build.sh build
pcap=${1:-tests/data/quickstart.pcap}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== scanwatch -r $pcap"
./build/scanwatch -r "$pcap" -l "$out"
echo
echo "== alerts ($out/eve.json), one line each:"
grep '"event_type":"alert"' "$out/eve.json" || echo "(none)"
echo
echo "== summary"
/usr/bin/python3 - "$out/eve.json" <<'PY'
import json, sys
alerts, stats = [], None
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["event_type"] == "alert":
        alerts.append(e)
    elif e["event_type"] == "stats":
        stats = e["stats"]
for e in alerts:
    s = e["alert"]["metadata"]["scan"]
    print("%-16s %-26s %-10s tool=%-8s targets=%-4d ports=%-5d probes=%-5d failed=%-5d answered=%d" % (
        e["src_ip"], e["alert"]["signature"], s["technique"], s["tool"],
        s["unique_targets"], s["unique_ports"], s["probes"], s["failed"], s["answered"]))
if stats:
    print("%d packets read, %d invalid, %d alerts" % (
        stats["capture"]["packets"], stats["decoder"]["invalid"], len(alerts)))
PY
