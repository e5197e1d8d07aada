#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# A real Prometheus scrapes ktracectl export.  A guest runs two exporters
# for block_latency (per disk), syscount (of the sysloop program) and
# bpfwatch (of bpfload): one over ktrace.ko (job ktrace), one with
# --backend bpf (job ktrace_bpf, funclatency of getppid by sysloop too),
# then a workload both count: N O_DIRECT reads of /dev/vda, M getppid
# calls, K program loads.  Debian's prometheus, on the host, scrapes both
# every second through QEMU's user network (run.sh -n).  Once the
# workload is done the script asks Prometheus's HTTP API for each job's
# counts (>= N reads on vda, exactly M getppid, exactly K loads, and for
# BPF exactly M getppid latencies), checks the histograms are consistent
# (buckets cumulative, +Inf equals _count, all from one scrape) and lints
# one scrape of each with promtool.  Then it tells the guest to stop,
# through another forwarded port, and stops Prometheus.  Whatever
# happens, a trap ends the guest and Prometheus it started.
#
#   prometheus-check.sh [-k KERNEL] [-p PAYLOAD]
#     KERNEL   default stock-6.1 (the test kernel has no virtio-net)
#     PAYLOAD  a built payload; default: scripts/payload.sh KERNEL builds it
#
# Prints TAP-like "ok N - ..." / "not ok N - ..." lines; exits non-zero if
# any check failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KTRACE_TOP" || exit 1

kernel=stock-6.1 payload=""
while [ $# -gt 0 ]; do
	case "$1" in
	-k)	kernel=$2; shift 2 ;;
	-p)	payload=$2; shift 2 ;;
	*)	die "prometheus-check.sh: unknown option '$1'" ;;
	esac
done
command -v prometheus > /dev/null || die "no prometheus (scripts/deps.sh installs it)"
if [ -z "$payload" ]; then
	payload=$(scripts/payload.sh "$kernel") || die "payload for $kernel does not build"
fi

N=400		# direct reads of /dev/vda
M=5000		# getppid calls by sysloop
K=20		# socket filter loads by bpfload
GUEST_PORT=9100	# the module's exporter
BPF_GUEST_PORT=9102	# the --backend bpf exporter
CTL_PORT=9101	# the guest waits for a connection here before it stops
GETPPID=__x64_sys_getppid

tmp=$(mktemp -d)
guest_pid="" prom_pid=""
n=0 failed=0

ok()
{
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - prometheus: $2"
	else
		failed=$((failed + 1))
		echo "not ok $n - prometheus: $2"
	fi
}

# Every descendant of process $1, deepest first.
descendants()
{
	local c

	for c in $(ps -o pid= --ppid "$1"); do
		descendants "$c"
		echo "$c"
	done
}

# ok_if DESCRIPTION COMMAND...: ok when COMMAND succeeds.
ok_if()
{
	local desc=$1

	shift
	"$@" 2> /dev/null
	ok $? "$desc"
}

# at_least VALUE MIN: VALUE is a number of at least MIN.
at_least()
{
	[ "$1" != none ] && [ "$1" -ge "$2" ]
}

# between VALUE LOW HIGH: LOW < VALUE < HIGH, as floats.
between()
{
	python3 -c 'import sys; a = [float(x) for x in sys.argv[1:]]; sys.exit(not a[1] < a[0] < a[2])' "$@"
}

