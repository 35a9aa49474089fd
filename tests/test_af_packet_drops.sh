#!/usr/bin/env bash
# net_af_packet loses no frame in silence: scanwatch reads a veth through a
# kernel ring of 512 frames (capture.af-packet-frames), is stopped (SIGSTOP)
# while 5,000 frames arrive, then resumed. The kernel drops what the ring
# cannot hold; those drops must show in stats.capture.dpdk.imissed, so that
# captured + imissed = the frames sent, exactly. (Before, imissed stayed 0.)
# Usage: test_af_packet_drops.sh SCANWATCH
set -euo pipefail
bin=$(readlink -f "$1")
id=$$ ns=swdrop$$ n=5000
out=$(mktemp -d)
cleanup() {
	[ -n "${swpid:-}" ] && { kill -CONT "$swpid" 2>/dev/null; kill "$swpid" 2>/dev/null; wait "$swpid" 2>/dev/null; }
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$out" "/var/run/dpdk/swdrop$id"
}
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$ns" link add "da$id" type veth peer name "db$id"
ip -n "$ns" link set "da$id" up
ip -n "$ns" link set "db$id" up

ip netns exec "$ns" timeout 120 "$bin" -i "net_af_packet0,iface=db$id" -l "$out" \
	--set stats.interval=1 --set capture.af-packet-frames=512 \
	-- --no-huge -m 512 "--file-prefix=swdrop$id" >"$out/stdout" 2>"$out/stderr" &
tpid=$!
for _ in $(seq 1 100); do
	grep -q '"event_type":"stats"' "$out/eve.json" 2>/dev/null && break
	sleep 0.1
done
grep -q '"event_type":"stats"' "$out/eve.json" || { echo "FAIL scanwatch did not start"; cat "$out/stderr"; exit 1; }
swpid=$(pgrep -P "$tpid" | head -1)
rx0=$(ip netns exec "$ns" cat "/sys/class/net/db$id/statistics/rx_packets")

kill -STOP "$swpid"
ip netns exec "$ns" python3 - "da$id" "$n" <<'PY'
import socket, struct, sys
ifname, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifname, 0))
for i in range(n):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, i & 0xffff, 0, 64, 17, 0,
                     bytes([10, 77, 0, 1]), bytes([10, 77, 1 + (i >> 8 & 0x7f), i & 0xff]))
    udp = struct.pack("!HHHH", 40000, 9, 8, 0)
    s.send(b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00" + ip + udp + bytes(18))
PY
rx=$(( $(ip netns exec "$ns" cat "/sys/class/net/db$id/statistics/rx_packets") - rx0 ))
kill -CONT "$swpid"
sleep 2.5
kill -INT "$tpid"
wait "$tpid" || { echo "FAIL scanwatch exit status $?"; cat "$out/stderr"; exit 1; }
swpid=

python3 - "$out/eve.json" "$n" "$rx" <<'PY'
import json, sys
n, rx = int(sys.argv[2]), int(sys.argv[3])
stats = [json.loads(l)["stats"] for l in open(sys.argv[1]) if '"event_type":"stats"' in l]
first, last = stats[0]["capture"], stats[-1]["capture"]
got = last["packets"] - first["packets"]
missed = last["dpdk"]["imissed"] - first["dpdk"]["imissed"]
print(f"# sent {n}, veth received {rx}, scanwatch captured {got}, imissed {missed}")
ok = True
if rx != n:
    print(f"FAIL the veth received {rx} of {n} frames: the test itself is off"); ok = False
if missed < n - 1024:
    print(f"FAIL imissed {missed}: the kernel dropped frames a 512-frame ring could not hold, "
          f"at least {n - 1024}, and scanwatch did not count them"); ok = False
if got + missed != n:
    print(f"FAIL captured {got} + imissed {missed} = {got + missed}, not the {n} frames sent"); ok = False
print("PASS every frame captured or counted in imissed" if ok else "")
sys.exit(0 if ok else 1)
PY
