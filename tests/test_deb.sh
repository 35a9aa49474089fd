#!/usr/bin/env bash
# The Debian package: dpkg-buildpackage -b -us -uc on a copy of the source,
# install it, run scanwatch -T on the installed configuration, check the
# installed units with systemd-analyze verify and the man pages with man,
# read a capture with the installed binary, remove the package.
# Usage: test_deb.sh SOURCE_ROOT   (root; skipped without dpkg-buildpackage)
set -uo pipefail
src=$(cd "$1" && pwd)
for t in dpkg-buildpackage dh fakeroot; do
	command -v "$t" >/dev/null || { echo "SKIP: $t not installed (scripts/deps.sh test)"; exit 77; }
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: installing a package needs root"; exit 77; }
if dpkg-query -W -f='${Status}' scanwatch 2>/dev/null | grep -q "install ok installed"; then
	echo "SKIP: a scanwatch package is installed already; not touching it"
	exit 77
fi

work=$(mktemp -d)
trap 'dpkg -r scanwatch >/dev/null 2>&1; rm -rf "$work"' EXIT
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }

mkdir "$work/scanwatch"
# the tracked files only: what a clean clone holds
git -C "$src" ls-files -z | (cd "$src" && xargs -0 cp --parents -t "$work/scanwatch")
(cd "$work/scanwatch" && dpkg-buildpackage -b -us -uc) > "$work/build.log" 2>&1
check deb_builds "[ -f '$work/scanwatch_0.1.0_amd64.deb' ]" || tail -30 "$work/build.log"
deb="$work/scanwatch_0.1.0_amd64.deb"
check deb_installs "dpkg -i '$deb' > '$work/install.log' 2>&1" || tail -20 "$work/install.log"
check installed_config_checks "/usr/bin/scanwatch -c /etc/scanwatch/scanwatch.yaml -T > '$work/t.log' 2>&1 &&
	grep -q 'configuration OK' '$work/t.log' && grep -q 'payload rules OK' '$work/t.log'"
check rules_from_share "/usr/bin/scanwatch --dump-config 2>/dev/null | grep -q '/usr/share/scanwatch/rules/scanwatch.rules'"
for u in scanwatch.service scanwatch@.service; do
	check "unit_${u}_verifies" "out=\$(systemd-analyze verify /lib/systemd/system/$u 2>&1); [ \$? -eq 0 ] && ! echo \"\$out\" | grep -q '$u'"
done
check man_pages "man -w scanwatch >/dev/null && man -w 5 scanwatch.yaml >/dev/null"
check preflight_installed "[ -x /usr/bin/scanwatch-preflight ]"
check installed_binary_reads_a_capture "/usr/bin/scanwatch -r '$src/tests/data/nmap_syn_vertical.pcap' 2>/dev/null | grep -q 'TCP portscan'"
check report_installed_reads_alerts "/usr/bin/scanwatch -r '$src/tests/data/nmap_syn_vertical.pcap' -l '$work/run' 2>/dev/null &&
	/usr/bin/scanwatch-report '$work/run/eve.json' | grep -q '^Source 10.66.0.11'"
check top_installed_runs "out=\$(/usr/bin/scanwatch top --file-prefix swdeb-none --once 2>&1); [ \$? -eq 1 ] && echo \"\$out\" | grep -q 'waiting for sensor swdeb-none'"
check grafana_installed "[ -f /usr/share/scanwatch/grafana/scanwatch.json ] &&
	[ -f /usr/share/scanwatch/grafana/provisioning/scanwatch-dashboards.yaml ]"
check deb_removes "dpkg -r scanwatch > /dev/null 2>&1 && [ ! -e /usr/bin/scanwatch ]"
exit $fail
