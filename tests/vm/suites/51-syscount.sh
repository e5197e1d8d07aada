# SPDX-License-Identifier: GPL-2.0
# syscount against programs that make a known number of calls: sysloop N
# makes N getppid calls, failcalls K makes K close(-1) that fail with
# EBADF.  The counts printed by syscall name must equal them exactly.
. /ktrace/tap.sh

N=3000
K=1500
HEADER="syscalls, printing top"
out=/tmp/sc.out

start_traced()
{
	rm -f $out $out.err
	ktracectl enable syscount -v $1 > $out 2>$out.err &
	pid=$!
	if ! wait_for "$HEADER" $out; then
		kill $pid 2>/dev/null
		wait $pid
		return 1
	fi
}

# SIGINT, then ktracectl's exit status; SIGKILL (137) after 20 s.
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

run_traced()
{
	rc=1
	start_traced "$1" || return 1
	sh -c "$2" > /dev/null
	stop_traced
	rc=$?
	grep 'hits' $out.err | sed 's/^/# /'
}

# count_of NAME: the COUNT column of NAME's rows, added up (0 if none).
count_of()
{
	awk -v n="$1" '$1 == n { s += $2 } END { print s + 0 }' $out
}

check "ktrace.ko loads" load_ktrace

if ! ktracectl list 2>/dev/null | grep -q syscount; then
	not_ok "ktracectl list shows syscount"
	rmmod ktrace
	tap_end
	exit
fi
ok "ktracectl list shows syscount"

run_traced "-c sysloop" "sysloop $N"
expect_eq "exits 0 on SIGINT" 0 "$rc"
check "header" grep -q "^Tracing syscalls, printing top 10\.\.\. Ctrl+C to quit\.$" $out
check "SYSCALL COUNT columns" grep -q "^SYSCALL  *COUNT$" $out
check "[HH:MM:SS] before the table" grep -q "^\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\]$" $out
check "Detaching... at the end" grep -q "^Detaching\.\.\.$" $out
expect_eq "$N getppid calls counted by name" $N "$(count_of getppid)"
check "getppid first: sorted by count" sh -c "grep -A1 '^SYSCALL' $out | tail -n1 | grep -q '^getppid '"
check "nothing dropped" sh -c "! grep -q dropped $out.err"

run_traced "-L -c sysloop" "sysloop $N"
check "-L: TIME (us) column" grep -q "^SYSCALL  *COUNT  *TIME (us)$" $out
expect_eq "-L: $N getppid calls" $N "$(count_of getppid)"
check "-L: getppid time in us with 3 decimals" sh -c "awk '\$1 == \"getppid\" { print \$3 }' $out | grep -q '^[0-9]*\.[0-9][0-9][0-9]$'"

run_traced "-L -m -c sysloop" "sysloop $N"
check "-L -m: TIME (ms) column" grep -q "^SYSCALL  *COUNT  *TIME (ms)$" $out
expect_eq "-L -m: $N getppid calls" $N "$(count_of getppid)"

run_traced "-x -c failcalls" "failcalls $K"
check "-x: header says failed" grep -q "^Tracing failed syscalls, printing top 10" $out
expect_eq "-x: $K failed close calls" $K "$(count_of close)"

run_traced "-x -c sysloop" "sysloop $N"
expect_eq "-x: successful getppid calls are not counted" 0 "$(count_of getppid)"

run_traced "-P -c sysloop" "sysloop $N & echo \$! > /tmp/sc.pid; wait"
check "-P: PID COMM columns" grep -q "^PID    COMM  *COUNT$" $out
spid=$(cat /tmp/sc.pid)
c=$(awk -v p="$spid" '$1 == p { print $NF }' $out)
check "-P: sysloop's pid $spid listed with at least $N calls (got '$c')" [ "${c:-0}" -ge $N ]

run_traced "-C -c sysloop" "sysloop $N"
c=$(awk '$1 == "sysloop" { print $2 }' $out)
check "-C: sysloop listed with at least $N calls (got '$c')" [ "${c:-0}" -ge $N ]

run_traced "-T 1 -c sysloop" "sysloop $N"
expect_eq "-T 1: one row" 1 "$(grep -A100 '^SYSCALL' $out | grep -vc '^SYSCALL\|^$\|^Detaching')"

# -p: only that process; a second sysloop runs alongside.
rm -f /tmp/sc.go
sh -c "while [ ! -f /tmp/sc.go ]; do sleep 0.1; done; exec sysloop $N" &
tpid=$!
if start_traced "-p $tpid"; then
	sysloop 1000 &
	touch /tmp/sc.go
	wait $tpid
	wait $!
	stop_traced
else
	touch /tmp/sc.go
	wait $tpid
