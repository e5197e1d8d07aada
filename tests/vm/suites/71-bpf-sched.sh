# SPDX-License-Identifier: GPL-2.0
# The BPF versions of syscount, runqlat and bpfwatch (ktracectl --backend
# bpf), first with ktrace.ko not loaded, over the workloads of their
# module twins' suites (51-syscount, 50-runqlat, 58-bpfwatch), counted
# exactly, with the raw_tp programs as well as the tp_btf ones.  Then,
# with the module loaded, both backends over the very same workload at
# once: the same syscount and bpfwatch rows, runqlat histograms with
# totals within 1 % and the same or neighbouring modal buckets.
. /ktrace/tap.sh

N=3000		# sysloop's getppid calls
K=1500		# failcalls' failed close calls
P=2000		# pingpong's round trips
PMAX=$((4 * P + 100))
B=200		# bpfload's map creations and program loads
SC_HDR="syscalls, printing top"
RQ_HDR="Tracing run queue latency"
BW_HDR="Tracing bpf() calls"
out=/tmp/bs.out
out2=/tmp/bs2.out

# run PROBE HEADER "options" "workload": PROBE through BPF over the
# workload; its output in $out, the exit status in $rc.
run()
{
	rc=1
	start $out "$2" --backend bpf enable $1 -v $3 || return 1
	sh -c "$4" > /dev/null
	stop $pid
	rc=$?
	grep 'hits' $out.err | sed 's/^/# /'
}

# count_of NAME: syscount's COUNT column of NAME's rows, added up.
count_of()
{
	awk -v n="$1" '$1 == n { s += $2 } END { print s + 0 }' "${2:-$out}"
}

# bw_col CMD TYPE N: column N of bpfwatch's bpfload CMD/TYPE rows.
bw_col()
{
	awk -v c=$1 -v t=$2 -v n=$3 \
		'$1 == "bpfload" && $2 == c && $3 == t { s += $n } END { print s + 0 }' \
		"${4:-$out}"
}

# in_range DESCRIPTION VALUE: ok when P <= VALUE <= PMAX.
in_range()
{
	if [ "$2" -ge $P ] && [ "$2" -le $PMAX ]; then
		ok "$1 ($2 in [$P, $PMAX])"
	else
		not_ok "$1 (got $2, expected $P..$PMAX)"
	fi
}

rmmod ktrace 2>/dev/null
check "no ktrace.ko, no /dev/ktrace" \
	sh -c '! grep -q "^ktrace " /proc/modules && [ ! -e /dev/ktrace ]'

ktracectl --backend bpf doctor > $out 2> $out.err
check "doctor: syscount, runqlat and bpfwatch use bpf" sh -c \
	"grep -q '^  syscount .* bpf$' $out && grep -q '^  runqlat .* bpf$' $out && grep -q '^  bpfwatch .* bpf$' $out"

# ---- syscount --------------------------------------------------------
run syscount "$SC_HDR" "-c sysloop" "sysloop $N"
expect_eq "syscount: exits 0 on SIGINT" 0 "$rc"
check "syscount: header" \
	grep -q "^Tracing syscalls, printing top 10\.\.\. Ctrl+C to quit\.$" $out
check "syscount: SYSCALL COUNT columns" grep -q "^SYSCALL  *COUNT$" $out
expect_eq "syscount: $N getppid calls counted by name" $N "$(count_of getppid)"
check "syscount: getppid first" \
	sh -c "grep -A1 '^SYSCALL' $out | tail -n1 | grep -q '^getppid '"
check "syscount: tp_btf programs" grep -q "bpf: sys_exit: tp_btf" $out.err
check "syscount: nothing dropped" sh -c "! grep -q dropped $out.err"

run syscount "$SC_HDR" "-L -c sysloop" "sysloop $N"
check "syscount -L: TIME (us) column" \
	grep -q "^SYSCALL  *COUNT  *TIME (us)$" $out
expect_eq "syscount -L: $N getppid calls" $N "$(count_of getppid)"
check "syscount -L: a getppid time" sh -c \
	"awk '\$1 == \"getppid\" { print \$3 }' $out | grep -q '^[0-9]*\.[0-9][0-9][0-9]$'"

