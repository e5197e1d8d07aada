# SPDX-License-Identifier: GPL-2.0
# The probes only the BPF backend has, with ktrace.ko not loaded, then
# loaded (they must still run on BPF):
#  - ufunclatency and ufunccount: uprobes on ufunc_target's ufunc_sleep()
#    (N calls of a USEC sleep) and ufunc_tick() (M calls), counted exactly,
#    each latency at least the sleep; filters, wildcards, a USDT probe,
#    bad targets, and --backend module refused;
#  - netsize: packet sizes at a cgroup's cgroup_skb hooks, over K UDP
#    datagrams of S bytes over loopback from a process in that cgroup:
#    K packets of S + 28 bytes each way.
. /ktrace/tap.sh

T=/ktrace/bin/ufunc_target
N=20
M=500
US=2000
out=/tmp/bo.out

# start OUT HEADER ARGS...: ktracectl ARGS in the background, stdout in
# OUT and stderr in OUT.err, once HEADER is out; its pid in $pid.
start()
{
	o=$1
	h=$2
	shift 2
	rm -f "$o" "$o.err"
	ktracectl "$@" > "$o" 2> "$o.err" &
	pid=$!
	if ! wait_for "$h" "$o"; then
		sed 's/^/# /' "$o.err"
		kill -KILL $pid 2>/dev/null
		wait $pid
		return 1
	fi
}

# ul "options" "workload": ufunclatency over the workload; $out, $rc.
ul()
{
	rc=1
	start $out "Tracing 1 functions" enable ufunclatency $1 || return 1
	sh -c "$2" > /tmp/bo.work
	stop $pid
	rc=$?
}

# uc "args" "workload": ufunccount over the workload; $out, $rc.
uc()
{
	rc=1
	start $out "Tracing .* functions" enable ufunccount $1 || return 1
	sh -c "$2" > /tmp/bo.work
	stop $pid
	rc=$?
}

# The count ufunccount's table in $out shows for FUNC.
ucount()
{
	awk -v f="$1" '$1 == f { print $2; n++ } END { if (!n) print 0 }' $out
}

# Events in histogram buckets starting at or above $1.
at_least()
{
	awk -v lo="$1" '$2 == "->" && $4 == ":" && $1 >= lo { s += $5 }
			END { print s + 0 }' $out
}

rmmod ktrace 2>/dev/null
# For the record: the LSMs running (a BPF LSM probe needs "bpf" there).
[ -e /sys/kernel/security/lsm ] ||
	mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
echo "# LSMs: $(cat /sys/kernel/security/lsm 2>/dev/null)"

# ufunclatency: without --backend (the module's default) BPF runs it.
ul "-u $T:ufunc_sleep" "$T $N $M $US"
expect_eq "ufunclatency: exits 0" 0 "$rc"
sed 's/^/# /' $out
expect_eq "ufunclatency: $N calls of ufunc_sleep" $N "$(hist_total $out)"
check "ufunclatency: usecs histogram header" \
	grep -q "usecs.*: count.*distribution" $out
expect_eq "ufunclatency: all $N at least $US us (buckets from 1024)" $N \
	"$(at_least 1024)"
avg=$(sed -n 's/^avg = \([0-9]*\) usecs.*count: \([0-9]*\)$/\1/p' $out)
check "ufunclatency: avg $avg us >= $US us" [ "${avg:-0}" -ge $US ]
check "ufunclatency: summary count $N" grep -q "count: $N$" $out

ul "$T:ufunc_tick" "$T 1 $M 1"
expect_eq "ufunclatency ufunc_tick: $M calls, nsecs" $M "$(hist_total $out)"
check "ufunclatency ufunc_tick: nsecs header" grep -q "nsecs.*: count" $out

ul "-m $T:ufunc_sleep" "$T $N 0 $US"
expect_eq "ufunclatency -m: $N calls" $N "$(hist_total $out)"
expect_eq "ufunclatency -m: all in 2 -> 3 msecs or above" $N "$(at_least 2)"

