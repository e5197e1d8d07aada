# SPDX-License-Identifier: GPL-2.0
# The BPF backend (ktracectl --backend bpf), first with ktrace.ko not
# loaded: block_latency over O_DIRECT reads of the virtio disk and
# execsnoop over known execs, counted exactly, with the raw_tp programs as
# well as the tp_btf ones, and drops accounted for (seen = delivered +
# dropped) when the reader stalls.  Then, with the module loaded, both
# backends over the very same workload at once: histograms with the same
# total and the same or neighbouring modal buckets, the same exec
# records.  And --backend auto, and ktracectl doctor.
. /ktrace/tap.sh

N=400
M=50
PROG=/ktrace/bin/openloop
BLK_HDR="Tracing block device I/O"
out=/tmp/bpf.out
out2=/tmp/bpf2.out

# blk "options" "workload": block_latency through BPF over the workload;
# the histogram in $out, the exit status in $rc.
blk()
{
	rc=1
	start $out "$BLK_HDR" --backend bpf enable block_latency -v $1 || return 1
	sh -c "$2" > /dev/null
	stop $pid
	rc=$?
	grep 'hits' $out.err | sed 's/^/# /'
}

# es "options" "workload": execsnoop through BPF; lines in $out.
es()
{
	rc=1
	start $out PCOMM --backend bpf enable execsnoop $1 || return 1
	sh -c "$2" > /dev/null 2>&1
	stop $pid
	rc=$?
}

count()
{
	grep -c -- "$1" "$2"
}

rmmod ktrace 2>/dev/null
check "no ktrace.ko, no /dev/ktrace" \
	sh -c '! grep -q "^ktrace " /proc/modules && [ ! -e /dev/ktrace ]'

# doctor: what the host allows.
ktracectl --backend bpf doctor > $out 2> $out.err
expect_eq "doctor: exits 0" 0 "$?"
sed 's/^/# /' $out
check "doctor: BTF present" grep -q "^  BTF: *present" $out
check "doctor: /dev/ktrace absent" grep -q "/dev/ktrace *absent" $out
check "doctor: bpf() allowed" grep -q "^  bpf(): *allowed" $out
check "doctor: block_latency and execsnoop use bpf" sh -c \
	"grep -q '^  block_latency .* bpf$' $out && grep -q '^  execsnoop .* bpf$' $out"
check "doctor: the block tracepoints exist" \
	sh -c "[ \$(grep -c '^  block:block_rq_.* yes' $out) -eq 3 ]"
check "doctor: each tracepoint listed once, sched_switch among them" sh -c \
	"sed -n '/^tracepoints:/,/^\$/p' $out | awk '/^  [a-z_]+:[a-z_]+ /{print \$1}' |
	 sort | uniq -d | grep -q . && exit 1;
	 [ \$(grep -c '^  sched:sched_switch ' $out) -eq 1 ]"

# block_latency: every read of vda counted once.
blk "-d vda" "blkload /dev/vda $N"
expect_eq "block_latency -d vda: exits 0" 0 "$rc"
expect_eq "block_latency -d vda: $N direct reads, $N in the histogram" $N \
	"$(hist_total $out)"
check "block_latency: usecs histogram header" \
	grep -q "usecs.*: count.*distribution" $out
check "block_latency: tp_btf programs where BTF types the tracepoints" \
	grep -q "bpf: block_rq_issue: tp_btf" $out.err

blk "-d vda -m" "blkload /dev/vda $N"
expect_eq "-m: $N reads in msecs" $N "$(hist_total $out)"
check "-m: msecs header" grep -q "msecs.*: count" $out

blk "-D -d vda" "blkload /dev/vda $N"
check "-D: a histogram headed 'disk = vda'" grep -q "disk = vda" $out
expect_eq "-D: $N reads on vda" $N "$(hist_total $out)"

blk "-F -d vda" "blkload /dev/vda $N"
check "-F: reads shown as Read" grep -q "flags = .*Read" $out
expect_eq "-F: $N reads" $N "$(hist_total $out)"

blk "-Q -d vda" "blkload /dev/vda $N"
expect_eq "-Q: $N reads with queue time" $N "$(hist_total $out)"

blk "-c blkload" "blkload /dev/vda $N"
expect_eq "-c blkload: the $N reads blkload issued" $N "$(hist_total $out)"

blk "-d vda -p 1" "blkload /dev/vda $N"
expect_eq "-p 1: none of blkload's reads" 0 "$(hist_total $out)"

