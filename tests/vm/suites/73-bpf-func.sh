# SPDX-License-Identifier: GPL-2.0
# The BPF versions of funclatency, funccount and profile
# (ktracectl --backend bpf), first with ktrace.ko not loaded, each over
# the workload of its module twin's suite, counted exactly: sysloop N
# makes exactly N getppid calls, readloop K exactly K one-byte reads.
# funclatency through fentry/fexit and through the kprobe fallback;
# funccount through kprobe_multi and through one kprobe per function;
# profile over a getppid loop.  Then, with the module loaded, both
# backends over the very same vfs_read loop at once: totals within 1 %
# and the same modal bucket.
. /ktrace/tap.sh

N=5000
K=2000
GETPPID=__x64_sys_getppid
FL_HDR="Tracing 1 functions for"
FC_HDR="Tracing [0-9]* functions for"
out=/tmp/bf.out
out2=/tmp/bf2.out

# start OUT HEADER ARGS...: ktracectl ARGS in the background, stdout in
# OUT and stderr in OUT.err, once HEADER is in HFILE (OUT unless set);
# its pid in $pid.  OUT is removed first so an earlier run's header
# cannot pass for this one's.
start()
{
	o=$1
	h=$2
	shift 2
	rm -f "$o" "$o.err"
	ktracectl "$@" > "$o" 2> "$o.err" &
	pid=$!
	if ! wait_for "$h" "${hfile:-$o}"; then
		kill -KILL $pid 2>/dev/null
		wait $pid
		return 1
	fi
}

# stop PID: SIGINT, then its exit status; SIGKILL (status 137) if it has
# not exited 30 s later, so a hang fails tests, not the suite.
stop()
{
	kill -INT "$1"
	(sleep 30; kill -KILL "$1" 2>/dev/null) > /dev/null 2>&1 &
	dog=$!
	wait "$1"
	st=$?
	kill $dog 2>/dev/null
	return $st
}

# fl "options" "workload": funclatency through BPF; the output in $out,
# the exit status in $rc.
fl()
{
	rc=1
	start $out "$FL_HDR" --backend bpf enable funclatency -v $1 || return 1
	sh -c "$2" > /dev/null
	stop $pid
	rc=$?
}

# fc "options" "workload": funccount through BPF, as fl.
fc()
{
	rc=1
	start $out "$FC_HDR" --backend bpf enable funccount -v $1 || return 1
	sh -c "$2" > /dev/null
	stop $pid
	rc=$?
}

# The count of the summary lines ("avg = ..., count: N"), added up.
summary_count()
{
	awk '$1 == "avg" { s += $NF } END { print s + 0 }' "$@"
}

# fc_count FUNC: the COUNT column of FUNC's rows in $out, added up.
fc_count()
{
	awk -v f=$1 '$1 == f { s += $2 } END { print s + 0 }' $out
}

rmmod ktrace 2>/dev/null
check "no ktrace.ko, no /dev/ktrace" \
	sh -c '! grep -q "^ktrace " /proc/modules && [ ! -e /dev/ktrace ]'

# --- funclatency ------------------------------------------------------
fl "-c sysloop $GETPPID" "sysloop $N"
expect_eq "funclatency: exits 0 on SIGINT" 0 "$rc"
# Debian's 6.1 BTF lacks the syscall wrappers: kprobes there.
check "funclatency: fentry or kprobes, said with -v" \
	grep -q "bpf: $GETPPID: \(fentry\|kprobe\)$" $out.err
check "funclatency: header names the function" \
	grep -q "$FL_HDR \"$GETPPID\"\.\.\. Hit Ctrl-C to end\." $out
check "funclatency: nsecs by default" grep -q "nsecs.*: count.*distribution" $out
expect_eq "funclatency: $N getppid calls, $N in the histogram" $N \
	"$(hist_total $out)"
expect_eq "funclatency: summary count $N" $N "$(summary_count $out)"

fl "-u -c sysloop $GETPPID" "sysloop $N"
check "funclatency -u: usecs" grep -q "^avg = [0-9]* usecs, total: [0-9]* usecs" $out
expect_eq "funclatency -u: $N calls" $N "$(hist_total $out)"

fl "-m -c sysloop $GETPPID" "sysloop $N"
check "funclatency -m: msecs" grep -q "msecs.*: count.*distribution" $out
expect_eq "funclatency -m: $N calls" $N "$(hist_total $out)"

fl "-P -c sysloop $GETPPID" "sysloop $N & echo \$! > /tmp/bf.pid; wait"
check "funclatency -P: 'pid = <sysloop's pid>'" \
	grep -q "^pid = $(cat /tmp/bf.pid)$" $out
expect_eq "funclatency -P: $N calls" $N "$(hist_total $out)"

fl "-L -c sysloop $GETPPID" "sysloop $N & echo \$! > /tmp/bf.pid; wait"
check "funclatency -L: 'tid = <sysloop's pid>'" \
	grep -q "^tid = $(cat /tmp/bf.pid)$" $out
expect_eq "funclatency -L: $N calls" $N "$(hist_total $out)"

