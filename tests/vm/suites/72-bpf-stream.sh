# SPDX-License-Identifier: GPL-2.0
# The BPF versions of the streaming probes opensnoop and tcplife
# (ktracectl --backend bpf), first with ktrace.ko not loaded, over the
# workloads of their module twins' suites, counted exactly: openloop's N
# opens of a known path (fd >= 0) or of a missing one (FD -1 ERR 2) with
# open, openat and openat2, -x, -p, -n, -e, the raw_tp programs, and a
# stalled reader whose drops are all accounted for, per CPU under a flood
# from both CPUs; tcpxfer's loopback
# session over IPv4 and IPv6 with exact byte counts.  Then, with the
# module loaded, both backends at once over the very same workload: the
# same open records, the same two TCP records.
. /ktrace/tap.sh

N=200
OS_HDR="PID  *COMM  *FD  *ERR"
TL_HDR="PID.*COMM.*LADDR.*LPORT.*RADDR.*RPORT"
out=/tmp/bs.out
out2=/tmp/bs2.out
target=/tmp/bs-target
missing=/tmp/bs-missing

# os "options" "workload": opensnoop through BPF; lines in $out.
os()
{
	rc=1
	start $out "$OS_HDR" --backend bpf enable opensnoop $1 || return 1
	sh -c "$2" > /dev/null 2>&1
	stop $pid
	rc=$?
}

count()
{
	grep -c -- "$1" "$2"
}

ok_line="^[0-9][0-9]*  *openloop  *[0-9][0-9]*  *0 $target$"
fail_line="^[0-9][0-9]*  *openloop  *-1  *2 $missing$"

rmmod ktrace 2>/dev/null
check "no ktrace.ko, no /dev/ktrace" \
	sh -c '! grep -q "^ktrace " /proc/modules && [ ! -e /dev/ktrace ]'
echo data > $target
rm -f $missing

ktracectl --backend bpf doctor > $out 2> $out.err
check "doctor: opensnoop and tcplife use bpf" sh -c \
	"grep -q '^  opensnoop .* bpf$' $out && grep -q '^  tcplife .* bpf$' $out"

# opensnoop: every open of the path once, with its fd or errno.
os "" "openloop $N $target"
expect_eq "opensnoop: exits 0 on SIGINT" 0 "$rc"
check "opensnoop: header PID COMM FD ERR PATH" \
	grep -q "^PID  *COMM  *FD  *ERR PATH$" $out
expect_eq "opensnoop: $N openat of $target, $N lines with fd >= 0" $N \
	"$(count "$ok_line" $out)"
expect_eq "opensnoop: every line of $target openloop's, none failed" $N \
	"$(count " $target$" $out)"
check "opensnoop: seen = delivered, nothing dropped" \
	grep -q "^seen \([0-9]*\) delivered \1 dropped 0$" $out.err

os "" "openloop $N $missing"
expect_eq "opensnoop: $N opens of a missing path: FD -1 ERR 2" $N \
	"$(count "$fail_line" $out)"

os "" "openloop $N $target open; openloop $N $missing openat2"
expect_eq "opensnoop: open(2): $N lines" $N "$(count "$ok_line" $out)"
expect_eq "opensnoop: openat2(2), missing: $N lines" $N \
	"$(count "$fail_line" $out)"

os "-x" "openloop $N $target; openloop $N $missing"
expect_eq "opensnoop -x: $N failed opens" $N "$(count "$fail_line" $out)"
expect_eq "opensnoop -x: no successful open" 0 "$(count " $target$" $out)"

# -p: only the process given, which waits for a go file and then execs
# openloop; a second openloop opening the same path must not show.
rm -f /tmp/bs.go
sh -c "while [ ! -f /tmp/bs.go ]; do sleep 0.1; done; exec openloop $N $target" \
	> /dev/null &
tpid=$!
if start $out "$OS_HDR" --backend bpf enable opensnoop -p $tpid; then
	openloop 77 $target > /dev/null &
	other=$!
	touch /tmp/bs.go
	wait $tpid
	wait $other
	stop $pid
else
	touch /tmp/bs.go
	wait $tpid
fi
expect_eq "opensnoop -p $tpid: its $N opens" $N \
	"$(count "^$tpid  *openloop  *[0-9][0-9]*  *0 $target$" $out)"
expect_eq "opensnoop -p $tpid: no other process" $N "$(count " $target$" $out)"

cp /ktrace/bin/openloop /tmp/otherloop
os "-n openl" "openloop 30 $target; /tmp/otherloop 40 $target"
expect_eq "opensnoop -n openl: openloop's 30" 30 "$(count "$ok_line" $out)"
expect_eq "opensnoop -n openl: not otherloop's" 0 "$(count otherloop $out)"

os "-e" "openloop 10 $target; openloop 20 $target openat2"
expect_eq "opensnoop -e: openat O_RDONLY 00000000" 10 \
	"$(count "  *0 00000000 $target$" $out)"