export KTRACE_BPF_RAW_TP=1
blk "-d vda" "blkload /dev/vda $N"
unset KTRACE_BPF_RAW_TP
check "raw_tp fallback: raw_tp programs loaded" \
	grep -q "bpf: block_rq_issue: raw_tp" $out.err
expect_eq "raw_tp fallback: $N reads" $N "$(hist_total $out)"

# Interval mode: three intervals, each read and cleared by flipping sets.
rm -f $out
ktracectl --backend bpf enable block_latency -d vda 2 3 > $out 2>&1 &
pid=$!
wait_for "$BLK_HDR" $out
blkload /dev/vda $N > /dev/null
wait $pid
expect_eq "interval mode: the intervals add up to $N" $N "$(hist_total $out)"

# execsnoop: M execs with known arguments, from one shell.
loop="echo \$\$ > /tmp/es.ppid; i=1; while [ \$i -le $M ]; do $PROG 0 marker-\$i; i=\$((i + 1)); done"
es "" "$loop"
expect_eq "execsnoop: exits 0 on SIGINT" 0 "$rc"
check "execsnoop: header PCOMM PID PPID RET ARGS" \
	grep -q "^PCOMM  *PID  *PPID  *RET ARGS$" $out
ppid=$(cat /tmp/es.ppid)
expect_eq "execsnoop: $M execs, $M lines with parent $ppid" $M \
	"$(count "^openloop  *[0-9][0-9]*  *$ppid  *0 $PROG 0 marker-[0-9]*$" $out)"
n=0
i=1
while [ $i -le $M ]; do
	grep -q " $PROG 0 marker-$i$" $out && n=$((n + 1))
	i=$((i + 1))
done
expect_eq "execsnoop: every marker 1..$M once" $M "$n"
check "execsnoop: seen = delivered, nothing dropped" \
	grep -q "^seen \([0-9]*\) delivered \1 dropped 0$" $out.err

fail="i=1; while [ \$i -le $M ]; do /nonexistent/ktrace-missing arg-\$i; i=\$((i + 1)); done; $PROG 0 ok-too"
es "-x" "$fail"
expect_eq "execsnoop -x: $M failed execs with RET -2" $M \
	"$(count "^[^ ]*  *[0-9][0-9]*  *[0-9][0-9]*  *-2 /nonexistent/ktrace-missing arg-[0-9]*$" $out)"
expect_eq "execsnoop -x: the successful exec too" 1 \
	"$(count " 0 $PROG 0 ok-too$" $out)"
es "" "$fail"
expect_eq "execsnoop without -x: no failed exec" 0 \
	"$(count " -2 /nonexistent/ktrace-missing arg-" $out)"

many="a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 a20"
es "" "$PROG 0 $many a21 a22"
expect_eq "execsnoop: 22 arguments: 20 shown, then ..." 1 \
	"$(count " 0 $PROG 0 a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 a19 \.\.\.$" $out)"

export KTRACE_BPF_RAW_TP=1
es "-v" "$loop"
unset KTRACE_BPF_RAW_TP
check "execsnoop raw_tp fallback: raw_tp programs loaded" \
	grep -q "bpf: sys_enter: raw_tp" $out.err
expect_eq "execsnoop raw_tp fallback: $M lines" $M \
	"$(count " 0 $PROG 0 marker-[0-9]*$" $out)"

# A stalled reader: execs overflow a one-page-per-CPU ring buffer.  Every
# failed reserve is counted and reported as lost.
F=300
if start $out PCOMM --backend bpf enable execsnoop -b 1; then
	kill -STOP $pid
	sh -c "i=1; while [ \$i -le $F ]; do $PROG 0 flood-\$i; i=\$((i + 1)); done" > /dev/null 2>&1
	kill -CONT $pid
	stop $pid
fi
line=$(grep "^seen " $out.err)
echo "# $line"
delivered=$(echo "$line" | awk '{ print $4 }')
dropped=$(echo "$line" | awk '{ print $6 }')
lost=$(awk '/^WARNING: .* records lost/ { s += $2 } END { print s + 0 }' $out.err)
check "stalled reader: records dropped" [ "${dropped:-0}" -gt 0 ]
expect_eq "stalled reader: the lost reports add up to the dropped" \
	"$dropped" "$lost"
expect_eq "stalled reader: every delivered record printed" "$delivered" \
	"$(($(wc -l < $out) - 1))"
