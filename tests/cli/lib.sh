# tests/cli/lib.sh - what every CLI test script shares, sourced at its top:
# a scratch directory removed on exit, the check and failure counters,
# fail MESSAGE, and cli_summary to end the script with its status.

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
checks=0

fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

# Prints the totals; returns non-zero when a check failed.
cli_summary() {
	echo "$checks checks, $fails failure(s)"
	[ "$fails" = 0 ]
}
