# SPDX-License-Identifier: GPL-2.0
# sys_enter through the BPF backend (ktracectl --backend bpf), first with
# ktrace.ko not loaded: sysloop makes exactly N getppid() system calls
# whose six argument registers it sets to known values (the i-th call: i,
# 0x1111 ... 0x5555), and every one of them must come back once, with its
# number and arguments, under -p, -c and --json, with the tp_btf program
# and the raw_tp one.  A stalled reader on a one-page ring: every record
# delivered or counted as dropped, on each CPU too (-v's ledger), the
# LOST reports adding up to the dropped.  Then, with the module loaded,
# both backends at once over the same run: the same records, and the
# same for 32-bit system calls where the kernel has IA32 emulation.  And
# doctor's line for sys_enter.
. /ktrace/tap.sh

N=2000
NR_GETPPID=110
SYSLOOP=/ktrace/bin/sysloop
HDR="TIME(s) *CPU *PID *COMM *NR"
out=/tmp/se.out
out2=/tmp/se2.out
# The other five arguments, as --json prints them.
ARGS_JSON="4369,8738,13107,17476,21845"

# start OUT WAITFILE ARGS...: ktracectl ARGS in the background, stdout in
# OUT and stderr in OUT.err, once the header is in WAITFILE (OUT, or
# OUT.err under --json); its pid in $pid.  Both are removed first so an
# earlier run's header cannot pass for this one's.
start()
{
	o=$1
	w=$2
	shift 2
	rm -f "$o" "$o.err"
	ktracectl "$@" > "$o" 2> "$o.err" &
	pid=$!
	if ! wait_for "$HDR" "$w"; then
		kill -KILL $pid 2>/dev/null
		wait $pid
		return 1
	fi
}

# spawn: a shell whose pid ($wpid) is known before it runs "sysloop N":
# it waits for /tmp/se.go, then execs sysloop, keeping its pid.
spawn()
{
	rm -f /tmp/se.go
	sh -c "while [ ! -e /tmp/se.go ]; do sleep 0.05; done; exec $SYSLOOP $1" &
	wpid=$!
}

# go: lets the spawned shell run sysloop, and waits for it.
go()
{
	touch /tmp/se.go
	wait $wpid
}

# se OUT "ktracectl options" N: sys_enter through BPF over one sysloop N,
# traced with OPTIONS (where @PID@ stands for its pid); exit status $rc.
se()
{
	rc=1
	spawn "$3"
	opts=$(echo "$2" | sed "s/@PID@/$wpid/g")
	case "$opts" in
	*-j*) wf=$1.err ;;
	*) wf=$1 ;;
	esac
	if ! start $1 $wf --backend bpf enable sys_enter $opts; then
		go
		return 1
	fi
	go
	stop $pid
	rc=$?
}

# Text lines: PID COMM NR ARG0 ARG1 from column 3.  getppid_lines FILE:
# the lines of sysloop's getppid() calls.
getppid_lines()
{
	awk -v nr=$NR_GETPPID '$5 == nr && $7 == "0x1111"' "$1"
}

# The arg0 column of FILE's getppid() lines, sorted, against 0x0..N-1.
arg0_all()
{
	getppid_lines "$1" | awk '{ print $6 }' | sort > /tmp/se.arg0
	awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "0x%x\n", i }' |
		sort > /tmp/se.want
	cmp -s /tmp/se.arg0 /tmp/se.want
}

# JSON event lines of sysloop's getppid() with all six arguments right.
json_getppid()
{
	grep -c "\"nr\":$NR_GETPPID,\"args\":\[[0-9]*,$ARGS_JSON\]" "$1"
}

seen_line()
{
	grep "^seen " "$1.err"
}

# ledger_ok FILE.err: -v's per-CPU ledger is there and balances on every CPU.
ledger_ok()
{
	grep -q '^cpu [0-9]*: seen ' "$1" && ! grep -q 'off by' "$1"
}

# ledger_seen FILE.err: the CPUs' seen, added up.
ledger_seen()
{
	awk '/^cpu [0-9]*: seen / { s += $4 } END { print s + 0 }' "$1"
}

rmmod ktrace 2>/dev/null
check "no ktrace.ko, no /dev/ktrace" \
	sh -c '! grep -q "^ktrace " /proc/modules && [ ! -e /dev/ktrace ]'

ktracectl --backend bpf doctor > $out 2> $out.err
expect_eq "doctor: exits 0" 0 "$?"
grep '^  sys_enter ' $out | sed 's/^/# /'
check "doctor: sys_enter has a BPF version and uses it" \
	grep -q '^  sys_enter  *- *yes  *bpf$' $out

