#!/usr/bin/env bash
# Pktgen-DPDK into a live scanwatch, end to end (issue 10).
#
#   bench/pktgen.sh [SCANWATCH]
#
# 1. Finds or builds pktgen (bench/pktgen/build.sh: $PKTGEN, `pktgen` on the
#    PATH, or the vendored source built into build-pktgen/).
# 2. sweep  (net_memif, backpressure): scanwatch (memif server) reads five
#    memif connections from pktgen (client) running bench/pktgen/f_mix.lua (background of
#    1,000 TCP clients and 1,000 DNS clients, three labelled scanners at
#    2,000, 2,000 and 5,000 packets/s). One trial per rate of $RATES
#    (background packets/s; "max" = pktgen's 100 %), $SECS seconds each, a
#    fresh scanwatch and pktgen per trial (its alerts and counters are the
#    trial's; a pktgen whose memif peer left spins on the dead port).
#    memif slows the sender rather than drop, so what it measures is
#    throughput: the highest received rate is throughput_mpps.
# 3. search (net_af_packet over a veth pair, a path that drops, the drops
#    counted in imissed): a zero-loss binary search in the RFC 2544 style:
#    trials of $SECS seconds, loss threshold 0 frames, stop when the bounds
#    are within $RES of each other; lossless_mpps is the received rate of
#    the highest rate with no frame lost. A trial counts only when pktgen
#    sent within 10 % of the rate asked (obeyed=yes; once more when not).
# 4. flood  (net_memif): bench/pktgen/d_syn_flood.lua, random spoofed
#    sources, at full rate for $FLOOD_SECS: scanwatch's RSS at start and
#    end, events raised / drained / dropped, alerts, drops (issue 13 item 4).
#
# Per trial it prints: the offered background rate, asked_pps (all five
# ports: background + the scanners' 9,000), pg_pps (the packets/s pktgen
# computed for each port from its percent), tx_pps (frames pktgen sent /
# trial time), obeyed (yes when pktgen sent, or scanwatch received, within
# 10 % of asked_pps), sent (pktgen), received (stats.capture.packets), dropped (sent - received, and imissed: the
# counters that see a drop), the labelled scanners flagged and the delay
# from the trial's first probe to each one's alert, background sources
# flagged, event ring drops and RSS. The last line is
#   pktgen: throughput_mpps=X lossless_mpps=Y scanners_flagged=A/B benign_flagged=C
# (A/B and C from the sweep's highest-rate trial).
#
# Environment: RATES (default "100000 300000 1000000 3000000 max"), SECS (5),
# PHASES ("sweep search flood"), RES (relative resolution, 0.05),
# FLOOD_SECS (20), OUT (results directory, default a temporary one, kept).
# Two cores are assumed: pktgen's sending lcore on CPU 0, scanwatch's worker
# on CPU 1 (its control thread on CPU 0, pktgen's display on CPU 1; both
# mostly idle). Needs root (network namespace, DPDK). Takes
# /tmp/sw-live.lock for the whole run (other live tests use the same CPUs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
sw=$(readlink -f "${1:-$repo/build/scanwatch}")
RATES=${RATES:-"100000 300000 1000000 3000000 max"}
SECS=${SECS:-5}
PHASES=${PHASES:-"sweep search flood"}
RES=${RES:-0.05}
FLOOD_SECS=${FLOOD_SECS:-20}
OUT=${OUT:-$(mktemp -d /tmp/sw-pktgen.XXXXXX)}
mkdir -p "$OUT"
scanners="10.66.1.11 10.66.1.12 10.66.1.13"	# f_mix.lua's labelled scanners
id=$$
pfx=swpg$id

pktgen=$("$here/pktgen/build.sh") || exit $?
command -v tmux >/dev/null || { echo "pktgen.sh: tmux missing (scripts/deps.sh bench)" >&2; exit 77; }

# the test suite's live tests run under this lock already (SW_LIVE_LOCKED=1)
if [ -z "${SW_LIVE_LOCKED:-}" ]; then
	exec 9>/tmp/sw-live.lock
	flock 9
fi