check "stalled reader: delivered + dropped covers the $F execs" \
	[ $((${delivered:-0} + ${dropped:-0})) -ge $F ]

ktracectl --backend bpf enable tpcount 1 1 > $out 2> $out.err
expect_eq "a probe without a BPF version: exit 1" 1 "$?"
check "... saying so" grep -q "no BPF version" $out.err
ktracectl --backend nope list > $out 2> $out.err
expect_eq "--backend nope: exit 2" 2 "$?"

# Privileges: without CAP_BPF one line says what is missing; with
# CAP_BPF and CAP_PERFMON an unprivileged user traces.
DC=/ktrace/bin/dropcaps
if [ -x $DC ]; then
	# The initramfs root and payload come from 0700 directories.
	chmod a+rx / /ktrace /ktrace/bin
	$DC -- ktracectl --backend bpf enable block_latency -d vda 1 1 \
		> $out 2> $out.err
	expect_eq "nobody without capabilities: exit 1" 1 "$?"
	check "... one line naming CAP_BPF and CAP_PERFMON" sh -c \
		"[ \$(wc -l < $out.err) -eq 1 ] && grep -q 'needs CAP_BPF and CAP_PERFMON' $out.err"
	sed 's/^/# /' $out.err
	rm -f $out
	$DC -c bpf,perfmon -- ktracectl --backend bpf enable block_latency \
		-d vda 6 1 > $out 2> $out.err &
	pid=$!
	wait_for "$BLK_HDR" $out
	blkload /dev/vda $N > /dev/null
	wait $pid
	expect_eq "nobody with CAP_BPF and CAP_PERFMON: exit 0" 0 "$?"
	expect_eq "... and $N reads" $N "$(hist_total $out)"
	sed 's/^/# /' $out.err
else
	skip "privileges: no dropcaps"
fi

# auto: BPF without the module.
ktracectl --backend auto enable block_latency -d vda 1 1 > $out 2> $out.err
check "auto without ktrace.ko: bpf" grep -q "backend bpf" $out.err

if ! load_ktrace; then
	not_ok "ktrace.ko loads"
	tap_end
	exit
fi
ktracectl --backend auto enable block_latency -d vda 1 1 > $out 2> $out.err
check "auto with ktrace.ko: the module" grep -q "backend module" $out.err
ktracectl --backend auto doctor > $out 2> $out.err
check "doctor: /dev/ktrace present" grep -q "/dev/ktrace *present" $out

# Both backends at once over the same reads: the same histogram.
if start $out "$BLK_HDR" --backend module enable block_latency -d vda; then
	mpid=$pid
	if start $out2 "$BLK_HDR" --backend bpf enable block_latency -d vda; then
		blkload /dev/vda $N > /dev/null
		stop $pid
	fi
	stop $mpid
fi
tm=$(hist_total $out)
tb=$(hist_total $out2)
paste $out $out2 | sed -n 's/^/# /; /->/p'
echo "# module $tm in $(modal $out), bpf $tb in $(modal $out2)"
expect_eq "cross-check: the module counts $N" $N "$tm"
check "cross-check: totals within 1 %" \
	[ $(( (tm - tb) * (tm - tb) * 10000 )) -le $((tm * tm)) ]
check "cross-check: a modal bucket" [ -n "$(modal $out)" ]
# Both backends' handlers run inside the I/Os they time, and a disk's
# latencies spread across a bucket boundary as they will: the fullest
# buckets may be neighbours, never further apart.
rm_=$(modal_row $out)
rb_=$(modal_row $out2)
check "cross-check: modal buckets the same or neighbours ($(modal $out), $(modal $out2))" \
	[ $((rm_ - rb_)) -ge -1 -a $((rm_ - rb_)) -le 1 ]

# Both at once over the same execs: the same records.
if start $out PCOMM --backend module enable execsnoop; then
	mpid=$pid
	if start $out2 PCOMM --backend bpf enable execsnoop; then
		sh -c "$loop" > /dev/null 2>&1
		stop $pid
	fi
	stop $mpid
fi
grep " 0 $PROG 0 marker-[0-9]*$" $out | sort > /tmp/es.mod
grep " 0 $PROG 0 marker-[0-9]*$" $out2 | sort > /tmp/es.bpf
expect_eq "cross-check: the module streams $M execs" $M "$(wc -l < /tmp/es.mod)"
check "cross-check: the same $M exec records" cmp -s /tmp/es.mod /tmp/es.bpf

check "rmmod" rmmod ktrace
tap_end