# -p: the process's own system calls, sysloop's N getppid() among them.
se $out "-v -b 256 -p @PID@" $N
expect_eq "-p PID: exits 0" 0 "$rc"
check "-p PID: tp_btf program where BTF types sys_enter" \
	grep -q "bpf: sys_enter: tp_btf" $out.err
check "-p PID: header TIME(s) CPU PID COMM NR ARG0 ARG1" \
	grep -q "^TIME(s) *CPU *PID *COMM *NR *ARG0 *ARG1$" $out
expect_eq "-p PID: $N getppid() records" $N "$(getppid_lines $out | wc -l)"
check "-p PID: arg0 0..$((N - 1)), each once" arg0_all $out $N
expect_eq "-p PID: every record of pid $wpid" 0 \
	"$(awk -v p=$wpid 'NR > 1 && $3 != p' $out | wc -l)"
expect_eq "-p PID: getppid() records named sysloop" $N \
	"$(getppid_lines $out | awk '$4 == "sysloop"' | wc -l)"
total=$(($(wc -l < $out) - 1))
echo "# $(seen_line $out)"
check "-p PID: seen = delivered = $total lines, nothing dropped" \
	grep -q "^seen $total delivered $total dropped 0$" $out.err
grep '^cpu [0-9]*: seen ' $out.err | sed 's/^/# /'
check "-p PID: each CPU's ledger balances" ledger_ok $out.err
expect_eq "-p PID: the CPUs saw the $total" $total "$(ledger_seen $out.err)"

# -c: from sysloop's exec on, its N getppid() and its start-up calls.
se $out "-b 256 -c sysloop" $N
expect_eq "-c sysloop: exits 0" 0 "$rc"
expect_eq "-c sysloop: $N getppid() records" $N "$(getppid_lines $out | wc -l)"
expect_eq "-c sysloop: nothing but sysloop" 0 \
	"$(awk 'NR > 1 && $4 != "sysloop"' $out | wc -l)"
T=$(($(wc -l < $out) - 1))
echo "# sysloop $N: $T system calls from exec to exit ($((T - N)) besides getppid)"
check "-c sysloop: seen = delivered = $T, nothing dropped" \
	grep -q "^seen $T delivered $T dropped 0$" $out.err

se $out "-b 256 -p 1" $N
expect_eq "-p 1: none of sysloop's" 0 "$(getppid_lines $out | wc -l)"
se $out "-b 256 -c nosuchtask" $N
expect_eq "-c nosuchtask: nothing" 1 "$(wc -l < $out)"

# --json: all six arguments.
se $out "-j -b 256 -p @PID@" $N
expect_eq "--json: exits 0" 0 "$rc"
expect_eq "--json: $N getppid() with arguments i,$ARGS_JSON" $N \
	"$(json_getppid $out)"
expect_eq "--json: well-formed lines" 0 "$(json_bad $out)"
check "--json: a stats line with nothing dropped" \
	grep -q '"type":"stats".*"dropped":0' $out

# The raw_tp program, which reads the registers otherwise.
export KTRACE_BPF_RAW_TP=1
se $out "-v -j -b 256 -p @PID@" $N
unset KTRACE_BPF_RAW_TP
check "raw_tp fallback: raw_tp program loaded" \
	grep -q "bpf: sys_enter: raw_tp" $out.err
expect_eq "raw_tp fallback: $N getppid() with arguments i,$ARGS_JSON" $N \
	"$(json_getppid $out)"

# -n: the first MAX, then counted.
se $out "-b 256 -c sysloop -n 10" $N
expect_eq "-n 10: exits 0" 0 "$rc"
expect_eq "-n 10: 10 lines" 11 "$(wc -l < $out)"

# A stalled reader: a one-page-per-CPU ring overflows.  Each of the T
# system calls is delivered or counted as dropped, exactly.
F=20000
spawn $F
if start $out $out --backend bpf enable sys_enter -v -b 1 -c sysloop; then
	kill -STOP $pid
	go
	kill -CONT $pid
	stop $pid
else
	go
fi
TF=$((T - N + F))
line=$(seen_line $out)
echo "# $line"
seen=$(echo "$line" | awk '{ print $2 }')
delivered=$(echo "$line" | awk '{ print $4 }')
dropped=$(echo "$line" | awk '{ print $6 }')
lost=$(awk '/^WARNING: .* records lost/ { s += $2 } END { print s + 0 }' $out.err)
echo "# $lost in $(grep -c '^WARNING: .* records lost' $out.err) LOST reports"
check "stalled reader: records dropped" [ "${dropped:-0}" -gt 0 ]
expect_eq "stalled reader: delivered + dropped = the $TF system calls" \
	"$TF" "$((${delivered:-0} + ${dropped:-0}))"