ns=swpg$id
sock=/run/$pfx.sock
pg_session=
swpid=
cleanup() {
	[ -n "$swpid" ] && kill "$swpid" 2>/dev/null && wait "$swpid" 2>/dev/null
	[ -n "$pg_session" ] && tmux -L "$pg_session" kill-server 2>/dev/null
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "/var/run/dpdk/$pfx-sw" "/var/run/dpdk/$pfx-pg" "$sock"
	true
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up

# ---- pktgen -----------------------------------------------------------------

# pg_run TAG SCRIPT LINK_MBPS SCALE SECS VDEV...: one pktgen for one trial,
# in a detached tmux (it wants a terminal), in the namespace; prints the
# frames it sent and the packets/s it computed for each port. A fresh pktgen per trial: a pktgen whose memif peer went
# away spins on the dead port.
pg_run() {
	local tag=$1 script=$2 mbps=$3 scale=$4 secs=$5; shift 5
	local vdevs=() map n=$# i
	for v in "$@"; do vdevs+=("--vdev=$v"); done
	if [ "$n" -eq 1 ]; then map="1.0"; else map="1.[0-$((n - 1))]"; fi
	rm -f "$OUT/pg.exited" "$OUT/pg.started"
	pg_session=$pfx-tmux
	tmux -L "$pg_session" new-session -d -x 200 -y 60 \
		"ip netns exec $ns env SW_OUT=$OUT/pg.results SW_LINK_MBPS=$mbps SW_SCALE=$scale \
		 SW_SECONDS=$secs SW_TAG=$tag SW_START_FILE=$OUT/pg.started \
		 $pktgen --lcores=0@1,1@0 --no-huge -m 4096 --file-prefix=$pfx-pg --no-pci \
		 --log-level=lib.eal:error ${vdevs[*]} -- -P -m '$map' -f $script \
		 >$OUT/pg-$tag.log 2>&1; touch $OUT/pg.exited"
	for ((i = 0; i < (secs + 90) * 10; i++)); do
		[ -e "$OUT/pg.exited" ] && break
		sleep 0.1
	done
	tmux -L "$pg_session" kill-server 2>/dev/null || true
	pg_session=
	rm -rf "/var/run/dpdk/$pfx-pg"
	# "SENT TX_PPS": frames sent, and the packets/s pktgen computed per port
	sed -n "s/^$tag sent=\([0-9]*\).* tx_pps=\([^ ]*\).*/\1 \2/p" "$OUT/pg.results" | tail -1
}

# ---- scanwatch ----------------------------------------------------------------

# sw_start DIR DEV...: scanwatch live on CPU 0 (control) and 1 (worker)
sw_start() {
	local dir=$1; shift
	local ifs=()
	for d in "$@"; do ifs+=(-i "$d"); done
	mkdir -p "$dir"
	ip netns exec "$ns" timeout 600 "$sw" "${ifs[@]}" -l "$dir" --set stats.interval=1 \
		-- --lcores=0@0,1@1 "--file-prefix=$pfx-sw" >"$dir/stdout" 2>"$dir/stderr" &
	swpid=$!
	for _ in $(seq 1 150); do
		grep -q '"event_type":"stats"' "$dir/eve.json" 2>/dev/null && break
		kill -0 "$swpid" 2>/dev/null || break
		sleep 0.1
	done
	grep -q '"event_type":"stats"' "$dir/eve.json" 2>/dev/null || {
		echo "pktgen.sh: scanwatch did not start:" >&2; cat "$dir/stderr" >&2; return 1; }
	sleep 1	# memif connects, af_packet ring fills from now on
}

# VmRSS of scanwatch (swpid is timeout's, its parent)
sw_rss() {
	local p
	p=$(pgrep -P "$swpid" | head -1)
	awk '/^VmRSS/ {print $2}' "/proc/${p:-0}/status" 2>/dev/null || echo 0
}

sw_stop() {
	sleep 1.5	# what is in flight arrives; one more stats interval
	kill -INT "$swpid" 2>/dev/null || true
	wait "$swpid" || true
	swpid=
	rm -rf "/var/run/dpdk/$pfx-sw"
}

# report TAG OFFERED_PPS SECS SENT DIR T0 RSS0 RSS1 ASKED_PPS PG_PPS: one line
# per trial
report() {
	python3 - "$@" "$scanners" <<'PY'
import json, sys, datetime
tag, offered, secs, sent, d, t0, rss0, rss1, asked, pg_pps, labelled = sys.argv[1:12]
secs, sent, t0 = float(secs), int(sent or 0), float(t0)
labelled = set(labelled.split())
last, first_alert, nalerts = None, {}, 0
for line in open(d + "/eve.json"):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("event_type") == "stats":
        last = e["stats"]
    elif e.get("event_type") == "alert" and "src_ip" in e:
        nalerts += 1
        ts = datetime.datetime.strptime(e["timestamp"][:26], "%Y-%m-%dT%H:%M:%S.%f")
        ts = ts.replace(tzinfo=datetime.timezone.utc).timestamp()
        first_alert.setdefault(e["src_ip"], ts)
cap = last["capture"]
got, missed = cap["packets"], cap["dpdk"]["imissed"]
swst = last.get("scanwatch", {})
def find(o, k):
    if isinstance(o, dict):
        if k in o and not isinstance(o[k], dict):
            return o[k]
        for v in o.values():
            r = find(v, k)
            if r is not None:
                return r
    return None
ring = find(swst, "ring_drops") or 0
events = find(swst, "events") or 0
drained = find(swst, "events_drained") or 0
flagged = sorted(s for s in first_alert if s in labelled)
benign = sorted(s for s in first_alert if s not in labelled)
delays = " ".join(f"{s}:{first_alert[s] - t0:.2f}s" for s in flagged)
lost = sent - got
# pktgen obeyed the rate when it sent (and scanwatch received: over memif
# pktgen's count misses its last bursts) within 10 % of what was asked
if asked == "max":
    obeyed = "max"
else:
    ratio = max(sent, got) / secs / float(asked)
    obeyed = "yes" if 0.9 <= ratio <= 1.1 else f"no({ratio:.2f})"
print(f"{tag:>10} offered={offered:>9} asked_pps={asked} pg_pps={pg_pps} "
      f"tx_pps={sent / secs:.0f} obeyed={obeyed} sent={sent} received={got} "
      f"rx_mpps={got / secs / 1e6:.3f} dropped={lost} imissed={missed} "
      f"flagged={len(flagged)}/{len(labelled)} [{delays}] benign_flagged={len(benign)}"
      f"{' ' + ','.join(benign[:5]) if benign else ''} alerts={nalerts} events={events} drained={drained} "
      f"ring_drops={ring} rss_kb={rss0}->{rss1}")
PY
}

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# scale for a target background rate of f_mix.lua (200,000 pps at 1.0)
scale_of() { if [ "$1" = max ]; then echo 100000; else python3 -c "print($1 / 200000)"; fi; }

# all a trial asks of pktgen, packets/s: the background (the rate swept)
# plus the mix's labelled scanners at their own rates (2,000 + 2,000 +
# 5,000); the flood script sends one port only
asked_of() {
	case "$1:$2" in
	max:* | *:flood) echo max ;;
	*) echo $(($1 + 9000)) ;;
	esac
}

