#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs every guest suite (suites/*.sh) in order, each in its own shell so a
# suite that dies still lets the others run.  Output is TAP, one line per
# test, prefixed by the suite name; exits non-zero if any test failed.
# SUITES="abi smoke" runs only those.
cd /ktrace || exit 1
status=0
for suite in suites/*.sh; do
	name=$(basename "$suite" .sh)
	name=${name#[0-9][0-9]-}
	if [ -n "$SUITES" ] && ! echo " $SUITES " | grep -q " $name "; then
		continue
	fi
	echo "# suite $name"
	tap_suite=$name sh "$suite" || status=1
	rmmod ktrace_kunit 2>/dev/null
	rmmod ktrace 2>/dev/null
done
exit $status
