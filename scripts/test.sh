#!/usr/bin/env bash
# The whole test suite: install what is missing, build a release build and
# an ASan+UBSan build, run every test in both (the live namespace test only
# in the release build), and end with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test || exit 1
scripts/build.sh build || { echo "0 passed, 1 failed"; exit 1; }
scripts/build.sh build-asan -Db_sanitize=address,undefined -Db_lundef=false \
	-Dbuildtype=debugoptimized || { echo "0 passed, 1 failed"; exit 1; }

rc=0
meson test -C build --print-errorlogs --num-processes 2 || rc=1
meson test -C build-asan --print-errorlogs --num-processes 2 --no-suite live || rc=1

/usr/bin/python3 - build/meson-logs/testlog.json build-asan/meson-logs/testlog.json <<'PY'
import json, sys
passed = failed = 0
for path in sys.argv[1:]:
    for line in open(path):
        t = json.loads(line)
        if t.get("result") in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif t.get("result") == "SKIP":
            pass
        else:
            failed += 1
            print("FAILED: %s (%s) in %s" % (t.get("name"), t.get("result"), path.split("/")[0]))
print("%d passed, %d failed" % (passed, failed))
PY
exit $rc
