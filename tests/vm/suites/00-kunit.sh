# SPDX-License-Identifier: GPL-2.0
# KUnit suites: loading ktrace_kunit.ko runs them; their KTAP goes to the
# kernel console, where the host parses it with kunit.py.
. /ktrace/tap.sh

if [ ! -f /ktrace/ktrace_kunit.ko ]; then
	skip "kernel has no KUnit"
	tap_end
	exit
fi
check "ktrace.ko loads" load_ktrace
check "ktrace_kunit.ko loads and runs its suites" insmod /ktrace/ktrace_kunit.ko
check "ktrace_kunit.ko unloads" rmmod ktrace_kunit
check "ktrace.ko unloads after the suites" rmmod ktrace
tap_end
