# SPDX-License-Identifier: GPL-2.0
# Races and lifetimes (tests/vm/progs/race_test.c, kselftest harness):
# enable/disable/read/mmap/close cycles while both vCPUs fire events, a
# file closed under poll and epoll, the rings after close and in a forked
# child, the per-CPU loss ledger under a flood, CPU hotplug with probes
# enabled, rmmod refused while anything holds the module.
. /ktrace/tap.sh

check "ktrace.ko loads" load_ktrace
/ktrace/bin/race_test
rc=$?
check "race_test exits 0" test $rc -eq 0
check "CPU 1 is online again" sh -c \
	'[ ! -e /sys/devices/system/cpu/cpu1/online ] || [ "$(cat /sys/devices/system/cpu/cpu1/online)" = 1 ]'
check "rmmod" rmmod ktrace
tap_end
