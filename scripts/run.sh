#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make run: the main job.  Boots a guest (Debian's stock 6.1 kernel unless
# KERNEL says otherwise), loads ktrace.ko and traces block I/O latency with
# `ktracectl enable block_latency` while a real workload reads and writes
# the guest's virtio disk, then prints the histogram.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KTRACE_TOP"

kernel=${KERNEL:-stock-6.1}
scripts/payload.sh "$kernel" >/dev/null
exec tests/vm/run.sh -k "$kernel" -p "build/$kernel/payload" -t 600 -- '
insmod /ktrace/ktrace.ko || exit 1
echo "# ktracectl enable block_latency 4 1, while reading and writing /dev/vda"
ktracectl enable block_latency 4 1 &
sleep 1
blkload /dev/vda 2000 4096 > /dev/null &
dd if=/dev/zero of=/dev/vda bs=64k seek=4096 count=400 oflag=direct 2>/dev/null
wait
'
