#!/usr/bin/env bash
# Does pktgen send each port at its own rate? pktgen alone, no scanwatch:
# f_mix.lua on five net_af_packet ports into one end of a veth pair, and
# nftables counters on the other end's ingress (netdev hook: every frame,
# whatever its MAC) count the frames of each source group. Prints, per
# group, the packets/s asked and received.
#
#   bench/pktgen/port_rates.sh [SCALE [SECS]]
#
# SCALE multiplies the background's 160,000 + 40,000 packets/s (default
# 0.1); the scanners keep 2,000, 2,000 and 5,000. SECS: sending time
# (default 5). Needs root (a network namespace), nft and tmux. Takes
# /tmp/sw-live.lock (the CPUs are the live tests').
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scale=${1:-0.1}
secs=${2:-5}
pktgen=$("$here/build.sh") || exit $?
for t in nft tmux; do
	command -v $t >/dev/null || { echo "port_rates.sh: $t missing" >&2; exit 77; }
done
exec 9>/tmp/sw-live.lock
flock 9

id=$$
ns=swpr$id
out=$(mktemp -d /tmp/sw-port-rates.XXXXXX)
cleanup() {
	tmux -L "$ns" kill-server 2>/dev/null || true
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "/var/run/dpdk/$ns" "$out"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link add vA type veth peer name vB
for d in vA vB lo; do ip -n "$ns" link set $d up; done
for d in vA vB; do ip netns exec "$ns" ethtool -K $d tso off gso off gro off >/dev/null 2>&1 || true; done
ip netns exec "$ns" nft -f - <<'NFT'
table netdev rates {
	chain in {
		type filter hook ingress device vB priority 0;
		ip saddr 10.10.0.0/16 counter comment "tcp-background"
		ip saddr 10.11.0.0/16 counter comment "dns-background"
		ip saddr 10.66.1.11 counter comment "vertical"
		ip saddr 10.66.1.12 counter comment "horizontal"
		ip saddr 10.66.1.13 counter comment "block-random"
	}
}
NFT
vdevs=""
for i in 0 1 2 3 4; do vdevs+=" --vdev=net_af_packet$i,iface=vA"; done
tmux -L "$ns" new-session -d -x 200 -y 60 \
	"ip netns exec $ns env SW_OUT=$out/res SW_LINK_MBPS=10000 SW_SCALE=$scale SW_SECONDS=$secs \
	 SW_TAG=rates $pktgen --lcores=0@1,1@0 --no-huge -m 4096 --file-prefix=$ns --no-pci \
	 --log-level=lib.eal:error $vdevs -- -P -m '1.[0-4]' -f $here/f_mix.lua \
	 >$out/pg.log 2>&1; touch $out/exited"
for ((i = 0; i < (secs + 90) * 10; i++)); do
	[ -e "$out/exited" ] && break
	sleep 0.1
done
[ -s "$out/res" ] || { echo "port_rates.sh: pktgen did not finish:" >&2; tail -5 "$out/pg.log" >&2; exit 1; }
echo "pktgen: $(cat "$out/res")"
ip netns exec "$ns" nft list table netdev rates | python3 -c '
import re, sys
scale, secs = float(sys.argv[1]), float(sys.argv[2])
asked = {"tcp-background": 160000 * scale, "dns-background": 40000 * scale,
         "vertical": 2000, "horizontal": 2000, "block-random": 5000}
for line in sys.stdin:
    m = re.search(r"packets (\d+) .*comment \"([^\"]+)\"", line)
    if m:
        n, name = int(m.group(1)), m.group(2)
        print(f"{name:>15} asked_pps={asked[name]:>9.0f} received_pps={n / secs:>9.0f} "
              f"ratio={n / secs / asked[name]:.2f}")
' "$scale" "$secs"
