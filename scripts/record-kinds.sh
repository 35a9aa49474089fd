#!/usr/bin/env bash
# record-kinds.sh — record REAL traffic for the abuse desk's distinctions and
# fragmented scans (issue 12 items 2 and 4): writes tests/data/nmap_frag.pcap,
# tests/data/slow_filtered.pcap and tests/data/kinds/hammering.pcap (kept out of
# scripts/accuracy.sh, see tests/test_kinds.py).
#
#   nmap_frag   nmap -sS through IP fragments: -f (8-byte fragments), -ff (16),
#               --mtu 8, and IPv6 half-open probes in 8-byte fragments (scapy:
#               nmap refuses -f with IPv6); every first fragment is shorter than
#               the TCP header, so without reassembly the probes are unreadable.
#   hammering   a brute-force connection storm (a Python client connecting 120
#               times to one SSH port through the kernel's TCP stack), the same
#               four sensitive ports of one host scanned 15 times over by nmap,
#               and a narrow nmap sweep of SMB/RDP/SSH (knob-rattling).
#
# Usage: record-kinds.sh [CASE...]   (default: every case above)
#
# Lab: two namespaces (swkind-scan, swkind-tgt) joined by a veth pair, nothing
# routed out of the machine; tcpdump records on the target side. The namespaces
# and every process started in them are removed on exit. Needs root.
# Labels: tests/data/labels.json entries are written by hand (see
# tests/data/README.md); the probe counts come from score.py's probe_times().
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$REPO/tests/data"
PY=/usr/bin/python3
NS_S=swkind-scan
NS_T=swkind-tgt
WORK=$(mktemp -d /tmp/swkind.XXXXXX)
TCPDUMP_PID=

[ "$(id -u)" = 0 ] || { echo "must run as root" >&2; exit 1; }
if [ -z "${SWKIND_BOUNDED:-}" ]; then
	SWKIND_BOUNDED=1 exec timeout --kill-after=20 600 "$0" "$@"
fi
WANT=" ${*:-nmap_frag hammering slow_filtered} "
want() { [[ $WANT == *" $1 "* ]]; }
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
. "$(dirname "$0")/netns.sh"

teardown() {
	ns_del_all "$NS_S" "$NS_T"
}
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	teardown
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
teardown

S() { ip netns exec "$NS_S" "$@"; }
T() { ip netns exec "$NS_T" "$@"; }

log "namespaces"
ip netns add "$NS_S"
ip netns add "$NS_T"
for ns in "$NS_S" "$NS_T"; do
	ip -n "$ns" link set lo up
	# IPv6 without router solicitations, DAD or MLD noise in the capture
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0 \
		net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0
done
ip -n "$NS_T" link add vt1 type veth peer name vs1 netns "$NS_S"
ip -n "$NS_T" link set vt1 address 02:53:57:00:07:01
ip -n "$NS_S" link set vs1 address 02:53:57:00:07:02
T ethtool -K vt1 tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
S ethtool -K vs1 tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
T ip addr add 10.66.7.1/16 dev vt1
T ip -6 addr add fd00:66::1/64 dev vt1 nodad
T ip -6 addr add fd00:99::5/64 dev vt1 nodad
T ip link set vt1 up
T ip route add local 10.99.7.0/27 dev lo
T sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0
for a in 11 12 13 21 22 23 31 32 33 34; do S ip addr add 10.66.7.$a/16 dev vs1; done
S ip -6 addr add fd00:66::14/64 dev vs1 nodad
S ip link set vs1 up
S ip route add 10.99.7.0/24 via 10.66.7.1 dev vs1 src 10.66.7.11
S ip -6 route add fd00:99::/64 dev vs1

cat > "$WORK/serve.py" <<'EOF'
# Listeners in the target namespace: an SSH-like banner on 22, and 80, 445,
# 3389 that accept and close, on 10.99.7.5, 10.99.7.6 and fd00:99::5.
import socket, sys, threading
def serve(fam, addr, port, banner):
    s = socket.socket(fam)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(256)
    def loop():
        while True:
            c, _ = s.accept()
            try:
                c.settimeout(1)
                if banner:
                    c.sendall(banner)
                try:
                    c.recv(256)
                except OSError:
                    pass
            finally:
                c.close()
    threading.Thread(target=loop, daemon=True).start()
for a in ("10.99.7.5", "10.99.7.6"):
    for p in (22, 80, 445, 3389):
        serve(socket.AF_INET, a, p, b"SSH-2.0-OpenSSH_9.2p1\r\n" if p == 22 else b"")
for p in (22, 80):
    serve(socket.AF_INET6, "fd00:99::5", p, b"")
open(sys.argv[1], "w").close()
threading.Event().wait()
EOF
T $PY "$WORK/serve.py" "$WORK/ready" &
for _ in $(seq 50); do [ -f "$WORK/ready" ] && break; sleep 0.1; done
[ -f "$WORK/ready" ] || { echo "target services did not start" >&2; exit 1; }

