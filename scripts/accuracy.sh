#!/usr/bin/env bash
# Detection accuracy: runs scanwatch on every capture of tests/data (scanners
# and benign sources, labels.json) and tests/data/benign (benign campus
# traffic that must raise no scan alert, scripts/record-benign.sh), prints
# one row per class (sources, sources alerted, alert kinds, median probes to
# detect), then scores tests/data with the project's shared scorer (recall,
# false positives, probes-to-detect; its last line is the score).
# Usage: scripts/accuracy.sh [SCORER]   (default ../shared/tools/score.py)
set -euo pipefail
cd "$(dirname "$0")/.."
scorer=${1:-../shared/tools/score.py}
[ -f "$scorer" ] || { echo "scanwatch: no scorer at $scorer" >&2; exit 2; }
scripts/build.sh build
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
mkdir "$out/benign"
for pcap in tests/data/*.pcap; do
	./build/scanwatch -r "$pcap" 2>/dev/null >"$out/$(basename "$pcap" .pcap).json"
done
for pcap in tests/data/benign/*.pcap; do
	./build/scanwatch -r "$pcap" 2>/dev/null >"$out/benign/$(basename "$pcap" .pcap).json"
done
/usr/bin/python3 scripts/accuracy_table.py "$(dirname "$scorer")" \
	"tests/data/labels.json:tests/data:$out:bundled: " \
	"tests/data/benign/labels.json:tests/data/benign:$out/benign:campus: "
echo
/usr/bin/python3 "$scorer" --labels tests/data/labels.json --pcaps tests/data \
	--alerts-dir "$out" -v
