#!/usr/bin/env bash
# record-captures.sh — record REAL port-scan and benign traffic for scanwatch's tests.
#
# What it does
#   * builds a private two-namespace lab (nothing is routed out of the machine):
#
#       swrec-cli  (scanners 10.66.x.x, benign clients 10.77.0.x, all on vc0)
#          vc0  <--- veth --->  vt0   swrec-tgt  (10.66.0.1/16, 10.77.0.1/16 on vt0;
#                                                "local 10.99.0.0/25 dev lo": the target
#                                                namespace answers for 10.99.0.0-127,
#                                                10.99.0.128-255 are silently dropped
#                                                (hosts "down"))
#
#     services in swrec-tgt (all /usr/bin/python3, see $WORK/services.py):
#       tcp/80, tcp/8080  HTTP (ThreadingHTTPServer) on every 10.99.0.0-127 address
#       tcp/22            SSH-like banner on 10.99.0.1-20
#       tcp/21,25,443,3306 banners on 10.99.0.5 (the vertical-scan target)
#       udp/53            DNS responder (A 10.99.0.80 for every name) on every address
#   * runs one real tool per case (nmap, masscan, zmap, hping3, curl, python clients)
#     while tcpdump records on the target-side veth vt0 (both directions, Ethernet,
#     snaplen 262144),
#   * writes tests/data/<case>.pcap, tests/data/labels.json (first_probe_ts/n_probes
#     from score.py's probe_times()), tests/data/counts.txt and tests/data/README.md.
#
# Safety: all traffic stays between the two namespaces created here (names start with
# "swrec-"); every tool runs under `timeout`; the namespaces (and every process started
# in them) are removed on exit by the EXIT trap.  Re-running regenerates everything.
#
# Usage: sudo scripts/record-captures.sh        (root needed: netns, raw sockets)
#   env SCORE_DIR=/work/shared/tools  location of score.py (probe definition)
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$REPO/tests/data"
SCORE_DIR=${SCORE_DIR:-/work/shared/tools}
PY=/usr/bin/python3            # Debian's python (has scapy); the PATH python3 may not
NS_T=swrec-tgt                 # target namespace
NS_C=swrec-cli                 # scanner + benign client namespace
IF_T=vt0                       # veth end in swrec-tgt (capture point)
IF_C=vc0                       # veth end in swrec-cli
GW=10.66.0.1                   # target-side address the clients route 10.99/16 through

[ "$(id -u)" = 0 ] || { echo "must run as root" >&2; exit 1; }

# Hard bound on the whole run (every step has its own timeout too): re-exec under
# timeout(1); on expiry the script gets SIGTERM and its EXIT trap cleans up.
if [ -z "${SWREC_BOUNDED:-}" ]; then
    SWREC_BOUNDED=1 exec timeout --kill-after=30 900 "$0" "$@"
fi

log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
. "$(dirname "$0")/netns.sh"

# ---------------------------------------------------------------------------
# 0. packages (installed only when missing; Debian mirror only)
need_pkgs=(nmap masscan zmap hping3 tcpdump iproute2 python3-scapy curl ethtool procps)
missing=()
for p in "${need_pkgs[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    log "installing: ${missing[*]}"
    timeout 300 apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq "${missing[@]}"
fi
[ -f "$SCORE_DIR/score.py" ] || { echo "score.py not found in $SCORE_DIR" >&2; exit 1; }

# ---------------------------------------------------------------------------
# 1. cleanup handling (idempotent: also removes leftovers of an interrupted run)
WORK=$(mktemp -d /tmp/swrec.XXXXXX)
BGPIDS=()