expect_eq "opensnoop -e: openat2 O_CLOEXEC 02000000" 20 \
	"$(count "  *0 02000000 $target$" $out)"

# A path longer than a record holds is cut to KTRACE_PATH_LEN - 1 bytes.
long=/tmp/$(printf '%0250d' 0)/x
mkdir -p "${long%/x}"
echo data > "$long"
os "" "openloop 3 $long"
expect_eq "opensnoop: a ${#long}-byte path cut to 255 bytes" 3 \
	"$(count " 0 $(echo "$long" | cut -c1-255)$" $out)"
rm -rf "${long%/x}"

export KTRACE_BPF_RAW_TP=1
os "-v" "openloop $N $target"
unset KTRACE_BPF_RAW_TP
check "opensnoop raw_tp fallback: raw_tp programs loaded" \
	grep -q "bpf: sys_enter: raw_tp" $out.err
expect_eq "opensnoop raw_tp fallback: $N lines" $N "$(count "$ok_line" $out)"

# A stalled reader: opens overflow a one-page-per-CPU ring buffer.  Every
# failed reserve is counted and reported as lost.
F=3000
if start $out "$OS_HDR" --backend bpf enable opensnoop -b 1; then
	kill -STOP $pid
	openloop $F $target > /dev/null
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
check "stalled reader: delivered + dropped covers the $F opens" \
	[ $((${delivered:-0} + ${dropped:-0})) -ge $F ]

# The loss ledger from both CPUs: one openloop process, a thread pinned to
# each CPU, floods the stalled reader's ring, filtered in the kernel by
# its pid (-p), so the probe sees exactly its 2F opens.  -v prints each
# CPU's ledger at exit: the programs' count of the records offered to the
# ring there against the records read from that CPU and its LOST drops.
F=2000
rm -f /tmp/bs.go
openloop -t 2 -g /tmp/bs.go $F $target > /tmp/bs.loop &
tpid=$!
if start $out "$OS_HDR" --backend bpf enable opensnoop -v -b 1 -p $tpid; then
	kill -STOP $pid
	touch /tmp/bs.go
	wait $tpid
	kill -CONT $pid
	stop $pid
else
	touch /tmp/bs.go
	wait $tpid
fi
expect_eq "ledger, two CPUs: openloop -t 2 made its $((2 * F)) opens" \
	"$((2 * F)) opened 0 failed" "$(cat /tmp/bs.loop)"
line=$(grep "^seen " $out.err)
echo "# two CPUs: $line"
grep "^cpu [0-9]*: " $out.err | sed 's/^/# /'
delivered=$(echo "$line" | awk '{ print $4 }')
dropped=$(echo "$line" | awk '{ print $6 }')
lost=$(awk '/^WARNING: .* records lost/ { s += $2 } END { print s + 0 }' $out.err)
# cpu C: seen S delivered D dropped X
ledger=$(grep "^cpu [0-9]*: seen [0-9]* delivered [0-9]* dropped [0-9]*$" $out.err)
expect_eq "ledger, two CPUs: both CPUs saw opens" 2 \
	"$(echo "$ledger" | awk '$4 > 0' | wc -l)"
expect_eq "ledger, two CPUs: per CPU, seen = delivered + dropped" 2 \
	"$(echo "$ledger" | awk '$4 == $6 + $8' | wc -l)"
expect_eq "ledger, two CPUs: seen is exactly the $((2 * F)) opens" \
	$((2 * F)) "$(echo "$ledger" | awk '{ s += $4 } END { print s + 0 }')"
check "ledger, two CPUs: records dropped" [ "${dropped:-0}" -gt 0 ]
expect_eq "ledger, two CPUs: the CPUs' delivered add up to the total" \
	"$delivered" "$(echo "$ledger" | awk '{ s += $6 } END { print s + 0 }')"
expect_eq "ledger, two CPUs: the CPUs' dropped add up to the total" \
	"$dropped" "$(echo "$ledger" | awk '{ s += $8 } END { print s + 0 }')"
expect_eq "ledger, two CPUs: the lost reports add up to the dropped" \
	"$dropped" "$lost"
for c in $(echo "$ledger" | awk '{ print $2 }' | tr -d :); do
	expect_eq "ledger, two CPUs: CPU $c's lost reports are its dropped" \
		"$(echo "$ledger" | awk -v c="$c:" '$2 == c { print $8 }')" \
		"$(awk -v c="$c" '/^WARNING: .* records lost on CPU/ && $7 == c { s += $2 } END { print s + 0 }' $out.err)"
done
expect_eq "ledger, two CPUs: every delivered record printed, all openloop's" \
	"$delivered" "$(count "^$tpid  *openloop  *[0-9][0-9]*  *0 $target$" $out)"

# tcplife: one session, two records (client and server), exact bytes.
field()
{
	tr ' ' '\n' < /tmp/bs.xfer | sed -n "s/^$1=//p"
}

