# SPDX-License-Identifier: GPL-2.0
# opensnoop: openloop opens a known path exactly N times (each closed);
# opensnoop must show exactly N lines with that path, name and fd >= 0;
# a missing path N lines with FD -1 and ERR 2 (ENOENT).  -x shows only the
# failures, -p only that process's opens, -n only matching names, -e the
# flags (from open_how for openat2), -T a timestamp; with -v, the loss
# ledger of each CPU under a flood from both.
. /ktrace/tap.sh

N=200
HEADER="PID  *COMM  *FD  *ERR"
out=/tmp/os.out
err=/tmp/os.err
target=/tmp/os-target
missing=/tmp/os-missing

# start_traced "ktracectl options": ktracectl in the background (pid in
# $pid), once its header is out.  $out is removed first so a header left
# by an earlier run cannot pass for this one's.
start_traced()
{
	rm -f $out $err
	ktracectl enable opensnoop $1 > $out 2>$err &
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

# count PATTERN: lines of $out matching.
count()
{
	grep -c -- "$1" $out
}

ok_line="^[0-9][0-9]*  *openloop  *[0-9][0-9]*  *0 $target$"
fail_line="^[0-9][0-9]*  *openloop  *-1  *2 $missing$"

check "ktrace.ko loads" load_ktrace
echo data > $target
rm -f $missing

if ! ktracectl list 2>/dev/null | grep -q opensnoop; then
	not_ok "ktracectl list shows opensnoop"
	rmmod ktrace
	tap_end
	exit
fi
ok "ktracectl list shows opensnoop"

run_traced "" "openloop $N $target"
expect_eq "exits 0 on SIGINT" 0 "$rc"
check "header PID COMM FD ERR PATH" grep -q "^PID  *COMM  *FD  *ERR PATH$" $out
expect_eq "$N openat of $target, $N lines with fd >= 0" $N "$(count "$ok_line")"
expect_eq "every line of $target is openloop's, none failed" $N "$(count " $target$")"
check "seen = delivered, nothing dropped" grep -q "^seen \([0-9]*\) delivered \1 dropped 0$" $err

run_traced "" "openloop $N $missing"
expect_eq "$N opens of a missing path: FD -1 ERR 2" $N "$(count "$fail_line")"

# open and openat2 too.
run_traced "" "openloop $N $target open; openloop $N $missing openat2"
expect_eq "open(2): $N lines" $N "$(count "$ok_line")"
expect_eq "openat2(2), missing: $N lines" $N "$(count "$fail_line")"

# -x: the failures only.
run_traced "-x" "openloop $N $target; openloop $N $missing"
expect_eq "-x: $N failed opens" $N "$(count "$fail_line")"
expect_eq "-x: no successful open" 0 "$(count " $target$")"

# -p: only the process given.  It waits for a go file, then execs
# openloop, so its pid is known before it opens; a second openloop opening
# the same path meanwhile must not show.
rm -f /tmp/os.go
sh -c "while [ ! -f /tmp/os.go ]; do sleep 0.1; done; exec openloop $N $target" \
	> /dev/null &
tpid=$!
if start_traced "-p $tpid"; then
	openloop 77 $target > /dev/null &
	other=$!
	touch /tmp/os.go
	wait $tpid
	wait $other
	stop_traced
else
	touch /tmp/os.go
	wait $tpid
fi
expect_eq "-p $tpid: its $N opens" $N "$(count "^$tpid  *openloop  *[0-9][0-9]*  *0 $target$")"
expect_eq "-p $tpid: no other process" $N "$(grep -c " $target$" $out)"

# -n: names containing NAME.
cp /ktrace/bin/openloop /tmp/otherloop
run_traced "-n openl" "openloop 30 $target; /tmp/otherloop 40 $target"
expect_eq "-n openl: openloop's 30" 30 "$(count "$ok_line")"
expect_eq "-n openl: not otherloop's" 0 "$(count "otherloop")"

# -e: flags in octal; openat2's come from struct open_how (O_CLOEXEC).
run_traced "-e" "openloop 10 $target; openloop 20 $target openat2"
check "-e: FLAGS header" grep -q "^PID  *COMM  *FD  *ERR FLAGS  *PATH$" $out
expect_eq "-e: openat O_RDONLY 00000000" 10 "$(count "  *0 00000000 $target$")"
expect_eq "-e: openat2 O_CLOEXEC 02000000" 20 "$(count "  *0 02000000 $target$")"

# -T: seconds since start, first.
run_traced "-T" "openloop 5 $target"
check "-T: TIME(s) header" grep -q "^TIME(s)  *PID  *COMM  *FD  *ERR PATH$" $out
expect_eq "-T: a timestamp first" 5 "$(count "^[0-9]*\.[0-9][0-9][0-9]  *[0-9][0-9]*  *openloop  *[0-9][0-9]*  *0 $target$")"

# The loss ledger from both CPUs: one openloop process, a thread pinned to
# each CPU, floods a stalled reader's one-page rings, kept whole by -p.
# -v: per CPU, the control page's records + drops (seen) = the records
# read from that CPU + its drops, and the seen add up to the 2F opens.
F=2000
rm -f /tmp/os.go
openloop -t 2 -g /tmp/os.go $F $target > /dev/null &
tpid=$!
if start_traced "-v -b 1 -p $tpid"; then
	kill -STOP $pid
	touch /tmp/os.go
	wait $tpid
	kill -CONT $pid
	stop_traced
else
	touch /tmp/os.go
	wait $tpid
fi
grep -e "^seen " -e "^cpu [0-9]*: " $err | sed 's/^/# /'
ledger=$(grep "^cpu [0-9]*: seen [0-9]* delivered [0-9]* dropped [0-9]*$" $err)
expect_eq "ledger, two CPUs: both CPUs saw opens" 2 \
	"$(echo "$ledger" | awk '$4 > 0' | wc -l)"
expect_eq "ledger, two CPUs: per CPU, seen = delivered + dropped" 2 \
	"$(echo "$ledger" | awk '$4 == $6 + $8' | wc -l)"
expect_eq "ledger, two CPUs: seen is exactly the $((2 * F)) opens" \
	$((2 * F)) "$(echo "$ledger" | awk '{ s += $4 } END { print s + 0 }')"
check "ledger, two CPUs: records dropped" \
	[ "$(echo "$ledger" | awk '{ s += $8 } END { print s + 0 }')" -gt 0 ]
expect_eq "ledger, two CPUs: the totals line is the CPUs' sum" \
	"$(echo "$ledger" | awk '{ s += $4; d += $6; x += $8 } END { print "seen " s " delivered " d " dropped " x }')" \
	"$(grep "^seen " $err)"

# Usage errors: exit 2.
ktracectl enable opensnoop -p abc > $out 2>$err
expect_eq "-p abc: exit 2" 2 "$?"
check "usage printed" grep -q "^Usage: ktracectl enable opensnoop" $err

# --json: one "event" line per open with the record's fields, the header
# on stderr, a "stats" line at exit and, with -v, a "ledger" line per CPU.
# (openat's mode is whatever its unused fourth argument held.)
rm -f $out $err
ktracectl enable opensnoop --json -v > $out 2>$err &
pid=$!
if wait_for "$HEADER" $err; then
	openloop $N $target > /dev/null
	openloop $N $missing openat2 > /dev/null
	stop_traced
	rc=$?
else
	kill $pid 2>/dev/null
	wait $pid
	rc=1
fi
head -n 2 $out | sed 's/^/# /'
expect_eq "--json: exits 0" 0 "$rc"
expect_eq "--json: every line a JSON object with a type" 0 "$(json_bad $out)"
expect_eq "--json: $N opens of $target with an fd" $N \
	"$(grep -c '^{"type":"event","probe":"opensnoop",.*"comm":"openloop","fd":[0-9][0-9]*,"err":0,"dfd":-100,"flags":0,"mode":[0-9]*,"path":"'$target'"}$' $out)"
expect_eq "--json: $N openat2 of $missing, fd -1 err 2, O_CLOEXEC" $N \
	"$(grep -c '"comm":"openloop","fd":-1,"err":2,"dfd":-100,"flags":524288,"mode":[0-9]*,"path":"'$missing'"}$' $out)"
check "--json: stats, seen = delivered, nothing dropped" \
	grep -q '^{"type":"stats","probe":"opensnoop","seen":\([0-9]*\),"delivered":\1,"dropped":0}$' $out
# cpu seen delivered dropped, a line per CPU
lj=$(sed -n 's/^{"type":"ledger","probe":"opensnoop","cpu":\([0-9]*\),"seen":\([0-9]*\),"delivered":\([0-9]*\),"dropped":\([0-9]*\)}$/\1 \2 \3 \4/p' $out)
echo "$lj" | sed 's/^/# ledger: /'
check "--json -v: ledger lines" [ -n "$lj" ]
expect_eq "--json -v: no other ledger line" "$(echo "$lj" | grep -c .)" \
	"$(grep -c '^{"type":"ledger"' $out)"
expect_eq "--json -v: per CPU, seen = delivered + dropped" 0 \
	"$(echo "$lj" | awk '$2 != $3 + $4' | wc -l)"
expect_eq "--json -v: the ledger lines add up to the stats line" \
	"$(sed -n 's/^{"type":"stats","probe":"opensnoop",\(.*\)}$/\1/p' $out)" \
	"$(echo "$lj" | awk '{ s += $2; d += $3; x += $4 } END { print "\"seen\":" s ",\"delivered\":" d ",\"dropped\":" x }')"
check "--json: the header on stderr only" \
	sh -c "grep -q '^PID' $err && ! grep -q '^PID' $out"

check "rmmod" rmmod ktrace
tap_end