teardown() {
    local p
    for p in "${BGPIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    ns_del_all "$NS_C" "$NS_T"
}
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    teardown
    # keep the tool logs of the last run for diagnosis (outside the repo)
    rm -rf /tmp/swrec-last-logs && mkdir -p /tmp/swrec-last-logs
    cp "$WORK"/*.log /tmp/swrec-last-logs/ 2>/dev/null || true
    rm -rf "$WORK"
    [ $rc -eq 0 ] || log "FAILED (rc=$rc); namespaces removed"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

teardown        # leftovers from a previous, interrupted run


T() { ip netns exec "$NS_T" "$@"; }     # run in target namespace
C() { ip netns exec "$NS_C" "$@"; }     # run in client namespace

# ---------------------------------------------------------------------------
# 2. topology
log "creating namespaces $NS_T, $NS_C"
ip netns add "$NS_T"
ip netns add "$NS_C"
for ns in "$NS_T" "$NS_C"; do
    # no IPv6 (keeps router solicitations / MLD / ND out of the captures)
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$ns" link set lo up
done
ip -n "$NS_T" link add "$IF_T" type veth peer name "$IF_C" netns "$NS_C"
ip -n "$NS_T" link set "$IF_T" address 02:53:57:00:00:01
ip -n "$NS_C" link set "$IF_C" address 02:53:57:00:00:02
# real frame sizes: no TSO/GSO/GRO aggregation on the veths
T ethtool -K "$IF_T" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true
C ethtool -K "$IF_C" tso off gso off gro off tx off rx off >/dev/null 2>&1 || true

# target side
T ip addr add 10.66.0.1/16 dev "$IF_T"
T ip addr add 10.77.0.1/16 dev "$IF_T"
T ip link set "$IF_T" up
T ip route add local 10.99.0.0/25 dev lo          # 10.99.0.0-127 are "up"
T sysctl -qw net.ipv4.icmp_ratelimit=0            # answer every closed UDP port
T sysctl -qw net.ipv4.icmp_msgs_per_sec=100000 2>/dev/null || true
T sysctl -qw net.ipv4.icmp_msgs_burst=100000 2>/dev/null || true
T sysctl -qw net.ipv4.ip_forward=0                # 10.99.0.128-255: dropped, no reply

# client side: every scanner / benign source address lives on vc0
SCAN_ADDRS="11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 41 42 51 52 53 54 61 71 81 82 83 84 91"
for a in $SCAN_ADDRS; do C ip addr add 10.66.0.$a/16 dev "$IF_C"; done
for a in 1 2 3; do C ip addr add 10.66.1.$a/16 dev "$IF_C"; done      # decoys (live hosts)
for a in 21 22 23 24 30 50 53 54 61 91 92 93; do C ip addr add 10.77.0.$a/16 dev "$IF_C"; done
C ip link set "$IF_C" up
C ip route add 10.99.0.0/24 via "$GW" dev "$IF_C" src 10.66.0.11
# 10.66.0.31 (masscan) is deliberately NOT configured: masscan runs its own stack and
# answers ARP for it itself, so the kernel does not interfere.
MAC_T=$(T cat /sys/class/net/$IF_T/address)
MAC_C=$(C cat /sys/class/net/$IF_C/address)

# ---------------------------------------------------------------------------
# 3. services in the target namespace
mkdir -p "$WORK/www"
printf '<html><head><title>swrec</title></head><body><h1>It works</h1><p>%s</p></body></html>\n' \
    "$(head -c 600 /dev/zero | tr '\0' 'x')" > "$WORK/www/index.html"
printf 'User-agent: *\nDisallow: /private/\n' > "$WORK/www/robots.txt"
printf 'ok\n' > "$WORK/www/health"

cat > "$WORK/services.py" <<'EOF'
# Target-namespace services: HTTP on 80/8080, banner listeners, DNS responder.
import os, select, socket, struct, sys, threading, time
from http.server import ThreadingHTTPServer, SimpleHTTPRequestHandler
from functools import partial

WWW, READY = sys.argv[1], sys.argv[2]

class Quiet(SimpleHTTPRequestHandler):
    server_version = "nginx/1.22.1"
    sys_version = ""
    def log_message(self, *a):
        pass

def http(port):
    ThreadingHTTPServer.allow_reuse_address = True
    srv = ThreadingHTTPServer(("0.0.0.0", port), partial(Quiet, directory=WWW))
    threading.Thread(target=srv.serve_forever, daemon=True).start()

BANNERS = {22: b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n",
           21: b"220 (vsFTPd 3.0.3)\r\n",
           25: b"220 mail.example.test ESMTP Postfix (Debian/GNU)\r\n",
           443: b"",                                   # silent (TLS-like: waits for client)
           3306: b"J\x00\x00\x00\n8.0.36\x00"}

def banner(addr, port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(128)
    def conn(c):
        try:
            c.settimeout(2)
            if BANNERS[port]:
                c.sendall(BANNERS[port])
            try:
                c.recv(4096)
            except OSError:
                pass
        finally:
            c.close()
    def loop():
        while True:
            c, _ = s.accept()
            threading.Thread(target=conn, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()

def dns():
    # one socket per live address: a socket bound to 0.0.0.0 would answer from the
    # routing-chosen address (10.77.0.1), i.e. the "server" would look like a new
    # initiator; real servers answer from the address that was queried
    socks = []
    for h in range(0, 128):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("10.99.0.%d" % h, 53))
        socks.append(s)
    while True:
        for s in select.select(socks, [], [])[0]:
            dns_one(s)

def dns_one(s):
    q, peer = s.recvfrom(4096)
    if len(q) < 12:
        return
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    rd = flags & 0x0100
    if qd != 1 or (flags >> 11) & 0xF != 0:       # not a standard query: NOTIMP
        s.sendto(struct.pack("!HHHHHH", qid, 0x8004 | rd, 0, 0, 0, 0), peer)
        return
    i = 12
    while i < len(q) and q[i] != 0:
        i += q[i] + 1
    if i + 5 > len(q):
        return
    question = q[12:i + 5]
    qtype = struct.unpack("!H", q[i + 1:i + 3])[0]
    if qtype == 1:
        ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + socket.inet_aton("10.99.0.80")
        s.sendto(struct.pack("!HHHHHH", qid, 0x8180 | rd, 1, 1, 0, 0) + question + ans, peer)
    else:
        s.sendto(struct.pack("!HHHHHH", qid, 0x8180 | rd, 1, 0, 0, 0) + question, peer)

http(80)
http(8080)
for h in range(1, 21):
    banner("10.99.0.%d" % h, 22)
for p in (21, 25, 443, 3306):
    banner("10.99.0.5", p)
threading.Thread(target=dns, daemon=True).start()
open(READY, "w").write("ok\n")
while True:
    time.sleep(3600)
EOF

# Benign client helper (source-bound TCP banner connections and DNS queries).
cat > "$WORK/client.py" <<'EOF'
import random, socket, struct, sys, time
mode = sys.argv[1]
if mode == "tcp":            # client.py tcp SRC DST PORT [send]
    src, dst, port = sys.argv[2], sys.argv[3], int(sys.argv[4])
    s = socket.socket()
    s.settimeout(3)
    s.bind((src, 0))
    s.connect((dst, port))
    if port == 22:
        s.recv(256)
        s.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
    else:
        s.recv(256)
    s.close()
elif mode == "dns":          # client.py dns SRC SERVER N INTERVAL
    src, srv, n, ival = sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    rnd = random.Random(src)
    names = ["www", "mail", "api", "cdn", "static", "login", "db", "git", "wiki", "ntp", "vpn", "docs"]
    doms = ["example.test", "corp.test", "shop.test", "news.test", "bank.test"]
    ok = 0
    for k in range(n):
        name = "%s.%s" % (rnd.choice(names), rnd.choice(doms))
        qid = rnd.randrange(65536)
        q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0)
        q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
        q += struct.pack("!HH", 1 if rnd.random() < 0.8 else 28, 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)   # fresh random source port
        s.settimeout(2)
        s.bind((src, 0))
        s.connect((srv, 53))                 # only accept the answer from the server
        s.send(q)
        try:
            r = s.recv(4096)
            ok += r[:2] == q[:2]
        except socket.timeout:
            pass
        s.close()
        time.sleep(ival)
    print("dns %s: %d/%d answered" % (src, ok, n), file=sys.stderr)
EOF

log "starting services in $NS_T"
T timeout 1200 "$PY" "$WORK/services.py" "$WORK/www" "$WORK/ready" >"$WORK/services.log" 2>&1 &
BGPIDS+=($!)
for _ in $(seq 50); do [ -f "$WORK/ready" ] && break; sleep 0.2; done
[ -f "$WORK/ready" ] || { cat "$WORK/services.log" >&2; exit 1; }
# sanity: the lab works before recording anything
C timeout 5 curl -s --interface 10.77.0.21 -o /dev/null -w '%{http_code}\n' http://10.99.0.80/ | grep -q 200

# ---------------------------------------------------------------------------
# 4. capture helpers
CAP_PID=""
CAP_JOB=""
cap_start() {              # cap_start CASE  — tcpdump on the target-side veth
    local f="$WORK/$1.pcap"
    rm -f "$f"
    rm -f "$WORK/tcpdump.pid"
    # the inner shell records its pid and exec()s tcpdump, so CAP_PID is tcpdump itself
    timeout 600 ip netns exec "$NS_T" sh -c 'echo $$ > "$0"; exec "$@"' "$WORK/tcpdump.pid" \
        tcpdump -i "$IF_T" -nn -U -s 262144 -Z root -w "$f" >"$WORK/$1.tcpdump.log" 2>&1 &
    for _ in $(seq 50); do [ -s "$WORK/tcpdump.pid" ] && break; sleep 0.1; done
    CAP_PID=$(cat "$WORK/tcpdump.pid")
    CAP_JOB=$!
    for _ in $(seq 50); do grep -q listening "$WORK/$1.tcpdump.log" 2>/dev/null && break; sleep 0.1; done
    sleep 0.5
}
cap_stop() {               # cap_stop [linger-seconds] — let late answers arrive, then stop
    sleep "${1:-1.5}"
    kill -INT "$CAP_PID" 2>/dev/null || true
    wait "$CAP_JOB" 2>/dev/null || true
    CAP_PID=""
}

# CASES: case<TAB>src<TAB>label<TAB>kind<TAB>technique<TAB>tool  (one line per source)
CASES="$WORK/cases.tsv"
: > "$CASES"
# CMDS: case<TAB>command (for README)
CMDS="$WORK/cmds.tsv"
: > "$CMDS"
lab() { printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$CASES"; }
cmd() { local c=$1; shift; printf '%s\t%s\n' "$c" "$*" >> "$CMDS"; }

# run a scanner command in the client namespace, bounded, tolerate non-zero exit
run() {                    # run CASE TIMEOUT cmd...
    local c=$1 t=$2; shift 2
    cmd "$c" "$*"
    C timeout "$t" "$@" >>"$WORK/$c.tool.log" 2>&1 || log "  ($c: '$1' exited $?)"
}

NMAP=(nmap -n -Pn -e "$IF_C" --max-retries 1 -T4 --reason)
TGT=10.99.0.5           # vertical target: open tcp 21 22 25 80 443 3306 8080, udp 53

# ---------------------------------------------------------------------------
# 5. scanner cases
log "nmap_syn_vertical";  cap_start nmap_syn_vertical
run nmap_syn_vertical 120 "${NMAP[@]}" -sS --top-ports 1000 -S 10.66.0.11 $TGT
cap_stop;  lab nmap_syn_vertical 10.66.0.11 scanner vertical syn nmap

log "nmap_connect";       cap_start nmap_connect
run nmap_connect 120 "${NMAP[@]}" -sT --top-ports 200 -S 10.66.0.12 $TGT
cap_stop;  lab nmap_connect 10.66.0.12 scanner vertical connect nmap

i=13
for t in fin:F null:N xmas:X; do
    c=nmap_${t%%:*}
    log "$c";             cap_start $c
    run $c 120 "${NMAP[@]}" -s${t##*:} --top-ports 200 -S 10.66.0.$i $TGT
    cap_stop;  lab $c 10.66.0.$i scanner vertical ${t%%:*} nmap
    i=$((i + 1))
done
for t in ack:A maimon:M window:W; do
    c=nmap_${t%%:*}
    log "$c";             cap_start $c
    run $c 120 "${NMAP[@]}" -s${t##*:} --top-ports 100 -S 10.66.0.$i $TGT
    cap_stop;  lab $c 10.66.0.$i scanner vertical ${t%%:*} nmap
    i=$((i + 1))
done

log "nmap_udp";           cap_start nmap_udp
run nmap_udp 180 "${NMAP[@]}" -sU --top-ports 50 -S 10.66.0.19 $TGT
cap_stop 2;  lab nmap_udp 10.66.0.19 scanner vertical udp nmap

log "nmap_sweep";         cap_start nmap_sweep
# -sn as root: ICMP echo + TCP SYN/443 + TCP ACK/80 + ICMP timestamp per address;
# upper half of the /24 is down (no answer, probes retried)
run nmap_sweep 180 nmap -n -e "$IF_C" -T4 -sn --disable-arp-ping -S 10.66.0.20 10.99.0.0/24
cap_stop 2;  lab nmap_sweep 10.66.0.20 scanner sweep icmp-echo nmap

log "nmap_horizontal";    cap_start nmap_horizontal
run nmap_horizontal 180 "${NMAP[@]}" -sS -p 22 -S 10.66.0.21 10.99.0.0/24
cap_stop 2;  lab nmap_horizontal 10.66.0.21 scanner horizontal syn nmap

log "nmap_sctp";          cap_start nmap_sctp
run nmap_sctp 120 "${NMAP[@]}" -sY -p 1-50 -S 10.66.0.22 $TGT
cap_stop;  lab nmap_sctp 10.66.0.22 scanner vertical sctp-init nmap

log "nmap_ipproto";       cap_start nmap_ipproto
run nmap_ipproto 120 "${NMAP[@]}" -sO -p 1,4,6,17,41,47,50,51,89,103,112,115,132,137 -S 10.66.0.23 $TGT
cap_stop;  lab nmap_ipproto 10.66.0.23 scanner vertical ipproto nmap

log "nmap_decoy";         cap_start nmap_decoy
# decoy addresses are configured on vc0 (live hosts), so the target's SYN-ACKs to
# them get a kernel RST just like for the real scanner
run nmap_decoy 120 "${NMAP[@]}" -sS --top-ports 100 -D 10.66.1.1,10.66.1.2,ME,10.66.1.3 -S 10.66.0.24 $TGT
cap_stop
lab nmap_decoy 10.66.0.24 scanner vertical syn nmap
for a in 1 2 3; do lab nmap_decoy 10.66.1.$a scanner vertical syn nmap; done

log "nmap_distributed";   cap_start nmap_distributed
# 4 sources, each a 50-port slice of 1-200 of the same target, concurrently
k=0
for a in 81 82 83 84; do
    cmd nmap_distributed "${NMAP[*]} -sS -p $((k * 50 + 1))-$((k * 50 + 50)) -S 10.66.0.$a $TGT &"
    C timeout 120 "${NMAP[@]}" -sS -p $((k * 50 + 1))-$((k * 50 + 50)) -S 10.66.0.$a $TGT \
        >>"$WORK/nmap_distributed.tool.log" 2>&1 &
    BGPIDS+=($!)
    k=$((k + 1)); sleep 0.3
done
wait "${BGPIDS[@]: -4}" 2>/dev/null || true
cap_stop
for a in 81 82 83 84; do lab nmap_distributed 10.66.0.$a scanner distributed syn nmap; done

log "masscan";            cap_start masscan
run masscan 15 masscan 10.99.0.0/24 -p22,80,443 --rate 2000 --wait 3 \
    --adapter "$IF_C" --adapter-ip 10.66.0.31 --adapter-mac "$MAC_C" --router-mac "$MAC_T" --seed 4242
# masscan 1.3.2 never exits after --wait on a veth ("waiting -N secs"); the timeout
# (SIGTERM, not SIGINT: no paused.conf) ends it after the scan has completed
cap_stop;  lab masscan 10.66.0.31 scanner horizontal syn masscan

echo > "$WORK/zmap-blocklist.conf"       # zmap's default blocklist covers 10/8
log "zmap_syn";           cap_start zmap_syn
run zmap_syn 60 zmap -q -p 80 -r 2000 -n 256 -c 3 -i "$IF_C" -S 10.66.0.41 -G "$MAC_T" \
    -b "$WORK/zmap-blocklist.conf" -o /dev/null 10.99.0.0/24
cap_stop;  lab zmap_syn 10.66.0.41 scanner horizontal syn zmap

log "zmap_icmp";          cap_start zmap_icmp
run zmap_icmp 60 zmap -q -M icmp_echoscan -r 2000 -n 256 -c 3 -i "$IF_C" -S 10.66.0.42 -G "$MAC_T" \
    -b "$WORK/zmap-blocklist.conf" -o /dev/null 10.99.0.0/24
cap_stop;  lab zmap_icmp 10.66.0.42 scanner sweep icmp-echo zmap

log "hping3_syn";         cap_start hping3_syn
run hping3_syn 60 hping3 -I "$IF_C" -a 10.66.0.51 -S --scan 1-500 $TGT
cap_stop;  lab hping3_syn 10.66.0.51 scanner vertical syn hping3

log "hping3_fin";         cap_start hping3_fin
run hping3_fin 60 hping3 -I "$IF_C" -a 10.66.0.52 -F --scan 1-200 $TGT
cap_stop 2;  lab hping3_fin 10.66.0.52 scanner vertical fin hping3

log "hping3_udp";         cap_start hping3_udp
run hping3_udp 60 hping3 -I "$IF_C" -a 10.66.0.53 --udp -p ++1 -c 100 -i u5000 $TGT
cap_stop;  lab hping3_udp 10.66.0.53 scanner vertical udp hping3

log "hping3_flood";       cap_start hping3_flood
run hping3_flood 60 hping3 -I "$IF_C" -a 10.66.0.54 -S -p ++1 -c 300 -i u1000 10.99.0.6
cap_stop;  lab hping3_flood 10.66.0.54 scanner vertical syn hping3

# ---------------------------------------------------------------------------
# 6. benign cases (every connection succeeds: the servers answer)
curl_get() {               # curl_get SRC URL
    C timeout 10 curl -s -o /dev/null --interface "$1" "$2" || log "  curl $1 $2 failed"
}

log "benign_http";        cap_start benign_http
cmd benign_http "clients 10.77.0.21-23: curl --interface SRC http://10.99.0.{80,81,82}{,:8080}/[index.html|robots.txt]; poller 10.77.0.24: 40x curl http://10.99.0.80:8080/health every 0.25 s"
(
    for n in $(seq 40); do curl_get 10.77.0.24 http://10.99.0.80:8080/health; sleep 0.25; done
) & BGPIDS+=($!); poller=$!
for r in 1 2 3; do
    for c in 21 22 23; do
        for s in 80 81 82; do
            curl_get 10.77.0.$c http://10.99.0.$s/
            curl_get 10.77.0.$c http://10.99.0.$s:8080/robots.txt
        done
        sleep 0.3
    done
done
wait $poller || true
cap_stop
for c in 21 22 23 24; do lab benign_http 10.77.0.$c benign none none none; done

log "benign_crawler";     cap_start benign_crawler
cmd benign_crawler "crawler 10.77.0.30: for h in 10.99.0.1..40: curl http://h/robots.txt; curl http://h/"
for h in $(seq 1 40); do
    curl_get 10.77.0.30 http://10.99.0.$h/robots.txt
    curl_get 10.77.0.30 http://10.99.0.$h/
done
cap_stop;  lab benign_crawler 10.77.0.30 benign none none none

log "benign_dns";         cap_start benign_dns
cmd benign_dns "resolver 10.77.0.53: 200 queries (A/AAAA, fresh source port each) to 10.99.0.53; client 10.77.0.54: 50 queries"
C timeout 120 "$PY" "$WORK/client.py" dns 10.77.0.54 10.99.0.53 50 0.05 2>>"$WORK/benign_dns.tool.log" &
BGPIDS+=($!); d2=$!
C timeout 120 "$PY" "$WORK/client.py" dns 10.77.0.53 10.99.0.53 200 0.01 2>>"$WORK/benign_dns.tool.log"
wait $d2 || true
cap_stop
lab benign_dns 10.77.0.53 benign none none none
lab benign_dns 10.77.0.54 benign none none none

log "benign_nat";         cap_start benign_nat
cmd benign_nat "NAT host 10.77.0.50: hosts 10.99.0.1-30: HTTP GET on 80 and 8080, SSH banner exchange on 22 (hosts 1-20), plus 21/25/443/3306 on 10.99.0.5 (4 parallel workers)"
targets=()
for h in $(seq 1 30); do
    targets+=("http 10.99.0.$h 80" "http 10.99.0.$h 8080")
    [ "$h" -le 20 ] && targets+=("tcp 10.99.0.$h 22")
done
targets+=("tcp 10.99.0.5 21" "tcp 10.99.0.5 25" "tcp 10.99.0.5 443" "tcp 10.99.0.5 3306")
printf '%s\n' "${targets[@]}" | shuf --random-source=<(yes) > "$WORK/nat.list"
nat_one() {
    local kind=$1 h=$2 p=$3
    if [ "$kind" = http ]; then
        C timeout 10 curl -s -o /dev/null --interface 10.77.0.50 "http://$h:$p/" || log "  nat http $h:$p failed"
    else
        C timeout 10 "$PY" "$WORK/client.py" tcp 10.77.0.50 "$h" "$p" || log "  nat tcp $h:$p failed"
    fi
}
export -f nat_one log C
export NS_C PY WORK
timeout 120 xargs -P 4 -L 1 bash -c 'nat_one "$@"' _ < "$WORK/nat.list"
cap_stop;  lab benign_nat 10.77.0.50 benign none none none

# ---------------------------------------------------------------------------
# 7. mixed: SYN scan with benign background recorded at the same time
log "mixed_syn_benign";   cap_start mixed_syn_benign
cmd mixed_syn_benign "background: poller 10.77.0.91 (curl 10.99.0.80:8080/health every 0.2 s), crawler 10.77.0.92 (curl http://10.99.0.1..30/), resolver 10.77.0.93 (150 DNS queries); after 2 s: nmap -sS --top-ports 300 -S 10.66.0.91 10.99.0.9"
( for n in $(seq 40); do curl_get 10.77.0.91 http://10.99.0.80:8080/health; sleep 0.2; done ) &
b1=$!; BGPIDS+=($b1)
( for h in $(seq 1 30); do curl_get 10.77.0.92 http://10.99.0.$h/; sleep 0.1; done ) &
b2=$!; BGPIDS+=($b2)
C timeout 120 "$PY" "$WORK/client.py" dns 10.77.0.93 10.99.0.53 150 0.03 2>>"$WORK/mixed.tool.log" &
b3=$!; BGPIDS+=($b3)
sleep 2
run mixed_syn_benign 120 "${NMAP[@]}" -sS --top-ports 300 --scan-delay 10ms -S 10.66.0.91 10.99.0.9
wait $b1 $b2 $b3 || true
cap_stop
lab mixed_syn_benign 10.66.0.91 scanner vertical syn nmap
for a in 91 92 93; do lab mixed_syn_benign 10.77.0.$a benign none none none; done

# ---------------------------------------------------------------------------
# 8. slow scan: record a short real scan + benign poller, then stretch it in time
log "slow_scan (raw)";    cap_start slow_scan_raw
cmd slow_scan "recorded: nmap -sS -p 1-60 --max-retries 0 -S 10.66.0.61 10.99.0.7 with poller 10.77.0.61 (40x curl http://10.99.0.80/); then every flow (5-tuple, with its answers; ARP attached to the next packet's flow) was moved in time: scan flows in original order, evenly over 35 min (+-3 s jitter), benign flows evenly over the same 35 min; intra-flow timing kept"
( for n in $(seq 40); do curl_get 10.77.0.61 http://10.99.0.80/; sleep 0.05; done ) &
b1=$!; BGPIDS+=($b1)
sleep 0.5
C timeout 60 nmap -n -Pn -e "$IF_C" -sS -p 1-60 --max-retries 0 -S 10.66.0.61 10.99.0.7 \
    >>"$WORK/slow.tool.log" 2>&1 || true
wait $b1 || true
cap_stop
lab slow_scan 10.66.0.61 scanner slow syn nmap
lab slow_scan 10.77.0.61 benign none none none

cat > "$WORK/stretch.py" <<'EOF'
# stretch.py IN OUT SCANNER_IP SPAN_S — spread flows of a short capture over SPAN_S seconds
import random, struct, sys
sys.path.insert(0, sys.argv[5])
from score import read_pcap, decode
inp, outp, scanner, span = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
with open(inp, "rb") as f:
    head = f.read(24)
assert head[:4] == b"\xd4\xc3\xb2\xa1", "expected little-endian usec pcap"
recs = list(read_pcap(inp))
keys = []
for ts, lt, fr in recs:
    d = decode(lt, fr)
    if d is None or d[2] is None:
        keys.append(None)
        continue
    src, dst, proto, sp, dp, _ = d
    a, b = (src, sp), (dst, dp)
    if proto == 1:                       # ICMP: group with the flow it talks about
        a, b = (src, 0), (dst, 0)
    keys.append((proto,) + ((a, b) if a <= b else (b, a)))
nxt = None                               # non-IP frames (ARP) follow the next IP packet
for i in range(len(keys) - 1, -1, -1):
    if keys[i] is None:
        keys[i] = nxt
    else:
        nxt = keys[i]
first = {}
for (ts, _, _), k in zip(recs, keys):
    if k is not None and k not in first:
        first[k] = ts
scan = sorted((t, k) for k, t in first.items() if any(e[0] == scanner for e in k[1:]))
ben = sorted((t, k) for k, t in first.items() if not any(e[0] == scanner for e in k[1:]))
rnd = random.Random(7)
t0 = min(first.values())
newstart = {}
for lst, off in ((scan, 5.0), (ben, 0.0)):
    step = span * 1e6 / max(len(lst), 1)
    for j, (t, k) in enumerate(lst):
        jit = rnd.uniform(-3e6, 3e6) if j else 0
        newstart[k] = int(t0 + off * 1e6 + j * step + jit)
out = []
for (ts, lt, fr), k in zip(recs, keys):
    if k is None:
        continue
    out.append((newstart[k] + ts - first[k], fr))
out.sort(key=lambda x: x[0])
with open(outp, "wb") as f:
    f.write(head)
    for ts, fr in out:
        f.write(struct.pack("<IIII", ts // 1000000, ts % 1000000, len(fr), len(fr)) + fr)
print("stretched %d packets over %.0f s" % (len(out), (out[-1][0] - out[0][0]) / 1e6), file=sys.stderr)
EOF
"$PY" "$WORK/stretch.py" "$WORK/slow_scan_raw.pcap" "$WORK/slow_scan.pcap" 10.66.0.61 2100 "$SCORE_DIR"
rm -f "$WORK/slow_scan_raw.pcap"

# ---------------------------------------------------------------------------
# 9. tear the lab down, then labels / counts / README
log "removing namespaces"
teardown
BGPIDS=()

cat > "$WORK/labels.py" <<'EOF'
# labels.py CASES.tsv PCAPDIR SCORE_DIR OUT.json — labels from score.py's probe definition
import collections, json, os, sys
sys.path.insert(0, sys.argv[3])
from score import probe_times
cases = collections.OrderedDict()
for line in open(sys.argv[1]):
    c, ip, label, kind, tech, tool = line.rstrip("\n").split("\t")
    cases.setdefault(c, []).append(dict(src_ip=ip, label=label, kind=kind, technique=tech, tool=tool))
out = {"version": 1, "cases": {}}
bad = False
for c, srcs in cases.items():
    pcap = os.path.join(sys.argv[2], c + ".pcap")
    pt = probe_times(pcap)
    for s in srcs:
        t = pt.get(s["src_ip"], [])
        if not t:
            print("ERROR %s: labeled source %s sent no probes" % (c, s["src_ip"]), file=sys.stderr)
            bad = True
            continue
        s["first_probe_ts"] = t[0] / 1e6
        s["n_probes"] = len(t)
    extra = set(pt) - {s["src_ip"] for s in srcs}
    if extra:
        print("ERROR %s: unlabeled initiators %s" % (c, sorted(extra)), file=sys.stderr)
        bad = True
    out["cases"][c] = {"pcap": c + ".pcap", "sources": srcs}
json.dump(out, open(sys.argv[4], "w"), indent=1)
sys.exit(1 if bad else 0)
EOF
"$PY" "$WORK/labels.py" "$CASES" "$WORK" "$SCORE_DIR" "$WORK/labels.json"

# publish: replace the previous generation atomically-ish
mkdir -p "$OUT"
rm -f "$OUT"/*.pcap
cut -f1 "$CASES" | uniq | while read -r c; do cp "$WORK/$c.pcap" "$OUT/$c.pcap"; done
cp "$WORK/labels.json" "$OUT/labels.json"
: > "$OUT/counts.txt"
cut -f1 "$CASES" | uniq | while read -r c; do
    echo "$c $(tcpdump -r "$OUT/$c.pcap" -nn 2>/dev/null | wc -l)" >> "$OUT/counts.txt"
done

# ---------------------------------------------------------------------------
# README
{
cat <<EOF
# tests/data — real scanner and benign traffic captures

Generated by \`scripts/record-captures.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC') (kernel $(uname -r),
Debian $(cat /etc/debian_version)). Re-run the script (as root) to regenerate every file here.

Tool versions: $(nmap --version | head -1 | sed 's/ (.*//'); masscan $(masscan --version 2>/dev/null | grep -o 'version [0-9.]*' | head -1 | cut -d' ' -f2);
$(zmap --version 2>&1 | head -1); hping3 $(hping3 --version 2>&1 | head -1 | awk '{print $3}'); tcpdump $(tcpdump --version 2>&1 | head -1 | awk '{print $3}');
curl $(curl --version | head -1 | awk '{print $2}'); python $($PY -c 'import platform; print(platform.python_version())').