# run_trial TAG RATE SCRIPT LINK_MBPS "SCANWATCH DEVS" PKTGEN_VDEV...: a
# fresh scanwatch, one pktgen trial, one report line
run_trial() {
	local tag=$1 rate=$2 script=$3 mbps=$4 swdevs=$5; shift 5
	local dir=$OUT/$tag t0 sent pps rss0 rss1
	sw_start "$dir" $swdevs || return 1
	rss0=$(sw_rss)
	read -r sent pps < <(pg_run "$tag" "$script" "$mbps" "$(scale_of "$rate")" "$SECS" "$@") || true
	rss1=$(sw_rss)
	t0=$(stat -c %.9Y "$OUT/pg.started" 2>/dev/null || date +%s.%N)
	sw_stop
	report "$tag" "$rate" "$SECS" "${sent:-0}" "$dir" "$t0" "$rss0" "$rss1" \
		"$(asked_of "$rate" "${tag%%-*}")" "${pps:-?}" | tee -a "$OUT/report.txt"
}

# memif: scanwatch is the server (started first), pktgen the client
memif_sw() {
	local i devs=""
	for ((i = 0; i < $1; i++)); do devs+=" net_memif$i,role=server,socket=$sock,id=$i"; done
	echo "$devs"
}
memif_pg() {
	local i
	for ((i = 0; i < $1; i++)); do echo "net_memif$i,role=client,socket=$sock,id=$i"; done
}

