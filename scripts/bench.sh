#!/usr/bin/env bash
# Builds pagezone-bench (Release, build/bench) and runs it; arguments go to
# the benchmark: scripts/bench.sh [--quick] [--csv] [--callgrind].
# Installs what building needs (scripts/deps.sh) and the two baseline
# allocators, libjemalloc-dev and libmimalloc-dev, when missing (apt-get);
# if they cannot be installed the benchmark skips their rows with a note.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh

need=()
libs=$(ldconfig -p 2>/dev/null || true)
[[ "$libs" == *"libjemalloc.so.2 "* ]] || need+=(libjemalloc-dev)
[[ "$libs" == *"libmimalloc.so.2 "* ]] || need+=(libmimalloc-dev)
if [ ${#need[@]} -gt 0 ]; then
	echo "bench: installing ${need[*]}" >&2
	SUDO=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null 2>&1 && SUDO=sudo
	fi
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
		{ $SUDO apt-get update >/dev/null 2>&1 &&
			$SUDO apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; } ||
		echo "bench: could not install ${need[*]}; their rows are skipped" >&2
fi

build=build/bench
log=$build.build.log
{ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DPAGEZONE_TESTS=OFF &&
	cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" --target pagezone-bench; } \
	>"$log" 2>&1 || { tail -n 40 "$log" >&2; exit 1; }
exec "$build/bench/pagezone-bench" "$@"
