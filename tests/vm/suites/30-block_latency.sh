# SPDX-License-Identifier: GPL-2.0
# block_latency over real disk I/O: O_DIRECT reads of the virtio disk
# (/dev/vda) and of a null_blk disk, counted by the workload and by the
# histogram, which must agree exactly.
. /ktrace/tap.sh

N=400
out=/tmp/blk.out

# run_traced "ktracectl options" "workload": traces the workload, prints
# the histogram ktracectl printed when stopped.
run_traced()
{
	# A stale header from the previous run would let SIGINT come before
	# ktracectl handles it.
	rm -f $out
	ktracectl enable block_latency -v $1 > $out 2>/tmp/blk.err &
	pid=$!
	if ! wait_for "Tracing block device I/O" $out; then
		kill $pid 2>/dev/null
		return 1
	fi
	sh -c "$2" > /dev/null || return 1
	kill -INT $pid
	wait $pid
	# The instance's counters, as TAP comments, for the record.
	grep 'hits' /tmp/blk.err | sed 's/^/# /'
}

check "ktrace.ko loads" load_ktrace

run_traced "-d vda" "blkload /dev/vda $N"
expect_eq "-d vda: $N direct reads, $N in the histogram" $N "$(hist_total $out)"
check "-d vda: usecs histogram header" grep -q "usecs.*: count.*distribution" $out

run_traced "-d vda -m" "blkload /dev/vda $N"
expect_eq "-m: $N reads in msecs" $N "$(hist_total $out)"
check "-m: msecs header" grep -q "msecs.*: count" $out

run_traced "-D -d vda" "blkload /dev/vda $N"
check "-D: one histogram per disk, headed 'disk = vda'" grep -q "disk = vda" $out
expect_eq "-D: $N reads on vda" $N "$(hist_total $out)"

run_traced "-F -d vda" "blkload /dev/vda $N"
check "-F: reads shown as Read" grep -q "flags = .*Read" $out
expect_eq "-F: $N reads" $N "$(hist_total $out)"

run_traced "-Q -d vda" "blkload /dev/vda $N"
expect_eq "-Q: $N reads with queue time" $N "$(hist_total $out)"

# Two instances at once, on either side of the block layer's issue
# stamp: the whole disk needs no submitter (read from the stamp where the
# queue keeps I/O statistics), a name filter needs one (its own entries).
# Reads by blkload and by a copy of it under another name.
state=/sys/kernel/debug/block/vda/state
[ -r $state ] && echo "# vda queue flags: $(tr '\n' ' ' < $state)"
cp "$(command -v blkload)" /tmp/otherload
if start $out "Tracing block device I/O" enable block_latency -d vda; then
	p1=$pid
	if start /tmp/blk2.out "Tracing block device I/O" \
		enable block_latency -d vda -c blkload; then
		blkload /dev/vda $N > /dev/null
		/tmp/otherload /dev/vda 100 > /dev/null
		stop $pid
	fi
	stop $p1
fi
expect_eq "two instances: the whole disk sees all $((N + 100)) reads" \
	$((N + 100)) "$(hist_total $out)"
expect_eq "two instances: -c blkload sees its $N only" $N \
	"$(hist_total /tmp/blk2.out)"

# A second disk, to check the disk filter keeps it out.
if modprobe null_blk 2>/dev/null ||
	insmod /lib/modules/extra/null_blk.ko 2>/dev/null ||
	insmod "$(find /lib/modules -name 'null_blk.ko' | head -n1)" 2>/dev/null; then
	run_traced "-d vda" "blkload /dev/nullb0 $N; blkload /dev/vda 100"
	expect_eq "-d vda ignores I/O on nullb0" 100 "$(hist_total $out)"
	run_traced "-D" "blkload /dev/nullb0 $N; blkload /dev/vda 100"
	check "-D shows nullb0 and vda" sh -c "grep -q 'disk = nullb0' $out && grep -q 'disk = vda' $out"
	rmmod null_blk
else
	not_ok "null_blk loads"
fi