ul "-P -u $T:ufunc_sleep" "$T $N 0 $US"
tpid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' /tmp/bo.work)
check "ufunclatency -P: a histogram for pid $tpid" grep -q "^pid = $tpid$" $out
expect_eq "ufunclatency -P: $N calls" $N "$(hist_total $out)"

ul "-c ufunc_target $T:ufunc_tick" "$T 0 $M 1"
expect_eq "ufunclatency -c ufunc_target: $M calls" $M "$(hist_total $out)"
ul "-c nomatch $T:ufunc_tick" "$T 0 $M 1"
expect_eq "ufunclatency -c nomatch: none" 0 "$(hist_total $out)"
ul "-p 1 $T:ufunc_tick" "$T 0 $M 1"
expect_eq "ufunclatency -p 1: none" 0 "$(hist_total $out)"

# Interval mode: a report a second, the last at Ctrl-C; they add up (the
# slow kernels may take several intervals).
ul "-T $T:ufunc_tick 1" "$T 0 $M 1"
check "ufunclatency interval mode: two reports or more" \
	[ "$(grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] *$' $out)" -ge 2 ]
expect_eq "ufunclatency interval mode: $M calls in all" $M "$(hist_total $out)"

# ufunccount: both functions by name, then by wildcard.
uc "$T:ufunc_sleep $T:ufunc_tick" "$T $N $M 1"
expect_eq "ufunccount: exits 0" 0 "$rc"
sed 's/^/# /' $out
check "ufunccount: FUNC COUNT header" grep -q "^FUNC  *COUNT$" $out
check "ufunccount: 2 functions" grep -q "Tracing 2 functions" $out
expect_eq "ufunccount: ufunc_sleep $N" $N "$(ucount ufunc_sleep)"
expect_eq "ufunccount: ufunc_tick $M" $M "$(ucount ufunc_tick)"

uc "$T:ufunc_*" "$T $N $M 1"
check "ufunccount wildcard: 2 functions" grep -q "Tracing 2 functions" $out
expect_eq "ufunccount wildcard: ufunc_sleep $N" $N "$(ucount ufunc_sleep)"
expect_eq "ufunccount wildcard: ufunc_tick $M" $M "$(ucount ufunc_tick)"

# USDT: the ktrace:tick probe fires with each ufunc_tick() call.
if $T 0 0 0 | grep -q "usdt=1"; then
	uc "u:$T:ktrace:tick $T:ufunc_tick" "$T 0 $M 1"
	sed 's/^/# /' $out
	expect_eq "ufunccount USDT ktrace:tick: $M" $M "$(ucount ktrace:tick)"
	expect_eq "ufunccount USDT: ufunc_tick $M alongside" $M \
		"$(ucount ufunc_tick)"
	ktracectl enable ufunclatency u:$T:ktrace:tick > $out 2> $out.err
	expect_eq "ufunclatency of a USDT probe: exit 2" 2 "$?"
else
	skip "USDT: ufunc_target built without sys/sdt.h"
fi

uc "-c nomatch $T:ufunc_*" "$T $N $M 1"
expect_eq "ufunccount -c nomatch: nothing counted" 0 \
	"$(($(ucount ufunc_sleep) + $(ucount ufunc_tick)))"

# --json: the same rows.
rm -f $out
ktracectl enable ufunccount -j $T:ufunc_sleep $T:ufunc_tick > $out \
	2> $out.err &
pid=$!
wait_for "Tracing 2 functions" $out.err
$T $N $M 1 > /dev/null
stop $pid
expect_eq "ufunccount --json: every line a JSON object with a type" 0 \
	"$(json_bad $out)"
check "ufunccount --json: rows ufunc_sleep $N, ufunc_tick $M" grep -q \
	"\"rows\":\[{\"func\":\"ufunc_sleep\",\"count\":$N},{\"func\":\"ufunc_tick\",\"count\":$M}\]" $out

