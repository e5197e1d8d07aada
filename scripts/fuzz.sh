#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make fuzz: the long run of the ioctl fuzzer (tests/vm/progs/ioctl_fuzz.c)
# in a guest of the test kernel (KASAN, lockdep, kmemleak, DEBUG_LIST):
# FUZZ_CALLS calls (100000) over FUZZ_THREADS threads (4) and three shared
# files, then rmmod and a kmemleak scan.  Fails on an undocumented errno,
# a command that never succeeded, or any kernel report on the console.
# The seed is printed; FUZZ_SEED=N replays a run (each thread's calls are
# the same for the same seed).
#
#   fuzz.sh [KERNEL]        KERNEL: test (default), stock-6.1, stock-6.12
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KTRACE_TOP"

kernel=${1:-test}
seed=${FUZZ_SEED:-$(date +%s)}
calls=${FUZZ_CALLS:-100000}
threads=${FUZZ_THREADS:-4}
out=$KTRACE_TOP/build/fuzz/$kernel

step "kernel and payload: $kernel"
scripts/payload.sh "$kernel" > /dev/null
mkdir -p "$out"
step "ioctl_fuzz --seed $seed: $calls calls, $threads threads ($kernel)"
rc=0
tests/vm/run.sh -k "$kernel" -p "build/$kernel/payload" \
	-t "${FUZZ_TIMEOUT:-3600}" -o "$out" -- \
	"insmod /ktrace/ktrace.ko && ioctl_fuzz --seed $seed --calls $(( (calls + threads - 1) / threads )) --threads $threads --require && rmmod ktrace" ||
	rc=$?
if [ $rc -eq 0 ]; then
	echo "fuzz: ok, seed $seed, $kernel; console in $out/console.log"
else
	echo "fuzz: FAILED (exit $rc), seed $seed, $kernel; replay with FUZZ_SEED=$seed make fuzz; console in $out/console.log"
fi
exit $rc
