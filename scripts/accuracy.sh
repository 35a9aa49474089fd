#!/usr/bin/env bash
# Detection accuracy on the bundled captures: runs scanwatch on every pcap
# of tests/data and scores the alerts against tests/data/labels.json with
# the project's shared scorer (recall, false positives, probes-to-detect).
# Usage: scripts/accuracy.sh [SCORER]   (default ../shared/tools/score.py)
set -euo pipefail
cd "$(dirname "$0")/.."
scorer=${1:-../shared/tools/score.py}
[ -f "$scorer" ] || { echo "scanwatch: no scorer at $scorer" >&2; exit 2; }
scripts/build.sh build
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for pcap in tests/data/*.pcap; do
	./build/scanwatch -r "$pcap" 2>/dev/null >"$out/$(basename "$pcap" .pcap).json"
done
/usr/bin/python3 "$scorer" --labels tests/data/labels.json --pcaps tests/data \
	--alerts-dir "$out" -v