## Topology

Two network namespaces joined by one veth pair; nothing leaves the machine.

    swrec-cli  vc0 ──veth── vt0  swrec-tgt
    scanners   10.66.0.x/16        10.66.0.1/16, 10.77.0.1/16 (gateway for 10.99.0.0/24)
    decoys     10.66.1.1-3/16      ip route add local 10.99.0.0/25 dev lo
    benign     10.77.0.x/16        -> 10.99.0.0-127 answer (RST on closed TCP ports,
                                      ICMP port-unreachable on closed UDP ports,
                                      icmp_ratelimit=0); 10.99.0.128-255 are "down"
                                      (packets dropped, no answer)

Services in swrec-tgt (python3): HTTP on tcp/80 and tcp/8080 on every live address,
SSH-like banner on tcp/22 of 10.99.0.1-20, banners on tcp/21, 25, 443 (silent), 3306 of
10.99.0.5, DNS responder on udp/53 of every live address. The vertical-scan target
10.99.0.5 therefore has tcp 21 22 25 80 443 3306 8080 and udp 53 open.
IPv6 is disabled in both namespaces; offloads (TSO/GSO/GRO, checksum) are off on the
veths, so frames have real sizes.

Capture: \`tcpdump -i vt0 -nn -U -s 262144 -w CASE.pcap\` inside swrec-tgt (Ethernet
link type, microsecond pcap, both directions). ARP frames are included.

## Files

- \`CASE.pcap\` — one capture per case.
- \`labels.json\` — for every source that sends probes (score.py's \`probe_sources()\`
  definition): label, kind, technique, tool, \`first_probe_ts\` and \`n_probes\`, both
  computed with \`probe_times()\` from /work/shared/tools/score.py. Target addresses
  never initiate anything. Checked with \`python3 score.py --selftest --labels
  tests/data/labels.json --pcaps tests/data/\`.
- \`counts.txt\` — \`CASE packets\` (\`tcpdump -r CASE.pcap -nn | wc -l\`, all frames incl. ARP).

## Labelling notes

- \`nmap_ipproto\` (nmap -sO) uses technique \`ipproto\` (not in score.py's list).
  Its IGMP probe (protocol 2) is not listed because score.py never counts IGMP.
- \`nmap_sweep\` (nmap -sn) sends ICMP echo, TCP SYN/443, TCP ACK/80 and ICMP timestamp
  per address; labelled kind \`sweep\`, technique \`icmp-echo\`.
- \`nmap_decoy\`: nmap -D 10.66.1.1,10.66.1.2,ME,10.66.1.3. The decoys are configured
  on the scanner veth (live hosts), so they answer the target's SYN-ACKs with RST like
  the real scanner. All four addresses send the same full vertical probe set, so all
  four are labelled \`scanner\`, kind \`vertical\`, technique \`syn\` (the real source is
  10.66.0.24 — nothing in the packets distinguishes it).
- \`masscan\` (/24 x 3 ports: few ports, many hosts) is kind \`horizontal\`; \`zmap_syn\` and \`nmap_horizontal\` are
  \`horizontal\`; \`zmap_icmp\` is a \`sweep\`.
- \`slow_scan\` is NOT 35 minutes of wall-clock recording: a short real nmap scan
  (-sS -p 1-60 --max-retries 0) was recorded together with a benign HTTP poller, then
  \`stretch.py\` (embedded in the script) moved every flow (5-tuple with its answers and
  the ARP frames preceding it) in time: the 60 scan flows in their original order evenly
  over ~35 minutes (±3 s jitter), the benign flows evenly over the same span, timing
  inside each flow unchanged. Labelled kind \`slow\`, technique \`syn\`.
- Benign sources (label \`benign\`, kind/technique/tool \`none\`) only talk to services
  that answer; DNS server answers are not probes and the servers are not labelled.

## Cases

| case | packets | sources (label/kind/technique/tool: n_probes) | how |
|---|---|---|---|
EOF
"$PY" - "$OUT/labels.json" "$OUT/counts.txt" "$CMDS" "$WORK" <<'EOF'
import json, sys
lab = json.load(open(sys.argv[1]))["cases"]
counts = dict(l.split() for l in open(sys.argv[2]))
cmds = {}
for l in open(sys.argv[3]):
    c, cmd = l.rstrip("\n").split("\t", 1)
    cmds.setdefault(c, []).append(cmd.replace(sys.argv[4] + "/", "$WORK/").replace("|", "\\|"))
for c, v in lab.items():
    srcs = "<br>".join("%s %s/%s/%s/%s: %d" % (s["src_ip"], s["label"], s["kind"], s["technique"], s["tool"], s["n_probes"]) for s in v["sources"])
    print("| %s | %s | %s | `%s` |" % (c, counts[c], srcs, "`<br>`".join(cmds.get(c, []))))
EOF
} > "$OUT/README.md"

log "done: $(wc -l < "$OUT/counts.txt") cases, $(du -sh "$OUT" | cut -f1) in $OUT"
cat "$OUT/counts.txt" >&2
