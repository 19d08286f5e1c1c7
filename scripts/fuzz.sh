#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/*.c, clang with ASan + UBSan, coverage
# of src/) in build/fuzz and runs each for SECONDS_PER_TARGET seconds
# (default 20). Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]
#
# The command's parsers (fuzz_trace, fuzz_spec) are small and fast to
# cover: they run a third of that time (at least 1 s), to keep CI short.
#
# Each target first replays its reproducers in fuzz/regressions/<target>-*,
# then fuzzes a copy of its committed corpus (build/fuzz/corpus-run/<target>,
# so fuzz/corpus/ is never modified) with its dictionary when there is one
# (fuzz/<name>.dict for fuzz_<name>). Prints total executions and
# executions per second of every target; crashing inputs land in
# build/fuzz/artifacts/ and the full logs in build/fuzz/logs/.
# Exit status 0 only when no target crashed, leaked or timed out.
set -euo pipefail
cd "$(dirname "$0")/.."

secs=${1:-20}
if ! [[ "$secs" =~ ^[0-9]+$ ]] || [ "$secs" -lt 1 ]; then
	echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2
	exit 2
fi

scripts/deps.sh fuzz
jobs=$(nproc 2>/dev/null || echo 2)
build=build/fuzz

# A build tree configured with another compiler cannot switch to clang.
if [ -f "$build/CMakeCache.txt" ] &&
	! grep -q '^CMAKE_C_COMPILER:[A-Z]*=.*clang' "$build/CMakeCache.txt"; then
	rm -rf "$build"
fi
echo "== building the fuzz targets (clang, ASan + UBSan) in $build =="
mkdir -p "$build/logs"
CC=clang cmake -S . -B "$build" -DPAGEZONE_FUZZ=ON -DPAGEZONE_TESTS=OFF \
	-DPAGEZONE_BENCH=OFF >"$build/logs/configure.log" 2>&1 ||
	{ cat "$build/logs/configure.log" >&2; exit 1; }
cmake --build "$build" -j"$jobs" --target pagezone_fuzz >"$build/logs/build.log" 2>&1 ||
	{ tail -n 60 "$build/logs/build.log" >&2; exit 1; }

mapfile -t targets < <(find "$build/fuzz" -maxdepth 1 -type f -perm -u+x -name '*fuzz*' | sort)
if [ ${#targets[@]} -eq 0 ]; then
	echo "fuzz: no *fuzz* executables in $build/fuzz" >&2
	exit 1
fi

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/artifacts" "$build/corpus-run"

# stat NAME LOG: the value of libFuzzer's final "stat::NAME:" line.
stat() {
	sed -n "s/^stat::$1: *\([0-9]*\).*/\1/p" "$2" | tail -n 1
}

# show_crash LOG: the interesting part of a failed run (the report up to the
# shadow-memory dump, without libFuzzer's and libc's own frames).
show_crash() {
	awk '/INVARIANT BROKEN|==[0-9]+==ERROR|runtime error|ERROR: libFuzzer|last library message/ { on = 1 }
		/^Shadow bytes around|^NOTE: libFuzzer has rudimentary/ { on = 0 }
		on && !/ in fuzzer::| in __libc_start| in _start |libc\.so|__sanitizer_print_stack_trace/ { print; if (++n >= 40) exit }' \
		"$1" >&2
	grep -E '^(artifact_prefix|Base64):' "$1" >&2 || true
}

failed=()
rows=()
echo "== fuzzing: ${#targets[@]} targets, ${secs}s each =="
for bin in "${targets[@]}"; do
	t=$(basename "$bin")
	log="$build/logs/$t.log"
	run="$build/corpus-run/$t"
	dict="fuzz/${t#fuzz_}.dict"
	t_secs=$secs
	case "$t" in fuzz_trace | fuzz_spec) t_secs=$(((secs + 2) / 3)) ;; esac
	args=(-max_total_time="$t_secs" -print_final_stats=1 -timeout=30 -rss_limit_mb=4096
		-artifact_prefix="$build/artifacts/$t-")
	[ -f "$dict" ] && args+=(-dict="$dict")

	# replay the reproducers of bugs found before
	mapfile -t regs < <(find fuzz/regressions -maxdepth 1 -type f -name "$t-*" 2>/dev/null | sort)
	if [ ${#regs[@]} -gt 0 ] &&
		! "$bin" -runs=1 "${regs[@]}" >"$build/logs/$t.regressions.log" 2>&1; then
		echo "fuzz: $t: a reproducer in fuzz/regressions/ still fails:" >&2
		show_crash "$build/logs/$t.regressions.log"
		failed+=("$t (regression)")
	fi

	rm -rf "$run"
	mkdir -p "$run"
	if [ -d "fuzz/corpus/$t" ]; then
		cp -R "fuzz/corpus/$t/." "$run/"
	fi
	rc=0
	"$bin" "${args[@]}" "$run" >"$log" 2>&1 || rc=$?
	done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -n 1 || true)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$done_line")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$done_line")
	corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$done_line")
	row=$(printf '%-16s %12s %10s %8s %8s %8s' "$t" "$(stat number_of_executed_units "$log")" \
		"$(stat average_exec_per_sec "$log")" "${cov:-?}" "${ft:-?}" "${corp:-?}")
	if [ "$rc" -ne 0 ]; then
		echo "fuzz: $t FAILED (exit $rc), log: $log" >&2
		show_crash "$log"
		failed+=("$t")
		row+="  CRASHED"
	fi
	echo "$row"
	rows+=("$row")
done

echo "== summary (${secs}s per target, the parsers a third of it) =="
printf '%-16s %12s %10s %8s %8s %8s\n' target execs execs/s cov ft corpus
printf '%s\n' "${rows[@]}"

if [ ${#failed[@]} -gt 0 ]; then
	echo "fuzz: FAILED: ${failed[*]}" >&2
	exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran ${secs}s without a crash"
