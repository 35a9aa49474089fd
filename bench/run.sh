#!/bin/sh
# Build scanwatch and run scanwatch-bench with the defaults of
# bench/README.md; prints markdown tables. About 4 minutes on 2 vCPUs.
# Usage: bench/run.sh [scanwatch-bench options], e.g. --packets 20000000
set -eu
cd "$(dirname "$0")/.."
[ -f build/build.ninja ] || meson setup build
ninja -C build bench/scanwatch-bench >&2
model=$(lscpu | sed -n 's/^Model name: *//p')
echo "Machine: $model, $(nproc) vCPUs; $(date -u +%Y-%m-%d)"
echo
# the shipped rules for the payload and IMIX rows (parse+match, detect+match)
exec ./build/bench/scanwatch-bench --packets 10000000 --rules rules/scanwatch.rules "$@"
