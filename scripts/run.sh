#!/usr/bin/env bash
# The main job: builds pagezone (installing missing dependencies) and runs
# it on a clone of this machine's /proc/zoneinfo, or on the built-in
# default machine when that cannot be read. Extra arguments go to the tool
# (see `pagezone --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh tool
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DPAGEZONE_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
exec build/release/pagezone "$@"
