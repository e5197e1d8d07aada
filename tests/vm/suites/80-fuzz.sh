# SPDX-License-Identifier: GPL-2.0
# A short run of the ioctl fuzzer (tests/vm/progs/ioctl_fuzz.c): four
# threads over three shared files and their own, every rejection an errno
# uapi/ktrace.h documents, and enable, read, disable, ring setup, mmap and
# munmap each succeeding at least once.  The seed is printed: rerun with
# KTRACE_FUZZ_SEED=N (or ioctl_fuzz --seed N) to replay a failure.  The
# long run is "make fuzz"; the console check catches oops, KASAN, lockdep.
. /ktrace/tap.sh

check "ktrace.ko loads" load_ktrace
seed=${KTRACE_FUZZ_SEED:-$(date +%s)}
out=/tmp/fuzz.out
ioctl_fuzz --seed "$seed" --calls 20000 --seconds "${KTRACE_FUZZ_SECONDS:-8}" \
	--require > "$out" 2>&1
rc=$?
sed 's/^/# /' "$out"
check "ioctl_fuzz --seed $seed: only documented errnos, every command ran" \
	test $rc -eq 0
calls=$(sed -n 's/^# seed [0-9]*: \([0-9]*\) calls.*/\1/p' "$out")
check "ioctl_fuzz made calls (${calls:-0})" test "${calls:-0}" -gt 500
check "rmmod after the fuzzer closed its files" rmmod ktrace
tap_end