run syscount "$SC_HDR" "-x -c failcalls" "failcalls $K"
check "syscount -x: header says failed" \
	grep -q "^Tracing failed syscalls, printing top 10" $out
expect_eq "syscount -x: $K failed close calls" $K "$(count_of close)"

run syscount "$SC_HDR" "-x -c sysloop" "sysloop $N"
expect_eq "syscount -x: successful getppid calls not counted" 0 \
	"$(count_of getppid)"

run syscount "$SC_HDR" "-P -c sysloop" \
	"sysloop $N & echo \$! > /tmp/bs.pid; wait"
check "syscount -P: PID COMM columns" grep -q "^PID    COMM  *COUNT$" $out
spid=$(cat /tmp/bs.pid)
c=$(awk -v p="$spid" '$1 == p { print $NF }' $out)
check "syscount -P: sysloop's pid $spid with at least $N calls (got '$c')" \
	[ "${c:-0}" -ge $N ]

run syscount "$SC_HDR" "-C -c sysloop" "sysloop $N"
c=$(awk '$1 == "sysloop" { print $2 }' $out)
check "syscount -C: sysloop with at least $N calls (got '$c')" \
	[ "${c:-0}" -ge $N ]

# -p: only that process; a second sysloop runs alongside.
rm -f /tmp/bs.go
sh -c "while [ ! -f /tmp/bs.go ]; do sleep 0.1; done; exec sysloop $N" &
tpid=$!
if start $out "$SC_HDR" --backend bpf enable syscount -p $tpid; then
	sysloop 1000 &
	touch /tmp/bs.go
	wait $tpid
	wait $!
	stop $pid
else
	touch /tmp/bs.go
	wait $tpid
fi
expect_eq "syscount -p: only that process's $N getppid calls" $N \
	"$(count_of getppid)"

export KTRACE_BPF_RAW_TP=1
run syscount "$SC_HDR" "-c sysloop" "sysloop $N"
unset KTRACE_BPF_RAW_TP
check "syscount raw_tp fallback: raw_tp programs" \
	grep -q "bpf: sys_exit: raw_tp" $out.err
expect_eq "syscount raw_tp fallback: $N getppid calls" $N "$(count_of getppid)"

# Interval mode: each table read and cleared by flipping sets.
rm -f $out
ktracectl --backend bpf enable syscount -c sysloop -i 1 -d 3 > $out 2>&1 &
pid=$!
wait_for "$SC_HDR" $out
sysloop $N
wait $pid
expect_eq "syscount -i 1 -d 3: exits 0 by itself" 0 "$?"
check "syscount -i 1 -d 3: three tables" [ "$(grep -c '^SYSCALL' $out)" -eq 3 ]
expect_eq "syscount -i 1 -d 3: the intervals add up to $N" $N \
	"$(count_of getppid)"

# ---- runqlat ---------------------------------------------------------
run runqlat "$RQ_HDR" "-c pingpong" "pingpong $P"
expect_eq "runqlat: exits 0 on SIGINT" 0 "$rc"
check "runqlat: header" grep -q "^$RQ_HDR\.\.\. Hit Ctrl-C to end\.$" $out
check "runqlat: usecs" grep -q "usecs.*: count.*distribution" $out
in_range "runqlat -c pingpong: the wakeups of $P round trips" \
	"$(hist_total $out)"
check "runqlat: tp_btf programs" grep -q "bpf: sched_switch: tp_btf" $out.err
check "runqlat: nothing dropped" sh -c "! grep -q dropped $out.err"

run runqlat "$RQ_HDR" "-m -c pingpong" "pingpong $P"
check "runqlat -m: msecs header" grep -q "msecs.*: count.*distribution" $out
in_range "runqlat -m: wakeups counted" "$(hist_total $out)"

run runqlat "$RQ_HDR" "-P -c pingpong" \
	"pingpong $P & echo \$! > /tmp/bs.pid; wait"
check "runqlat -P: section 'pid = <pingpong's pid>'" \
	grep -q "^pid = $(cat /tmp/bs.pid)\( .*\)\?$" $out
check "runqlat -P: two processes, two sections" \
	[ "$(grep -c '^pid = ' $out)" -eq 2 ]
in_range "runqlat -P: wakeups counted" "$(hist_total $out)"

