#!/usr/bin/env bash
# Frames lost between the kernel and scanwatch on net_af_packet, counted
# three ways: what tcpreplay sent, what the receiving veth's kernel
# counters saw, what scanwatch counted (stats.capture.packets) and what it
# says it missed (stats.capture.dpdk.imissed, which for net_af_packet now
# holds the kernel's PACKET_STATISTICS drops). Issue 10 item 4.
#
# Usage: bench/af_packet_loss.sh [SCANWATCH] [PCAP] [LOOPS] [-- scanwatch args]
#   defaults: build/scanwatch, tests/data/quickstart.pcap, 125 loops
#   (1,073,250 frames), tcpreplay --topspeed. Extra scanwatch arguments,
#   e.g. --set capture.rx-descriptors=512, follow a --.
# Prints one line: af_packet: sent=S veth_rx=V captured=C imissed=M lost=L (P%) unexplained=U
# Needs root (a network namespace), tcpreplay. Takes /tmp/sw-live.lock.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(readlink -f "${1:-$here/build/scanwatch}")
pcap=$(readlink -f "${2:-$here/tests/data/quickstart.pcap}")
loops=${3:-125}
shift $(( $# < 3 ? $# : 3 ))
[ "${1:-}" = "--" ] && shift
extra=("$@")
command -v tcpreplay >/dev/null || { echo "af_packet_loss: tcpreplay missing (apt-get install tcpreplay)" >&2; exit 77; }

exec 9>/tmp/sw-live.lock
flock 9
id=$$ ns=swafp$$ out=$(mktemp -d /tmp/sw-afp.XXXXXX)
cleanup() {
	[ -n "${swpid:-}" ] && kill "$swpid" 2>/dev/null && wait "$swpid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null || true
	ip link del "afs$id" 2>/dev/null || true
	rm -rf "$out" "/var/run/dpdk/swafp$id"
}
trap cleanup EXIT
ip netns add "$ns"
ip link add "afs$id" type veth peer name "afr$id"
ip link set "afr$id" netns "$ns"
ip link set "afs$id" up
ip -n "$ns" link set "afr$id" up
for dev in "afs$id"; do ethtool -K "$dev" tso off gso off gro off >/dev/null 2>&1 || true; done

ip netns exec "$ns" timeout 300 "$bin" -i "net_af_packet0,iface=afr$id" -l "$out" \
	--set stats.interval=1 "${extra[@]}" -- --no-huge -m 512 "--file-prefix=swafp$id" \
	>"$out/stdout" 2>"$out/stderr" &
swpid=$!
for _ in $(seq 1 100); do
	grep -q '"event_type":"stats"' "$out/eve.json" 2>/dev/null && break
	sleep 0.1
done
grep -q '"event_type":"stats"' "$out/eve.json" || { cat "$out/stderr" >&2; exit 1; }
rx0=$(ip netns exec "$ns" cat "/sys/class/net/afr$id/statistics/rx_packets")
tcpreplay --topspeed --loop="$loops" -i "afs$id" "$pcap" >"$out/replay" 2>&1 || true
cp "$out/replay" /tmp/sw-afp-last-replay.txt
sent=$(sed -n 's/.*Successful packets: *\([0-9]*\).*/\1/p' "$out/replay" | tail -1)
rate=$(sed -n 's/.*Rated: .* \([0-9.]*\) pps.*/\1/p' "$out/replay" | tail -1)
sleep 2
rx=$(( $(ip netns exec "$ns" cat "/sys/class/net/afr$id/statistics/rx_packets") - rx0 ))
kill -INT "$swpid"
wait "$swpid" || true
swpid=
python3 - "$out/eve.json" "$sent" "$rx" "${rate:-0}" <<'PY'
import json, sys
last = None
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event_type") == "stats":
        last = e
cap = last["stats"]["capture"]
sent, rx, rate = int(sys.argv[2] or 0), int(sys.argv[3]), float(sys.argv[4])
got, missed = cap["packets"], cap["dpdk"]["imissed"]
lost = rx - got
pct = 100.0 * lost / rx if rx else 0.0
print(f"af_packet: sent={sent} rate_pps={rate:.0f} veth_rx={rx} captured={got} "
      f"imissed={missed} lost={lost} ({pct:.2f}%) unexplained={lost - missed}")
PY
