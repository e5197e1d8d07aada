# SPDX-License-Identifier: GPL-2.0
# A custom consumer built on libktrace alone (user/examples/execsnoop_min.c)
# streams a known number of execs.
. /ktrace/tap.sh

N=5
out=/tmp/libktrace.out

check "ktrace.ko loads" load_ktrace
rm -f $out
execsnoop_min > $out 2>&1 &
pid=$!
# A hung consumer fails the suite instead of stalling it.
(sleep 60; kill -KILL $pid 2>/dev/null) &
watchdog=$!
if wait_for PCOMM $out; then
	i=0
	while [ $i -lt $N ]; do
		/ktrace/bin/sysloop 1 > /dev/null
		i=$((i + 1))
	done
	sleep 1
	kill -TERM $pid
fi
wait $pid
rc=$?
kill $watchdog 2>/dev/null
expect_eq "execsnoop_min exits 0 on SIGTERM" 0 $rc
expect_eq "execsnoop_min saw the $N execs of sysloop" $N \
	"$(grep -c ' /ktrace/bin/sysloop$' $out)"
check "no exec was lost" sh -c "! grep -q lost $out"
check "rmmod" rmmod ktrace
tap_end
