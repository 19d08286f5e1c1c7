#!/usr/bin/env bash
# Runs every test: the cmocka suite in a release build, then again under
# AddressSanitizer + UndefinedBehaviorSanitizer, and the multi-thread
# stress test under ThreadSanitizer, a short run of every libFuzzer
# target (clang), and the consumer projects that use the library through
# add_subdirectory, FetchContent, find_package and pkg-config
# (scripts/consumers.sh). Installs missing dependencies first. Exit status
# 0 only when everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test fuzz
jobs=$(nproc 2>/dev/null || echo 2)

# run_suite DIR [cmake options...] [-R REGEX]: configure, build, ctest.
run_suite() {
	local dir=$1 filter=()
	shift
	local opts=()
	while [ $# -gt 0 ]; do
		if [ "$1" = -R ]; then
			filter=(-R "$2")
			shift 2
		else
			opts+=("$1")
			shift
		fi
	done
	cmake -S . -B "$dir" -DPAGEZONE_BENCH=OFF "${opts[@]}" >/dev/null
	cmake --build "$dir" -j"$jobs" >/dev/null
	ctest --test-dir "$dir" --output-on-failure -j"$jobs" "${filter[@]}"
}

echo "== release build =="
run_suite build/test-release -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== ASan + UBSan build =="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_suite build/test-asan -DCMAKE_BUILD_TYPE=Debug -DPAGEZONE_SANITIZE=address,undefined
echo "== ThreadSanitizer build: concurrency stress =="
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	run_suite build/test-tsan -DCMAKE_BUILD_TYPE=Debug -DPAGEZONE_SANITIZE=thread -R stress
echo "== libFuzzer smoke run: every target 15 s, regressions replayed first =="
scripts/fuzz.sh 15
echo "== consumer projects: add_subdirectory, FetchContent, find_package, pkg-config =="
scripts/consumers.sh
echo "all tests passed"