expect_eq "stalled reader: seen = $TF" "$TF" "$seen"
expect_eq "stalled reader: the LOST reports add up to the dropped" \
	"$dropped" "$lost"
expect_eq "stalled reader: every delivered record printed" "$delivered" \
	"$(($(wc -l < $out) - 1))"
expect_eq "stalled reader: no getppid() twice" 0 \
	"$(getppid_lines $out | awk '{ print $6 }' | sort | uniq -d | wc -l)"
grep '^cpu [0-9]*: seen ' $out.err | sed 's/^/# /'
check "stalled reader: each CPU's ledger balances" ledger_ok $out.err
expect_eq "stalled reader: the CPUs saw the $TF" "$TF" \
	"$(ledger_seen $out.err)"

if ! load_ktrace; then
	not_ok "ktrace.ko loads"
	tap_end
	exit
fi
ktracectl --backend bpf doctor > $out 2> $out.err
grep '^  sys_enter ' $out | sed 's/^/# /'
check "doctor with ktrace.ko: sys_enter in both" \
	grep -q '^  sys_enter  *yes  *yes  *bpf$' $out

rec_fields()
{
	grep '"type":"event"' "$1" | sed 's/.*"cpu":[0-9]*,//' | sort
}

# both "sysloop ARGS": sys_enter -c sysloop through both backends at once
# over one sysloop; each one's records, without the time and CPU that
# tell them apart, sorted in /tmp/se.mod and /tmp/se.bpf.
both()
{
	spawn "$1"
	if start $out $out.err --backend module enable sys_enter -j -b 256 -c sysloop; then
		mpid=$pid
		if start $out2 $out2.err --backend bpf enable sys_enter -j -b 256 -c sysloop; then
			go
			stop $pid
		else
			go
		fi
		stop $mpid
	else
		go
	fi
	rec_fields $out > /tmp/se.mod
	rec_fields $out2 > /tmp/se.bpf
}

# Both backends at once over the same run: the same records, all six
# arguments.
both $N
echo "# module $(wc -l < /tmp/se.mod) records, bpf $(wc -l < /tmp/se.bpf)"
expect_eq "cross-check: the module streams the $T system calls" $T \
	"$(wc -l < /tmp/se.mod)"
expect_eq "cross-check: its $N getppid() with their arguments" $N \
	"$(json_getppid /tmp/se.mod)"
check "cross-check: the same $T records (pid, comm, nr, args)" \
	cmp -s /tmp/se.mod /tmp/se.bpf
diff /tmp/se.mod /tmp/se.bpf | head -5 | sed 's/^/# /'

# 32-bit system calls (int $0x80), where the kernel has IA32 emulation:
# both backends record the 32-bit number (getppid is 64 there) and the
# arguments from ebx, ecx, edx, esi, edi and ebp.
NR32_GETPPID=64
json_getppid32()
{
	grep -c "\"nr\":$NR32_GETPPID,\"args\":\[[0-9]*,$ARGS_JSON\]" "$1"
}
# The kernel's 32-bit getppid() entry says whether int $0x80 is there:
# without it the call is a general protection fault, which the console
# check would rightly count against the run.
if grep -q ' __ia32_sys_getppid$' /proc/kallsyms; then
	both "-32 $N"
	expect_eq "32-bit: the module records $N getppid() as nr $NR32_GETPPID with their arguments" \
		$N "$(json_getppid32 /tmp/se.mod)"
	expect_eq "32-bit: so does the BPF program" $N "$(json_getppid32 /tmp/se.bpf)"
	check "32-bit: the same records in both" cmp -s /tmp/se.mod /tmp/se.bpf
	diff /tmp/se.mod /tmp/se.bpf | head -5 | sed 's/^/# /'
	export KTRACE_BPF_RAW_TP=1
	se $out "-v -j -b 256 -c sysloop" "-32 $N"
	unset KTRACE_BPF_RAW_TP
	check "32-bit, raw_tp fallback: raw_tp program loaded" \
		grep -q "bpf: sys_enter: raw_tp" $out.err
	expect_eq "32-bit, raw_tp fallback: $N getppid() as nr $NR32_GETPPID with their arguments" \
		$N "$(json_getppid32 $out)"
else
	skip "32-bit system calls: this kernel has no IA32 emulation"
fi

check "rmmod" rmmod ktrace
tap_end
