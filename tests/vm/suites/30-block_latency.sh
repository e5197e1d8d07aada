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

# Interval mode: three intervals, each cleared atomically by the read.
rm -f $out
ktracectl enable block_latency -d vda 2 3 > $out 2>&1 &
pid=$!
wait_for "Tracing block device I/O" $out
blkload /dev/vda $N > /dev/null
wait $pid
expect_eq "interval mode: the intervals add up to $N" $N "$(hist_total $out)"

check "rmmod" rmmod ktrace
tap_end
