# SPDX-License-Identifier: GPL-2.0
# ktracectl export: the Prometheus exporter inside the guest, scraped over
# loopback with busybox wget and nc.  N O_DIRECT reads of /dev/vda, M
# getppid calls and bpfload's K map creations and K program loads must
# show as exactly N, M and K, twice over after a second round (the
# counters accumulate across read-and-clear); the text must
# parse; other paths, methods and oversized requests get their errors
# while a silent client holds a connection open.  Then the same exporter
# with --backend bpf and ktrace.ko not loaded: block_latency, syscount,
# bpfwatch, funclatency (of getppid, by sysloop) and runqlat (of pingpong)
# over the same kind of workload, counted exactly, twice over.
. /ktrace/tap.sh

N=300
M=2000
P=1000		# pingpong round trips: P to 4P + 100 wakeups
K=20		# bpfload's map creations and program loads
GETPPID=__x64_sys_getppid
PORT=9100
URL=http://127.0.0.1:$PORT/metrics
out=/tmp/exp.out
err=/tmp/exp.err
m=/tmp/metrics

# The value of the sample whose name and labels are exactly $1.
metric()
{
	awk -v s="$1" '$1 == s { print $2; found = 1 } END { if (!found) print "none" }' $m
}

# Every line a HELP, a TYPE or "name{labels} value", as the format says.
parses()
{
	awk '
	/^# (HELP|TYPE) / { next }
	/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+0-9.eEInfNa]+$/ { n++; next }
	{ print "# bad line: " $0; bad = 1 }
	END { exit bad || !n }' $m
}

# Buckets of the series with labels $2 of histogram $1 never decrease and
# +Inf equals _count.
buckets_ok()
{
	awk -v h="$1" -v l="$2" '
	index($1, h "_bucket{" l ",le=") == 1 {
		if ($2 + 0 < prev) bad = 1
		prev = $2 + 0
		if ($1 ~ /le="\+Inf"/) inf = $2; nb++
	}
	$1 == h "_count{" l "}" { count = $2 }
	END { exit bad || nb < 2 || inf == "" || inf != count }' $m
}

# request "RAW REQUEST": the status line the exporter answers.  Every
# client has a timeout: a hung exporter fails the test, not the run.
request()
{
	printf "$1" | timeout 10 nc 127.0.0.1 $PORT | head -n 1 | tr -d '\r'
}

scrape()
{
	rm -f $m
	timeout 10 wget -q -O $m "$URL"
}

# bw CMD PROG_TYPE [failed_]: bpfload's series of bpfwatch's calls counter.
bw()
{
	metric "ktrace_bpfwatch_${3}calls_total{comm=\"bpfload\",cmd=\"$1\",prog_type=\"$2\"}"
}

check "ktrace.ko loads" load_ktrace

# Command-line mistakes: one line and the usage, exit 2.
ktracectl export block_latency > /dev/null 2>&1
expect_eq "no --listen: exit 2" 2 $?
ktracectl export -l 127.0.0.1:$PORT nosuch > /dev/null 2>&1
expect_eq "unknown probe: exit 2" 2 $?
ktracectl export -l 127.0.0.1:$PORT block_latency:-X > /dev/null 2>&1
expect_eq "unknown probe option: exit 2" 2 $?
ktracectl export -l 127.0.0.1:$PORT block_latency block_latency:-D > /dev/null 2>&1
expect_eq "a probe twice: exit 2" 2 $?
ktracectl export -l 127.0.0.1 block_latency > /dev/null 2>&1
expect_eq "ADDR without PORT: exit 2" 2 $?

rm -f $out
ktracectl export -v -l 127.0.0.1:$PORT block_latency:-D syscount:-L,-c,sysloop \
	bpfwatch:-c,bpfload > $out 2> $err &
pid=$!
if ! wait_for "Exporting block_latency, syscount, bpfwatch on http://127.0.0.1:$PORT/metrics" $out; then
	not_ok "exporter starts"
	cat $out $err | sed 's/^/# /'
	kill $pid
	tap_end
	exit
fi
ok "exporter starts"

blkload /dev/vda $N > /dev/null
sysloop $M
bpfload $K > /dev/null
check "GET /metrics" scrape
check "the text parses: HELP, TYPE, name{labels} value" parses
check "# TYPE ktrace_block_latency_seconds histogram" \
	grep -qx '# TYPE ktrace_block_latency_seconds histogram' $m
expect_eq "$N reads in ktrace_block_latency_seconds_count{disk=\"vda\"}" $N \
	"$(metric 'ktrace_block_latency_seconds_count{disk="vda"}')"
check "buckets cumulative, +Inf = _count" \
	buckets_ok ktrace_block_latency_seconds 'disk="vda"'
check "le bounds in seconds (le=\"2e-06\" first)" \
	grep -q 'ktrace_block_latency_seconds_bucket{disk="vda",le="2e-06"}' $m
expect_eq "$M getppid in ktrace_syscount_calls_total" $M \
	"$(metric 'ktrace_syscount_calls_total{syscall="getppid"}')"
