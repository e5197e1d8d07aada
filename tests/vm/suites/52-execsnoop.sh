# SPDX-License-Identifier: GPL-2.0
# execsnoop: M execs of openloop with known arguments must show as exactly
# M lines with the exact filename, arguments, name, parent and result;
# with -x, M execs of a missing path as M lines with RET -2, and without
# -x none.  Then cut arguments, -n, -t, -T and usage errors.
. /ktrace/tap.sh

M=50
PROG=/ktrace/bin/openloop
HEADER="PCOMM"
out=/tmp/es.out
err=/tmp/es.err

# start_traced "ktracectl options": ktracectl in the background (pid in
# $pid), once its header is out.  $out is removed first so a header left
# by an earlier run cannot pass for this one's.
start_traced()
{
	rm -f $out $err
	ktracectl enable execsnoop $1 > $out 2>$err &
	pid=$!
	if ! wait_for "$HEADER" $out; then
		kill $pid 2>/dev/null
		wait $pid
		return 1
	fi
}

# stop_traced: SIGINT, then ktracectl's exit status; SIGKILL (status 137)
# if it has not exited 20 s later, so a hang fails tests, not the suite.
stop_traced()
{
	kill -INT $pid
	(sleep 20; kill -KILL $pid 2>/dev/null) > /dev/null 2>&1 &
	dog=$!
	wait $pid
	st=$?
	kill $dog 2>/dev/null
	return $st
}

# run_traced "ktracectl options" "workload": output in $out, status in $rc.
run_traced()
{
	rc=1
	start_traced "$1" || return 1
	sh -c "$2" > /dev/null 2>&1
	stop_traced
	rc=$?
}

# count_lines PATTERN: lines of $out matching.
count_lines()
{
	grep -c -- "$1" $out
}

check "ktrace.ko loads" load_ktrace

if ! ktracectl list 2>/dev/null | grep -q execsnoop; then
	not_ok "ktracectl list shows execsnoop"
	rmmod ktrace
	tap_end
	exit
fi
ok "ktracectl list shows execsnoop"

# M successful execs from one shell, whose pid is their parent.
loop="echo \$\$ > /tmp/es.ppid; i=1; while [ \$i -le $M ]; do $PROG 0 marker-\$i; i=\$((i + 1)); done"
run_traced "" "$loop"
expect_eq "exits 0 on SIGINT" 0 "$rc"
check "header PCOMM PID PPID RET ARGS" grep -q "^PCOMM  *PID  *PPID  *RET ARGS$" $out
ppid=$(cat /tmp/es.ppid)
expect_eq "$M execs of openloop, $M lines" $M \
	"$(count_lines "^openloop  *[0-9][0-9]*  *[0-9][0-9]*  *0 $PROG 0 marker-[0-9]*$")"
expect_eq "each with its parent $ppid" $M \
	"$(count_lines "^openloop  *[0-9][0-9]*  *$ppid  *0 $PROG 0 marker-[0-9]*$")"
n=0
i=1
while [ $i -le $M ]; do
	grep -q " $PROG 0 marker-$i$" $out && n=$((n + 1))
	i=$((i + 1))
done
expect_eq "every marker 1..$M once" $M "$n"
expect_eq "no line for an exec that was not made" 0 "$(count_lines "marker-$((M + 1))$")"
check "seen = delivered, nothing dropped" grep -q "^seen \([0-9]*\) delivered \1 dropped 0$" $err

# Failed execs: a missing path, ENOENT.
fail="i=1; while [ \$i -le $M ]; do /nonexistent/ktrace-missing arg-\$i; i=\$((i + 1)); done; $PROG 0 ok-too"
run_traced "-x" "$fail"
expect_eq "-x: exits 0" 0 "$rc"
expect_eq "-x: $M failed execs, $M lines with RET -2" $M \
	"$(count_lines "^[^ ]*  *[0-9][0-9]*  *[0-9][0-9]*  *-2 /nonexistent/ktrace-missing arg-[0-9]*$")"
expect_eq "-x: the successful exec too" 1 "$(count_lines " 0 $PROG 0 ok-too$")"

run_traced "" "$fail"
# (The sh -c running the loop shows, its script mentions the path.)
expect_eq "without -x: no failed exec" 0 \
	"$(count_lines " -2 /nonexistent/ktrace-missing arg-")"
expect_eq "without -x: the successful exec" 1 "$(count_lines " 0 $PROG 0 ok-too$")"

# More than KTRACE_EXEC_ARGS_MAX (20) arguments: the first 20, then "...".
many="a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 a20"
run_traced "" "$PROG 0 $many a21 a22 a23 a24 a25; $PROG 0 $(echo $many | cut -d' ' -f1-19)"
# openloop refuses extra arguments, but the exec itself succeeds.
expect_eq "25 arguments: 20 shown, then ..." 1 \
	"$(count_lines " 0 $PROG 0 a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 \.\.\.$")"
