#!/usr/bin/env bash
# The command reproduces a recorded Linux 6.1 machine: for each folder of
# tests/data/traces-6.1 (copies of /work/shared/traces/{boot,churn,frag}),
# `pagezone run --machine-from ZONEINFO --sysctl S --boot-log DMESG --iomem
# IOMEM --profile linux-6.1 --thp always --steps 0 --report zoneinfo` must
# print, for every zone with pages, the managed count, min, low, high,
# protection and the per-CPU high and batch of zones.csv's `start` row.
# Also: the boot log found in a trace's snap/ folder, `--boot-log none`
# (which must then differ), and malformed boot logs refused with FILE:LINE.
# `replay --computed-watermarks` of a trace folder built from the same
# files must use its boot log as run does (its "boot log:" line, and its
# computed marks equal to zones.csv), and not without it.
# Usage: kernel_clone.sh PAGEZONE SOURCE_DIR
set -uo pipefail

PZ=$1
DATA=$2/tests/data/traces-6.1
. "$(dirname "$0")/lib.sh"

# "zone managed min low high protection... pcp_high pcp_batch" per zone of a
# zoneinfo report (cpu 0's pageset; every protection entry, as 6.1 prints
# them and zones.csv has them: DMA DMA32 Normal Movable Device).
zoneinfo_rows() {
	awk '
	function flush() { if (zone != "" && managed > 0) print zone, managed, mn, lo, hi, prot, ph, pb }
	/^Node [0-9]+, zone / { flush(); zone = $4; managed = 0; ph = ""; pb = ""; prot = ""; next }
	$1 == "managed" { managed = $2 }
	$1 == "min" { mn = $2 }
	$1 == "low" { lo = $2 }
	$1 == "high" && NF == 2 { hi = $2 }
	$1 == "protection:" {
		s = $0; sub(/.*\(/, "", s); sub(/\).*/, "", s); gsub(/,/, "", s)
		n = split(s, p, " "); prot = (n >= 4) ? s : "short"
	}
	$1 == "high:" && ph == "" { ph = $2 }
	$1 == "batch:" && pb == "" { pb = $2 }
	END { flush() }' "$1"
}

# The same from zones.csv's start rows.
csv_rows() {
	tr -d '\r' <"$1" | awk -F, '$1 == "start" && $8 > 0 {
		print $3, $8, $10, $11, $12, $13, $14, $15
	}'
}

# compare NAME OUT CSV: every row equal, at least three zones.
compare() {
	checks=$((checks + 1))
	zoneinfo_rows "$2" >"$TMP/got"
	csv_rows "$3" >"$TMP/want"
	if [ "$(wc -l <"$TMP/want")" -lt 3 ]; then
		fail "$1: fewer than three zones in $3"
	elif ! diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"; then
		fail "$1: pagezone differs from the kernel (- kernel, + pagezone):"
		cat "$TMP/diff" >&2
	fi
}

run61() {
	"$PZ" run --profile linux-6.1 --thp always --steps 0 --report zoneinfo "$@"
}

for d in boot churn frag; do
	F=$DATA/$d
	run61 --machine-from "$F/zoneinfo.start" --sysctl "$F/vm_sysctl.txt" \
		--boot-log "$F/dmesg.txt" --iomem "$F/iomem.txt" >"$TMP/$d.txt" 2>&1 ||
		fail "$d: exit status $?: $(head -3 "$TMP/$d.txt")"
	compare "$d" "$TMP/$d.txt" "$F/zones.csv"
	# a trace folder: the boot log comes from snap/, and the header says so
	mkdir -p "$TMP/t-$d/snap"
	cp "$F/zoneinfo.start" "$F/dmesg.txt" "$F/iomem.txt" "$F/vm_sysctl.txt" "$TMP/t-$d/snap/"
	run61 --machine-from "$TMP/t-$d/snap/zoneinfo.start" \
		--sysctl "$TMP/t-$d/snap/vm_sysctl.txt" >"$TMP/auto.txt" 2>&1 ||
		fail "$d snap/: exit status $?"
	checks=$((checks + 1))
	grep -q '^boot log: .*snap/dmesg.txt + .*snap/iomem.txt (found next to the zoneinfo): ' \
		"$TMP/auto.txt" || fail "$d snap/: no header line naming the boot log found"
	compare "$d snap/" "$TMP/auto.txt" "$F/zones.csv"
	# without it the marks are those of the managed pages shown: not the kernel's
	run61 --machine-from "$TMP/t-$d/snap/zoneinfo.start" --boot-log none \
		--sysctl "$TMP/t-$d/snap/vm_sysctl.txt" >"$TMP/none.txt" 2>&1
	checks=$((checks + 1))
	grep -q '^boot log:' "$TMP/none.txt" && fail "$d --boot-log none: a boot log line"
	zoneinfo_rows "$TMP/none.txt" >"$TMP/got"
	csv_rows "$F/zones.csv" >"$TMP/want"
	cmp -s "$TMP/got" "$TMP/want" && fail "$d --boot-log none: equal without the boot log"
