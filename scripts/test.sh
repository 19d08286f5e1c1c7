#!/usr/bin/env bash
# Runs every test: the cmocka suite in a release build, then again under
# AddressSanitizer + UndefinedBehaviorSanitizer. Installs missing
# dependencies first. Exit status 0 only when everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

run_suite() {
	local dir=$1
	shift
	cmake -S . -B "$dir" -DPAGEZONE_BENCH=OFF "$@" >/dev/null
	cmake --build "$dir" -j"$jobs" >/dev/null
	ctest --test-dir "$dir" --output-on-failure -j"$jobs"
}

echo "== release build =="
run_suite build/test-release -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== ASan + UBSan build =="
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_suite build/test-asan -DCMAKE_BUILD_TYPE=Debug -DPAGEZONE_SANITIZE=address,undefined
echo "all tests passed"
