#!/bin/sh
# Before and after on a shared VM: alternate two builds of scanwatch-bench,
# N rounds, and print each detect row against the parse and bare rows of
# the same invocation (absolute cycles drift with the VM's load; ratios
# within one run hold). Builds: directories holding bench/scanwatch-bench,
# e.g. a worktree of the base commit built with meson.
# Usage: bench/ab.sh BEFORE_BUILD AFTER_BUILD [MIX] [ROUNDS] [PACKETS]
#   bench/ab.sh /tmp/base/build build scan 3
# Each round's rows, then per build and row the median and the minimum of
# "x parse" over the rounds, and the medians of the row's cycles and of
# its parse row's: on a busy VM one round can be off by a third, and the
# median of several alternating rounds is what to compare. "paired" is
# the bench's own x parse against parse passes interleaved with the row's
# (bench/README.md), the least disturbed by the host of the three.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 BEFORE_BUILD AFTER_BUILD [MIX] [ROUNDS] [PACKETS]" >&2; exit 2; }
before=$1 after=$2 mix=${3:-scan} rounds=${4:-3} packets=${5:-4000000}
for b in "$before" "$after"; do
	[ -x "$b/bench/scanwatch-bench" ] || { echo "$0: no $b/bench/scanwatch-bench" >&2; exit 2; }
done
rt=""
[ "$(id -u)" = 0 ] && command -v chrt >/dev/null && rt="chrt -f 50"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
printf '%-8s %-11s %9s %9s %9s %9s\n' build row cyc/pkt "x parse" "x bare" paired
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
			# paired: x parse against parse passes interleaved with the row
			if ($2 == "detect")
				printf "%-8s %-11s %9.1f %9.2f %9.2f %9.2f\n", tag, $3, c, c / parse,
					c / bare, $12 + 0
		}' | tee -a "$out"
	done
done
echo
printf '%-8s %-11s %14s %11s %10s %10s %14s   %s\n' build row "median x parse" "min x parse" \
	"cyc/pkt" "parse" "median paired" "rounds"
sort -b -k2,2 -k1,1 -s "$out" | awk '
	# the median of a[1..n], sorted in place (insertion sort)
	function median(a, n,    i, j, v) {
		for (i = 2; i <= n; i++) { v = a[i]; j = i - 1
			while (j > 0 && a[j] > v) { a[j + 1] = a[j]; j-- } a[j + 1] = v }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function flush() {
		if (n == 0) return
		med = median(r, n)
		printf "%-8s %-11s %14.2f %11.2f %10.1f %10.1f %14.2f  %s\n", b, w, med, r[1],
			median(c, n), median(p, n), median(q, n), all
		n = 0; all = ""
	}
	{ if ($1 != b || $2 != w) { flush(); b = $1; w = $2 }
	  n++; r[n] = $4; c[n] = $3; p[n] = $3 / $4; q[n] = $6; all = all " " $4 }
	END { flush() }'