check "-L: ktrace_syscount_seconds_total{syscall=\"getppid\"} > 0" \
	awk -v v="$(metric 'ktrace_syscount_seconds_total{syscall="getppid"}')" \
	'BEGIN { exit !(v + 0 > 0) }'
check "hits of block_latency >= $N" \
	awk -v v="$(metric 'ktrace_probe_hits_total{probe="block_latency"}')" \
	-v n=$N 'BEGIN { exit !(v + 0 >= n) }'
expect_eq "no table_full drops" 0 \
	"$(metric 'ktrace_probe_dropped_total{probe="block_latency",reason="table_full"}')"
expect_eq "bpfwatch: $K MAP_CREATE by bpfload" $K "$(bw MAP_CREATE '')"
expect_eq "bpfwatch: $K PROG_LOAD SOCKET_FILTER" $K "$(bw PROG_LOAD SOCKET_FILTER)"
expect_eq "bpfwatch: no failed PROG_LOAD" 0 \
	"$(bw PROG_LOAD SOCKET_FILTER failed_)"

# A second round: the kernel tables were cleared in between (every second
# and at each scrape); the exported counters went on from where they were.
sleep 2
blkload /dev/vda $N > /dev/null
sysloop $M
bpfload $K > /dev/null
scrape
expect_eq "counters accumulate: $((2 * N)) reads" $((2 * N)) \
	"$(metric 'ktrace_block_latency_seconds_count{disk="vda"}')"
expect_eq "counters accumulate: $((2 * M)) getppid" $((2 * M)) \
	"$(metric 'ktrace_syscount_calls_total{syscall="getppid"}')"
expect_eq "counters accumulate: $((2 * K)) MAP_CREATE" $((2 * K)) \
	"$(bw MAP_CREATE '')"
check "buckets still consistent" \
	buckets_ok ktrace_block_latency_seconds 'disk="vda"'

# A client that connects and says nothing holds one slot, not the server.
mkfifo /tmp/exp.fifo
timeout 30 nc 127.0.0.1 $PORT < /tmp/exp.fifo > /dev/null &
silent=$!
exec 3> /tmp/exp.fifo
sleep 1
check "a scrape while a silent client is connected" scrape
expect_eq "GET /nope: 404" "HTTP/1.1 404 Not Found" \
	"$(request 'GET /nope HTTP/1.1\r\nHost: x\r\n\r\n')"
expect_eq "POST /metrics: 405" "HTTP/1.1 405 Method Not Allowed" \
	"$(request 'POST /metrics HTTP/1.1\r\n\r\n')"
expect_eq "HTTP/2.0: 505" "HTTP/1.1 505 HTTP Version Not Supported" \
	"$(request 'GET /metrics HTTP/2.0\r\n\r\n')"
expect_eq "garbage: 400" "HTTP/1.1 400 Bad Request" \
	"$(request 'hello\r\n\r\n')"
big=$(head -c 9000 /dev/zero | tr '\0' 'a')
expect_eq "a 9000-byte header: 431" "HTTP/1.1 431 Request Header Fields Too Large" \
	"$(request "GET /metrics HTTP/1.1\r\nX: $big")"
printf 'HEAD /metrics HTTP/1.0\r\n\r\n' | timeout 10 nc 127.0.0.1 $PORT > /tmp/exp.head
check "HEAD: 200 with Content-Length and no body" sh -c "
	head -n 1 /tmp/exp.head | grep -q '200 OK' &&
	grep -q '^Content-Length: [1-9]' /tmp/exp.head &&
	grep -q '^Content-Type: text/plain; version=0.0.4' /tmp/exp.head &&
	! grep -q ktrace_ /tmp/exp.head"
exec 3>&-
wait $silent
rm -f /tmp/exp.fifo
check "-v logs each request" grep -q '"GET /nope HTTP/1.1" 404' $err

kill -INT $pid
(sleep 30; kill -KILL $pid 2>/dev/null) > /dev/null 2>&1 &
dog=$!
wait $pid
expect_eq "Ctrl-C: exit 0 (137: hung, killed after 30 s)" 0 $?
kill $dog 2>/dev/null
grep -v '"' $err | sed 's/^/# /'
check "rmmod (the exporter let go of its instances)" rmmod ktrace

# ---- --backend bpf, ktrace.ko not loaded ------------------------------
check "ktrace.ko not loaded" sh -c '! grep -q "^ktrace " /proc/modules && [ ! -e /dev/ktrace ]'
rm -f $out
ktracectl --backend bpf export -v -l 127.0.0.1:$PORT block_latency:-D \
	syscount:-L,-c,sysloop "funclatency:-u -c sysloop $GETPPID" \
	runqlat:-c,pingpong bpfwatch:-c,bpfload > $out 2> $err &
pid=$!
if ! wait_for "Exporting block_latency, syscount, funclatency, runqlat, bpfwatch on http://127.0.0.1:$PORT/metrics" $out; then
	not_ok "bpf: exporter starts"
	cat $out $err | sed 's/^/# /'
	kill $pid
	tap_end
	exit
