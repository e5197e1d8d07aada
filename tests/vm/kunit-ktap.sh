#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Extracts the KTAP of ktrace's KUnit suites from a guest console log, for
# the kernel's own parser:  kunit-ktap.sh console.log | kunit.py parse
# Suites run from a module print no top-level header of their own, and the
# boot-time run of built-in suites prints an empty one ("1..0") first:
# drop that and give the module's suites a header that counts them.
set -euo pipefail
log=${1:?usage: kunit-ktap.sh CONSOLE_LOG}
strip='s/^\[[ 0-9.]*\] //'
suites=$(sed "$strip" "$log" | grep -cE '^(ok|not ok) [0-9]+ ktrace_' || true)
echo "KTAP version 1"
echo "1..$suites"
sed "$strip" "$log" | awk '/^    KTAP version 1/ { on = 1 } on' |
	grep -E '^(    |ok |not ok |# )' || true
