#!/usr/bin/env bash
# Coverage-guided fuzzing of scanwatch's readers of outside input with
# libFuzzer (harnesses and what each reads: tests/fuzz/README.md).
#
#   scripts/fuzz.sh HARNESS [SECONDS [libFuzzer options...]]   fuzz one harness
#   scripts/fuzz.sh all [SECONDS]                                each in turn
#   scripts/fuzz.sh --list                                       harness names
#   scripts/fuzz.sh --ci HARNESS SECONDS                         meson's 'fuzz' suite
#
# The first run configures build-fuzz/ (SW_FUZZ_BUILD to move it) with
# clang-14, -Dfuzz=true and ASan+UBSan, and builds only the harnesses.
# Seeds are made from the bundled captures, configurations and rules
# (tests/fuzz/seeds.py) into build-fuzz/seeds/HARNESS; what the fuzzer
# learns stays in build-fuzz/corpus/HARNESS for the next run; a crash
# leaves its input in build-fuzz/crashes/HARNESS/ and the exit status is
# nonzero. Keep such an input as tests/fuzz/regress/HARNESS/NAME and the
# ordinary test suite replays it from then on.
#
# Without clang-14 or libFuzzer (Debian: clang-14 libfuzzer-14-dev, see
# scripts/deps.sh test) it exits 77, meson's SKIP.
set -uo pipefail
cd "$(dirname "$0")/.."

harnesses=(parse capture conf set rules)
build=${SW_FUZZ_BUILD:-build-fuzz}
# absolute: harnesses may change directory before libFuzzer reads the corpus
case "$build" in /*) ;; *) build=$PWD/$build ;; esac
cc=${SW_FUZZ_CC:-clang-14}

usage() {
	sed -n '5,9p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

# How much of an input each harness looks at.
max_len() {
	case "$1" in
	parse) echo 4096 ;;
	capture) echo 65536 ;;
	*) echo 8192 ;;
	esac
}

have_toolchain() {
	local t
	command -v "$cc" >/dev/null || { echo "scanwatch fuzz: $cc not found: SKIP" >&2; return 1; }
	t=$(mktemp -d) || return 1
	printf '%s\n' '#include <stdint.h>' '#include <stddef.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
		>"$t/t.c"
	if ! "$cc" -fsanitize=fuzzer,address,undefined "$t/t.c" -o "$t/t" 2>"$t/err"; then
		echo "scanwatch fuzz: $cc cannot link a libFuzzer program (libfuzzer-14-dev missing?): SKIP" >&2
		sed 's/^/  /' "$t/err" >&2
		rm -rf "$t"
		return 1
	fi
	rm -rf "$t"
}

# Configure and build the harnesses once; concurrent callers (meson runs
# the suite's tests in parallel) wait for the first.
build_harnesses() {
	mkdir -p "$build/fuzz-logs"
	(
		flock 9
		if [ ! -f "$build/build.ninja" ]; then
			CC=$cc meson setup "$build" -Dfuzz=true -Db_sanitize=address,undefined \
				-Db_lundef=false -Dbuildtype=debugoptimized >"$build/fuzz-logs/setup.log" 2>&1 ||
				{ cat "$build/fuzz-logs/setup.log" >&2; exit 1; }
		fi
		targets=()
		for h in "${harnesses[@]}"; do targets+=("tests/fuzz/fuzz_$h"); done
		ninja -C "$build" -j "${SW_FUZZ_JOBS:-2}" "${targets[@]}" >"$build/fuzz-logs/ninja.log" 2>&1 ||
			{ tail -n 60 "$build/fuzz-logs/ninja.log" >&2; exit 1; }
		# seeds again only when what they are made of changed: a fuzzer
		# started a moment ago may still be reading them
		stamp=$build/seeds/.made
		if [ ! -f "$stamp" ] || [ -n "$(find tests/fuzz/seeds.py tests/fuzz/seeds tests/data \
				rules README.md src/conf -newer "$stamp" -print -quit)" ]; then
			/usr/bin/python3 tests/fuzz/seeds.py "$build/seeds" && touch "$stamp" ||
				{ echo "scanwatch fuzz: making the seed corpora failed" >&2; exit 1; }
		fi
	) 9>"$build/fuzz-logs/lock"
}

run() {
	local h=$1 secs=$2
	shift 2
	local corpus=$build/corpus/$h crashes=$build/crashes/$h dict=$build/seeds/$h.dict
	# libFuzzer's own failure status is 77, meson's SKIP: a crash must fail
	local args=(-error_exitcode=1 -timeout_exitcode=1
		    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048
		    -max_len="$(max_len "$h")" -print_final_stats=1
		    -artifact_prefix="$crashes/")
	mkdir -p "$corpus" "$crashes"
	[ -f "$dict" ] && args+=(-dict="$dict")
	echo "== fuzz_$h for ${secs}s (corpus $corpus)" >&2
	# the first directory receives new inputs; seeds and regressions are read
	"$build/tests/fuzz/fuzz_$h" "${args[@]}" "$@" "$corpus" "$build/seeds/$h" \
		"$PWD/tests/fuzz/regress/$h"
	local rc=$?
	if [ $rc -ne 0 ]; then
		echo "scanwatch fuzz: fuzz_$h failed (exit $rc); inputs in $crashes/:" >&2
		ls -l "$crashes" >&2
		echo "keep the input as tests/fuzz/regress/$h/<name> once the reader is fixed" >&2
	fi
	return $rc
}

known() {
	local h
	for h in "${harnesses[@]}"; do [ "$h" = "$1" ] && return 0; done
	echo "scanwatch fuzz: unknown harness '$1' (${harnesses[*]})" >&2
	return 1
}

[ $# -ge 1 ] || usage
case "$1" in
--list) printf '%s\n' "${harnesses[@]}"; exit 0 ;;
--ci)
	[ $# -eq 3 ] || usage
	known "$2" || exit 2
	have_toolchain || exit 77
	build_harnesses || exit 1
	run "$2" "$3" || exit 1
	exit 0
	;;
-*) usage ;;
esac

h=$1
secs=${2:-600}
shift $(( $# >= 2 ? 2 : 1 ))
have_toolchain || exit 77
if [ "$h" = all ]; then
	build_harnesses || exit 1
	rc=0
	for h in "${harnesses[@]}"; do run "$h" "$secs" "$@" || rc=1; done
	exit $rc
fi
known "$h" || exit 2
build_harnesses || exit 1
run "$h" "$secs" "$@"