run runqlat "$RQ_HDR" "-L -c pingpong" \
	"pingpong $P & echo \$! > /tmp/bs.pid; wait"
check "runqlat -L: section 'tid = <pingpong's pid>'" \
	grep -q "^tid = $(cat /tmp/bs.pid)\( .*\)\?$" $out
in_range "runqlat -L: wakeups counted" "$(hist_total $out)"

# Another command's wakeups stay out: the filter tests the waiting task.
cp /ktrace/bin/pingpong /tmp/pongping
run runqlat "$RQ_HDR" "-c pingpong" "/tmp/pongping $((5 * P)); pingpong $P"
in_range "runqlat -c keeps pongping's $((5 * P)) round trips out" \
	"$(hist_total $out)"

# -p: one process of the two; the other one's waits stay out.
rm -f /tmp/bs.go
sh -c "while [ ! -f /tmp/bs.go ]; do sleep 0.1; done; exec pingpong $P" &
tpid=$!
if start $out "$RQ_HDR" --backend bpf enable runqlat -P -p $tpid; then
	touch /tmp/bs.go
	wait $tpid
	stop $pid
else
	touch /tmp/bs.go
	wait $tpid
fi
expect_eq "runqlat -p: one section, pid = $tpid" "1 1" \
	"$(grep -c '^pid = ' $out) $(grep -c "^pid = $tpid\( .*\)\?$" $out)"
t=$(hist_total $out)
check "runqlat -p: about one wakeup per round trip ($t)" \
	[ "$t" -ge $((P / 2)) -a "$t" -le $((2 * P + 50)) ]

export KTRACE_BPF_RAW_TP=1
run runqlat "$RQ_HDR" "-c pingpong" "pingpong $P"
unset KTRACE_BPF_RAW_TP
check "runqlat raw_tp fallback: raw_tp programs" \
	grep -q "bpf: sched_switch: raw_tp" $out.err
in_range "runqlat raw_tp fallback: wakeups counted" "$(hist_total $out)"

# Interval mode: three 3 s intervals, each read and cleared by flipping
# sets, over fewer round trips, which end within them even on the debug
# kernel.
S=500
rm -f $out
ktracectl --backend bpf enable runqlat -c pingpong 3 3 > $out 2>&1 &
pid=$!
wait_for "$RQ_HDR" $out
pingpong $S
wait $pid
expect_eq "runqlat interval mode: exits 0 after 3 intervals" 0 "$?"
t=$(hist_total $out)
check "runqlat interval mode: the intervals add up ($t in [$S, $((4 * S + 100))])" \
	[ "$t" -ge $S -a "$t" -le $((4 * S + 100)) ]

# ---- bpfwatch --------------------------------------------------------
check "bpfload 1 works here" bpfload 1
rc=1
if start $out "$BW_HDR" --backend bpf enable bpfwatch -v; then
	bpfload $B
	lrc=$?
	stop $pid
	rc=$?
fi
sed 's/^/# /' $out
expect_eq "bpfwatch: bpfload $B exits 0" 0 "$lrc"
expect_eq "bpfwatch: exits 0 on SIGINT" 0 "$rc"
check "bpfwatch: table header" \
	grep -q "^COMM  *CMD  *PROG_TYPE  *COUNT  *ERRORS  *RATE/s$" $out
expect_eq "bpfwatch: exactly $B MAP_CREATE" $B "$(bw_col MAP_CREATE - 4)"
expect_eq "bpfwatch: exactly $B PROG_LOAD SOCKET_FILTER" $B \
	"$(bw_col PROG_LOAD SOCKET_FILTER 4)"
expect_eq "bpfwatch: no errors" "0 0" \
	"$(bw_col MAP_CREATE - 5) $(bw_col PROG_LOAD SOCKET_FILTER 5)"
expect_eq "bpfwatch: ktracectl's own map reads left out" "" \
	"$(awk '$1 == "ktracectl"' $out)"
check "bpfwatch: tp_btf programs" grep -q "bpf: sys_enter: tp_btf" $out.err

export KTRACE_BPF_RAW_TP=1
rc=1
if start $out "$BW_HDR" --backend bpf enable bpfwatch -v -c bpfload 1; then
	bpfload $B
	sleep 2
	stop $pid
	rc=$?
