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

# The "lo-hi" bucket holding the most events, the lowest of equals.
modal()
{
	awk '$2 == "->" && $4 == ":" && $5 > m { m = $5; b = $1 "-" $3 }
	     END { print b }' "$1"
}

# modal_row FILE: the fullest bucket's row, 0 for the first bucket.
modal_row()
{
	awk '$2 == "->" && $4 == ":" { if ($5 > m) { m = $5; r = n }; n++ }
	     END { print r + 0 }' "$1"
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

# start OUT HEADER ARGS...: ktracectl ARGS in the background, stdout in
# OUT and stderr in OUT.err, once HEADER is out; its pid in $pid.  OUT is
# removed first so an earlier run's header cannot pass for this one's.
# A suite that needs another shape (a pid file, a global header) defines
# its own start after sourcing this file.
start()
{
	o=$1
	h=$2
	shift 2
	rm -f "$o" "$o.err"
	ktracectl "$@" > "$o" 2> "$o.err" &
	pid=$!
	if ! wait_for "$h" "$o"; then
		kill -KILL $pid 2>/dev/null
		wait $pid
		return 1
	fi
}

# stop PID: SIGINT, then its exit status; SIGKILL (status 137) if it has
# not exited 20 s later, so a hang fails tests, not the suite.
stop()
{
	kill -INT "$1"
	(sleep 20; kill -KILL "$1" 2>/dev/null) > /dev/null 2>&1 &
	dog=$!
	wait "$1"
	st=$?
	kill $dog 2>/dev/null
	return $st
}

# ktracectl --json: how many lines of FILE are not a JSON object whose
# first member is "type" (a JSON parser in awk: busybox has no jq).  The
# bad lines are shown on stderr.
json_bad()
{
	awk '
	function ws() {
		while (pos <= n && index(" \t", substr(s, pos, 1)))
			pos++
	}
	function str(	c) {
		if (substr(s, pos, 1) != "\"")
			return 0
		for (pos++; pos <= n; ) {
			c = substr(s, pos++, 1)
			if (c == "\"")
				return 1
			if (c == "\\") {
				c = substr(s, pos++, 1)
				if (c == "u") {
					if (substr(s, pos, 4) !~ /^[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F]$/)
						return 0
					pos += 4
				} else if (c == "" || !index("\"\\/bfnrt", c)) {
					return 0
				}
			} else if (c < " ") {
				return 0
			}
		}
		return 0
	}
	function val(	c, t, sep) {
		ws()
		c = substr(s, pos, 1)
		if (c == "{" || c == "[") {
			t = c == "{" ? "}" : "]"
			pos++
			ws()
			if (substr(s, pos, 1) == t) {
				pos++
				return 1
			}
			for (;;) {
				ws()
				if (c == "{") {
					if (!str())
						return 0
					ws()
					if (substr(s, pos++, 1) != ":")
						return 0
				}
				if (!val())
					return 0
				ws()
				sep = substr(s, pos++, 1)
				if (sep == t)
					return 1
				if (sep != ",")
					return 0
			}
		}
		if (c == "\"")
			return str()
		if (substr(s, pos, 4) == "true" || substr(s, pos, 4) == "null") {
			pos += 4
			return 1
		}
		if (substr(s, pos, 5) == "false") {
			pos += 5
			return 1
		}
		if (match(substr(s, pos), /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/)) {
			pos += RLENGTH
			return 1
		}
		return 0
	}
	{
		s = $0
		n = length(s)
		pos = 1
		ok = substr(s, 1, 9) == "{\"type\":\"" && val()
		if (ok)
			ws()
		if (!ok || pos <= n) {
			bad++
			print "# not JSON: " substr(s, 1, 200) > "/dev/stderr"
		}
	}
	END { print bad + 0 }' "$1"
}

# json_traced OUT "WORKLOAD" ARGS...: ktracectl --json ARGS in the
# background; once its banner is out (the first line on stderr, OUT.err)
# WORKLOAD is run (eval'd: shell functions too), then SIGINT.  Its JSON
# in OUT, its exit status in $rc (137: killed after hanging 30 s).
json_traced()
{
	jout=$1
	jwork=$2
	shift 2
	rm -f $jout $jout.err
	ktracectl --json "$@" > $jout 2>$jout.err &
	jpid=$!
	if wait_for "." $jout.err; then
		eval "$jwork" > /dev/null 2>&1
		kill -INT $jpid
	else
		kill $jpid 2>/dev/null
	fi
	(sleep 30; kill -KILL $jpid 2>/dev/null) > /dev/null 2>&1 &
	jdog=$!
	wait $jpid
	rc=$?
	kill $jdog 2>/dev/null
	cut -c1-300 $jout | sed 's/^/# /'
}

# json_lines TYPE FILE: how many of FILE's JSON lines are of "type" TYPE.
json_lines()
{
	grep -c "^{\"type\":\"$1\"" "$2"
}

# json_sum PATTERN FILE: the sum of the numbers that end each match of
# the extended regular expression PATTERN ('"count":[0-9]+,"sum"').
json_sum()
{
	grep -oE "$1" "$2" | sed 's/^.*:\(-*[0-9][0-9]*\)[^0-9]*$/\1/' |
		awk '{ s += $1 } END { print s + 0 }'
}
