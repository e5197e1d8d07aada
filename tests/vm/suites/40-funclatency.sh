# SPDX-License-Identifier: GPL-2.0
# funclatency: a kretprobe on __x64_sys_getppid, counted against sysloop,
# which makes exactly N getppid calls; the histogram must agree exactly;
# and on vfs_read under a read loop.
# Then the errors (no such function, a function kprobes refuse), interval
# mode and two instances on the same function with different filters.
. /ktrace/tap.sh

N=5000
FUNC=__x64_sys_getppid
HEADER="Tracing 1 functions for"
out=/tmp/fl.out
err=/tmp/fl.err

# start_traced OUT "ktracectl options": starts ktracectl in the background
# (its pid in $pid) and waits for its header.  OUT is removed first: a
# header left by an earlier run must not pass for this one's (SIGINT sent
# before ktracectl handles it would be ignored, as in any background job).
start_traced()
{
	rm -f $1 $1.err
	ktracectl enable funclatency $2 > $1 2>$1.err &
	pid=$!
	if ! wait_for "$HEADER" $1; then
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

# run_traced "ktracectl options" "workload": traces the workload; the
# output is in $out, ktracectl's exit status in $rc.
run_traced()
{
	rc=1
	start_traced $out "$1" || return 1
	sh -c "$2" > /dev/null
	stop_traced
	rc=$?
}

# The count of the summary lines ("avg = ..., count: N"), added up.
summary_count()
{
	awk '$1 == "avg" { s += $NF } END { print s + 0 }' "$@"
}

check "ktrace.ko loads" load_ktrace

if ! ktracectl list 2>/dev/null | grep -q funclatency; then
	not_ok "ktracectl list shows funclatency"
	rmmod ktrace
	tap_end
	exit
fi
ok "ktracectl list shows funclatency"

run_traced "-c sysloop $FUNC" "sysloop $N"
expect_eq "exits 0 on SIGINT" 0 "$rc"
check "header names the function" grep -q "$HEADER \"$FUNC\"\.\.\. Hit Ctrl-C to end\." $out
check "nsecs by default" grep -q "nsecs.*: count.*distribution" $out
expect_eq "$N getppid calls, $N in the histogram" $N "$(hist_total $out)"
check "summary line avg/total/count" grep -q "^avg = [0-9]* nsecs, total: [0-9]* nsecs, count: [0-9]*$" $out
expect_eq "summary count: $N" $N "$(summary_count $out)"

run_traced "-u -c sysloop $FUNC" "sysloop $N"
check "-u: usecs header" grep -q "usecs.*: count.*distribution" $out
check "-u: usecs summary" grep -q "^avg = [0-9]* usecs, total: [0-9]* usecs" $out
expect_eq "-u: $N calls" $N "$(hist_total $out)"

run_traced "-m -c sysloop $FUNC" "sysloop $N"
check "-m: msecs header" grep -q "msecs.*: count.*distribution" $out
expect_eq "-m: $N calls" $N "$(hist_total $out)"

# -P: one section per process, headed with its pid.
run_traced "-P -c sysloop $FUNC" "sysloop $N & echo \$! > /tmp/fl.pid; wait"
check "-P: section 'pid = <sysloop's pid>'" grep -q "^pid = $(cat /tmp/fl.pid)$" $out
expect_eq "-P: $N calls" $N "$(hist_total $out)"

# -p: only that process.  The traced one waits for a go file, then execs
# sysloop, so its pid is known before it makes its calls; a second sysloop
# runs alongside and must not be counted.
rm -f /tmp/fl.go
sh -c "while [ ! -f /tmp/fl.go ]; do sleep 0.1; done; exec sysloop $N" &
tpid=$!
if start_traced $out "-p $tpid $FUNC"; then
	sysloop 1000 &
	touch /tmp/fl.go
	wait $tpid
	wait $!
	stop_traced
else
	touch /tmp/fl.go
	wait $tpid
fi
expect_eq "-p: only that process's $N calls" $N "$(hist_total $out)"

# Errors.
ktracectl enable funclatency no_such_function_xyz > $out 2>$err
rc=$?
check "missing function: non-zero exit" [ $rc -ne 0 ]
check "missing function: message names it" grep -q "no kernel function 'no_such_function_xyz'" $err

ktracectl enable funclatency > $out 2>$err
expect_eq "no FUNCTION: usage error, exit 2" 2 "$?"

bl=/sys/kernel/debug/kprobes/blacklist
if [ -r $bl ]; then
	# "start-end<TAB>symbol [module]"; prefer one known to exist once.
	if grep -q "[[:space:]]kprobe_int3_handler$" $bl; then
		sym=kprobe_int3_handler
	else
		sym=$(awk 'NR == 1 { print $2 }' $bl)
	fi
	ktracectl enable funclatency $sym > $out 2>$err
	rc=$?
	check "blacklisted $sym: non-zero exit" [ $rc -ne 0 ]
	check "blacklisted $sym: message names it" grep -q "'$sym'" $err
	if [ $sym = kprobe_int3_handler ]; then
		check "blacklisted $sym: 'cannot probe'" grep -q "cannot probe 'kprobe_int3_handler': " $err
	fi
	check "nothing printed on stdout after a failed enable" [ ! -s $out ]
else
	skip "no $bl: blacklisted function"
fi

# Interval mode: 1 s intervals, each read and cleared atomically, until
# Ctrl-C after the workload, however long it took: the reports add up to
# the calls, none lost or counted twice between two reads.
rm -f $out
ktracectl enable funclatency -c sysloop 1 $FUNC > $out 2>$err &
pid=$!
wait_for "$HEADER" $out
# Two halves more than an interval apart land in different reports.
sysloop $((N / 2))
sleep 1.5
sysloop $((N - N / 2))
sleep 1
kill -INT $pid
wait $pid
expect_eq "interval mode: exits 0 on SIGINT" 0 "$?"
check "interval mode: two reports or more with calls" \
	[ "$(awk '$1 == "avg"' $out | wc -l)" -ge 2 ]
expect_eq "interval mode: the intervals add up to $N" $N "$(hist_total $out)"
expect_eq "interval mode: the summaries add up to $N" $N "$(summary_count $out)"

# Two instances on one function, each with its own comm filter.
cp /ktrace/bin/sysloop /tmp/sysloop2
start_traced $out "-c sysloop $FUNC"
pid1=$pid
start_traced /tmp/fl2.out "-c sysloop2 $FUNC"
pid2=$pid
sysloop 3000
/tmp/sysloop2 2000
pid=$pid1
stop_traced
rc1=$?
pid=$pid2
stop_traced
rc2=$?
expect_eq "two instances: both exit 0" "0 0" "$rc1 $rc2"
expect_eq "two instances: -c sysloop counts 3000" 3000 "$(hist_total $out)"
expect_eq "two instances: -c sysloop2 counts 2000" 2000 "$(hist_total /tmp/fl2.out)"

# The kretprobes are gone with their instances.
run_traced "-c sysloop $FUNC" "sysloop 100"
expect_eq "after two instances: a new one counts 100" 100 "$(hist_total $out)"

# vfs_read, as the tools are used: readloop makes K one-byte reads of
# /dev/zero.  Its exec reads the binary with kernel_read(), not vfs_read(),
# but the loader's own reads may add a few.
K=2000
run_traced "-c readloop vfs_read" "readloop $K"
got=$(hist_total $out)
check "vfs_read: $K reads, $K to $K+10 in the histogram (got $got)" \
	test "$got" -ge $K -a "$got" -le $((K + 10))

# --json: a "hist" line split by pid, the calls counted exactly.
json_traced $out "sysloop $N" enable funclatency -P -c sysloop $FUNC
expect_eq "--json: exits 0" 0 "$rc"
expect_eq "--json: every line a JSON object with a type" 0 "$(json_bad $out)"
check "--json -P: nsecs, split by pid" \
	grep -q '^{"type":"hist","probe":"funclatency","time":"[^"]*","unit":"nsecs","key":"pid","entries":\[{"key":[0-9]' $out
expect_eq "--json: $N calls in the entries" $N \
	"$(json_sum '"count":[0-9]+,"sum"' $out)"
expect_eq "--json: and in their buckets" $N "$(json_sum '"count":[0-9]+\}' $out)"

check "rmmod" rmmod ktrace
tap_end
