#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: what tracing costs, measured in one guest boot of Debian's
# stock 6.1 kernel (no debug options) on the bench root filesystem
# (scripts/rootfs.sh: bcc, bpftrace, fio...), by "ktracectl bench".
# Prints the table, writes bench/results.json, and puts the table into
# docs/benchmarks.md between its bench-results markers.
#
#   bench.sh [--quick] [--icount] [--json FILE] [--section NAME] [--no-docs]
#            [-- BENCH ARGS...]
#     --quick       the smoke version: few, short repetitions; checks the
#                   machinery and the JSON's shape, asserts no timing
#     --icount      time by instructions (tests/vm/run.sh -c): the guest's
#                   clock counts one ns per instruction, so nothing else on
#                   the host moves the numbers; one vCPU.  Results go to
#                   bench/results-icount.json and their own part of
#                   docs/benchmarks.md
#     --json FILE   where the JSON goes (default bench/results.json;
#                   with --quick build/bench/results.json)
#     --section NAME  the part of docs/benchmarks.md to write, between its
#                   "<!-- NAME:begin" and "<!-- NAME:end" markers (default
#                   bench-results; with --icount bench-icount): a run of
#                   some probes only keeps its own part
#     --no-docs     leave docs/benchmarks.md alone (--quick never edits it)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KTRACE_TOP"

quick=0 json="" docs=1 icount=() section=""
sect=bench-results timing=wall
while [ $# -gt 0 ]; do
	case "$1" in
	--quick)	quick=1; shift ;;
	--icount)	icount=(-c); sect=bench-icount timing=instructions; shift ;;
	--json)		json=$2; shift 2 ;;
	--section)	section=$2; shift 2 ;;
	--no-docs)	docs=0; shift ;;
	--)		shift; break ;;
	*)		die "bench.sh: unknown option '$1'" ;;
	esac
done
args=("$@")
sect=${section:-$sect}
if [ $quick -eq 1 ]; then
	# Two probes (between them every parser and kind of hook but the
	# streamed exec lines) and no bcc: its tools compile with clang at
	# start, a minute each under TCG.  The paths run as in the full bench.
	[ ${#args[@]} -gt 0 ] ||
		args=(--paths floor,module,bpf,trace_pipe,hist_trigger,bpftrace
		      syscount block_latency)
	args=(-q "${args[@]}")
	docs=0
	json=${json:-build/bench/results.json}
	timeout=900
elif [ ${#icount[@]} -gt 0 ]; then
	json=${json:-bench/results-icount.json}
	timeout=7200
else
	json=${json:-bench/results.json}
	timeout=5400
fi

kernel=stock-6.1
out=build/bench
mkdir -p "$out" "$(dirname "$json")"
scripts/kernel-stock.sh 6.1 >/dev/null || die "stock 6.1 kernel fetch failed"
payload=$(scripts/payload.sh "$kernel" 2> "$out/payload.log") ||
	{ tail -n 20 "$out/payload.log" >&2; die "payload for $kernel failed"; }
cp tests/vm/bench-guest.sh "$payload/"
# null_blk from the kernel's own modules, for block_latency's disk.
kdir=$(scripts/kernel-stock.sh --print-dir 6.1)
nullblk=$(find -L "$kdir/modules/" -name 'null_blk.ko*' | head -n1)
case "$nullblk" in
*.xz)	xz -dc "$nullblk" > "$payload/null_blk.ko" ;;
*.zst)	zstd -qdc "$nullblk" > "$payload/null_blk.ko" ;;
?*)	cp "$nullblk" "$payload/null_blk.ko" ;;
*)	rm -f "$payload/null_blk.ko" ;;
esac
rootfs=$(scripts/rootfs.sh) || die "bench rootfs failed"

step "bench guest: $kernel, ${args[*]:-full run}"
start=$(date +%s)
rc=0
tests/vm/run.sh -k "$kernel" "${icount[@]}" -p "$payload" -r "$rootfs" -t "$timeout" -o "$out" \
	-- "sh /ktrace/bench-guest.sh ${args[*]}" > "$out/guest.log" 2> "$out/run.err" || rc=$?
took=$(( $(date +%s) - start ))

