#!/bin/sh
# Before and after on a shared VM: alternate two builds of scanwatch-bench,
# N rounds, and print each detect row against the parse and bare rows of
# the same invocation (absolute cycles drift with the VM's load; ratios
# within one run hold). Builds: directories holding bench/scanwatch-bench,
# e.g. a worktree of the base commit built with meson.
# Usage: bench/ab.sh BEFORE_BUILD AFTER_BUILD [MIX] [ROUNDS] [PACKETS]
#   bench/ab.sh /tmp/base/build build scan 3
set -eu
[ $# -ge 2 ] || { echo "usage: $0 BEFORE_BUILD AFTER_BUILD [MIX] [ROUNDS] [PACKETS]" >&2; exit 2; }
before=$1 after=$2 mix=${3:-scan} rounds=${4:-3} packets=${5:-4000000}
for b in "$before" "$after"; do
	[ -x "$b/bench/scanwatch-bench" ] || { echo "$0: no $b/bench/scanwatch-bench" >&2; exit 2; }
done
rt=""
[ "$(id -u)" = 0 ] && command -v chrt >/dev/null && rt="chrt -f 50"
printf '%-8s %-11s %9s %9s %9s\n' build row cyc/pkt "x parse" "x bare"
for i in $(seq 1 "$rounds"); do
	for b in "$before" "$after"; do
		tag=before
		[ "$b" = "$after" ] && tag=after
		$rt "$b/bench/scanwatch-bench" --packets "$packets" --hugepages --mix "$mix" 2>&1 |
		awk -v tag="$tag" -F'|' '
		/^\| (bare|parse|detect)/ {
			gsub(/ /, "", $2); gsub(/ /, "", $3); c = $5 + 0
			if ($2 == "bare") bare = c
			if ($2 == "parse") parse = c
			if ($2 == "detect")
				printf "%-8s %-11s %9.1f %9.2f %9.2f\n", tag, $3, c, c / parse, c / bare
		}'
	done
done