# Two processes at once: one uprobe covers both.
uc "$T:ufunc_tick" "$T 0 $M 1 & $T 0 $M 1; wait"
expect_eq "ufunccount: two processes, $((2 * M)) calls" $((2 * M)) \
	"$(ucount ufunc_tick)"

# Bad targets: one line, exit 2.
ktracectl enable ufunccount $T > $out 2> $out.err
expect_eq "no ':FUNCTION': exit 2" 2 "$?"
check "... saying so" grep -q "is not BINARY:FUNCTION" $out.err
ktracectl enable ufunccount $T:no_such_fn > $out 2> $out.err
expect_eq "no such function: exit 2" 2 "$?"
check "... saying so" grep -q "no function matches '$T:no_such_fn'" $out.err
ktracectl enable ufunclatency /nonexistent:f > $out 2> $out.err
expect_eq "no such binary: exit 2" 2 "$?"
check "... saying so" grep -q "/nonexistent:f': No such file" $out.err
ktracectl enable ufunclatency "$T:ufunc_*" > $out 2> $out.err
expect_eq "ufunclatency of two functions: exit 2" 2 "$?"
check "... saying so" grep -q "matches more than one function" $out.err
ktracectl enable ufunclatency /ktrace/suites/74-bpf-only.sh:f \
	> $out 2> $out.err
expect_eq "not ELF: exit 2" 2 "$?"

# --backend module: refused, saying BPF is needed.
ktracectl --backend module enable ufunclatency $T:ufunc_tick > $out 2> $out.err
expect_eq "--backend module: exit 1" 1 "$?"
check "... 'ufunclatency needs the BPF backend'" \
	grep -q "ufunclatency needs the BPF backend" $out.err
ktracectl --backend module enable ufunccount $T:ufunc_tick > $out 2> $out.err
check "--backend module ufunccount: refused" \
	grep -q "ufunccount needs the BPF backend" $out.err

# netsize: K datagrams of S bytes over loopback from a process in cgroup
# $CG, each counted once leaving and once arriving, at S + 28 bytes.
K=50
S=1000
CG=/sys/fs/cgroup/ktrace-netsize
U=/ktrace/bin/udpxfer
mkdir -p $CG
incg="echo \$\$ > $CG/cgroup.procs; exec"

# ns "options" "workload": netsize over the workload; $out, $rc.
ns()
{
	rc=1
	start $out "Tracing IP packet sizes" enable netsize $1 || return 1
	sh -c "$2" > /tmp/bo.work
	stop $pid
	rc=$?
}

# dcount DIR [LO]: packets of direction DIR, in buckets from LO (0).
dcount()
{
	awk -v d="$1" -v lo="${2:-0}" '/^direction = / { cur = $3 }
		cur == d && $2 == "->" && $4 == ":" && $1 >= lo { s += $5 }
		END { print s + 0 }' $out
}

# dbytes DIR: the bytes the summary line of direction DIR gives.
dbytes()
{
	awk -v d="$1" '/^direction = / { cur = $3 }
		cur == d && /^avg = / { print $6; n++ }
		END { if (!n) print 0 }' $out
}

ns "-G $CG" "$incg $U $K $S"
expect_eq "netsize -G: exits 0" 0 "$rc"
sed 's/^/# /' $out
expect_eq "netsize -G: $K packets received" $K "$(dcount ingress)"
expect_eq "netsize -G: $K packets sent" $K "$(dcount egress)"
expect_eq "netsize -G: received bytes $K * ($S + 28)" $((K * (S + 28))) \
	"$(dbytes ingress)"
expect_eq "netsize -G: sent bytes $K * ($S + 28)" $((K * (S + 28))) \
	"$(dbytes egress)"
expect_eq "netsize -G: all $((2 * K)) in 1024 -> 2047" $((2 * K)) \
	"$(($(dcount ingress 1024) + $(dcount egress 1024)))"

