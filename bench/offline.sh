#!/bin/sh
# The offline path beside its floor, in one run: `scanwatch -r` (shipped
# rules, cached databases) and a bare net_pcap read of the same capture of
# 64-byte scan traffic, 3 times each; then start-up on a one-packet
# capture. Usage: bench/offline.sh [PACKETS] (default 10000000; the capture
# is written once to build/bench/scan-PACKETS.pcap, 76 bytes a packet).
set -eu
cd "$(dirname "$0")/.."
n=${1:-10000000}
[ -f build/build.ninja ] || meson setup build >&2
ninja -C build scanwatch bench/scanwatch-pcapread >&2
cap=build/bench/scan-$n.pcap
one=build/bench/scan-1.pcap
[ -f "$cap" ] || ./build/bench/scanwatch-pcapread --make "$cap" --packets "$n"
[ -f "$one" ] || ./build/bench/scanwatch-pcapread --make "$one" --packets 1
now() { date +%s.%N; }
for i in 1 2 3; do
	./build/bench/scanwatch-pcapread "$cap"
	t0=$(now)
	./build/scanwatch -r "$cap" >/dev/null 2>&1
	t1=$(now)
	awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "scanwatch -r: process %.3f s (%.2f Mpps)\n", b - a, n / (b - a) / 1e6 }'
done
for i in 1 2 3; do
	t0=$(now)
	./build/scanwatch -r "$one" >/dev/null 2>&1
	t1=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "start-up: scanwatch -r on a one-packet capture: %.3f s\n", b - a }'
done
