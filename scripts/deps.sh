#!/usr/bin/env bash
# Installs what a job needs, when it is missing (Debian/Ubuntu, apt-get; as
# root, or through sudo). Usage: scripts/deps.sh [JOB...], JOB one of
#   build     cmake, a C compiler with libc headers, make, libnuma headers
#   tool      = build (scripts/run.sh)
#   test      build + cmocka + pkg-config (scripts/test.sh, consumers.sh)
#   fuzz      build + clang with libFuzzer (scripts/fuzz.sh)
#   bench     build + jemalloc and mimalloc, the benchmark's baselines; these
#             two are optional: when they cannot be installed the benchmark
#             skips their rows, and this script only says so
#   coverage  test + lcov (scripts/coverage.sh)
#   plot      gnuplot-nox, optional: `pagezone run --plot DIR` renders its
#             plots with it when installed, and writes only the CSV and the
#             gnuplot script otherwise
# No JOB means build. Prints nothing and changes nothing when everything is
# present; exit status 1 when something required cannot be installed.
set -euo pipefail

need=()
optional=()

# has_lib SONAME: the dynamic linker knows SONAME (ldconfig is in /sbin,
# outside a normal user's PATH on Debian).
has_lib() {
	[[ "$(PATH=$PATH:/sbin:/usr/sbin ldconfig -p 2>/dev/null || true)" == *"$1 "* ]]
}

want_build() {
	command -v cmake >/dev/null 2>&1 || need+=(cmake)
	command -v cc >/dev/null 2>&1 || need+=(gcc)
	[ -f /usr/include/stdio.h ] || need+=(libc6-dev)
	command -v make >/dev/null 2>&1 || need+=(make)
	[ -f /usr/include/numa.h ] || need+=(libnuma-dev)
	[ -f /usr/include/zlib.h ] || need+=(zlib1g-dev); [ -f /usr/include/json-c/json.h ] || need+=(libjson-c-dev)
}

want_test() {
	want_build
	[ -f /usr/include/cmocka.h ] || need+=(libcmocka-dev)
	command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
}

want_fuzz() {
	want_build
	command -v clang >/dev/null 2>&1 || need+=(clang)
	ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
		need+=(libclang-rt-dev)
}

want_bench() {
	want_build
	has_lib libjemalloc.so.2 || optional+=(libjemalloc-dev)
	has_lib libmimalloc.so.2 || optional+=(libmimalloc-dev)
}

want_coverage() {
	want_test
	command -v lcov >/dev/null 2>&1 || need+=(lcov)
}

want_plot() {
	command -v gnuplot >/dev/null 2>&1 || optional+=(gnuplot-nox)
}

[ $# -gt 0 ] || set -- build
for job in "$@"; do
	case "$job" in
	build | tool) want_build ;;
	test) want_test ;;
	fuzz) want_fuzz ;;
	bench) want_bench ;;
	coverage) want_coverage ;;
	plot) want_plot ;;
	*)
		echo "usage: scripts/deps.sh [build|tool|test|fuzz|bench|coverage|plot]..." >&2
		exit 2
		;;
	esac
done
if [ ${#need[@]} -eq 0 ] && [ ${#optional[@]} -eq 0 ]; then
	exit 0
fi
mapfile -t need < <(printf '%s\n' "${need[@]}" | awk 'NF && !seen[$0]++')

SUDO=()
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=(sudo)
	else
		echo "deps: missing ${need[*]} ${optional[*]}: run as root or install sudo" >&2
		exit $((${#need[@]} > 0))
	fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: no apt-get; please install: ${need[*]} ${optional[*]}" >&2
	exit $((${#need[@]} > 0))
fi

# apt PACKAGE...: installs quietly; on failure refreshes the package lists
# once (a fresh machine has none) and tries again. sudo drops the
# environment, so DEBIAN_FRONTEND goes through env.
updated=0
apt() {
	local get=("${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -y -q)
	"${get[@]}" install --no-install-recommends "$@" >/dev/null 2>&1 && return 0
	if [ $updated = 0 ]; then
		updated=1
		"${get[@]}" update >/dev/null 2>&1 || true
	fi
	"${get[@]}" install --no-install-recommends "$@" >/dev/null 2>&1
}

if [ ${#need[@]} -gt 0 ]; then
	echo "deps: installing ${need[*]}" >&2
	if ! apt "${need[@]}"; then
		echo "deps: could not install ${need[*]}" >&2
		exit 1
	fi
fi
if [ ${#optional[@]} -gt 0 ]; then
	echo "deps: installing ${optional[*]}" >&2
	apt "${optional[@]}" || echo "deps: could not install ${optional[*]} (optional)" >&2
fi
