#!/usr/bin/env bash
# Record nmap scans through real tunnels between two network namespaces,
# captured on the underlay as a tap behind a GRE/ERSPAN mirror or a VXLAN
# fabric would see them: tests/data/tunnel_{gre,gretap,erspan2,erspan3,vxlan}.pcap
# (those the kernel can make).
# Root; iproute2, nmap, tcpdump. About a minute. Usage: scripts/record-tunnels.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-tests/data}
A=swtun-a B=swtun-b
cleanup() {
	ip netns pids "$A" 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns pids "$B" 2>/dev/null | xargs -r kill 2>/dev/null || true
	ip netns del "$A" 2>/dev/null || true
	ip netns del "$B" 2>/dev/null || true
}
trap cleanup EXIT
cleanup
ip netns add "$A"
ip netns add "$B"
ip link add ua netns "$A" type veth peer name ub netns "$B"
ip -n "$A" addr add 192.0.2.1/24 dev ua
ip -n "$B" addr add 192.0.2.2/24 dev ub
for n in "$A" "$B"; do ip -n "$n" link set lo up; done
ip -n "$A" link set ua up
ip -n "$B" link set ub up
for n in "$A" "$B"; do
	ip netns exec "$n" ethtool -K "u${n#swtun-}" tso off gso off gro off >/dev/null 2>&1 || true
done

# one tunnel per case: KIND NET "ip link add ... args"
tunnel() {	# tunnel CASE NET TYPE-ARGS...
	local c=$1 net=$2
	shift 2
	ip -n "$A" link add "t$c" type "$@" local 192.0.2.1 remote 192.0.2.2
	ip -n "$B" link add "t$c" type "$@" local 192.0.2.2 remote 192.0.2.1
	ip -n "$A" addr add "10.70.$net.1/24" dev "t$c"
	ip -n "$B" addr add "10.70.$net.2/24" dev "t$c"
	ip -n "$A" link set "t$c" up
	ip -n "$B" link set "t$c" up
}

record() {	# record CASE NET
	local c=$1 net=$2 f="$out/tunnel_$1.pcap"
	ip netns exec "$B" timeout 60 tcpdump -i ub -nn -U -s 262144 -w "$f" \
		'not arp and not icmp6' >/dev/null 2>&1 &
	local tp=$!
	sleep 1
	# a vertical SYN scan of 200 ports of the far end, inside the tunnel
	ip netns exec "$A" timeout 60 nmap -n -Pn -sS -p 1-200 --max-retries 0 \
		"10.70.$net.2" >/dev/null
	sleep 1
	kill -INT "$tp"
	wait "$tp" || true
	echo "tunnel_$c.pcap: $(stat -c %s "$f") bytes" >&2
}

# Kernels without GRE (ip_gre, ip6_gre) support only the VXLAN case: each
# case runs when its device type can be made, and says so when not.
can() { ip -n "$A" link add probe0 type "$@" local 192.0.2.1 remote 192.0.2.2 2>/dev/null &&
	ip -n "$A" link del probe0; }
for spec in "gre 1 gre" "gretap 2 gretap key 7" \
	    "erspan2 3 erspan seq key 11 erspan_ver 1 erspan 123" \
	    "erspan3 4 erspan seq key 12 erspan_ver 2 erspan_dir ingress erspan_hwid 7" \
	    "vxlan 5 vxlan id 42 dstport 4789"; do
	set -- $spec
	c=$1 net=$2
	shift 2
	if ! can "$@"; then
		echo "tunnel_$c: this kernel cannot make a $1 device; skipped" >&2
		continue
	fi
	tunnel "$c" "$net" "$@"
	record "$c" "$net"
done
