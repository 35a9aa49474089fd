#!/usr/bin/env bash
# record-benign.sh — record REAL benign campus traffic that must raise no scan alert.
#
# Two namespaces joined by one veth pair (the campus uplink); nothing leaves them:
#
#   swcb-in  (campus)  ci0 ──veth── co0  swcb-out (the outside world)
#     ci0 100.64.0.1/30, default via 100.64.0.2      co0 100.64.0.2/30
#     local 10.20.0.0/17 on lo: every address there   10.20.0.0/16 via 100.64.0.1
#       is a live campus host (10.20.128.0/17: unused, local 198.18.0.0/16 on lo: every
#       silent)                                         address there is an outside host
#     local 10.30.0.0/16 on lo: NAT users, SNATed     198.19.0.0/16: gone (silent)
#       by nftables to 10.20.3.1-3 on ci0             htb on co0: 198.18.41.0/24 is far
#                                                       away (slow link: late SYN-ACKs)
#
# The programs (scripts/record-benign.py) use the kernels' TCP/UDP stacks: ordinary
# sockets, listeners, smtplib, asyncio's RFC 8305 race, nftables NAT; hping3 for the
# spoofed flood, a raw socket for the spoofed floods whose backscatter reaches us.
# tcpdump records on co0 (both directions, snaplen 80: headers and a little payload).
#
# Writes tests/data/benign/<class>.pcap, labels.json (every initiator that
# score.py's probe_sources() finds, label benign; first_probe_ts/n_probes from
# probe_times()) and counts.txt.
#
# Safety: all traffic stays in the two namespaces created here (names start with
# "swcb-"); every step runs under timeout; the whole run is bounded (re-exec under
# timeout 600); the EXIT trap kills what runs in them and deletes them.
#
# Usage: sudo scripts/record-benign.sh        (root: namespaces, raw sockets, nft)
#   env SWCB_SEED=N SWCB_OUT=DIR  another draw of addresses, ports and outcomes, written
#                                 to DIR (a check that the captures are not special)
#   env SCORE_DIR=/work/shared/tools  where score.py is (the probe definition)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${SWCB_OUT:-$REPO/tests/data/benign}     # SWCB_OUT, SWCB_SEED: a variant elsewhere
SCORE_DIR=${SCORE_DIR:-/work/shared/tools}
PY=/usr/bin/python3
GEN="$REPO/scripts/record-benign.py"
NI=swcb-in
NO=swcb-out
SNAP=80

[ "$(id -u)" = 0 ] || { echo "must run as root" >&2; exit 1; }
if [ -z "${SWCB_BOUNDED:-}" ]; then
    SWCB_BOUNDED=1 exec timeout --kill-after=20 600 "$0" "$@"
fi
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
. "$(dirname "$0")/netns.sh"

for p in tcpdump hping3 nftables iproute2; do
    dpkg -s "$p" >/dev/null 2>&1 || { echo "needs Debian package $p" >&2; exit 1; }
done
[ -f "$SCORE_DIR/score.py" ] || { echo "score.py not found in $SCORE_DIR" >&2; exit 1; }