fi
ok "bpf: exporter starts"
check "bpf: -v says each probe runs in the bpf backend" \
	[ "$(grep -c ': bpf backend, instance' $err)" -eq 5 ]

blkload /dev/vda $N > /dev/null
sysloop $M
pingpong $P > /dev/null
bpfload $K > /dev/null
check "bpf: GET /metrics" scrape
check "bpf: the text parses" parses
expect_eq "bpf: $N reads in ktrace_block_latency_seconds_count{disk=\"vda\"}" $N \
	"$(metric 'ktrace_block_latency_seconds_count{disk="vda"}')"
check "bpf: block_latency buckets cumulative, +Inf = _count" \
	buckets_ok ktrace_block_latency_seconds 'disk="vda"'
expect_eq "bpf: $M getppid in ktrace_syscount_calls_total" $M \
	"$(metric 'ktrace_syscount_calls_total{syscall="getppid"}')"
check "bpf: -L: ktrace_syscount_seconds_total{syscall=\"getppid\"} > 0" \
	awk -v v="$(metric 'ktrace_syscount_seconds_total{syscall="getppid"}')" \
	'BEGIN { exit !(v + 0 > 0) }'
fl="function=\"$GETPPID\""
expect_eq "bpf: $M calls in ktrace_funclatency_seconds_count{$fl}" $M \
	"$(metric "ktrace_funclatency_seconds_count{$fl}")"
check "bpf: funclatency buckets cumulative, +Inf = _count" \
	buckets_ok ktrace_funclatency_seconds "$fl"
check "bpf: funclatency -u: le=\"2e-06\" first" \
	grep -q "ktrace_funclatency_seconds_bucket{$fl,le=\"2e-06\"}" $m
rq=$(metric 'ktrace_runqlat_seconds_count')
check "bpf: runqlat: the wakeups of $P round trips ($rq in [$P, $((4 * P + 100))])" \
	awk -v v="$rq" -v lo=$P -v hi=$((4 * P + 100)) \
	'BEGIN { exit !(v != "none" && v + 0 >= lo && v + 0 <= hi) }'
check "bpf: runqlat +Inf = _count" sh -c "
	grep -qx 'ktrace_runqlat_seconds_bucket{le=\"+Inf\"} $rq' $m"
grep '^ktrace_probe_[a-z_]*_total{' $m | grep -v '} 0$' | sed 's/^/# /'
v=$(metric 'ktrace_probe_hits_total{probe="block_latency"}')
check "bpf: hits of block_latency >= $N ($v)" \
	awk -v v="$v" -v n=$N 'BEGIN { exit !(v + 0 >= n) }'
v=$(awk '$1 ~ /^ktrace_syscount_calls_total\{/ { s += $2 } END { print s + 0 }' $m)
expect_eq "bpf: syscount's calls add up to its recorded_total" "$v" \
	"$(metric 'ktrace_probe_recorded_total{probe="syscount"}')"
expect_eq "bpf: bpfwatch: $K MAP_CREATE by bpfload" $K "$(bw MAP_CREATE '')"
expect_eq "bpf: bpfwatch: $K PROG_LOAD SOCKET_FILTER" $K \
	"$(bw PROG_LOAD SOCKET_FILTER)"
expect_eq "bpf: bpfwatch: no failed MAP_CREATE" 0 "$(bw MAP_CREATE '' failed_)"
for p in block_latency syscount funclatency runqlat bpfwatch; do
	expect_eq "bpf: no table_full drops of $p" 0 \
		"$(metric "ktrace_probe_dropped_total{probe=\"$p\",reason=\"table_full\"}")"
done

# The BPF maps were read and cleared in between: the series go on.
sleep 2
blkload /dev/vda $N > /dev/null
sysloop $M
bpfload $K > /dev/null
scrape
expect_eq "bpf: counters accumulate: $((2 * N)) reads" $((2 * N)) \
	"$(metric 'ktrace_block_latency_seconds_count{disk="vda"}')"
expect_eq "bpf: counters accumulate: $((2 * M)) getppid" $((2 * M)) \
	"$(metric 'ktrace_syscount_calls_total{syscall="getppid"}')"
expect_eq "bpf: counters accumulate: $((2 * M)) getppid in funclatency" \
	$((2 * M)) "$(metric "ktrace_funclatency_seconds_count{$fl}")"
expect_eq "bpf: counters accumulate: $((2 * K)) PROG_LOAD" $((2 * K)) \
	"$(bw PROG_LOAD SOCKET_FILTER)"
check "bpf: buckets still consistent" \
	buckets_ok ktrace_block_latency_seconds 'disk="vda"'

kill -INT $pid
(sleep 30; kill -KILL $pid 2>/dev/null) > /dev/null 2>&1 &
dog=$!
wait $pid
expect_eq "bpf: Ctrl-C: exit 0 (137: hung, killed after 30 s)" 0 $?
kill $dog 2>/dev/null
grep -v '"' $err | sed 's/^/# /'
check "bpf: ktrace.ko still not loaded" sh -c '! grep -q "^ktrace " /proc/modules'
tap_end
