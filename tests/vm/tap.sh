# SPDX-License-Identifier: GPL-2.0
# TAP helpers for the guest suites (busybox sh).  Each suite sources this,
# reports with ok/not_ok/check, and ends with tap_end.

tap_suite=${tap_suite:-$(basename "$0" .sh)}
tap_n=0
tap_failed=0

ok()
{
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $tap_suite: $*"
}

not_ok()
{
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $tap_suite: $*"
}

# check DESCRIPTION COMMAND...: ok when COMMAND succeeds.
check()
{
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq()
{
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1 (expected '$2', got '$3')"
	fi
}

skip()
{
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $tap_suite: $* # SKIP"
}

tap_end()
{
	echo "1..$tap_n"
	[ $tap_failed -eq 0 ]
}

# The module, loaded fresh for a suite.
load_ktrace()
{
	rmmod ktrace 2>/dev/null
	insmod /ktrace/ktrace.ko
}

# Sum of the count column of bcc-style histograms printed by ktracectl.
hist_total()
{
	awk '$2 == "->" && $4 == ":" { s += $5 } END { print s + 0 }' "$@"
}

# Waits up to 30 s for a line matching PATTERN in FILE, the line a tool
# prints once its probes are attached, then one more second: under QEMU's
# TCG a vCPU can run stale translated code for a moment after the kernel
# patches a tracepoint's static branch, and miss the first events.
wait_for()
{
	i=0
	while ! grep -q "$1" "$2" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 300 ] && return 1
		sleep 0.1
	done
	sleep 1
}
