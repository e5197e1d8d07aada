# SPDX-License-Identifier: GPL-2.0
# trace: a kprobe on do_sys_openat2 printing its user string argument
# while openloop opens a known path N times must print exactly N lines of
# that path; a kretprobe on __x64_sys_getppid while sysloop makes N calls
# exactly N lines whose value is sysloop's parent; a kernel string
# (__set_task_comm's name at exec) with %ks; then the errors: a missing
# function fails with exit 1, bad probe syntax with exit 2.
. /ktrace/tap.sh

HEADER="PID  *TID  *COMM  *FUNC"
out=/tmp/tr.out
err=/tmp/tr.err
marker=/tmp/trace-marker

# start_traced "ktracectl options" "PROBE": ktracectl in the background
# (pid in $pid), once its header is out.  $out is removed first so a
# header left by an earlier run cannot pass for this one's.
start_traced()
{
	rm -f $out $err
	# shellcheck disable=SC2086
	ktracectl enable trace $1 "$2" > $out 2>$err &
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

check "ktrace.ko loads" load_ktrace
echo data > $marker

if ! ktracectl list 2>/dev/null | grep -q "^trace"; then
	not_ok "ktracectl list shows trace"
	rmmod ktrace
	tap_end
	exit
fi
ok "ktracectl list shows trace"

# Entry probe, user string: openloop's 20 openat of the marker.
rc=1
if start_traced "-c openloop" 'do_sys_openat2 "%s", arg2'; then
	openloop 20 $marker > /dev/null
	stop_traced
	rc=$?
fi
expect_eq "openat: exits 0 on SIGINT" 0 "$rc"
check "header PID TID COMM FUNC -" grep -q "^PID  *TID  *COMM  *FUNC  *-$" $out
expect_eq "20 opens of $marker, 20 lines" 20 \
	"$(grep -c "^[0-9][0-9]*  *[0-9][0-9]*  *openloop  *do_sys_openat2  *$marker$" $out)"
expect_eq "no line of another path or task" 20 "$(grep -vc "^PID" $out)"
check "seen = delivered, nothing dropped" \
	grep -q "^seen \([0-9]*\) delivered \1 dropped 0$" $err

# A return probe reads the string at return, from the argument at entry;
# a path longer than the string room is cut, with "...".
long=/tmp/$(printf '%0200d' 0)
cut=$(echo "$long" | cut -c1-127)
rc=1
if start_traced "-c openloop" 'r:do_sys_openat2 "%s", arg2'; then
	openloop 10 $marker > /dev/null
	openloop 3 "$long" > /dev/null
	stop_traced
	rc=$?
fi
expect_eq "r: %s: exits 0" 0 "$rc"
expect_eq "r: %s: 10 lines of $marker" 10 \
	"$(grep -c "  *openloop  *do_sys_openat2  *$marker$" $out)"
expect_eq "r: %s: 3 long paths cut to 127 bytes and ..." 3 \
	"$(grep -c "  *do_sys_openat2  *$cut\.\.\.$" $out)"

# -p: only the process given.  It waits for a go file, then execs
# openloop, so its pid is known before it opens; a second openloop opening
# the same path meanwhile must not show.
rm -f /tmp/tr.go
sh -c "while [ ! -f /tmp/tr.go ]; do sleep 0.1; done; exec openloop 30 $marker" \
	> /dev/null &
tpid=$!
if start_traced "-p $tpid" 'do_sys_openat2 "%s", arg2'; then
	openloop 17 $marker > /dev/null &
	other=$!
	touch /tmp/tr.go
	wait $tpid
	wait $other
	stop_traced
else
	touch /tmp/tr.go
	wait $tpid
fi
expect_eq "-p $tpid: its 30 opens" 30 \
	"$(grep -c "^$tpid  *$tpid  *openloop  *do_sys_openat2  *$marker$" $out)"
expect_eq "-p $tpid: no other process" 30 "$(grep -c " $marker$" $out)"

# Return probe: 100 getppid calls returning this shell's pid.
rc=1
if start_traced "-c sysloop" 'r:__x64_sys_getppid'; then
	sysloop 100 > /dev/null
	stop_traced
	rc=$?
fi
expect_eq "getppid: exits 0 on SIGINT" 0 "$rc"
expect_eq "100 returns of getppid = $$" 100 \
	"$(grep -c "^[0-9][0-9]*  *[0-9][0-9]*  *sysloop  *__x64_sys_getppid  *$$$" $out)"
expect_eq "nothing else" 100 "$(grep -vc "^PID" $out)"

# A format with text around a 64-bit conversion, and -T.
rc=1
if start_traced "-T -c sysloop" 'r::__x64_sys_getppid "ppid=%lld!", retval'; then
	sysloop 7 > /dev/null
	stop_traced
	rc=$?
fi
expect_eq "-T %lld: 7 lines" 7 \
	"$(grep -c "^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]  *[0-9][0-9]*  *[0-9][0-9]*  *sysloop  *__x64_sys_getppid  *ppid=$$!$" $out)"

# Kernel string: at exec, __set_task_comm gets the new name, in kernel
# memory (the comm is still the shell's then: no -c).
rc=1
if start_traced "" '__set_task_comm "%ks", arg2'; then
	for _ in 1 2 3 4 5; do openloop 1 $marker > /dev/null; done
	stop_traced
	rc=$?
fi
expect_eq "%ks: exits 0" 0 "$rc"
expect_eq "%ks: 5 execs of openloop" 5 \
	"$(grep -c "  *__set_task_comm  *openloop$" $out)"

# Errors: no such function (exit 1, said), bad syntax (exit 2, usage).
ktracectl enable trace 'no_such_function_ktrace "%d", arg1' > $out 2>$err
expect_eq "missing function: exit 1" 1 "$?"
check "missing function: said" grep -q "cannot probe 'no_such_function_ktrace'" $err
for bad in 'do_sys_openat2 "%s"' 'do_sys_openat2 "%s", arg7' \
	'do_sys_openat2 "%d", retval' 'r:vfs_read "%s", retval' \
	'9abc' 'do_sys_openat2 "%q", arg1' 'do_sys_openat2 "%d %d", arg1' \
	'do_sys_openat2 "x' 'do_sys_openat2 junk'; do
	ktracectl enable trace "$bad" > $out 2>$err
	expect_eq "bad probe '$bad': exit 2" 2 "$?"
done
check "usage printed" grep -q "^Usage: ktracectl enable trace" $err
ktracectl enable trace > $out 2>$err
expect_eq "no probe: exit 2" 2 "$?"

# --json: an "event" line per call, the message as the text prints it
# and the string read.
json_traced $out "openloop 20 $marker" enable trace -c openloop 'do_sys_openat2 "%s", arg2'
expect_eq "--json: exits 0" 0 "$rc"
expect_eq "--json: every line a JSON object with a type" 0 "$(json_bad $out)"
expect_eq "--json: 20 opens of $marker" 20 \
	"$(grep -c "^{\"type\":\"event\",\"probe\":\"trace\",.*\"comm\":\"openloop\",\"func\":\"do_sys_openat2\",\"msg\":\"$marker\",\"args\":\[[0-9,]*\],\"str\":\"$marker\",\"str_cut\":false}$" $out)"
check "--json: stats, seen = delivered, nothing dropped" \
	grep -q '^{"type":"stats","probe":"trace","seen":\([0-9]*\),"delivered":\1,"dropped":0}$' $out

check "rmmod" rmmod ktrace
tap_end