fi
expect_eq "-p: only that process's $N getppid calls" $N "$(count_of getppid)"

# Two instances at once, pid-filtered: the first instance is counted
# inline, the second after it; each counts only its own process, and -x
# only the failed calls.
rm -f /tmp/sc.go
sh -c "while [ ! -f /tmp/sc.go ]; do sleep 0.1; done; exec sysloop $N" &
tpid=$!
sh -c "while [ ! -f /tmp/sc.go ]; do sleep 0.1; done; exec failcalls $K" &
fpid=$!
out2=/tmp/sc2.out
rm -f $out2
if start_traced "-p $tpid"; then
	ktracectl enable syscount -x -p $fpid > $out2 2>&1 &
	pid2=$!
	wait_for "$HEADER" $out2
	touch /tmp/sc.go
	wait $tpid
	wait $fpid
	kill -INT $pid2
	wait $pid2
	stop_traced
else
	touch /tmp/sc.go
	wait $tpid
	wait $fpid
fi
expect_eq "two instances: the first counts its process's $N getppid calls" \
	$N "$(count_of getppid)"
expect_eq "two instances: the first counts no close" 0 "$(count_of close)"
out1=$out
out=$out2
expect_eq "two instances: the second (-x) counts $K failed close calls" \
	$K "$(count_of close)"
expect_eq "two instances: the second counts no getppid" 0 \
	"$(count_of getppid)"
out=$out1

# Interval mode: -i 1 -d 5 ends by itself; the intervals add up.
rm -f $out
ktracectl enable syscount -c sysloop -i 1 -d 5 > $out 2>&1 &
pid=$!
wait_for "$HEADER" $out
sysloop $N
wait $pid
expect_eq "-i 1 -d 5: exits 0 by itself" 0 "$?"
check "-i 1 -d 5: five tables" [ "$(grep -c '^SYSCALL' $out)" -eq 5 ]
expect_eq "-i 1 -d 5: the intervals add up to $N" $N "$(count_of getppid)"

ktracectl enable syscount -P -C > $out 2>&1
expect_eq "-P with -C: usage error, exit 2" 2 "$?"

# --json: one "table" line per report, rows named like the columns, the
# banner and "Detaching..." on stderr, a "stats" line at exit.
json_run()
{
	rm -f $out $out.err
	ktracectl enable syscount --json $1 > $out 2>$out.err &
	pid=$!
	if wait_for "$HEADER" $out.err; then
		sh -c "$2" > /dev/null
		stop_traced
		rc=$?
	else
		kill $pid 2>/dev/null
		wait $pid
		rc=1
	fi
	cut -c1-300 $out | sed 's/^/# /'
}

json_run "-c sysloop" "sysloop $N"
expect_eq "--json: exits 0" 0 "$rc"
expect_eq "--json: every line a JSON object with a type" 0 "$(json_bad $out)"
expect_eq "--json: one table line, one stats line, nothing else" "1 1 2" \
	"$(json_lines table $out) $(json_lines stats $out) $(wc -l < $out)"
expect_eq "--json: $N getppid calls" $N \
	"$(json_sum '"syscall":"getppid","count":[0-9]+' $out)"
check "--json: getppid the first row" \
	grep -q '^{"type":"table","probe":"syscount","time":"[^"]*","rows":\[{"syscall":"getppid","count":' $out
check "--json: banner and Detaching... on stderr" \
	sh -c "grep -q '^Tracing syscalls' $out.err && grep -q '^Detaching' $out.err"
check "--json: stats, nothing lost" \
	grep -q '^{"type":"stats","probe":"syscount",.*"lost":0}$' $out

json_run "-L -x -c failcalls" "failcalls $K"
expect_eq "--json -L -x: $K failed close calls" $K \
	"$(json_sum '"syscall":"close","count":[0-9]+' $out)"
check "--json -L: time_ns of close" \
	grep -qE '"syscall":"close","count":[0-9]+,"time_ns":[1-9][0-9]*\}' $out

json_run "-P -c sysloop" "sysloop $N & echo \$! > /tmp/sc.pid; wait"
spid=$(cat /tmp/sc.pid)
c=$(json_sum "\"pid\":$spid,\"comm\":\"[^\"]*\",\"count\":[0-9]+" $out)
check "--json -P: sysloop's pid $spid with at least $N calls (got '$c')" \
	[ "${c:-0}" -ge $N ]

ktracectl enable syscount -l --json > $out 2>&1
check "-l --json: getppid is 110" \
	grep -q '^{"type":"syscall","name":"getppid","nr":110}$' $out
expect_eq "-l --json: every line JSON" 0 "$(json_bad $out)"

check "rmmod" rmmod ktrace
tap_end
