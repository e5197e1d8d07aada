#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Makes the pictures in docs/img from a real guest run, so the README shows
# what ktracectl draws, not a mock-up:
#   flamegraph.svg  profile --svg of every thread at 99 Hz for 8 s over a
#                   mix of system calls, direct disk reads, pipe ping-pong
#                   and reads of /dev/zero;
#   heatmap.svg     block_latency --heatmap, 1 s intervals: 4 KiB reads of
#                   the virtio disk, then 64 KiB reads joining them, then
#                   null_blk reads alone.
# The folded stacks of the same run become tests/svg/fixtures/profile.folded,
# the realistic input of scripts/svg-check.sh.
#
#   docs-img.sh [KERNEL]        KERNEL: stock-6.12 (default), stock-6.1, test
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel=${1:-stock-6.12}
cd "$KTRACE_TOP"
scripts/payload.sh "$kernel" > /dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Backgrounded loads are killed at the end of their phase; the counts are
# only "long enough".
cmd='
insmod /ktrace/ktrace.ko || exit 1
ktracectl enable profile -F 99 --svg /tmp/flame.svg 8 > /tmp/flame.folded 2> /dev/null &
p=$!
sleep 2
sysloop 1000000000 > /dev/null & a=$!
blkload /dev/vda 10000000 > /dev/null & b=$!
pingpong 1000000000 > /dev/null & c=$!
readloop 1000000000 > /dev/null & d=$!
wait $p
kill $a $b $c $d
wait
modprobe null_blk 2> /dev/null || insmod /lib/modules/extra/null_blk.ko
ktracectl enable block_latency --heatmap /tmp/heat.svg 1 24 > /dev/null 2>&1 &
p=$!
sleep 2
blkload /dev/vda 10000000 > /dev/null & a=$!
sleep 8
blkload /dev/vda 10000000 65536 > /dev/null & b=$!
sleep 8
kill $a $b
blkload /dev/nullb0 100000000 > /dev/null & c=$!
wait $p
kill $c
for f in flame.svg flame.folded heat.svg; do
	echo "=== $f"
	cat /tmp/$f
done
echo "=== end"
'
tests/vm/run.sh -k "$kernel" -p "build/$kernel/payload" -t 900 -- "$cmd" > "$out/log"

# The files between the "=== name" lines.
extract()
{
	awk -v f="=== $1" '$0 == f { on = 1; next } /^=== / { on = 0 } on' "$out/log"
}

mkdir -p docs/img tests/svg/fixtures
extract flame.svg > docs/img/flamegraph.svg
extract heat.svg > docs/img/heatmap.svg
{
	echo "# profile -F 99 8 of every thread in a $kernel guest (scripts/docs-img.sh)"
	extract flame.folded
} > tests/svg/fixtures/profile.folded
for f in docs/img/flamegraph.svg docs/img/heatmap.svg; do
	tail -n1 "$f" | grep -q '^</svg>$' || die "$f is cut short"
done
step "docs/img/flamegraph.svg: $(grep -c '^<g class="f">' docs/img/flamegraph.svg) frames"
step "docs/img/heatmap.svg: $(grep -c '^<rect class="c"' docs/img/heatmap.svg) cells"