# records FILE LPORT RPORT: its lines with those ports (columns 4 and 6).
records()
{
	awk -v l=$2 -v r=$3 '$4 == l && $6 == r' $1
}

# xfer FAMILY B R ADDR [env]: one traced transfer through BPF, both
# records checked.
xfer()
{
	fam=$1 b=$2 r=$3 addr=$4
	rc=1
	xrc=1
	if start $out "$TL_HDR" --backend bpf enable tcplife -v -B -w $fam; then
		xf=
		[ $fam = -6 ] && xf=-6
		tcpxfer $xf $b $r > /tmp/bs.xfer
		xrc=$?
		sleep 1
		stop $pid
		rc=$?
	fi
	expect_eq "tcplife $fam$5: exits 0" 0 "$rc"
	expect_eq "tcplife $fam$5: tcpxfer $b $r exits 0" 0 "$xrc"
	sp=$(field server)
	cp=$(field client)
	sed 's/^/# /' $out
	expect_eq "tcplife $fam$5: one client record ($cp -> $sp)" 1 \
		"$(records $out $cp $sp | wc -l)"
	expect_eq "tcplife $fam$5: one server record ($sp -> $cp)" 1 \
		"$(records $out $sp $cp | wc -l)"
	# PID COMM LADDR LPORT RADDR RPORT TX RX MS
	set -- $(records $out $cp $sp)
	expect_eq "tcplife $fam$5: client: pid, comm, addresses" \
		"$(field cpid) tcpxfer $addr $addr" "$1 $2 $3 $5"
	expect_eq "tcplife $fam$5: client TX = $b + SYN + FIN" $((b + 2)) "$7"
	# The server's FIN counts only if it lands before the client's
	# socket is done (see 54-tcplife.sh).
	check "tcplife $fam$5: client RX = $r, + FIN if it came first (got $8)" \
		test "$8" = $r -o "$8" = $((r + 1))
	set -- $(records $out $sp $cp)
	expect_eq "tcplife $fam$5: server: pid, comm, addresses" \
		"$(field spid) tcpxfer $addr $addr" "$1 $2 $3 $5"
	expect_eq "tcplife $fam$5: server TX = $r + FIN" $((r + 1)) "$7"
	expect_eq "tcplife $fam$5: server RX = $b + FIN" $((b + 1)) "$8"
	check "tcplife $fam$5: seen = delivered, nothing dropped" \
		grep -q "sessions seen \([0-9]*\) delivered \1 dropped 0$" $out.err
}

xfer -4 100000 30000 127.0.0.1
check "tcplife: tp_btf program where BTF types the tracepoint" \
	grep -q "bpf: inet_sock_set_state: tp_btf" $out.err
xfer -6 12345 678 ::1
export KTRACE_BPF_RAW_TP=1
xfer -4 4000 5000 127.0.0.1 " raw_tp"
unset KTRACE_BPF_RAW_TP
check "tcplife raw_tp fallback: raw_tp program loaded" \
	grep -q "bpf: inet_sock_set_state: raw_tp" $out.err

if ! load_ktrace; then
	not_ok "ktrace.ko loads"
	tap_end
	exit
fi

# Both backends at once over the same opens: the same records.
if start $out "$OS_HDR" --backend module enable opensnoop -e; then
	mpid=$pid
	if start $out2 "$OS_HDR" --backend bpf enable opensnoop -e; then
		openloop $N $target > /dev/null
		openloop $N $target open > /dev/null
		openloop $N $missing openat2 > /dev/null
		stop $pid
	fi
	stop $mpid
fi
grep -e " $target$" -e " $missing$" $out | sort > /tmp/bs.mod
grep -e " $target$" -e " $missing$" $out2 | sort > /tmp/bs.bpf
expect_eq "cross-check: the module streams $((3 * N)) opens" $((3 * N)) \
	"$(wc -l < /tmp/bs.mod)"
check "cross-check: the same $((3 * N)) open records (pid, fd, errno, flags, path)" \
	cmp -s /tmp/bs.mod /tmp/bs.bpf

# Both at once over the same TCP session: the same two records, less the
# duration (each backend times it from its own state change).
if start $out "$TL_HDR" --backend module enable tcplife -B -w; then
	mpid=$pid
	if start $out2 "$TL_HDR" --backend bpf enable tcplife -B -w; then
		tcpxfer 54321 9876 > /tmp/bs.xfer
		sleep 1
		stop $pid
	fi
	stop $mpid
fi
sp=$(field server)
cp=$(field client)
for f in $out $out2; do
	{ records $f $cp $sp; records $f $sp $cp; } |
		awk '{ $NF = ""; print }' > $f.tcp
done
sed 's/^/# module: /' $out.tcp
sed 's/^/# bpf:    /' $out2.tcp
expect_eq "cross-check: the module streams both records" 2 \
	"$(wc -l < $out.tcp)"
check "cross-check: the same two TCP records (pid, ports, bytes)" \
	cmp -s $out.tcp $out2.tcp

check "rmmod" rmmod ktrace
tap_end
