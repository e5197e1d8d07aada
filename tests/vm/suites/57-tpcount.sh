# SPDX-License-Identifier: GPL-2.0
# tpcount: tracepoint hits.  N runs of "sysloop 1" are N fork+exec: with
# -c sysloop, sched:sched_process_exec counts exactly N (the exec'd task
# is already named sysloop); sched_process_fork, unfiltered, fires in the
# parent shell, so it counts at least N and at most N plus the guest's
# few background forks.  A wildcard lists several events; -C splits by
# CPU and adds up; interval mode prints one table per interval.
. /ktrace/tap.sh

N=50
SLACK=10
HEADER="Tracing [0-9]* tracepoints for"
out=/tmp/tpc.out

start_traced()
{
	rm -f $out $out.err
	ktracectl enable tpcount "$@" > $out 2>$out.err &
	pid=$!
	if ! wait_for "$HEADER" $out; then
		kill $pid 2>/dev/null
		wait $pid
		return 1
	fi
}

stop_traced()
{
	kill -INT $pid
	(sleep 30; kill -KILL $pid 2>/dev/null) > /dev/null 2>&1 &
	dog=$!
	wait $pid
	st=$?
	kill $dog 2>/dev/null
	return $st
}

forks()
{
	i=0
	while [ $i -lt $1 ]; do
		sysloop 1
		i=$((i + 1))
	done
}

# count EVENT: the COUNT column of EVENT's rows (last column), added up.
count()
{
	awk -v e=$1 '$NF == e { s += $(NF - 1) } END { print s + 0 }' $out
}

check "ktrace.ko loads" load_ktrace

if ! ktracectl list 2>/dev/null | grep -q tpcount; then
	not_ok "ktracectl list shows tpcount"
	rmmod ktrace
	tap_end
	exit
fi
ok "ktracectl list shows tpcount"

rc=1
if start_traced -c sysloop sched:sched_process_exec; then
	forks $N
	stop_traced
	rc=$?
fi
cat $out
expect_eq "exec -c sysloop: exits 0 on SIGINT" 0 "$rc"
check "header: 1 tracepoint" grep -q "^Tracing 1 tracepoints for \"sched:sched_process_exec\"\.\.\. Hit Ctrl-C to end\.$" $out
check "COUNT EVENT table" grep -q "^ *COUNT EVENT$" $out
expect_eq "-c sysloop: exactly $N execs" $N "$(count sched:sched_process_exec)"

rc=1
if start_traced sched:sched_process_fork; then
	forks $N
	stop_traced
	rc=$?
fi
cat $out
expect_eq "fork: exits 0" 0 "$rc"
c=$(count sched:sched_process_fork)
check "fork: $N <= $c <= $N + $SLACK" [ "$c" -ge $N -a "$c" -le $((N + SLACK)) ]

# Wildcard: sched_process_* lists several events, exec exactly N.
rc=1
if start_traced -c sysloop 'sched:sched_process_*'; then
	forks $N
	stop_traced
	rc=$?
fi
cat $out
expect_eq "wildcard: exits 0" 0 "$rc"
nt=$(sed -n 's/^Tracing \([0-9]*\) tracepoints.*/\1/p' $out)
check "wildcard: several tracepoints ($nt)" [ "${nt:-0}" -gt 2 ]
expect_eq "wildcard: rows for each" "$nt" "$(grep -c ' sched:sched_process_' $out)"
expect_eq "wildcard: exec exactly $N" $N "$(count sched:sched_process_exec)"
expect_eq "wildcard: exit exactly $N" $N "$(count sched:sched_process_exit)"

# Whole subsystem with a prefix-less glob handled in userspace.
rc=1
if start_traced 'raw_syscalls:*'; then
	sysloop 10
	stop_traced
	rc=$?
fi
expect_eq "raw_syscalls:*: exits 0" 0 "$rc"
expect_eq "raw_syscalls:*: 2 tracepoints" 2 "$(grep -c ' raw_syscalls:sys_e' $out)"

# -C: per CPU rows add up to N.
rc=1
if start_traced -C -c sysloop sched:sched_process_exec; then
	forks $N
	stop_traced
	rc=$?
fi
cat $out
expect_eq "-C: exits 0" 0 "$rc"
check "-C: CPU COUNT EVENT table" grep -q "^CPU  *COUNT EVENT$" $out
expect_eq "-C: CPUs add up to $N" $N "$(count sched:sched_process_exec)"

# interval count: stops by itself after count tables.
rm -f $out
ktracectl enable tpcount -c sysloop sched:sched_process_exec 1 2 > $out 2>$out.err &
pid=$!
wait_for "$HEADER" $out
wait $pid
expect_eq "1 2: exits 0 by itself" 0 "$?"
expect_eq "1 2: two tables" 2 "$(grep -c 'COUNT EVENT$' $out)"

# interval: one table a second (the workload's length depends on the
# kernel, so Ctrl-C ends it), the tables add up to N.
rc=1
if start_traced -c sysloop sched:sched_process_exec 1; then
	forks $N
	sleep 2
	stop_traced
	rc=$?
fi
expect_eq "1: exits 0" 0 "$rc"
check "1: two tables or more" [ "$(grep -c 'COUNT EVENT$' $out)" -ge 2 ]
expect_eq "1: the intervals add up to $N" $N "$(count sched:sched_process_exec)"

# Errors.
ktracectl enable tpcount no_such_tp_xyz > $out 2>$out.err
check "missing tracepoint: non-zero exit" [ $? -ne 0 ]
check "missing tracepoint: message" grep -q "no tracepoint matches 'no_such_tp_xyz'" $out.err
ktracectl enable tpcount 'nosuchsys:*' > $out 2>$out.err
check "missing subsystem: non-zero exit" [ $? -ne 0 ]
check "missing subsystem: message" grep -q "no event subsystem 'nosuchsys'" $out.err
ktracectl enable tpcount '*' > $out 2>$out.err
check "'*': non-zero exit" [ $? -ne 0 ]
check "'*': too many" grep -q "matches more than 512 tracepoints" $out.err
ktracectl enable tpcount > $out 2>$out.err
expect_eq "no EVENT: usage error, exit 2" 2 "$?"
ktracectl enable tpcount 'sched:' > $out 2>$out.err
expect_eq "'sched:': usage error, exit 2" 2 "$?"

# --json: a "table" line, the execs exactly.
json_traced $out "forks $N" enable tpcount -c sysloop sched:sched_process_exec
expect_eq "--json: exits 0" 0 "$rc"
expect_eq "--json: every line a JSON object with a type" 0 "$(json_bad $out)"
expect_eq "--json: exactly $N execs" $N \
	"$(json_sum '"event":"sched:sched_process_exec","count":[0-9]+' $out)"

check "rmmod" rmmod ktrace
tap_end
