#!/usr/bin/env bash
# Builds pagezone-bench (Release, build/bench) and runs it; arguments go to
# the benchmark: scripts/bench.sh [--quick] [--csv] [--callgrind].
# Installs what building needs and the two baseline allocators,
# libjemalloc-dev and libmimalloc-dev, when missing (scripts/deps.sh bench);
# if they cannot be installed the benchmark skips their rows with a note.
# The build log is build/bench/build.log.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bench

build=build/bench
log=$build/build.log
mkdir -p "$build"
{ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPAGEZONE_TESTS=OFF &&
	cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target pagezone-bench; } \
	>"$log" 2>&1 || { tail -n 40 "$log" >&2; exit 1; }
exec "$build/bench/pagezone-bench" "$@"