fi
unset KTRACE_BPF_RAW_TP
expect_eq "bpfwatch -c bpfload 1 (raw_tp): exits 0" 0 "$rc"
check "bpfwatch raw_tp fallback: raw_tp programs" \
	grep -q "bpf: sys_enter: raw_tp" $out.err
check "bpfwatch 1: two tables or more" [ "$(grep -c '^COMM' $out)" -ge 2 ]
expect_eq "bpfwatch 1: MAP_CREATE adds up to $B" $B "$(bw_col MAP_CREATE - 4)"
expect_eq "bpfwatch 1: PROG_LOAD adds up to $B" $B \
	"$(bw_col PROG_LOAD SOCKET_FILTER 4)"
expect_eq "bpfwatch -c bpfload: only bpfload rows" "" \
	"$(awk 'NF == 6 && $1 != "COMM" && $1 != "bpfload"' $out)"

# ---- both backends at once -------------------------------------------
if ! load_ktrace; then
	not_ok "ktrace.ko loads"
	tap_end
	exit
fi

# syscount: sysloop's calls, the same rows from both.
if start $out "$SC_HDR" --backend module enable syscount -c sysloop -T 50; then
	mpid=$pid
	if start $out2 "$SC_HDR" --backend bpf enable syscount -c sysloop -T 50; then
		sysloop $N > /dev/null
		stop $pid
	fi
	stop $mpid
fi
awk 'NF == 2 && $2 ~ /^[0-9]+$/' $out | sort > /tmp/bs.mod
awk 'NF == 2 && $2 ~ /^[0-9]+$/' $out2 | sort > /tmp/bs.bpf
paste /tmp/bs.mod /tmp/bs.bpf | sed 's/^/# /'
expect_eq "cross-check syscount: the module counts $N getppid" $N \
	"$(count_of getppid $out)"
check "cross-check syscount: the same rows" cmp -s /tmp/bs.mod /tmp/bs.bpf

# runqlat: the same pingpong waits.
if start $out "$RQ_HDR" --backend module enable runqlat -c pingpong; then
	mpid=$pid
	if start $out2 "$RQ_HDR" --backend bpf enable runqlat -c pingpong; then
		pingpong $P > /dev/null
		stop $pid
	fi
	stop $mpid
fi
tm=$(hist_total $out)
tb=$(hist_total $out2)
paste $out $out2 | sed -n 's/^/# /; /->/p'
echo "# module $tm in $(modal $out), bpf $tb in $(modal $out2)"
in_range "cross-check runqlat: the module counts the wakeups" "$tm"
check "cross-check runqlat: totals within 1 %" \
	[ $(( (tm - tb) * (tm - tb) * 10000 )) -le $((tm * tm)) ]
check "cross-check runqlat: a modal bucket" [ -n "$(modal $out)" ]
# Each backend's own time on the hooks falls inside the waits it times,
# and under the debug kernel these waits sit near a bucket boundary: the
# fullest buckets may be neighbours, never further apart.
rm_=$(modal_row $out)
rb_=$(modal_row $out2)
check "cross-check runqlat: modal buckets the same or neighbours ($(modal $out), $(modal $out2))" \
	[ $((rm_ - rb_)) -ge -1 -a $((rm_ - rb_)) -le 1 ]

# bpfwatch: the same bpfload rows.
if start $out "$BW_HDR" --backend module enable bpfwatch -c bpfload; then
	mpid=$pid
	if start $out2 "$BW_HDR" --backend bpf enable bpfwatch -c bpfload; then
		bpfload $B > /dev/null
		stop $pid
	fi
	stop $mpid
fi
awk '$1 == "bpfload" { print $1, $2, $3, $4, $5 }' $out | sort > /tmp/bs.mod
awk '$1 == "bpfload" { print $1, $2, $3, $4, $5 }' $out2 | sort > /tmp/bs.bpf
paste /tmp/bs.mod /tmp/bs.bpf | sed 's/^/# /'
expect_eq "cross-check bpfwatch: the module counts $B PROG_LOAD" $B \
	"$(bw_col PROG_LOAD SOCKET_FILTER 4 $out)"
check "cross-check bpfwatch: the same rows" cmp -s /tmp/bs.mod /tmp/bs.bpf

check "rmmod" rmmod ktrace
tap_end
