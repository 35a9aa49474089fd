#!/bin/sh
# Instructions per packet of the worker path (sw_worker_burst) and of
# detection (sw_detect_burst), from callgrind: a count that does not move
# with the machine's load, for before/after comparisons of hot-path
# changes. BUILD: a build with debug info, e.g.
#   meson setup build-prof --buildtype=release -Dc_args=-g -Dmarch=x86-64-v3
# valgrind 3.19 (Debian 12) stops at the first AVX-512 instruction, which
# -march=native emits on a CPU that has it: count an AVX2 build there.
# Code behind #ifdef __AVX512F__ then runs its fallback.
# Usage: bench/instr.sh BUILD [flood|background|scan|payload|ROW]
# A mix counts every detect row that mix runs (scan: scan, scan-fresh,
# one-source, one-src/1 and flood together, as the numbers in
# bench/README.md were taken); ROW, e.g. detect/scan-fresh, that row alone.
set -eu
b=${1:?usage: $0 BUILD [flood|background|scan|payload|ROW]} mix=${2:-flood}
row=
case $mix in
*/*)	row=$mix
	case ${row#*/} in
	flood|background) mix=${row#*/} ;;
	*) mix=scan ;;
	esac ;;
esac
command -v valgrind >/dev/null || { echo "$0: valgrind is not installed" >&2; exit 2; }
out=$(mktemp) log=$(mktemp)
trap 'rm -f "$out" "$log"' EXIT
# one lcore: no control loop, no two-worker rows; 200,000 packets per pass
if ! valgrind --tool=callgrind --callgrind-out-file="$out" "$b/bench/scanwatch-bench" \
	--packets 200000 --mix "$mix" ${row:+--row "$row"} --lcores 0 >/dev/null 2>"$log"; then
	if grep -q 'unhandled instruction' "$log"; then
		echo "$0: valgrind cannot run $b (AVX-512?): configure it with" \
			"-Dmarch=x86-64-v3" >&2
	else
		tail -n 20 "$log" >&2
	fi
	exit 1
fi
# the calls of sw_worker_burst (one per 32-packet burst of the detect row)
# and of sw_detect_burst, with their inclusive instruction counts
tree=$(callgrind_annotate --tree=calling "$out" 2>/dev/null)
set -- $(echo "$tree" | grep -aE '>   .*worker\.c:sw_worker_burst \(' | head -1 |
	sed -E 's/^ *([0-9,]+) .*\(([0-9,]+)x\).*/\1 \2/' | tr -d ,)
wb=$1 calls=$2
db=$(echo "$tree" | grep -aE '>   .*detect\.c:sw_detect_burst \(' | head -1 |
	sed -E 's/^ *([0-9,]+) .*/\1/' | tr -d ,)
pkts=$((calls * 32))
echo "${row:-$mix}: $pkts packets through sw_worker_burst; instructions per packet: worker path $((wb / pkts)), detection $((db / pkts))"