done

# replay --computed-watermarks: a trace folder of one allocation with the
# same snap/ files computes the kernel's marks from its boot log, found
# next to the zoneinfo or named, and prints run's "boot log:" line
printf '%s\n' '# tracer: nop' \
	'  a-1 [000] ..... 1.000000: mm_page_alloc: page=00000000deadbeef pfn=0x1000 order=0 migratetype=0 gfp_flags=GFP_KERNEL' \
	>"$TMP/one.txt"
for d in boot churn frag; do
	F=$DATA/$d
	R=$TMP/t-$d
	cp "$TMP/one.txt" "$R/trace.txt"
	cp "$F/zones.csv" "$R/"
	rp=(replay "$R" --computed-watermarks)
	"$PZ" "${rp[@]}" >"$TMP/rp.txt" 2>&1 || fail "$d replay: exit status $?: $(head -3 "$TMP/rp.txt")"
	"$PZ" "${rp[@]}" --json >"$TMP/rp.json" 2>"$TMP/rp.err" || fail "$d replay --json: exit status $?"
	run61 --machine-from "$R/snap/zoneinfo.start" >"$TMP/auto.txt" 2>&1
	checks=$((checks + 3))
	want=$(grep '^boot log: ' "$TMP/auto.txt")
	[ -n "$want" ] && [ "$(grep '^boot log: ' "$TMP/rp.txt")" = "$want" ] ||
		fail "$d replay: no boot log line, or not run's: $(grep -c '^boot log' "$TMP/rp.txt")"
	grep -q '^computed watermarks: 3 of 3 zone(s) equal to zones.csv' "$TMP/rp.txt" ||
		fail "$d replay: computed marks differ from zones.csv: $(grep -A3 '^computed' "$TMP/rp.txt")"
	python3 - "$TMP/rp.json" "${want#boot log: }" <<'EOF3' || fail "$d replay --json: marks or boot log"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["boot_log"] == sys.argv[2], j.get("boot_log")
rows = j["computed_watermarks"]
assert len(rows) == 3 and all(r["equal"] and r["pagezone"] == r["kernel"] for r in rows), rows
EOF3
	# named explicitly: the same; none: the marks of the managed counts shown
	"$PZ" "${rp[@]}" --boot-log "$F/dmesg.txt" --iomem "$F/iomem.txt" >"$TMP/rp2.txt" 2>&1
	"$PZ" "${rp[@]}" --boot-log none >"$TMP/rp3.txt" 2>&1
	checks=$((checks + 2))
	grep -q " boot log: $F/dmesg.txt + $F/iomem.txt: .* 3 of 3 zone" <(tr '\n' ' ' <"$TMP/rp2.txt") ||
		fail "$d replay --boot-log FILE: $(grep -E '^(boot log|computed)' "$TMP/rp2.txt")"
	! grep -q '^boot log:' "$TMP/rp3.txt" && grep -q '^computed watermarks: 0 of 3 ' "$TMP/rp3.txt" ||
		fail "$d replay --boot-log none: $(grep -E '^(boot log|computed)' "$TMP/rp3.txt")"
