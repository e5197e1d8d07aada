#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Timing by instruction count (tests/vm/run.sh -c, scripts/bench.sh
# --icount) repeats.  A stock 6.1 guest with the guest clock driven by
# QEMU's -icount runs the syscount floor of ktracectl bench: three
# getppid() loops with an empty callback on the syscall tracepoints, each
# against the untraced loops either side of it.  Under -icount one ns is
# one instruction, so every repetition must add the same cost, to within
# 2 ns a call, and that cost must be above zero: the tracepoint calls are
# instructions too.  On the usual clock the same repetitions spread by
# hundreds of ns on a busy host.
#
#   icount-check.sh [-p PAYLOAD]
#     PAYLOAD  a built stock-6.1 payload; default: scripts/payload.sh builds it
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KTRACE_TOP"

payload=""
while [ $# -gt 0 ]; do
	case "$1" in
	-p)	payload=$2; shift 2 ;;
	*)	die "icount-check.sh: unknown option '$1'" ;;
	esac
done
[ -n "$payload" ] || payload=$(scripts/payload.sh stock-6.1)

out=build/icount
mkdir -p "$out"
tests/vm/run.sh -k stock-6.1 -c -p "$payload" -t 600 -o "$out" -- \
	'insmod /ktrace/ktrace.ko &&
	 ktracectl bench syscount --paths floor -n 3 -t 0.2 --no-streaming \
		-o /tmp/r.json > /dev/null &&
	 echo KTRACE_ICOUNT_JSON && cat /tmp/r.json && rmmod ktrace' \
	> "$out/guest.log" 2> "$out/run.err" ||
	{ cat "$out/run.err" "$out/guest.log" >&2; die "icount guest failed"; }

sed -n '/^KTRACE_ICOUNT_JSON$/,$p' "$out/guest.log" | sed 1d > "$out/results.json"
python3 - "$out/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["probes"]["syscount"]["floor"]
assert f["available"], "floor did not run: " + str(f.get("reason"))
a = f["added_ns_per_event"]
print("icount: the floor added %s ns a call, [%s, %s] over %d repetitions"
      % (a["median"], a["min"], a["max"], r["repetitions"]))
assert a["max"] - a["min"] <= 2, "repetitions differ by more than 2 ns"
assert a["min"] > 0, "the floor measured no cost"
PY
