#!/usr/bin/env bash
# Install what scanwatch needs from Debian 12's packages, skipping what is
# already there. Usage: scripts/deps.sh [build|test|record|bench]
#   build   compiler, meson, DPDK, Hyperscan, jemalloc, libyaml, librdkafka,
#           libmicrohttpd (the -dev packages pull in the runtime libraries:
#           libmicrohttpd12, librdkafka1, ...)
#   test    build + what the test suite drives (scapy, jsonschema, iproute2,
#           tcpdump, nmap for the live end-to-end test, mergecap for the
#           peer-corpus test, tshark for the evidence captures, clang-14 and
#           libFuzzer for the fuzz suite, chromium to render scanwatch-report's
#           page, tmux to drive scanwatch top and Pktgen-DPDK's terminal, Lua 5.3
#           for the pktgen smoke test, tcpreplay and the scanners of the soak
#           and fault tests)
#   record  test + the scanners scripts/record-captures.sh records
#   bench   build + what bench/pktgen.sh needs to build and drive Pktgen-DPDK
#           (Lua 5.3, tmux for its terminal) and tcpreplay
set -euo pipefail

what=${1:-build}
pkgs=(build-essential pkg-config meson ninja-build python3
      libdpdk-dev dpdk libhyperscan-dev libjemalloc-dev libyaml-dev libpcap-dev
      librdkafka-dev libmicrohttpd-dev libsystemd-dev)
case "$what" in
build) ;;
test)   pkgs+=(python3 python3-scapy python3-jsonschema iproute2 tcpdump nmap ethtool dpdk-dev
	       rsyslog prometheus wireshark-common tshark clang-14 libfuzzer-14-dev
	       debhelper dpkg-dev fakeroot systemd man-db chromium tmux liblua5.3-dev
	       tcpreplay masscan zmap hping3 curl strace) ;;
record) pkgs+=(python3 python3-scapy python3-jsonschema iproute2 tcpdump nmap ethtool rsyslog prometheus dpdk-dev
	       clang-14 libfuzzer-14-dev
	       tcpreplay masscan zmap hping3 curl dnsmasq tshark) ;;
bench)  pkgs+=(liblua5.3-dev tmux tcpreplay iproute2 ethtool python3) ;;
*) echo "usage: $0 [build|test|record|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "scanwatch: missing packages: ${missing[*]}; run as root to install them" >&2
	exit 1
fi
echo "scanwatch: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive

# apt-get, waiting up to 10 minutes while another apt-get or dpkg
# (unattended-upgrades, apt-daily, a second shell) holds the package
# manager's lock, instead of failing at once. DPkg::Lock::Timeout covers
# dpkg's locks only: `apt-get update` takes /var/lib/apt/lists/lock and
# still fails at once on it (apt 2.6: "Could not get lock
# /var/lib/apt/lists/lock"), so a failure that names a lock is retried.
apt_wait() {
	local err rc said= deadline=$((SECONDS + 600))
	err=$(mktemp)
	while :; do
		rc=0
		apt-get -o DPkg::Lock::Timeout=600 "$@" 2>"$err" || rc=$?
		if [ "$rc" -ne 0 ] && [ "$SECONDS" -lt "$deadline" ] &&
		   grep -q -e 'Could not get lock' -e 'Unable to lock' -e 'Unable to acquire' "$err"; then
			[ -n "$said" ] || echo "scanwatch: waiting for the package manager:" \
				"$(grep -m1 'Could not get lock' "$err" | sed 's/^E: //')" >&2
			said=1
			sleep 5
			continue
		fi
		cat "$err" >&2
		rm -f "$err"
		return "$rc"
	done
}

apt_wait update -qq
apt_wait install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