# Interval mode: three intervals, each cleared atomically by the read,
# and the heatmap of them: a column per interval, a cell per bucket.
svg=/tmp/blk.svg
rm -f $out $svg
ktracectl enable block_latency -d vda --heatmap $svg 2 3 > $out 2>&1 &
pid=$!
wait_for "Tracing block device I/O" $out
blkload /dev/vda $N > /dev/null
wait $pid
expect_eq "interval mode: the intervals add up to $N" $N "$(hist_total $out)"
check "--heatmap: an SVG written" \
	sh -c "grep -q '^<svg ' $svg && tail -n1 $svg | grep -q '^</svg>$'"
# "<!-- ktrace heatmap: 3 columns, R rows, T in all -->"
cols=$(sed -n 's/^<!-- ktrace heatmap: \([0-9]*\) columns.*/\1/p' $svg)
rows=$(sed -n 's/^<!-- ktrace heatmap: [0-9]* columns, \([0-9]*\) rows.*/\1/p' $svg)
expect_eq "--heatmap: a column per interval" 3 "$cols"
expect_eq "--heatmap: a cell per interval and bucket ($rows rows)" \
	$((3 * ${rows:-0})) "$(grep -c '^<rect class="c"' $svg)"
expect_eq "--heatmap: the cells add up to $N" $N \
	"$(sed -n 's/^<rect class="c".*: \([0-9]*\)<\/title><\/rect>$/\1/p' $svg |
	   awk '{ s += $1 } END { print s + 0 }')"
check "--heatmap: tooltips in usecs" grep -q '^<rect class="c".* usecs: [0-9]*</title>' $svg
ktracectl enable block_latency --heatmap $svg > /dev/null 2>&1
expect_eq "--heatmap without an interval: exit 2" 2 "$?"

# --json: one "hist" line per report, whose entries and buckets count
# the reads; the banner on stderr; a "stats" line at exit.
TIME_RE='"time":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z"'
rm -f $out /tmp/blk.err
ktracectl enable block_latency --json -D -d vda > $out 2>/tmp/blk.err &
pid=$!
if wait_for "Tracing block device I/O" /tmp/blk.err; then
	blkload /dev/vda $N > /dev/null
fi
kill -INT $pid
wait $pid
expect_eq "--json: exits 0" 0 "$?"
cat $out | cut -c1-300 | sed 's/^/# /'
expect_eq "--json: every line a JSON object with a type" 0 "$(json_bad $out)"
expect_eq "--json: one hist line, one stats line, nothing else" "1 1 2" \
	"$(json_lines hist $out) $(json_lines stats $out) $(wc -l < $out)"
check "--json: per disk, vda first" \
	grep -q '^{"type":"hist","probe":"block_latency","time":"[^"]*","unit":"usecs","key":"disk","entries":\[{"key":"vda","count":' $out
check "--json: an ISO-8601 UTC time" grep -qE "$TIME_RE" $out
expect_eq "--json: the entries count $N reads" $N \
	"$(json_sum '"count":[0-9]+,"sum"' $out)"
expect_eq "--json: so do their buckets" $N "$(json_sum '"count":[0-9]+\}' $out)"
check "--json: buckets as low, high, count" \
	grep -qE '"buckets":\[\{"low":[0-9]+,"high":[0-9]+,"count":[1-9]' $out
check "--json: stats, $N recorded, nothing lost" \
	grep -qE '^\{"type":"stats","probe":"block_latency","hits":[0-9]+,"filtered":[0-9]+,"recorded":'$N',.*"lost":0\}$' $out
check "--json: no banner on stdout" sh -c "! grep -q Tracing $out"

# ktracectl -j before the command, and interval mode: a line per 1 s
# interval, the last one at Ctrl-C.
rm -f $out /tmp/blk.err
ktracectl -j enable block_latency -d vda 1 > $out 2>/tmp/blk.err &
pid=$!
wait_for "Tracing block device I/O" /tmp/blk.err
blkload /dev/vda $N > /dev/null
kill -INT $pid
wait $pid
n=$(json_lines hist $out)
check "-j enable, 1 s intervals: hist lines ($n)" [ "$n" -ge 1 ]
expect_eq "-j enable, 1 s intervals: they add up to $N" $N \
	"$(json_sum '"count":[0-9]+,"sum"' $out)"
check "-j enable: not split, no key" sh -c "! grep -q '\"key\"' $out"
expect_eq "-j enable: every line JSON" 0 "$(json_bad $out)"

check "rmmod" rmmod ktrace
tap_end
