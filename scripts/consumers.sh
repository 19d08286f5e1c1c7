#!/usr/bin/env bash
# Builds the tiny consumer projects of tests/consumers/ the four ways a
# project uses pagezone, and runs each (it allocates and frees a page and
# exits 0 only if that worked):
#   subdir   add_subdirectory(<this checkout>)
#   fetch    FetchContent from this checkout (git file:// when the tree is
#            clean, else SOURCE_DIR), no network
#   package  find_package(pagezone) against an installed copy
#   pkgconf  cc $(pkg-config --cflags --libs pagezone) against the same copy
# The installed copy uses a multiarch libdir (lib/x86_64-linux-gnu) and is
# moved to another directory after `cmake --install`, so the package files
# must be relocatable. Everything happens under build/consumers (or $1).
# Exit status 0 only when every consumer built and ran.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/deps.sh test
work=${1:-build/consumers}
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
libdir=lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
[ "$libdir" != lib/ ] || libdir=lib/x86_64-linux-gnu
failed=()

# step NAME LOG COMMAND...: runs COMMAND with its output in LOG; on failure
# shows the end of LOG and records NAME.
step() {
	local name=$1 log=$2
	shift 2
	if "$@" >>"$log" 2>&1; then
		return 0
	fi
	echo "consumers: $name FAILED: $*" >&2
	tail -n 30 "$log" >&2
	failed+=("$name")
	return 1
}

# consumer NAME SRC_DIR [cmake args...]: configure, build and run every
# consumer* executable of one consumer project.
consumer() {
	local name=$1 src=$2 dir=$work/$1
	shift 2
	local log=$dir.log
	step "$name" "$log" cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Release "$@" &&
		step "$name" "$log" cmake --build "$dir" -j"$jobs" || return 0
	local exe
	for exe in "$dir"/consumer*; do
		if [ ! -f "$exe" ] || [ ! -x "$exe" ]; then
			continue
		fi
		step "$name" "$log" "$exe" && echo "consumers: $name: $(basename "$exe") ok"
	done
}

consumer subdir tests/consumers/subdir -DPAGEZONE_DIR="$root"

if git diff --quiet HEAD 2>/dev/null && [ -z "$(git status --porcelain 2>/dev/null)" ]; then
	consumer fetch tests/consumers/fetch -DPAGEZONE_GIT="file://$root" \
		-DPAGEZONE_TAG="$(git rev-parse HEAD)"
else
	echo "consumers: fetch: uncommitted changes, FetchContent uses SOURCE_DIR" >&2
	consumer fetch tests/consumers/fetch -DPAGEZONE_DIR="$root"
fi

# Install into a staging prefix, then move it: nothing may point back.
stage=$work/stage prefix=$work/prefix log=$work/install.log
if step install "$log" cmake -S . -B "$work/lib" -DCMAKE_BUILD_TYPE=Release \
	-DCMAKE_INSTALL_PREFIX="$stage" -DCMAKE_INSTALL_LIBDIR="$libdir" \
	-DPAGEZONE_TESTS=OFF -DPAGEZONE_BENCH=OFF &&
	step install "$log" cmake --build "$work/lib" -j"$jobs" &&
	step install "$log" cmake --install "$work/lib" &&
	step install "$log" mv "$stage" "$prefix"; then
	if grep -rl -e "$stage" -e "$root" "$prefix/$libdir/cmake" "$prefix/$libdir/pkgconfig" >"$work/abs.txt"; then
		echo "consumers: install: package files name the build or staging tree:" >&2
		cat "$work/abs.txt" >&2
		failed+=(install)
	fi
	if grep -rn 'libnuma\.so' "$prefix/$libdir/cmake" >&2; then
		echo "consumers: install: the exported target names a libnuma.so path" >&2
		failed+=(install)
	fi
	consumer package tests/consumers/package -DCMAKE_PREFIX_PATH="$prefix"

	log=$work/pkgconf.log
	export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
	if step pkgconf "$log" pkg-config --exists --print-errors pagezone; then
		read -ra flags <<<"$(pkg-config --cflags --libs pagezone)"
		step pkgconf "$log" cc -std=c11 -Wall -Werror -o "$work/consumer_pkgconf" \
			tests/consumers/consumer.c "${flags[@]}" &&
			step pkgconf "$log" env LD_LIBRARY_PATH="$prefix/$libdir" "$work/consumer_pkgconf" &&
			echo "consumers: pkgconf: consumer_pkgconf ok"
	fi
fi

if [ ${#failed[@]} -gt 0 ]; then
	echo "consumers: FAILED: ${failed[*]} (logs in $work)" >&2
	exit 1
fi
echo "consumers: add_subdirectory, FetchContent, find_package and pkg-config all ok"
