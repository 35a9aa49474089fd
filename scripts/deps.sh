#!/usr/bin/env bash
# Install what scanwatch needs from Debian 12's packages, skipping what is
# already there. Usage: scripts/deps.sh [build|test|record]
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
	       tcpreplay masscan zmap hping3 curl) ;;
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
# another apt-get (unattended-upgrades, a second shell) holds dpkg's lock:
# wait for it, up to 10 minutes, instead of failing at once
lock=(-o DPkg::Lock::Timeout=600)
apt-get "${lock[@]}" update -qq
apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
