# SPDX-License-Identifier: GPL-2.0
# bpfwatch: bpfload K makes exactly K BPF_MAP_CREATE (array) and K
# BPF_PROG_LOAD (socket filter) calls, all succeeding: the rows of comm
# bpfload must say so exactly, with no errors.
. /ktrace/tap.sh

K=200
HEADER="Tracing bpf() calls"
out=/tmp/bw.out

start_traced()
{
	rm -f $out $out.err
	ktracectl enable bpfwatch "$@" > $out 2>$out.err &
	pid=$!
	if ! wait_for "$HEADER" $out; then
		kill $pid 2>/dev/null
		wait $pid
		return 1
	fi
}

stop_traced()
{
	kill -INT $pid
	(sleep 30; kill -KILL $pid 2>/dev/null) > /dev/null 2>&1 &
	dog=$!
	wait $pid
	st=$?
	kill $dog 2>/dev/null
	return $st
}

# col CMD TYPE N: column N of bpfload's CMD/TYPE rows, added up.
col()
{
	awk -v c=$1 -v t=$2 -v n=$3 \
		'$1 == "bpfload" && $2 == c && $3 == t { s += $n } END { print s + 0 }' $out
}

check "ktrace.ko loads" load_ktrace

if ! ktracectl list 2>/dev/null | grep -q bpfwatch; then
	not_ok "ktracectl list shows bpfwatch"
	rmmod ktrace
	tap_end
	exit
fi
ok "ktracectl list shows bpfwatch"

check "bpfload 1 works here" bpfload 1

rc=1
if start_traced; then
	bpfload $K
	lrc=$?
	stop_traced
	rc=$?
fi
cat $out
expect_eq "bpfload $K: exits 0" 0 "$lrc"
expect_eq "exits 0 on SIGINT" 0 "$rc"
check "table header" grep -q "^COMM  *CMD  *PROG_TYPE  *COUNT  *ERRORS  *RATE/s$" $out
expect_eq "exactly $K MAP_CREATE" $K "$(col MAP_CREATE - 4)"
expect_eq "exactly $K PROG_LOAD SOCKET_FILTER" $K "$(col PROG_LOAD SOCKET_FILTER 4)"
expect_eq "no MAP_CREATE errors" 0 "$(col MAP_CREATE - 5)"
expect_eq "no PROG_LOAD errors" 0 "$(col PROG_LOAD SOCKET_FILTER 5)"
check "a rate" [ -n "$(awk '$1 == "bpfload" && $2 == "PROG_LOAD" && $6 > 0' $out)" ]

# interval count: stops by itself after count tables.
rm -f $out
ktracectl enable bpfwatch 1 2 > $out 2>$out.err &
pid=$!
wait_for "$HEADER" $out
wait $pid
expect_eq "1 2: exits 0 by itself" 0 "$?"
expect_eq "1 2: two tables" 2 "$(grep -c '^COMM' $out)"

# -c and an interval (the workload's length depends on the kernel, so
# Ctrl-C ends it): the tables add up to K.
rc=1
if start_traced -c bpfload 1; then
	bpfload $K
	sleep 2
	stop_traced
	rc=$?
fi
expect_eq "-c bpfload 1: exits 0" 0 "$rc"
check "1: two tables or more" [ "$(grep -c '^COMM' $out)" -ge 2 ]
expect_eq "1: MAP_CREATE adds up to $K" $K "$(col MAP_CREATE - 4)"
expect_eq "1: PROG_LOAD adds up to $K" $K "$(col PROG_LOAD SOCKET_FILTER 4)"
expect_eq "-c bpfload: only bpfload rows" "" "$(awk 'NF == 6 && $1 != "COMM" && $1 != "bpfload"' $out)"

ktracectl enable bpfwatch 1 2 3 > $out 2>$out.err
expect_eq "three positionals: usage error, exit 2" 2 "$?"

# --json: a "table" line; prog_type null but for PROG_LOAD.
json_traced $out "bpfload $K" enable bpfwatch -c bpfload
expect_eq "--json: exits 0" 0 "$rc"
expect_eq "--json: every line a JSON object with a type" 0 "$(json_bad $out)"
expect_eq "--json: exactly $K MAP_CREATE, no errors" 1 \
	"$(grep -c "\"comm\":\"bpfload\",\"cmd\":\"MAP_CREATE\",\"prog_type\":null,\"count\":$K,\"errors\":0,\"rate\":[0-9.]*}" $out)"
expect_eq "--json: exactly $K PROG_LOAD SOCKET_FILTER, no errors" 1 \
	"$(grep -c "\"comm\":\"bpfload\",\"cmd\":\"PROG_LOAD\",\"prog_type\":\"SOCKET_FILTER\",\"count\":$K,\"errors\":0,\"rate\":[0-9.]*}" $out)"

check "rmmod" rmmod ktrace
tap_end