# -p: only that process; a second sysloop alongside is not counted.
rm -f /tmp/bf.go
sh -c "while [ ! -f /tmp/bf.go ]; do sleep 0.1; done; exec sysloop $N" &
tpid=$!
if start $out "$FL_HDR" --backend bpf enable funclatency -p $tpid $GETPPID; then
	sysloop 1000 &
	touch /tmp/bf.go
	wait $tpid
	wait $!
	stop $pid
else
	touch /tmp/bf.go
	wait $tpid
fi
expect_eq "funclatency -p: only that process's $N calls" $N "$(hist_total $out)"

fl "-c readloop vfs_read" "readloop $K"
check "funclatency vfs_read: fentry" grep -q "bpf: vfs_read: fentry" $out.err
got=$(hist_total $out)
check "funclatency vfs_read: $K reads, $K to $K+10 counted (got $got)" \
	test "$got" -ge $K -a "$got" -le $((K + 10))

export KTRACE_BPF_KPROBE=1
fl "-c sysloop $GETPPID" "sysloop $N"
check "funclatency kprobe fallback: kprobes attached" \
	grep -q "bpf: $GETPPID: kprobe" $out.err
expect_eq "funclatency kprobe fallback: $N calls" $N "$(hist_total $out)"
fl "-c readloop vfs_read" "readloop $K"
got=$(hist_total $out)
check "funclatency kprobe fallback vfs_read: $K to $K+10 (got $got)" \
	test "$got" -ge $K -a "$got" -le $((K + 10))
unset KTRACE_BPF_KPROBE

# Interval mode: two 3 s intervals (sysloop's exec is slow on the debug
# kernel), read and cleared by flipping sets.
rm -f $out
ktracectl --backend bpf enable funclatency -c sysloop 3 2 $GETPPID > $out 2>&1 &
pid=$!
wait_for "$FL_HDR" $out
sysloop $N
wait $pid
expect_eq "funclatency interval mode: exits 0" 0 "$?"
expect_eq "funclatency interval mode: the intervals add up to $N" $N \
	"$(hist_total $out)"

ktracectl --backend bpf enable funclatency no_such_function_xyz > $out 2> $out.err
expect_eq "funclatency: missing function, exit 1" 1 "$?"
check "... named" grep -q "no kernel function 'no_such_function_xyz'" $out.err
expect_eq "... in one line" 1 "$(wc -l < $out.err)"

# --- funccount --------------------------------------------------------
fc "-c sysloop $GETPPID" "sysloop $N"
expect_eq "funccount: exits 0 on SIGINT" 0 "$rc"
check "funccount: header, 1 function" \
	grep -q "^Tracing 1 functions for \"$GETPPID\"\.\.\. Hit Ctrl-C to end\.$" $out
check "funccount: FUNC COUNT table" grep -q "^FUNC  *COUNT$" $out
expect_eq "funccount -c sysloop: exactly $N calls of $GETPPID" $N \
	"$(fc_count $GETPPID)"
check "funccount: Detaching..." grep -q "^Detaching\.\.\.$" $out

# fcw "pattern" KIND: 'pattern' with -c readloop over readloop $K.
fcw()
{
	rc=1
	start $out "$FC_HDR" --backend bpf enable funccount -v -c readloop "$1" || return 1
	readloop $K > /dev/null
	stop $pid
	rc=$?
	sed 's/^/# /' $out.err
	nf=$(sed -n 's/^Tracing \([0-9]*\) functions.*/\1/p' $out)
	got=$(fc_count vfs_read)
	expect_eq "funccount '$1' ($2): exits 0" 0 "$rc"
	check "funccount '$1' ($2): several functions ($nf)" [ "${nf:-0}" -gt 1 ]
	check "funccount '$1' ($2): vfs_read $K to $K+10 (got $got)" \
		test "$got" -ge $K -a "$got" -le $((K + 10))
	check "funccount '$1' ($2): only ${1%\*}* rows" [ -z "$(awk -v p="^${1%\*}" \
		'NF == 2 && $1 != "FUNC" && $1 !~ p' $out)" ]
}

fcw 'vfs_*' kprobe_multi
if grep -q "no kprobe_multi (Operation not supported)" $out.err; then
	# Debian's 6.1 has no CONFIG_FPROBE.
	skip "funccount 'vfs_*': this kernel has no kprobe_multi"
	check "funccount 'vfs_*': one kprobe each instead" \
		grep -q "bpf: funccount: [0-9]* kprobes, 0 refused" $out.err
else
	check "funccount 'vfs_*': one kprobe_multi link" \
		grep -q "bpf: funccount: kprobe_multi over" $out.err
fi
export KTRACE_BPF_KPROBE=1
fcw 'vfs_rea*' kprobes
check "funccount 'vfs_rea*': one kprobe each" \
	grep -q "bpf: funccount: [0-9]* kprobes" $out.err
fc "-c sysloop $GETPPID" "sysloop $N"
expect_eq "funccount kprobe: exactly $N calls of $GETPPID" $N \
	"$(fc_count $GETPPID)"