ns "-G $CG" "$incg $U $K 100"
expect_eq "netsize -G, 100-byte datagrams: $((2 * K)) of 128 bytes" \
	"$((2 * K)) $((2 * K * 128))" \
	"$(($(dcount ingress 128) + $(dcount egress 128) - $(dcount ingress 256) - $(dcount egress 256))) $(($(dbytes ingress) + $(dbytes egress)))"

ns "-G $CG" "$U $K $S"
expect_eq "netsize -G: a process outside the cgroup: nothing" 0 \
	"$(($(dcount ingress) + $(dcount egress)))"

# The root cgroup, the default: every socket (nothing else talks here).
ns "" "$incg $U $K $S"
expect_eq "netsize (root cgroup): $K received, $K sent" "$K $K" \
	"$(dcount ingress) $(dcount egress)"
expect_eq "netsize (root cgroup): bytes" \
	"$((K * (S + 28))) $((K * (S + 28)))" "$(dbytes ingress) $(dbytes egress)"

# TCP: B bytes one way and R back, in segments with headers: at least
# B + R bytes each way (every segment leaves and arrives in the cgroup).
B=300000
R=70000
ns "-G $CG" "$incg /ktrace/bin/tcpxfer $B $R"
check "netsize TCP: sent >= $((B + R)) bytes" [ "$(dbytes egress)" -ge $((B + R)) ]
check "netsize TCP: received >= $((B + R)) bytes" \
	[ "$(dbytes ingress)" -ge $((B + R)) ]
echo "# TCP: sent $(dcount egress) packets, $(dbytes egress) bytes; received $(dcount ingress), $(dbytes ingress)"

# Interval mode: a report a second, the last at Ctrl-C; they add up.
ns "-T -G $CG 1" "$incg $U $K $S"
check "netsize interval mode: two reports or more" \
	[ "$(grep -c '^[0-9][0-9]:[0-9][0-9]:[0-9][0-9] *$' $out)" -ge 2 ]
expect_eq "netsize interval mode: $((2 * K)) packets in all" $((2 * K)) \
	"$(hist_total $out)"

# --json: one hist line, entries keyed by direction, and the stats.
rm -f $out
ktracectl enable netsize -j -G $CG > $out 2> $out.err &
pid=$!
wait_for "Tracing IP packet sizes" $out.err
sh -c "$incg $U $K $S" > /dev/null
stop $pid
expect_eq "netsize --json: exits 0" 0 "$?"
cut -c1-300 $out | sed 's/^/# /'
expect_eq "netsize --json: every line a JSON object with a type" 0 \
	"$(json_bad $out)"
check "netsize --json: ingress first, $K packets" grep -q \
	"^{\"type\":\"hist\",\"probe\":\"netsize\",.*\"key\":\"direction\",\"entries\":\[{\"key\":\"ingress\",\"count\":$K,\"sum\":$((K * (S + 28)))," $out
check "netsize --json: egress, $K packets" \
	grep -q "{\"key\":\"egress\",\"count\":$K,\"sum\":$((K * (S + 28)))," $out

ktracectl enable netsize -G /nonexistent > $out 2> $out.err
expect_eq "netsize -G /nonexistent: exit 1" 1 "$?"
check "... saying so" grep -q "cannot open cgroup /nonexistent" $out.err
ktracectl --backend module enable netsize > $out 2> $out.err
check "netsize --backend module: refused" \
	grep -q "netsize needs the BPF backend" $out.err
rmdir $CG

if ! load_ktrace; then
	not_ok "ktrace.ko loads"
	tap_end
	exit
fi
# With the module there, still BPF: by default and with auto.
uc "$T:ufunc_tick" "$T 0 $M 1"
expect_eq "module loaded, default backend: ufunccount $M" $M \
	"$(ucount ufunc_tick)"
if start $out "Tracing 1 functions" --backend auto enable ufunclatency \
	$T:ufunc_tick; then
	$T 0 $M 1 > /dev/null
	stop $pid
fi
expect_eq "module loaded, --backend auto: ufunclatency $M" $M \
	"$(hist_total $out)"
check "rmmod" rmmod ktrace

tap_end
