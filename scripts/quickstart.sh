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
/usr/bin/python3 scripts/summary.py "$out/eve.json"