unset KTRACE_BPF_KPROBE

# -d: one report at the end of the duration, on its own.
rm -f $out
ktracectl --backend bpf enable funccount -c sysloop -d 5 $GETPPID > $out 2>&1 &
pid=$!
wait_for "$FC_HDR" $out
sysloop $N
wait $pid
expect_eq "funccount -d 5: exits 0 on its own" 0 "$?"
expect_eq "funccount -d 5: $N calls" $N "$(fc_count $GETPPID)"

ktracectl --backend bpf enable funccount 'no_such_function_xyz*' > $out 2> $out.err
expect_eq "funccount: nothing matches, exit 1" 1 "$?"
check "... said in one line" sh -c "[ \$(wc -l < $out.err) -eq 1 ] && grep -q \"no kernel function matches 'no_such_function_xyz\*'\" $out.err"

# --- profile ----------------------------------------------------------
# Sum of the last field of folded lines ("a;b;c N").
folded_total()
{
	awk 'NF >= 2 && $NF ~ /^[0-9]+$/ && $0 ~ /;/ { s += $NF } END { print s + 0 }' "$@"
}

# A getppid loop for the duration, sampled at 99 Hz.
D=4
rc=1
rm -f $out $out.err
ktracectl --backend bpf enable profile -F 99 -c sysloop $D > $out 2>$out.err &
pid=$!
if wait_for "Sampling at 99 Hertz" $out.err; then
	sysloop 1000000000 &
	spid=$!
	(sleep 60; kill -KILL $pid 2>/dev/null) > /dev/null 2>&1 &
	dog=$!
	wait $pid
	rc=$?
	kill $dog $spid 2>/dev/null
	wait $spid
fi
sed 's/^/# /' $out.err
head -10 $out | sed 's/^/# /'
expect_eq "profile $D: exits 0 by itself" 0 "$rc"
check "profile: banner on stderr" grep -q "^Sampling at 99 Hertz of the selected threads by kernel stack for $D secs\.$" $out.err
check "profile: stdout is folded lines only" sh -c "! grep -qv '^[^ ;][^;]*;.* [0-9][0-9]*$' $out"
check "profile: every line is sysloop's" sh -c "! grep -qv '^sysloop;' $out"
check "profile: samples in the syscall path" \
	grep -q "^sysloop;.*do_syscall_64" $out
echo "# $(grep -c "^sysloop;.*getppid" $out) stacks through getppid"
total=$(folded_total $out)
# One CPU busy with sysloop: at most 99 Hz for the time, and a good part of it.
check "profile: samples ($total) between 20 and $((99 * (D + 2)))" \
	[ "$total" -ge 20 -a "$total" -le $((99 * (D + 2))) ]
check "profile: no address in the output" sh -c "! grep -q 'ffffffff' $out"

# --no-folded: bcc's multi-line stacks.
rm -f $out $out.err
ktracectl --backend bpf enable profile --no-folded -c sysloop 4 > $out 2>$out.err &
pid=$!
wait_for "Sampling" $out.err
sysloop 1000000000 &
spid=$!
wait $pid
rc=$?
kill $spid 2>/dev/null
wait $spid
expect_eq "profile --no-folded: exits 0" 0 "$rc"
check "profile --no-folded: sysloop [pid] lines" grep -q "^    sysloop \[[0-9]*\]$" $out

# --- cross-check, with the module loaded --------------------------------
if ! load_ktrace; then
	not_ok "ktrace.ko loads"
	tap_end
	exit
fi

# Both backends at once over the same calls: the same histogram.  Each
# one's probes run inside the other's timing, which on the debug kernel
# is enough to move a call across a log2 bucket boundary; so the calls
# are 6 ms sleeps, hrtimer_nanosleep() in /tmp/usleep (busybox, run by
# path so that it is its own process, not the shell's builtin), which
# land mid-bucket whatever the overhead.
D=50
ln -sf /bin/busybox /tmp/usleep
if start $out "$FL_HDR" --backend module enable funclatency -u -c usleep hrtimer_nanosleep; then
	mpid=$pid
	if start $out2 "$FL_HDR" --backend bpf enable funclatency -u -c usleep hrtimer_nanosleep; then
		i=0
		while [ $i -lt $D ]; do
			/tmp/usleep 6000
			i=$((i + 1))
		done
		stop $pid
	fi
	stop $mpid
fi
tm=$(hist_total $out)
tb=$(hist_total $out2)
paste $out $out2 | sed -n 's/^/# /; /->/p'
echo "# module $tm in $(modal $out), bpf $tb in $(modal $out2)"
expect_eq "cross-check: the module counts $D sleeps" $D "$tm"
check "cross-check: totals within 1 %" \
	[ $(( (tm - tb) * (tm - tb) * 10000 )) -le $((tm * tm)) ]
check "cross-check: a modal bucket" [ -n "$(modal $out)" ]
expect_eq "cross-check: the same modal bucket" "$(modal $out)" "$(modal $out2)"

check "rmmod" rmmod ktrace
tap_end
