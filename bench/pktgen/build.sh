#!/usr/bin/env bash
# Print the path of a Pktgen-DPDK binary, building one when none is found.
#   1. $PKTGEN, if set, or `pktgen` on the PATH (a user's own install)
#   2. DIR/build/app/pktgen, if built before from the same patch (DIR:
#      $PKTGEN_BUILD or the argument)
#   3. otherwise build it into DIR from the vendored source
#      ($PKTGEN_TARBALL, default ../shared/vendor/pktgen-dpdk-*.tar.gz beside
#      the repository) with bench/pktgen/pktgen-23.06.patch applied. Nothing
#      is installed system-wide; its build dependency (liblua5.3-dev) comes
#      from scripts/deps.sh bench.
# Usage: bench/pktgen/build.sh [DIR]     (DIR default: build-pktgen in the repo)
# Exit 0 with the path on stdout; 77 with the reason on stderr when it
# cannot be had (no source, no Lua, build failed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=$(readlink -m "${1:-${PKTGEN_BUILD:-$repo/build-pktgen}}")

if [ -n "${PKTGEN:-}" ]; then
	[ -x "$PKTGEN" ] && { echo "$PKTGEN"; exit 0; }
	echo "pktgen: PKTGEN=$PKTGEN is not executable" >&2; exit 77
fi
if command -v pktgen >/dev/null 2>&1; then command -v pktgen; exit 0; fi
# a build from an older pktgen-23.06.patch is rebuilt (the stamp holds the
# patch's checksum): the pacing fixes are in the patch
sum=$(sha256sum "$here/pktgen-23.06.patch" | cut -d' ' -f1)
if [ -x "$dir/build/app/pktgen" ] && [ "$(cat "$dir/patch.sha256" 2>/dev/null)" = "$sum" ]; then
	echo "$dir/build/app/pktgen"; exit 0
fi

tarball=${PKTGEN_TARBALL:-}
if [ -z "$tarball" ]; then
	for t in "$repo"/../shared/vendor/pktgen-dpdk-*.tar.gz \
		 "$repo"/../../shared/vendor/pktgen-dpdk-*.tar.gz /work/shared/vendor/pktgen-dpdk-*.tar.gz; do
		[ -f "$t" ] && { tarball=$t; break; }
	done
fi
[ -n "$tarball" ] && [ -f "$tarball" ] || {
	echo "pktgen: not installed and no source (set PKTGEN_TARBALL to a Pktgen-DPDK 23.06 tarball, or PKTGEN to a binary)" >&2
	exit 77; }
if ! pkg-config --exists lua-5.3 2>/dev/null; then
	"$repo/scripts/deps.sh" bench >&2 || true
	pkg-config --exists lua-5.3 2>/dev/null || {
		echo "pktgen: Lua 5.3 (liblua5.3-dev) missing; scripts/deps.sh bench installs it as root" >&2
		exit 77; }
fi

echo "pktgen: building Pktgen-DPDK from $tarball into $dir (about 1.5-2.5 min on 2 cores)" >&2
rm -rf "$dir"
mkdir -p "$dir/src"
tar -xzf "$tarball" -C "$dir/src" --strip-components=1
patch -s -d "$dir/src" -p1 <"$here/pktgen-23.06.patch"
if ! (meson setup "$dir/build" "$dir/src" -Denable_lua=true &&
      ninja -C "$dir/build" -j"$(nproc)") >"$dir/build.log" 2>&1; then
	tail -20 "$dir/build.log" >&2
	mv "$dir/build.log" "$dir.log"
	rm -rf "$dir"
	echo "pktgen: build failed (log: $dir.log)" >&2
	exit 77
fi
echo "$sum" >"$dir/patch.sha256"
echo "$dir/build/app/pktgen"
