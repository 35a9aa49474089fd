#!/usr/bin/env bash
# Live capture end to end: a real nmap SYN scan and a real HTTP client
# between two network namespaces, scanwatch reading the target's veth
# through DPDK's net_af_packet PMD, then nmap -sV with an NSE script. Asserts
# the scanner is alerted (kind, technique, tool), the banner grab raises
# payload alerts naming nmap, the HTTP client is not alerted, and no packet
# went uncounted.
# Usage: test_live.sh SCANWATCH [WORKERS]
set -euo pipefail
bin=$(readlink -f "$1")
workers=${2:-1}
here=$(dirname "$(readlink -f "$0")")
id=$$
S=swt-s$id T=swt-t$id
out=$(mktemp -d)
cleanup() {
	[ -n "${swpid:-}" ] && kill "$swpid" 2>/dev/null || true
	[ -n "${httpd:-}" ] && kill "$httpd" 2>/dev/null || true
	ip netns del "$S" 2>/dev/null || true
	ip netns del "$T" 2>/dev/null || true
	rm -rf "$out" "/var/run/dpdk/swlive$id"
}
trap cleanup EXIT

ip netns add "$S"
ip netns add "$T"
ip link add "vs$id" type veth peer name "vt$id"
ip link set "vs$id" netns "$S"
ip link set "vt$id" netns "$T"
ip -n "$S" addr add 10.66.50.1/24 dev "vs$id"
ip -n "$S" addr add 10.66.50.9/24 dev "vs$id"
ip -n "$T" addr add 10.66.50.2/24 dev "vt$id"
for ns in "$S" "$T"; do
	ip -n "$ns" link set lo up
done
ip -n "$S" link set "vs$id" up
ip -n "$T" link set "vt$id" up
# Frames as a NIC would see them, not 64 KiB GSO super-packets.
for ns_if in "$S vs$id" "$T vt$id"; do
	set -- $ns_if
	ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || true
done

ip netns exec "$T" /usr/bin/python3 -m http.server 8080 --bind 10.66.50.2 \
	>/dev/null 2>&1 &
httpd=$!

ip netns exec "$T" timeout 120 "$bin" -i "net_af_packet0,iface=vt$id" -l "$out" \
	--workers "$workers" --set stats.interval=1 -- --no-huge -m 512 "--file-prefix=swlive$id" \
	>"$out/stdout" 2>"$out/stderr" &
swpid=$!
for _ in $(seq 1 100); do
	grep -q '"event_type":"stats"' "$out/eve.json" 2>/dev/null && break
	sleep 0.1
done
grep -q '"event_type":"stats"' "$out/eve.json" || {
	echo "FAIL scanwatch did not start"; cat "$out/stderr"; exit 1; }

# benign: ten successful HTTP requests from 10.66.50.9
for _ in $(seq 1 10); do
	ip netns exec "$S" timeout 5 /usr/bin/python3 -c \
		'import urllib.request; urllib.request.urlopen("http://10.66.50.2:8080/", timeout=3).read()' \
		>/dev/null 2>&1 || true
done
# scanner: nmap SYN scan of 300 ports from 10.66.50.1
ip netns exec "$S" timeout 60 nmap -n -Pn -sS -S 10.66.50.1 -e "vs$id" -p 1-300 \
	--max-retries 0 -T4 10.66.50.2 >/dev/null
# banner grab: nmap -sV and an NSE script against the web server, from
# 10.66.50.5 (a connect scan: the kernel picks the source from the route)
ip -n "$S" addr add 10.66.50.5/24 dev "vs$id"
ip -n "$S" route replace 10.66.50.2/32 dev "vs$id" src 10.66.50.5
# meanwhile a paced scan nothing answers: hping3, a SYN every 0.3 s from
# 10.66.50.7 to ports of 10.66.50.77, an address no host holds (a static
# neighbour entry puts the frames on the wire; the target drops them), to
# be decided on timeouts (detect.trw.timeout)
ip -n "$S" addr add 10.66.50.7/24 dev "vs$id"
ip -n "$S" neigh replace 10.66.50.77 lladdr "$(ip -n "$T" -j link show "vt$id" | \
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["address"])')" dev "vs$id"
ip netns exec "$S" timeout 20 hping3 -q -S -p ++1000 -i u300000 -c 8 -a 10.66.50.7 \
	10.66.50.77 >/dev/null 2>&1 &
paced=$!
ip netns exec "$S" timeout 90 nmap -n -Pn -sT -sV --version-light -p 8080 \
	--script http-title 10.66.50.2 >/dev/null
wait "$paced" || true
sleep 2
kill -INT "$swpid"
wait "$swpid" || { echo "FAIL scanwatch exit status $?"; cat "$out/stderr"; exit 1; }
swpid=

cp "$out/eve.json" "${KEEP_EVE:-/dev/null}" 2>/dev/null || true
/usr/bin/python3 "$here/check_live.py" "$out/eve.json" "$workers"