record() {	# record NAME: start tcpdump on the target side
	T tcpdump -i vt1 -s 262144 -U -w "$WORK/$1.pcap" 2>"$WORK/$1.tcpdump.log" &
	TCPDUMP_PID=$!
	sleep 1
}
stop() {
	sleep 1
	kill "$TCPDUMP_PID" 2>/dev/null || true
	wait "$TCPDUMP_PID" 2>/dev/null || true
}
NMAP="timeout 120 nmap -n -Pn -e vs1 --max-retries 1 -T4 -sS"

if want nmap_frag; then
log "nmap_frag"
record nmap_frag
S $NMAP -f -p 1-100 -S 10.66.7.11 10.99.7.5 >"$WORK/f1.log"
S $NMAP -ff -p 1-100 -S 10.66.7.12 10.99.7.5 >"$WORK/f2.log"
S $NMAP --mtu 8 -p 101-200 -S 10.66.7.13 10.99.7.6 >"$WORK/f3.log"
# nmap refuses -f with IPv6: scapy sends the same half-open probes, each
# split into 8-byte fragments behind a fragment header (RFC 8200 4.5)
S $PY - <<'EOF2' >"$WORK/f4.log" 2>&1
from scapy.all import IPv6, IPv6ExtHdrFragment, TCP, fragment6, send
import random, time
for port in range(1, 101):
    syn = IPv6(src="fd00:66::14", dst="fd00:99::5") / IPv6ExtHdrFragment(id=random.getrandbits(32)) / \
        TCP(sport=51514, dport=port, flags="S", window=1024, options=[("MSS", 1460)])
    send(fragment6(syn, 56), verbose=False)
    time.sleep(0.01)
EOF2
stop
cp "$WORK/nmap_frag.pcap" "$OUT/nmap_frag.pcap"
fi

if want hammering; then
log "hammering"
record hammering
# a connection storm: 120 connects through the kernel's stack to one SSH port,
# each reading the banner and sending a line, about 20 a second
S $PY - <<'EOF'
import socket, time
for i in range(120):
    s = socket.create_connection(("10.99.7.5", 22), timeout=2,
                                 source_address=("10.66.7.21", 0))
    try:
        s.recv(64)
        s.sendall(b"SSH-2.0-libssh_0.10.4\r\n")
    except OSError:
        pass
    s.close()
    time.sleep(0.05)
EOF
# the same four sensitive ports of one host, scanned 15 times over
for i in $(seq 15); do
	S $NMAP -p 22,23,445,3389 -S 10.66.7.22 10.99.7.6 >>"$WORK/h2.log"
done
# knob-rattling: SSH, SMB and RDP across 30 addresses
S $NMAP -p 22,445,3389 -S 10.66.7.23 10.99.7.1-30 >"$WORK/h3.log"
stop
cp "$WORK/hammering.pcap" "$OUT/kinds/hammering.pcap"
fi
if want slow_filtered; then
log "slow_filtered"
# 10.99.7.8-31 answer nothing: every TCP segment to them is dropped
T nft -f - <<'EOF'
table inet swkind {
	chain in {
		type filter hook input priority 0; policy accept;
		ip daddr 10.99.7.8/29 meta l4proto tcp drop
		ip daddr 10.99.7.16/28 meta l4proto tcp drop
	}
}
EOF
record slow_filtered
S timeout 40 $PY - <<'EOF' &
import socket, time
for i in range(35):
    try:
        s = socket.create_connection(("10.99.7.5", 80), timeout=2,
                                     source_address=("10.66.7.31", 0))
        s.sendall(b"GET / HTTP/1.1\r\nHost: 10.99.7.5\r\nUser-Agent: curl/7.88.1\r\n"
                  b"Accept: */*\r\nConnection: close\r\n\r\n")
        s.recv(256)
        s.close()
    except OSError:
        pass
    time.sleep(1)
EOF
CLIENT=$!
sleep 2
S timeout 60 nmap -n -Pn -e vs1 -T2 -sS --max-retries 1 --top-ports 30 -S 10.66.7.32 10.99.7.10 \
	>"$WORK/s1.log" &
S timeout 30 hping3 -S -p ++100 -i 1 -c 15 -a 10.66.7.33 10.99.7.20 >"$WORK/s2.log" 2>&1 &
S timeout 60 nmap -n -Pn -e vs1 -T2 -sS --max-retries 1 -p 445 -S 10.66.7.34 10.99.7.16-31 \
	>"$WORK/s3.log" &
wait $CLIENT || true
sleep 3
stop
T nft delete table inet swkind
cp "$WORK/slow_filtered.pcap" "$OUT/slow_filtered.pcap"
fi

log "done:$WANT"
