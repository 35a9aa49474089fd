#!/usr/bin/env bash
# The whole test suite: install what is missing, build a release build and
# an ASan+UBSan build, run every test in both (the live namespace test only
# in the release build), and end with "N passed, N failed", where N counts
# the C unit tests one by one.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test || exit 1
scripts/build.sh build || { echo "0 passed, 1 failed"; exit 1; }
scripts/build.sh build-asan -Db_sanitize=address,undefined -Db_lundef=false \
	-Dbuildtype=debugoptimized || { echo "0 passed, 1 failed"; exit 1; }

rc=0
meson test -C build --print-errorlogs --num-processes 2 || rc=1
# UBSan's default is to print a report and go on, which no test notices:
# here undefined behaviour fails the test that ran into it
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
	meson test -C build-asan --print-errorlogs --num-processes 2 --no-suite live \
	--no-suite package || rc=1

# Count tests, not executables: a TAP test (the C unit tests, check.h)
# counts each "ok"/"not ok" line it printed, and one more failure if it
# ended without a plan, with a plan its lines do not match (crashed midway),
# or with a bad result while every line said ok (e.g. a leak at exit).
# Other tests count one each.
for d in build build-asan; do
	meson introspect --tests "$d" > "$d/meson-logs/tests.json" || rc=1
done
/usr/bin/python3 - build build-asan <<'PY'
import json, re, sys
passed = failed = 0
for d in sys.argv[1:]:
    tap = {t["name"] for t in json.load(open(d + "/meson-logs/tests.json"))
           if t["protocol"] == "tap"}
    for line in open(d + "/meson-logs/testlog.json"):
        t = json.loads(line)
        name, result = t.get("name"), t.get("result")
        if name.split(" / ")[-1] not in tap:
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result != "SKIP":
                failed += 1
                print("FAILED: %s (%s) in %s" % (name, result, d))
            continue
        plan, lines, bad = None, 0, 0
        for out in (t.get("stdout") or "").splitlines():
            m = re.match(r"(not )?ok\b\s*(\d*)\s*-?\s*([^#]*)(#\s*(\w+))?", out)
            if m:
                lines += 1
                directive = (m.group(5) or "").upper()
                if directive.startswith("SKIP"):
                    continue
                if m.group(1) and directive != "TODO":
                    bad += 1
                    print("FAILED: %s / %s in %s" % (name, m.group(3).strip(), d))
                else:
                    passed += 1
                continue
            m = re.match(r"1\.\.(\d+)", out)
            if m:
                plan = int(m.group(1))
        failed += bad
        why = None
        if plan is None:
            why = "no plan: it stopped before the end"
        elif plan != lines:
            why = "plan 1..%d, %d tests ran" % (plan, lines)
        elif bad == 0 and result not in ("OK", "EXPECTEDFAIL", "SKIP"):
            why = "every test ok, but the result is %s" % result
        if why:
            failed += 1
            print("FAILED: %s (%s: %s) in %s" % (name, result, why, d))
print("%d passed, %d failed" % (passed, failed))
PY
exit $rc
