# SPDX-License-Identifier: GPL-2.0
# runqlat over a known number of wakeups: pingpong N bounces a byte between
# two processes named pingpong N times, each side sleeping in read() until
# the other writes, so each round trip wakes a pingpong task at least once
# (usually twice).  The histogram total must be at least N and, wakeups
# and preemptions together, at most 4N + 100.
. /ktrace/tap.sh

N=2000
MAX=$((4 * N + 100))
HEADER="Tracing run queue latency"
out=/tmp/rq.out

# start_traced "ktracectl options": ktracectl in the background (pid in
# $pid), once its header is out.  A stale header must not pass for this
# run's: SIGINT before ktracectl handles it would be ignored.
start_traced()
{
	rm -f $out $out.err
	ktracectl enable runqlat -v $1 > $out 2>$out.err &
	pid=$!
	if ! wait_for "$HEADER" $out; then
		kill $pid 2>/dev/null
		wait $pid
		return 1
	fi
}

# stop_traced: SIGINT, then ktracectl's exit status; SIGKILL (137) after
# 20 s so a hang fails a test instead of stalling the suite.
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
	sh -c "$2" > /dev/null
	stop_traced
	rc=$?
	grep 'hits' $out.err | sed 's/^/# /'
}

# in_range DESCRIPTION VALUE: ok when N <= VALUE <= MAX.
in_range()
{
	if [ "$2" -ge $N ] && [ "$2" -le $MAX ]; then
		ok "$1 ($2 in [$N, $MAX])"
	else
		not_ok "$1 (got $2, expected $N..$MAX)"
	fi
}

check "ktrace.ko loads" load_ktrace

if ! ktracectl list 2>/dev/null | grep -q runqlat; then
	not_ok "ktracectl list shows runqlat"
	rmmod ktrace
	tap_end
	exit
fi
ok "ktracectl list shows runqlat"

run_traced "-c pingpong" "pingpong $N"
expect_eq "exits 0 on SIGINT" 0 "$rc"
check "header" grep -q "^$HEADER\.\.\. Hit Ctrl-C to end\.$" $out
check "usecs by default" grep -q "usecs.*: count.*distribution" $out
in_range "-c pingpong: $N round trips, their wakeups in the histogram" "$(hist_total $out)"
check "nothing dropped" sh -c "! grep -q dropped $out.err"

run_traced "-m -c pingpong" "pingpong $N"
check "-m: msecs header" grep -q "msecs.*: count.*distribution" $out
in_range "-m: wakeups counted" "$(hist_total $out)"

# -P: a section per process; the parent's pid is known from $!.
run_traced "-P -c pingpong" "pingpong $N & echo \$! > /tmp/rq.pid; wait"
check "-P: section 'pid = <pingpong's pid>'" grep -q "^pid = $(cat /tmp/rq.pid)\( .*\)\?$" $out
check "-P: two processes, two sections" [ "$(grep -c '^pid = ' $out)" -eq 2 ]
in_range "-P: wakeups counted" "$(hist_total $out)"

run_traced "-L -c pingpong" "pingpong $N & echo \$! > /tmp/rq.pid; wait"
check "-L: section 'tid = <pingpong's pid>'" grep -q "^tid = $(cat /tmp/rq.pid)\( .*\)\?$" $out
in_range "-L: wakeups counted" "$(hist_total $out)"

# Another command's wakeups stay out.
cp /ktrace/bin/pingpong /tmp/pongping
run_traced "-c pingpong" "/tmp/pongping $((5 * N)); pingpong $N"
in_range "-c keeps pongping's $((5 * N)) round trips out" "$(hist_total $out)"

# The hot path: a lone instance, no key, a pid filter or none.
# Unfiltered, every task's waits count: pingpong's at least.
run_traced "" "pingpong $N"
expect_eq "no filter: exits 0" 0 "$rc"
total=$(hist_total $out)
if [ "$total" -ge $N ]; then
	ok "no filter: pingpong's $N round trips among $total waits"
else
	not_ok "no filter: $total waits, pingpong alone makes $N or more"
fi

# -p: pingpong's parent alone, started once the filter is on (exec keeps
# the pid).  It sleeps in read() about once a round trip while its child
# answers: about N waits; its child's N more would make about 2N, and
# pongping's, 5N round trips that wake one of its tasks at least once
# each, far more.
rm -f /tmp/rq.go
mkfifo /tmp/rq.go
sh -c "read go < /tmp/rq.go; exec pingpong $N" > /dev/null &
parent=$!
rc=1
if start_traced "-p $parent"; then
	/tmp/pongping $((5 * N)) &
	other=$!
	echo go > /tmp/rq.go
	wait $parent
	wait $other
	stop_traced
	rc=$?
	grep 'hits' $out.err | sed 's/^/# /'
fi
kill $parent 2>/dev/null
expect_eq "-p: exits 0" 0 "$rc"
total=$(hist_total $out)
if [ "$total" -ge $((N / 2)) ] && [ "$total" -le $((3 * N / 2)) ]; then
	ok "-p: pingpong's parent's waits alone ($total in [$((N / 2)), $((3 * N / 2))])"
else
	not_ok "-p: $total waits, pingpong's parent alone makes about $N"
fi
filtered=$(sed -n 's/.*hits [0-9]* filtered \([0-9]*\).*/\1/p' $out.err)
if [ "${filtered:-0}" -ge $((5 * N)) ]; then
	ok "-p: the other tasks' waits counted as filtered ($filtered)"
else
	not_ok "-p: ${filtered:-no} waits filtered, pongping alone makes $((5 * N))"
fi

# Interval mode: 1 s intervals, each read and cleared atomically, until
# Ctrl-C after the workload, however long it took: the reports add up.
rm -f $out
ktracectl enable runqlat -c pingpong 1 > $out 2>&1 &
pid=$!
wait_for "$HEADER" $out
# Two halves more than an interval apart land in different reports.
pingpong $((N / 2))
sleep 1.5
pingpong $((N - N / 2))
sleep 1
kill -INT $pid
wait $pid
expect_eq "interval mode: exits 0 on SIGINT" 0 "$?"
check "interval mode: two reports or more" \
	[ "$(grep -c 'usecs *: count *distribution' $out)" -ge 2 ]
in_range "interval mode: the intervals add up" "$(hist_total $out)"

# --json: a "hist" line split by pid, with the waits counted.
json_traced $out "pingpong $N" enable runqlat -P -c pingpong
expect_eq "--json: exits 0" 0 "$rc"
expect_eq "--json: every line a JSON object with a type" 0 "$(json_bad $out)"
check "--json -P: usecs, split by pid" \
	grep -q '^{"type":"hist","probe":"runqlat","time":"[^"]*","unit":"usecs","key":"pid","entries":\[{"key":[0-9]' $out
in_range "--json: wakeups counted" "$(json_sum '"count":[0-9]+,"sum"' $out)"

check "rmmod" rmmod ktrace
tap_end
