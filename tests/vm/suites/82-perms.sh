# SPDX-License-Identifier: GPL-2.0
# Who may use ktrace: nobody without capabilities cannot open /dev/ktrace
# (0600, then 0666 where the module itself says EPERM); CAP_PERFMON is
# enough to trace; kernel addresses in trace's arguments show only to a
# caller with CAP_SYSLOG, who could read them from /proc/kallsyms; and
# another user's instance is not theirs to disable.
. /ktrace/tap.sh

DC=/ktrace/bin/dropcaps
out=/tmp/perm.out
err=/tmp/perm.err
marker=/tmp/perm.marker
PROBE='do_sys_openat2 "%llx", arg3'

# trace_as "dropcaps options": trace do_sys_openat2's third argument (a
# kernel pointer, struct open_how *) over 5 opens by openloop; the values
# go to $out, stderr to $err; $rc is the exit status.
trace_as()
{
	rm -f $out $err
	# shellcheck disable=SC2086
	$DC $1 -- ktracectl enable trace -c openloop "$PROBE" > $out 2>$err &
	pid=$!
	rc=1
	if wait_for "^PID" $out; then
		openloop 5 $marker > /dev/null
		kill -INT $pid
		(sleep 20; kill -KILL $pid 2>/dev/null) > /dev/null 2>&1 &
		dog=$!
		wait $pid
		rc=$?
		kill $dog 2>/dev/null
	else
		kill $pid 2>/dev/null
		wait $pid
	fi
}

# values: the last field of each openloop line.
values()
{
	awk '$3 == "openloop" { print $NF }' $out
}

check "ktrace.ko loads" load_ktrace
echo data > $marker
# The initramfs root and payload come from 0700 directories: let nobody
# reach the tools.
chmod a+rx / /ktrace /ktrace/bin
expect_eq "/dev/ktrace is 0600 root" "crw-------" \
	"$(ls -l /dev/ktrace | cut -c1-10)"

$DC -- ktracectl list > $out 2>&1
expect_eq "nobody: list exits 1" 1 $?
expect_eq "with one line" 1 "$(wc -l < $out)"
check "saying permission denied" grep -q "^ktracectl: cannot open /dev/ktrace: permission denied" $out

chmod 0666 /dev/ktrace
$DC -- sh -c 'exec 3<> /dev/ktrace' > $out 2>&1
check "nobody, node 0666: the module refuses the open (EPERM)" \
	grep -q "Operation not permitted" $out
$DC -- ktracectl list > $out 2>&1
expect_eq "nobody, node 0666: list exits 1" 1 $?
check "naming the capabilities needed" grep -q "needs CAP_PERFMON or CAP_SYS_ADMIN" $out
$DC -c sys_admin -- ktracectl list > $out 2>&1
expect_eq "nobody + CAP_SYS_ADMIN: list exits 0" 0 $?
$DC -c perfmon -- ktracectl list > $out 2>&1
expect_eq "nobody + CAP_PERFMON: list exits 0" 0 $?
check "and lists trace" grep -q "^trace " $out

trace_as "-c perfmon"
expect_eq "nobody + CAP_PERFMON: trace exits 0" 0 $rc
expect_eq "5 opens traced" 5 "$(values | wc -l)"
expect_eq "every kernel address shows as 0" 5 "$(values | grep -c '^0$')"
check "with a note on stderr" grep -q "kernel addresses show as 0 (reading them needs CAP_SYSLOG)" $err

trace_as "-c perfmon,syslog"
values | sed 's/^/# with CAP_SYSLOG: /'
expect_eq "nobody + CAP_PERFMON + CAP_SYSLOG: trace exits 0" 0 $rc
expect_eq "5 opens traced" 5 "$(values | wc -l)"
# The kernel half: ffff... with 4-level paging, ff... with 5-level.
expect_eq "the addresses show, in the kernel half" 5 \
	"$(values | grep -c '^ff[0-9a-f]\{14\}$')"
check "and no note" sh -c "! grep -q 'kernel addresses' $err"

rm -f $out
ktracectl enable block_latency > $out 2>&1 &
bl=$!
wait_for "Tracing block device I/O" $out
ref=$(ktracectl status | awk '$4 == "block_latency" { print $1 }')
$DC -c perfmon -- ktracectl status > $out.st 2>&1
expect_eq "nobody + CAP_PERFMON: status exits 0" 0 $?
check "and sees root's block_latency" grep -q "^$ref .*block_latency" $out.st
$DC -c perfmon -- ktracectl disable "$ref" > $out.dis 2>&1
expect_eq "nobody + CAP_PERFMON: disable of root's instance exits 1" 1 $?
check "another user's instance" grep -q "another user's instance (needs CAP_SYS_ADMIN)" $out.dis
check "which still runs" sh -c "ktracectl status | grep -q '^$ref '"
$DC -c perfmon,sys_admin -- ktracectl disable "$ref" > $out.dis 2>&1
expect_eq "with CAP_SYS_ADMIN it ends" 0 $?
(sleep 20; kill -KILL $bl 2>/dev/null) > /dev/null 2>&1 &
dog=$!
wait $bl
expect_eq "and its owner exits 0" 0 $?
kill $dog 2>/dev/null
chmod 0600 /dev/ktrace
tap_end