done
checks=$((checks + 2))
out=$("$PZ" replay "$TMP/t-churn" --boot-log "$DATA/churn/dmesg.txt" 2>&1)
[ $? = 2 ] && grep -q 'only with --computed-watermarks' <<<"$out" ||
	fail "replay --boot-log without --computed-watermarks: $out"
out=$("$PZ" replay "$TMP/t-churn" --computed-watermarks --boot-log "$TMP/missing" 2>&1)
[ $? = 2 ] && grep -q "$TMP/missing" <<<"$out" || fail "replay --boot-log MISSING: $out"

# highalloc takes the same machine options: its header names the boot log
# as run's does, and --json (run's and highalloc's) reports that line too
F=$DATA/churn
BL=(--machine-from "$F/zoneinfo.start" --boot-log "$F/dmesg.txt" --iomem "$F/iomem.txt")
HA=(highalloc --profile linux-6.1 --steps 2000 --attempts 4 "${BL[@]}")
run61 "${BL[@]}" >"$TMP/bl-run.txt" 2>&1 || fail "run with a boot log: exit status $?"
"$PZ" run --profile linux-6.1 --steps 0 --json "${BL[@]}" >"$TMP/bl-run.json" 2>&1 ||
	fail "run --json with a boot log: exit status $?"
"$PZ" "${HA[@]}" >"$TMP/bl-ha.txt" 2>&1 || fail "highalloc with a boot log: exit status $?"
"$PZ" "${HA[@]}" --json >"$TMP/bl-ha.json" 2>&1 || fail "highalloc --json with a boot log: exit $?"
"$PZ" highalloc --steps 2000 --attempts 4 --machine-from "$F/zoneinfo.start" --boot-log none \
	>"$TMP/bl-none.txt" 2>&1 || fail "highalloc --boot-log none: exit status $?"
checks=$((checks + 3))
want=$(grep '^boot log: ' "$TMP/bl-run.txt")
[ -n "$want" ] || fail "run: no boot log line"
[ "$(grep '^boot log: ' "$TMP/bl-ha.txt")" = "$want" ] ||
	fail "highalloc: boot log line differs from run's: $(grep -c '^boot log' "$TMP/bl-ha.txt") line(s)"
grep -q '^boot log:' "$TMP/bl-none.txt" && fail "highalloc --boot-log none: a boot log line"
python3 - "$TMP/bl-run.json" "$TMP/bl-ha.json" "${want#boot log: }" <<'EOF2' ||
import json, sys
want = sys.argv[3]
assert json.load(open(sys.argv[1]))["boot_log"] == want, "run --json"
rows = json.load(open(sys.argv[2]))
assert rows and all(r["boot_log"] == want for r in rows), "highalloc --json"
EOF2
	fail "--json does not report the boot log line"

# malformed boot logs: exit status 2 and FILE:LINE
F=$DATA/churn
printf 'x\nRAMDISK: [mem 0x1000-0x1fff]\nFreeing initrd memory: 4xK\n' >"$TMP/bad.txt"
checks=$((checks + 1))
out=$(run61 --machine-from "$F/zoneinfo.start" --boot-log "$TMP/bad.txt" 2>&1)
rc=$?
[ "$rc" = 2 ] || fail "malformed dmesg: exit status $rc"
grep -q "bad.txt:3: " <<<"$out" || fail "malformed dmesg: no FILE:LINE in: $out"
printf 'Freeing unused kernel memory: 8K\n' >"$TMP/bad.txt"
printf '00000000-00000000 : Kernel code\n' >"$TMP/io.txt"
checks=$((checks + 1))
out=$(run61 --machine-from "$F/zoneinfo.start" --boot-log "$TMP/bad.txt" --iomem "$TMP/io.txt" 2>&1)
rc=$?
[ "$rc" = 2 ] || fail "zero iomem: exit status $rc"
grep -q "io.txt:1: .*root" <<<"$out" || fail "zero iomem: no FILE:LINE in: $out"
checks=$((checks + 1))
out=$(run61 --machine 1G --boot-log "$F/dmesg.txt" 2>&1)
[ $? = 2 ] || fail "--boot-log without a zoneinfo accepted: $out"

cli_summary
