#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The bench guest's command (scripts/bench.sh): loads ktrace.ko, runs
# "ktracectl bench" with the arguments given, and prints the JSON results
# between two marker lines for the host to cut out of the output.
cd /ktrace || exit 1
insmod /ktrace/ktrace.ko || { echo "bench-guest: insmod ktrace.ko failed"; exit 1; }
# block_latency reads a null_blk disk when there is one: under TCG the
# virtio disk's latency swings by tens of microseconds from one I/O to
# the next, far more than any tracer adds (ktracectl bench -d vda for it).
disk=""
if [ -f /ktrace/null_blk.ko ] && insmod /ktrace/null_blk.ko 2>/dev/null; then
	sleep 1
	[ -b /dev/nullb0 ] && disk="-d nullb0"
fi
# The exec workload runs a small static program: under TCG a dynamically
# linked /bin/true takes ~80 ms an exec, too slow for enough of them.
rm -f /tmp/results.json
ktracectl bench -o /tmp/results.json $disk -e /ktrace/bin/sysloop "$@"
status=$?
if [ -f /tmp/results.json ]; then
	echo KTRACE_BENCH_JSON_BEGIN
	cat /tmp/results.json
	echo KTRACE_BENCH_JSON_END
fi
rmmod ktrace || status=1
rmmod null_blk 2>/dev/null
exit $status
