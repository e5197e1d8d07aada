# SPDX-License-Identifier: GPL-2.0
# tcplife: tcpxfer makes one loopback connection with exactly B bytes from
# the client to the server and R back, the client closing first.  Each
# side's sock closes once, so there are exactly two records: the client's
# (local port = the ephemeral one) and the server's (local port = the
# listening one), each with the right ports, pid and byte counts.
. /ktrace/tap.sh

HEADER="PID.*COMM.*LADDR.*LPORT.*RADDR.*RPORT"
out=/tmp/tl.out

start_traced()
{
	rm -f $out $out.err
	ktracectl enable tcplife $1 > $out 2>$out.err &
	pid=$!
	if ! wait_for "$HEADER" $out; then
		kill $pid 2>/dev/null
		wait $pid
		return 1
	fi
}

stop_traced()
{
	sleep 1
	kill -INT $pid
	(sleep 20; kill -KILL $pid 2>/dev/null) > /dev/null 2>&1 &
	dog=$!
	wait $pid
	st=$?
	kill $dog 2>/dev/null
	return $st
}

# field NAME=VALUE... : the value of NAME in tcpxfer's line.
field()
{
	tr ' ' '\n' < /tmp/tl.xfer | sed -n "s/^$1=//p"
}

# The records whose LPORT and RPORT are $1 and $2 (columns 4 and 6 with -B).
records()
{
	awk -v l=$1 -v r=$2 '$4 == l && $6 == r' $out
}

# xfer FLAGS B R LADDR: one traced transfer, then checks both records.
xfer()
{
	fam=$1 b=$2 r=$3 addr=$4
	rc=1
	if start_traced "-B -w $fam"; then
		xf=
		[ $fam = -6 ] && xf=-6
		tcpxfer $xf $b $r > /tmp/tl.xfer
		xrc=$?
		stop_traced
		rc=$?
	fi
	expect_eq "$fam: ktracectl exits 0" 0 "$rc"
	expect_eq "$fam: tcpxfer $b $r exits 0" 0 "$xrc"
	sp=$(field server)
	cp=$(field client)
	spid=$(field spid)
	cpid=$(field cpid)
	cat $out
	expect_eq "$fam: one client record ($cp -> $sp)" 1 "$(records $cp $sp | wc -l)"
	expect_eq "$fam: one server record ($sp -> $cp)" 1 "$(records $sp $cp | wc -l)"
	# PID COMM LADDR LPORT RADDR RPORT TX RX MS
	set -- $(records $cp $sp)
	expect_eq "$fam: client record: pid, comm, addresses" "$cpid tcpxfer $addr $addr" "$1 $2 $3 $5"
	expect_eq "$fam: client TX = $b + SYN + FIN" $((b + 2)) "$7"
	# The client closes first, then the server: the server's FIN counts
	# only if it lands before the client's socket is done (an orphan in
	# FIN_WAIT2 goes to TIME_WAIT at once, and the FIN meets that).
	check "$fam: client RX = $r, + FIN if it came first (got $8)" \
		test "$8" = $r -o "$8" = $((r + 1))
	set -- $(records $sp $cp)
	expect_eq "$fam: server record: pid, comm, addresses" "$spid tcpxfer $addr $addr" "$1 $2 $3 $5"
	expect_eq "$fam: server TX = $r + FIN" $((r + 1)) "$7"
	expect_eq "$fam: server RX = $b + FIN" $((b + 1)) "$8"
}

check "ktrace.ko loads" load_ktrace

if ! ktracectl list 2>/dev/null | grep -q tcplife; then
	not_ok "ktracectl list shows tcplife"
	rmmod ktrace
	tap_end
	exit
fi
ok "ktracectl list shows tcplife"

xfer -4 100000 30000 127.0.0.1
xfer -6 12345 678 ::1

# Filters in userspace: -L with the wrong port shows nothing, -p another
# pid nothing, -D the server port only the client's record.
if start_traced "-B -D 1"; then
	tcpxfer 10 10 > /tmp/tl.xfer
	stop_traced
fi
expect_eq "-D 1: no session shown" 0 "$(awk '$4 ~ /^[0-9]+$/' $out | wc -l)"

# --json: the same two sessions as "event" lines, bytes exact, the
# header on stderr, and a "stats" line at exit.
rm -f $out $out.err
ktracectl enable tcplife --json > $out 2>$out.err &
pid=$!
rc=1
if wait_for "$HEADER" $out.err; then
	tcpxfer 5000 700 > /tmp/tl.xfer
	stop_traced
	rc=$?
fi
sp=$(field server)
cp=$(field client)
cat $out
expect_eq "--json: exits 0" 0 "$rc"
expect_eq "--json: every line a JSON object with a type" 0 "$(json_bad $out)"
ev='"comm":"tcpxfer","ip":4,"laddr":"127.0.0.1"'
# RX 700, + the server's FIN if it came first (see xfer above).
expect_eq "--json: the client's session, TX 5000 + SYN + FIN, RX 700 (+ FIN)" 1 \
	"$(grep -cE "^\{\"type\":\"event\",\"probe\":\"tcplife\",.*\"pid\":$(field cpid),\"tid\":[0-9]*,$ev,\"lport\":$cp,\"raddr\":\"127.0.0.1\",\"rport\":$sp,\"tx_bytes\":5002,\"rx_bytes\":70[01],\"duration_ns\":[0-9]*\}$" $out)"
expect_eq "--json: the server's session, TX 700 + FIN, RX 5000 + FIN" 1 \
	"$(grep -c "^{\"type\":\"event\",\"probe\":\"tcplife\",.*\"pid\":$(field spid),\"tid\":[0-9]*,$ev,\"lport\":$sp,\"raddr\":\"127.0.0.1\",\"rport\":$cp,\"tx_bytes\":701,\"rx_bytes\":5001,\"duration_ns\":[0-9]*}$" $out)"
check "--json: stats, nothing dropped" \
	grep -q '^{"type":"stats","probe":"tcplife","seen":\([0-9]*\),"delivered":\1,"dropped":0}$' $out

ktracectl enable tcplife -L notaport > /dev/null 2>&1
expect_eq "bad port: usage error, exit 2" 2 "$?"

check "rmmod" rmmod ktrace
tap_end