WORK=$(mktemp -d /tmp/swcb.XXXXXX)
teardown() {
    ns_del_all "$NI" "$NO"
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    teardown
    rm -rf /tmp/swcb-last-logs && mkdir -p /tmp/swcb-last-logs
    cp "$WORK"/*.log /tmp/swcb-last-logs/ 2>/dev/null || true
    rm -rf "$WORK"
    [ $rc -eq 0 ] || log "FAILED (rc=$rc); namespaces removed"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
teardown

I() { ip netns exec "$NI" "$@"; }
O() { ip netns exec "$NO" "$@"; }

# ---------------------------------------------------------------------------
log "creating namespaces $NI, $NO"
ip netns add "$NI"
ip netns add "$NO"
for ns in "$NI" "$NO"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=0
    ip netns exec "$ns" sysctl -qw net.ipv4.icmp_ratelimit=0
    ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
    ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="32768 60999"
    ip -n "$ns" link set lo up
done
ip -n "$NO" link add co0 type veth peer name ci0 netns "$NI"
ip -n "$NO" link set co0 address 02:53:57:00:01:01
ip -n "$NI" link set ci0 address 02:53:57:00:01:02
O ethtool -K co0 tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
I ethtool -K ci0 tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
I ip addr add 100.64.0.1/30 dev ci0
O ip addr add 100.64.0.2/30 dev co0
I ip link set ci0 up
O ip link set co0 up
I ip route add default via 100.64.0.2 dev ci0
I ip route add local 10.20.0.0/17 dev lo
I ip route add local 10.30.0.0/16 dev lo
O ip route add 10.20.0.0/16 via 100.64.0.1 dev co0
O ip route add local 198.18.0.0/16 dev lo
# NAT gateways: users 10.30.G.0/24 leave as 10.20.3.G (kernel conntrack + nftables)
I nft add table ip nat
I nft 'add chain ip nat post { type nat hook postrouting priority 100 ; }'
for g in 1 2 3; do
    I nft add rule ip nat post oifname ci0 ip saddr 10.30.$g.0/24 snat to 10.20.3.$g
done
# far-away servers: a slow class for everything 198.18.41.0/24 sends to the campus
O tc qdisc add dev co0 root handle 1: htb default 10 r2q 1000 2>/dev/null
O tc class add dev co0 parent 1: classid 1:10 htb rate 1gbit 2>/dev/null
O tc class add dev co0 parent 1: classid 1:20 htb rate 160kbit ceil 160kbit burst 400b cburst 400b 2>/dev/null
O tc filter add dev co0 parent 1: protocol ip prio 1 u32 match ip src 198.18.41.0/24 flowid 1:20

log "starting services"
O sh -c "ulimit -n 20000; exec timeout 400 $PY $GEN internet $WORK/ready-out" >"$WORK/internet.log" 2>&1 &
I sh -c "ulimit -n 20000; exec timeout 400 $PY $GEN campus-servers $WORK/ready-in" >"$WORK/campus.log" 2>&1 &
for _ in $(seq 100); do [ -f "$WORK/ready-out" ] && [ -f "$WORK/ready-in" ] && break; sleep 0.2; done
[ -f "$WORK/ready-out" ] && [ -f "$WORK/ready-in" ] || { cat "$WORK"/*.log >&2; exit 1; }

CAP_PID=""
cap_start() {
    rm -f "$WORK/$1.pcap" "$WORK/tcpdump.pid"
    timeout 120 ip netns exec "$NO" sh -c 'echo $$ > "$0"; exec "$@"' "$WORK/tcpdump.pid" \
        tcpdump -i co0 -nn -U -s $SNAP -Z root -w "$WORK/$1.pcap" >"$WORK/$1.tcpdump.log" 2>&1 &
    CAP_JOB=$!
    for _ in $(seq 50); do [ -s "$WORK/tcpdump.pid" ] && break; sleep 0.1; done
    CAP_PID=$(cat "$WORK/tcpdump.pid")
    for _ in $(seq 50); do grep -q listening "$WORK/$1.tcpdump.log" 2>/dev/null && break; sleep 0.1; done
    sleep 0.3
}
cap_stop() {
    sleep "${1:-1}"
    kill -INT "$CAP_PID" 2>/dev/null || true
    wait "$CAP_JOB" 2>/dev/null || true
}
gen() {             # gen NS ROLE SECONDS — one bounded client program
    local ns=$1 role=$2 s=$3
    ip netns exec "$ns" sh -c "ulimit -n 20000; exec timeout $((${s%.*} + 25)) $PY $GEN $role $s" \
        >>"$WORK/$role.log" 2>&1 || log "  ($role exited $?)"
}

# ---------------------------------------------------------------------------
log "p2p";          cap_start p2p
gen "$NI" p2p 10 &
p2p_job=$!
sleep 0.3
gen "$NO" p2p-inbound 10
wait $p2p_job
cap_stop 1

log "mail";         cap_start mail
gen "$NI" mail 12
cap_stop 1

log "nat";          cap_start nat
gen "$NI" nat 10
cap_stop 1

log "resolver";     cap_start resolver
gen "$NI" resolver 10
cap_stop 1

log "eyeballs";     cap_start eyeballs
gen "$NI" eyeballs 10
cap_stop 1

log "backscatter";  cap_start backscatter
gen "$NO" backscatter 6
cap_stop 2

log "syn_flood";    cap_start syn_flood
# a spoofed random-source SYN flood at one campus web server (hping3 picks every
# source at random; 500 packets/s for 3 s)
O timeout 20 hping3 -q -S -p 80 --rand-source -i u2000 -c 1500 10.20.8.80 \
    >>"$WORK/syn_flood.log" 2>&1 || log "  (hping3 exited $?)"
cap_stop 2

log "removing namespaces"
teardown

# ---------------------------------------------------------------------------
cat > "$WORK/labels.py" <<'EOF'
# labels.py WORK SCORE_DIR OUT.json CLASS... — every initiator of every capture, benign
import json, os, sys
sys.path.insert(0, sys.argv[2])
from score import probe_times
out = {"version": 1, "cases": {}}
for c in sys.argv[4:]:
    pt = probe_times(os.path.join(sys.argv[1], c + ".pcap"))
    out["cases"][c] = {"pcap": c + ".pcap", "sources": [
        {"src_ip": ip, "label": "benign", "kind": "none", "technique": "none", "tool": "none",
         "first_probe_ts": t[0] / 1e6, "n_probes": len(t)} for ip, t in sorted(pt.items())]}
    print("%s: %d sources, %d probes" % (c, len(pt), sum(map(len, pt.values()))), file=sys.stderr)
json.dump(out, open(sys.argv[3], "w"), separators=(",", ":"))
EOF
CLASSES="p2p mail nat resolver eyeballs backscatter syn_flood"
"$PY" "$WORK/labels.py" "$WORK" "$SCORE_DIR" "$WORK/labels.json" $CLASSES
mkdir -p "$OUT"
rm -f "$OUT"/*.pcap
: > "$OUT/counts.txt"
for c in $CLASSES; do
    cp "$WORK/$c.pcap" "$OUT/$c.pcap"
    echo "$c $(tcpdump -r "$OUT/$c.pcap" -nn 2>/dev/null | wc -l)" >> "$OUT/counts.txt"
done
cp "$WORK/labels.json" "$OUT/labels.json"
log "done: $(du -sh "$OUT" | cut -f1) in $OUT"
cat "$OUT/counts.txt" >&2
