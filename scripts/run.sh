#!/usr/bin/env bash
# The main job: builds pagezone (installing missing dependencies) and runs
# its built-in busy-kernel workload on the built-in 2-node machine
# (--machine-from /proc/zoneinfo clones this one). Extra arguments go to
# the tool (see `pagezone --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh tool
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DPAGEZONE_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
exec build/release/pagezone "$@"