# The table (everything but the JSON) to the terminal; the JSON to $json,
# saying what timed it: the wall clock, or the instruction count.
sed '/^KTRACE_BENCH_JSON_BEGIN$/,/^KTRACE_BENCH_JSON_END$/d' "$out/guest.log"
sed -n '/^KTRACE_BENCH_JSON_BEGIN$/,/^KTRACE_BENCH_JSON_END$/p' "$out/guest.log" |
	sed '1d;$d' | sed "1s/^{/{\"timing\": \"$timing\", /" > "$json.tmp"
[ $rc -eq 0 ] || { cat "$out/run.err" >&2; die "bench guest failed (exit $rc)"; }
[ -s "$json.tmp" ] || die "the guest printed no results"
mv "$json.tmp" "$json"
echo "bench: results in $json (guest run ${took}s)"

# The JSON has the shape the issue gives, and sane values; no timing.
python3 - "$json" "$timing" "${args[@]}" <<'PY' || die "results.json: wrong shape"
import json, math, sys
r = json.load(open(sys.argv[1]))
assert r["timing"] == sys.argv[2], r["timing"]
paths = ["floor", "module", "bpf", "trace_pipe", "hist_trigger", "bcc", "bpftrace"]
assert isinstance(r["kernel"], str) and r["kernel"]
assert isinstance(r["repetitions"], int) and r["repetitions"] >= 1
assert r["probes"], "no probes"
def num(v, nonneg):
    assert isinstance(v, (int, float)) and math.isfinite(v), v
    assert not nonneg or v >= 0, v
for name, probe in r["probes"].items():
    assert sorted(probe) == sorted(paths), (name, sorted(probe))
    for p, v in probe.items():
        where = name + "/" + p
        if not v["available"]:
            assert v["reason"], where
            continue
        want = "block" if p in ("bcc", "bpftrace") else "rounds"
        assert v["baseline"] == want, (where, v["baseline"])
        a = v["added_ns_per_event"]
        for k in ("median", "min", "max"):
            num(a[k], False)
        assert a["min"] <= a["median"] <= a["max"], where
        num(v["slowdown_pct"], False)
        if v["reader_cpu_pct"] is not None:
            num(v["reader_cpu_pct"], True)
        if v["lost"] is not None:
            assert isinstance(v["lost"], int) and v["lost"] >= 0, where
        assert v["agrees"] in (True, False, None), where
    assert probe["module"]["available"], name + ": module path did not run"
    assert probe["floor"]["available"], name + ": floor path did not run"
    assert probe["trace_pipe"]["available"], name + ": trace_pipe did not run"
# An empty "streaming" object: the streaming runs were skipped, which
# only --no-streaming may ask for.
if not r["streaming"]:
    assert "--no-streaming" in sys.argv[3:], "streaming did not run"
else:
    for p in ("module_ring", "bpf_ringbuf", "trace_pipe"):
        s = r["streaming"][p]
        if s["available"]:
            num(s["lossless_events_per_s"], True)
    assert r["streaming"]["module_ring"]["available"], "module ring did not run"
print("bench: results.json has the expected shape")
PY

[ $docs -eq 1 ] || exit 0
# docs/benchmarks.md: the table between the markers, with where it ran.
doc=docs/benchmarks.md
grep -q "^<!-- $sect:begin" "$doc" || die "$doc has no $sect markers"
{
	echo "<!-- $sect:begin (scripts/bench.sh writes this part) -->"
	echo
	echo "Run of $(date -u +%Y-%m-%d), host CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" \
		"($(nproc) cores), QEMU $(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p') TCG${icount:+ timed by instruction count (-icount shift=0)}, guest run ${took}s."
	echo
	sed '/^KTRACE_BENCH_JSON_BEGIN$/,/^KTRACE_BENCH_JSON_END$/d' "$out/guest.log" |
		grep -v '^bench: '
	echo
	echo "<!-- $sect:end -->"
} > "$out/section.md"
awk -v sect="$out/section.md" -v name="$sect" '
	$0 ~ "^<!-- " name ":begin" { while ((getline l < sect) > 0) print l; skip = 1; next }
	$0 ~ "^<!-- " name ":end" { skip = 0; next }
	!skip { print }
' "$doc" > "$doc.tmp" && mv "$doc.tmp" "$doc"
echo "bench: table written into $doc"
