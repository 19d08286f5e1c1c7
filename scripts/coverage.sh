#!/usr/bin/env bash
# Line and branch coverage of src/core/ by the test suite (gcov + lcov).
# Installs lcov and the test dependencies when missing, builds an instrumented Debug build in
# build/coverage, runs ctest there and prints the summary; the HTML report
# lands in build/coverage/html/index.html.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh coverage
dir=build/coverage
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DPAGEZONE_BENCH=OFF \
	-DCMAKE_C_FLAGS="--coverage -fprofile-update=atomic -O0" -DCMAKE_EXE_LINKER_FLAGS="--coverage" \
	-DCMAKE_SHARED_LINKER_FLAGS="--coverage" >/dev/null
cmake --build "$dir" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
find "$dir" -name '*.gcda' -delete
PZ_TEST_OPS="${PZ_TEST_OPS:-100000}" ctest --test-dir "$dir" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
lcov --quiet --capture --directory "$dir" --rc lcov_branch_coverage=1 \
	--output-file "$dir/all.info" 2>/dev/null
lcov --quiet --extract "$dir/all.info" "*/src/core/*" --rc lcov_branch_coverage=1 \
	--output-file "$dir/core.info"
lcov --summary "$dir/core.info" --rc lcov_branch_coverage=1 2>&1 | grep -E "lines|functions|branches"
if command -v genhtml >/dev/null 2>&1; then
	genhtml --quiet --branch-coverage "$dir/core.info" -o "$dir/html" >/dev/null 2>&1 || true
fi