expect_eq "20 arguments: all shown, no ..." 1 \
	"$(count_lines " 0 $PROG 0 a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19$")"

# -n: only names containing NAME (the new program's name).
run_traced "-n openlo" "$PROG 0 n-1; /ktrace/bin/sysloop 1; $PROG 0 n-2"
expect_eq "-n openlo: the 2 openloop execs" 2 "$(count_lines " $PROG 0 n-[12]$")"
expect_eq "-n openlo: not sysloop" 0 "$(count_lines "sysloop")"

# -t: seconds since start; -T: HH:MM:SS; both before PCOMM.
run_traced "-t" "$PROG 0 t-1"
check "-t: TIME(s) header" grep -q "^TIME(s)  *PCOMM  *PID  *PPID  *RET ARGS$" $out
expect_eq "-t: a timestamp first" 1 "$(count_lines "^[0-9]*\.[0-9][0-9][0-9]  *openloop  *.* $PROG 0 t-1$")"
run_traced "-T" "$PROG 0 t-2"
check "-T: TIME header" grep -q "^TIME  *PCOMM  *PID  *PPID  *RET ARGS$" $out
expect_eq "-T: HH:MM:SS first" 1 "$(count_lines "^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]  *openloop  *.* $PROG 0 t-2$")"

# Usage errors: one line and the usage, exit 2.
ktracectl enable execsnoop -n 0123456789abcdef > $out 2>$err
expect_eq "-n longer than a comm: exit 2" 2 "$?"
ktracectl enable execsnoop extra > $out 2>$err
expect_eq "an extra argument: exit 2" 2 "$?"
check "usage printed" grep -q "^Usage: ktracectl enable execsnoop" $err

# --json: one "event" line per exec with the same fields, the header on
# stderr, a "stats" line at exit.  An argument with a tab and a byte that
# is not UTF-8 comes out escaped.
rm -f $out $err
ktracectl enable execsnoop --json -x > $out 2>$err &
pid=$!
if wait_for "$HEADER" $err; then
	sh -c "$loop; /nonexistent/ktrace-missing gone; $PROG 0 \"\$(printf 'a\tb\377c')\"" > /dev/null 2>&1
	stop_traced
	rc=$?
else
	kill $pid 2>/dev/null
	wait $pid
	rc=1
fi
ppid=$(cat /tmp/es.ppid)
head -n 3 $out | sed 's/^/# /'
expect_eq "--json: exits 0" 0 "$rc"
expect_eq "--json: every line a JSON object with a type" 0 "$(json_bad $out)"
ev="^{\"type\":\"event\",\"probe\":\"execsnoop\",\"time\":\"[^\"]*\",\"ts\":[0-9.]*,\"cpu\":[0-9]*"
expect_eq "--json: $M events of openloop with their parent, filename, args" $M \
	"$(grep -c "$ev,\"pcomm\":\"openloop\",\"pid\":[0-9]*,\"tid\":[0-9]*,\"ppid\":$ppid,\"uid\":0,\"ret\":0,\"filename\":\"$PROG\",\"args\":\[\"0\",\"marker-[0-9]*\"\],\"truncated\":false}$" $out)"
n=0
i=1
while [ $i -le $M ]; do
	grep -q "\"args\":\[\"0\",\"marker-$i\"\]" $out && n=$((n + 1))
	i=$((i + 1))
done
expect_eq "--json: every marker 1..$M once" $M "$n"
expect_eq "--json -x: the failed exec, ret -2" 1 \
	"$(grep -c '"ret":-2,"filename":"/nonexistent/ktrace-missing","args":\["gone"\]' $out)"
expect_eq "--json: tab and byte 0xff escaped" 1 \
	"$(grep -c '"filename":"'$PROG'","args":\["0","a\\tb\\u00ffc"\]' $out)"
check "--json: stats, seen = delivered, nothing dropped" \
	grep -q '^{"type":"stats","probe":"execsnoop","seen":\([0-9]*\),"delivered":\1,"dropped":0}$' $out
check "--json: the header on stderr, not stdout" \
	sh -c "grep -q '^PCOMM' $err && ! grep -q '^PCOMM' $out"

# Into a file ktracectl wakes when a quarter of the ring waits or every
# 100 ms: one exec, far below that mark, is in the file within 2 s,
# while ktracectl still runs.
seen=1
if start_traced ""; then
	$PROG 0 batch-marker > /dev/null 2>&1
	i=0
	while ! grep -q "batch-marker" $out && [ $i -lt 20 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	grep -q "batch-marker" $out && seen=0
	stop_traced
fi
expect_eq "into a file: one exec printed within 2 s, before exit" 0 "$seen"

check "rmmod" rmmod ktrace
tap_end