cleanup()
{
	if [ -n "$prom_pid" ] && kill -0 "$prom_pid" 2> /dev/null; then
		kill -TERM "$prom_pid" 2> /dev/null
		wait "$prom_pid" 2> /dev/null
	fi
	# run.sh, its timeout and QEMU (timeout makes its own process group).
	if [ -n "$guest_pid" ] && kill -0 "$guest_pid" 2> /dev/null; then
		# shellcheck disable=SC2046
		kill -TERM $(descendants "$guest_pid") "$guest_pid" 2> /dev/null
		wait "$guest_pid" 2> /dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Four free ports on 127.0.0.1: the exporters', the guest's stop signal
# and Prometheus's web API.
read -r EXP_PORT BPF_PORT STOP_PORT PROM_PORT < <(python3 -c '
import socket
s = [socket.socket() for _ in range(4)]
for x in s:
    x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')

# GET from 127.0.0.1: prints the body, fails on anything but 200.
http_get()
{
	python3 - "$1" <<'PY'
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=5) as r:
        sys.stdout.write(r.read().decode())
except Exception as e:
    sys.stderr.write("%s: %s\n" % (sys.argv[1], e))
    sys.exit(1)
PY
}

# An instant PromQL query at time $2 (default now): one "labels value"
# line per series, labels as JSON.
query()
{
	python3 - "$PROM_PORT" "$1" "${2:-}" <<'PY'
import json, sys, urllib.parse, urllib.request
port, q, t = sys.argv[1:4]
args = {"query": q}
if t:
    args["time"] = t
url = "http://127.0.0.1:%s/api/v1/query?%s" % (port, urllib.parse.urlencode(args))
try:
    with urllib.request.urlopen(url, timeout=5) as r:
        d = json.load(r)
except Exception as e:
    sys.stderr.write("query %s: %s\n" % (q, e))
    sys.exit(1)
if d.get("status") != "success":
    sys.stderr.write("query %s: %s\n" % (q, d))
    sys.exit(1)
for s in d["data"]["result"]:
    print(json.dumps(s["metric"], sort_keys=True), s["value"][1])
PY
}

# The value of a query with one series, "none" without.
value()
{
	local v

	v=$(query "$@" | awk 'NR == 1 { print $NF }')
	echo "${v:-none}"
}

# Waits up to $1 seconds for command $2... to succeed.
wait_until()
{
	local t=$1 i=0

	shift
	until "$@"; do
		i=$((i + 1))
		[ $i -ge $((t * 2)) ] && return 1
		sleep 0.5
	done
}

guest_said()
{
	grep -q "$1" "$tmp/guest/output.log" 2> /dev/null
}

guest_alive()
{
	kill -0 "$guest_pid" 2> /dev/null
}

step "prometheus: guest ($kernel) exporting on 127.0.0.1:$EXP_PORT (module) and 127.0.0.1:$BPF_PORT (bpf), prometheus on 127.0.0.1:$PROM_PORT"

# The guest: both exporters up, then the workload, then wait for the host.
mkdir -p "$tmp/guest"
cmd="insmod /ktrace/ktrace.ko || exit 1
ktracectl export -v -l :$GUEST_PORT block_latency:-D syscount:-L,-c,sysloop bpfwatch:-c,bpfload > /tmp/exp.out 2> /tmp/exp.err &
pid=\$!
ktracectl --backend bpf export -v -l :$BPF_GUEST_PORT block_latency:-D syscount:-L,-c,sysloop bpfwatch:-c,bpfload funclatency:-u,-c,sysloop,$GETPPID > /tmp/expb.out 2> /tmp/expb.err &
bpid=\$!
i=0
until grep -q Exporting /tmp/exp.out && grep -q Exporting /tmp/expb.out; do
	i=\$((i + 1)); [ \$i -gt 300 ] && { cat /tmp/exp.err /tmp/expb.err; exit 1; }
	sleep 0.1
done
sleep 1
echo KTRACE_EXPORT_READY
blkload /dev/vda $N > /dev/null && sysloop $M && bpfload $K > /dev/null && echo KTRACE_WORKLOAD_DONE
timeout 60 nc -l -p $CTL_PORT < /dev/null > /dev/null && echo KTRACE_STOP_ASKED
kill -INT \$pid \$bpid
wait \$pid
st=\$?
wait \$bpid
bst=\$?
echo \"exporter exit \$st, scrapes \$(grep -c '\"GET /metrics' /tmp/exp.err)\"
echo \"bpf exporter exit \$bst, scrapes \$(grep -c '\"GET /metrics' /tmp/expb.err)\"
grep -v '\"' /tmp/expb.err
rmmod ktrace && [ \$st -eq 0 ] && [ \$bst -eq 0 ]"
tests/vm/run.sh -k "$kernel" -p "$payload" -t 300 -o "$tmp/guest" \
	-n "$EXP_PORT:$GUEST_PORT" -n "$BPF_PORT:$BPF_GUEST_PORT" \
	-n "$STOP_PORT:$CTL_PORT" -- "$cmd" \
	> "$tmp/guest.out" 2> "$tmp/guest.err" &
guest_pid=$!

cat > "$tmp/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: ktrace
    static_configs:
      - targets: ['127.0.0.1:$EXP_PORT']
  - job_name: ktrace_bpf
    static_configs:
      - targets: ['127.0.0.1:$BPF_PORT']
EOF
prometheus --config.file="$tmp/prometheus.yml" \
	--storage.tsdb.path="$tmp/tsdb" \
	--web.listen-address="127.0.0.1:$PROM_PORT" \
	--log.level=warn > "$tmp/prometheus.log" 2>&1 &
prom_pid=$!

wait_until 30 http_get "http://127.0.0.1:$PROM_PORT/-/ready" > /dev/null
ok $? "prometheus is ready"

wait_until 240 guest_said KTRACE_WORKLOAD_DONE
rc=$?
ok $rc "the guest ran both exporters and the workload ($N reads, $M getppid, $K loads)"
if [ $rc -ne 0 ]; then
	echo "# guest output:"; sed 's/^/#   /' "$tmp/guest/output.log" "$tmp/guest.err" 2> /dev/null | tail -n 30
fi

# The workload is done: a scrape started after this has it all.
done_at=$(date +%s.%N)
scraped_after_done()
{
	local v job

	# A plain selector: timestamp() of an expression is the query's time.
	# Only a successful scrape has this series.
	for job in ktrace ktrace_bpf; do
		v=$(value "timestamp(ktrace_probe_hits_total{job=\"$job\",probe=\"block_latency\"})")
		[ "$v" != none ] && between "$v" "$done_at" inf || return 1
	done
}
wait_until 60 scraped_after_done
rc=$?
ok $rc "prometheus scraped both exporters after the workload"
if [ $rc -ne 0 ]; then
	# Nothing else can pass: say why and let the trap end everything.
	echo "# up: $(query 'up'), targets:"
	http_get "http://127.0.0.1:$PROM_PORT/api/v1/targets" | head -c 600 | sed 's/^/#   /'
	echo
	sed 's/^/# guest: /' "$tmp/guest/output.log" 2> /dev/null | tail -n 20
	echo "1..$n"
	exit 1
fi
t=$(date +%s.%N)

# One scrape's buckets of histogram $1's series of labels $2, ordered by
# le: cumulative, +Inf equal to _count.
buckets_ok()
{
	local count

	query "$1_bucket{$2}" "$t" > "$tmp/buckets"
	count=$(value "$1_count{$2}" "$t")
	python3 - "$tmp/buckets" "$count" <<'PY'
import json, sys
rows = []
for line in open(sys.argv[1]):
    labels, v = line.rsplit(" ", 1)
    rows.append((float(json.loads(labels)["le"]), float(v)))
rows.sort()
vals = [v for _, v in rows]
ok = (len(rows) > 2 and rows[-1][0] == float("inf") and
      all(a <= b for a, b in zip(vals, vals[1:])) and
      sys.argv[2] != "none" and vals[-1] == float(sys.argv[2]))
print("# %d buckets, +Inf %s, _count %s" % (len(rows), vals[-1] if vals else "-", sys.argv[2]))
sys.exit(0 if ok else 1)
PY
}

# The checks of one job's series, $1: ktrace (the module) or ktrace_bpf.
job_checks()
{
	local job=$1 j="job=\"$1\"" v q

	v=$(value "ktrace_block_latency_seconds_count{$j,disk=\"vda\"}" "$t")
	ok_if "$job: ktrace_block_latency_seconds_count{disk=\"vda\"} >= $N ($v)" \
		at_least "$v" $N
	v=$(value "up{$j}" "$t")
	ok_if "$job: up is 1 ($v)" [ "$v" = 1 ]
	v=$(value "ktrace_syscount_calls_total{$j,syscall=\"getppid\"}" "$t")
	ok_if "$job: ktrace_syscount_calls_total{syscall=\"getppid\"} is $M ($v)" [ "$v" = $M ]
	buckets_ok ktrace_block_latency_seconds "$j,disk=\"vda\""
	ok $? "$job: block_latency buckets cumulative and +Inf equal to _count"
	q="histogram_quantile(0.5, ktrace_block_latency_seconds_bucket{$j,disk=\"vda\"})"
	v=$(value "$q" "$t")
	ok_if "$job: histogram_quantile works: median read latency ${v}s" between "$v" 0 1
	v=$(value "ktrace_probe_dropped_total{$j,probe=\"block_latency\",reason=\"table_full\"}" "$t")
	ok_if "$job: no table_full drops ($v)" [ "$v" = 0 ]
	v=$(value "ktrace_bpfwatch_calls_total{$j,comm=\"bpfload\",cmd=\"PROG_LOAD\",prog_type=\"SOCKET_FILTER\"}" "$t")
	ok_if "$job: ktrace_bpfwatch_calls_total{cmd=\"PROG_LOAD\"} is $K ($v)" [ "$v" = $K ]
}

job_checks ktrace
job_checks ktrace_bpf
fl="job=\"ktrace_bpf\",function=\"$GETPPID\""
v=$(value "ktrace_funclatency_seconds_count{$fl}" "$t")
ok_if "ktrace_bpf: ktrace_funclatency_seconds_count{function=\"$GETPPID\"} is $M ($v)" \
	[ "$v" = $M ]
buckets_ok ktrace_funclatency_seconds "$fl"
ok $? "ktrace_bpf: funclatency buckets cumulative and +Inf equal to _count"

# promtool's lint of a scrape of our own, of each exporter.
for port in $EXP_PORT $BPF_PORT; do
	http_get "http://127.0.0.1:$port/metrics" > "$tmp/metrics" &&
		promtool check metrics < "$tmp/metrics" > "$tmp/promtool.log" 2>&1
	rc=$?
	sed 's/^/# promtool: /' "$tmp/promtool.log" 2> /dev/null
	ok $rc "promtool check metrics of 127.0.0.1:$port: no problems"
done

# Tell the guest to stop; it must exit cleanly.
stop_guest()
{
	python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 2).close()' "$STOP_PORT" 2> /dev/null
	sleep 1
	! guest_alive
}
if wait_until 60 stop_guest; then
	wait "$guest_pid"
	rc=$?
	guest_pid=""
else
	rc=124		# still running: the trap ends it
fi
grep -h 'exporter exit' "$tmp/guest.out" | sed 's/^/# /'
grep -q KTRACE_STOP_ASKED "$tmp/guest.out" || rc=1
ok $rc "the guest stopped both exporters when asked and exited cleanly (exit $rc)"
[ $rc -eq 0 ] || sed 's/^/#   /' "$tmp/guest.err" | tail -n 30

kill -TERM "$prom_pid"
wait "$prom_pid"
rc=$?
prom_pid=""
ok $rc "prometheus stopped (exit $rc)"
[ $rc -eq 0 ] || sed 's/^/#   /' "$tmp/prometheus.log" | tail -n 20

echo "1..$n"
[ $failed -eq 0 ]