throughput=0 lossless=0 top_flagged="0/3" top_benign=0
echo "pktgen.sh: pktgen $pktgen, scanwatch $sw, results in $OUT" >&2

mix=$here/pktgen/f_mix.lua
if [[ " $PHASES " == *" sweep "* ]]; then
	echo "== sweep: f_mix.lua over net_memif (throughput; memif backpressures)" | tee -a "$OUT/report.txt"
	for r in $RATES; do
		line=$(run_trial "sweep-$r" "$r" "$mix" 100000 "$(memif_sw 5)" $(memif_pg 5)) || break
		echo "$line"
		mpps=$(field rx_mpps "$line")
		throughput=$(python3 -c "print(max($throughput, $mpps))")
		top_flagged=$(field flagged "$line"); top_benign=$(field benign_flagged "$line")
	done
fi

if [[ " $PHASES " == *" search "* ]]; then
	echo "== search: f_mix.lua over net_af_packet on a veth pair (zero loss, RFC 2544 style)" | tee -a "$OUT/report.txt"
	ip -n "$ns" link add pga$id type veth peer name pgb$id
	ip -n "$ns" link set pga$id up
	ip -n "$ns" link set pgb$id up
	for d in pga$id pgb$id; do ip netns exec "$ns" ethtool -K $d tso off gso off gro off >/dev/null 2>&1 || true; done
	afp=()
	for i in 0 1 2 3 4; do afp+=("net_af_packet$i,iface=pga$id"); done
	# bounds in background packets/s: lo passes (or 0), hi fails
	lo=0 hi=$(python3 -c "print(int(max($throughput, 0.5) * 1e6))")
	n=0 short=0
	while python3 -c "import sys; sys.exit(0 if ($hi - $lo) > $RES * $hi and $hi > 1000 else 1)"; do
		mid=$(( (lo + hi) / 2 ))
		# RFC 2544 needs the rate offered to be the rate sent: a trial
		# in which pktgen fell short of it (a stall of its lcore on this
		# shared host) is run once more; short twice, the rate counts as
		# one this host cannot offer, and so as failed
		for try in 1 2; do
			n=$((n + 1))
			line=$(run_trial "search-$n" "$mid" "$mix" 10000 "net_af_packet0,iface=pgb$id" "${afp[@]}") || break 2
			echo "$line"
			[ "$(field obeyed "$line")" = yes ] && break
		done
		if [ "$(field obeyed "$line")" = yes ] && [ "$(field sent "$line")" -gt 0 ] &&
		   [ "$(field dropped "$line")" -le 0 ] && [ "$(field imissed "$line")" -eq 0 ]; then
			lo=$mid
			# lo only grows: this is the highest rate passed so far
			lossless=$(field rx_mpps "$line")
		else
			[ "$(field obeyed "$line")" = yes ] || short=$((short + 1))
			hi=$mid
		fi
	done
	echo "search: lossless at $lo background pps ($lossless Mpps received), fails at $hi ($short rates pktgen could not send)" | tee -a "$OUT/report.txt"
fi

if [[ " $PHASES " == *" flood "* ]]; then
	echo "== flood: d_syn_flood.lua over net_memif, full rate, ${FLOOD_SECS}s (issue 13 item 4)" | tee -a "$OUT/report.txt"
	SECS_SAVED=$SECS SECS=$FLOOD_SECS
	line=$(run_trial flood max "$here/pktgen/d_syn_flood.lua" 100000 "$(memif_sw 1)" $(memif_pg 1)) || true
	SECS=$SECS_SAVED
	echo "$line"
fi

echo "pktgen: throughput_mpps=$throughput lossless_mpps=$lossless scanners_flagged=$top_flagged benign_flagged=$top_benign" | tee -a "$OUT/report.txt"
