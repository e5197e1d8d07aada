# SPDX-License-Identifier: GPL-2.0
# The ABI from userspace: every documented rejection, ring accounting,
# per-file results (tests/vm/progs/abi_test.c, kselftest harness).
. /ktrace/tap.sh

check "ktrace.ko loads" load_ktrace
/ktrace/bin/abi_test
rc=$?
check "abi_test exits 0" test $rc -eq 0
check "rmmod" rmmod ktrace
tap_end
