# SPDX-License-Identifier: GPL-2.0
# status, disable and stream across processes: two ktracectl running in
# the background (syscount on sysloop, execsnoop through "stream") are
# listed by "ktracectl status" from a third process with the counts of a
# known workload; "ktracectl disable" ends each, and its owner notices,
# says so and exits 0.  Then the usage errors.
. /ktrace/tap.sh

N=2000
M=5
sc_out=/tmp/st.sc
es_out=/tmp/st.es
st_out=/tmp/st.out

# bg_wait PID: its exit status, or 137 after a SIGKILL 20 s later, so a
# process that does not notice fails a test instead of hanging the suite.
bg_wait()
{
	(sleep 20; kill -KILL $1 2>/dev/null) > /dev/null 2>&1 &
	dog=$!
	wait $1
	st=$?
	kill $dog 2>/dev/null
	return $st
}

# field PROBE COLUMN: that column of PROBE's line in $st_out.
field()
{
	awk -v p="$1" -v c="$2" '$4 == p { print $c; exit }' $st_out
}

check "ktrace.ko loads" load_ktrace

ktracectl status > $st_out 2>&1
expect_eq "status with nothing enabled exits 0" 0 $?
check "and says 0 instances" grep -q "^0 instances in 0 other open files" $st_out

rm -f $sc_out $es_out
ktracectl enable syscount -c sysloop > $sc_out 2> $sc_out.err &
sc_pid=$!
ktracectl stream execsnoop > $es_out 2> $es_out.err &
es_pid=$!
if ! wait_for "syscalls, printing top" $sc_out ||
   ! wait_for "PCOMM" $es_out; then
	not_ok "syscount and execsnoop start in the background"
	kill $sc_pid $es_pid 2>/dev/null
	tap_end
	exit
fi
ok "syscount and execsnoop start in the background"

/ktrace/bin/sysloop $N
i=1
while [ $i -le $M ]; do
	/ktrace/bin/openloop 0 st-marker-$i > /dev/null
	i=$((i + 1))
done

ktracectl status > $st_out 2>&1
expect_eq "status exits 0" 0 $?
cat $st_out | sed 's/^/# /'
check "2 instances in the 2 other files" \
	grep -q "^2 instances in 2 other open files of /dev/ktrace" $st_out
check "header INSTANCE PID COMM PROBE ARGS AGE HITS FILTERED RECORDED DROPPED NS/HIT" \
	grep -q "^INSTANCE  *PID  *COMM  *PROBE  *ARGS  *AGE  *HITS  *FILTERED  *RECORDED  *DROPPED  *NS/HIT$" $st_out
expect_eq "syscount belongs to the background ktracectl" "$sc_pid ktracectl" \
	"$(field syscount 2) $(field syscount 3)"
expect_eq "syscount's arguments: by syscall, comm sysloop" \
	"by=syscall,comm=sysloop" "$(field syscount 5)"
rec=$(field syscount 9)
check "syscount recorded >= $N calls of sysloop (got $rec)" \
	[ "${rec:-0}" -ge $N ]
hits=$(field syscount 7)
filt=$(field syscount 8)
check "and hits = filtered + recorded + dropped ($hits)" \
	[ "${hits:-0}" -eq $(( ${filt:-0} + ${rec:-0} + $(field syscount 10) )) ]
expect_eq "execsnoop belongs to the other ktracectl" "$es_pid" \
	"$(field execsnoop 2)"
rec=$(field execsnoop 9)
check "execsnoop recorded >= $M + 1 execs (got $rec)" \
	[ "${rec:-0}" -ge $((M + 1)) ]
ref=$(awk '$4 == "syscount" { print $1 }' $st_out)

ktracectl status --json > $st_out.json 2>&1
expect_eq "status --json exits 0" 0 $?
expect_eq "status --json: one line" 1 "$(wc -l < $st_out.json)"
check "of type status, 2 other files" \
	grep -q '^{"type":"status","other_files":2,"instances":\[' $st_out.json
check "with syscount's instance, probe and arguments" \
	grep -q "\"instance\":\"$ref\",.*\"probe\":\"syscount\",\"args\":\"by=syscall,comm=sysloop\"" $st_out.json
jrec=$(sed 's/.*"probe":"syscount"[^}]*"recorded":\([0-9]*\).*/\1/' $st_out.json)
check "and its recorded count >= $N (got $jrec)" [ "${jrec:-0}" -ge $N ]

ktracectl status -v -T 1 2 > $st_out.2 2>&1
expect_eq "status 1 2 exits 0" 0 $?
expect_eq "status 1 2 prints 2 reports" 2 \
	"$(grep -c '^2 instances' $st_out.2)"

ktracectl disable syscount > $st_out.dis 2>&1
expect_eq "disable syscount exits 0" 0 $?
check "and names the instance $ref" grep -q "^disabled $ref (syscount)$" $st_out.dis
bg_wait $sc_pid
expect_eq "the syscount owner exits 0" 0 $?
check "saying another process disabled it" \
	grep -q "syscount was disabled by another process" $sc_out.err

ktracectl disable $ref > $st_out.dis 2>&1
expect_eq "disabling it again exits 1" 1 $?
check "no instance $ref" grep -q "^ktracectl: no instance $ref " $st_out.dis
ktracectl disable 9999:1 > $st_out.dis 2>&1
expect_eq "disable of an unknown SESSION:ID exits 1" 1 $?
ktracectl disable runqlat > $st_out.dis 2>&1
expect_eq "disable of a probe nobody enabled exits 1" 1 $?
check "saying so" grep -q "^ktracectl: no runqlat instance is enabled$" $st_out.dis

expect_eq "execsnoop printed the $M execs" $M \
	"$(grep -c "^openloop .* st-marker-[0-9]*$" $es_out)"
ktracectl disable --all > $st_out.dis 2>&1
expect_eq "disable --all exits 0" 0 $?
check "and ends execsnoop" grep -q "^disabled .* (execsnoop)$" $st_out.dis
bg_wait $es_pid
expect_eq "the execsnoop owner exits 0" 0 $?
check "saying another process disabled it" \
	grep -q "execsnoop was disabled by another process" $es_out.err
check "and its totals" grep -q "^seen [0-9]* delivered [0-9]* dropped 0$" $es_out.err
ktracectl status > $st_out 2>&1
check "status: 0 instances again" grep -q "^0 instances" $st_out

# Usage errors: exit 2, one line and the usage.
usage()
{
	ktracectl "$@" > /tmp/st.use 2>&1
	[ $? -eq 2 ] && grep -q "^Usage: ktracectl" /tmp/st.use
}
check "disable without arguments: usage" usage disable
check "disable --all with a probe: usage" usage disable --all syscount
check "status with a bad interval: usage" usage status x
check "status with 3 numbers: usage" usage status 1 2 3
check "stream of an aggregating probe: usage" usage stream block_latency
check "and says to use enable" grep -q "block_latency aggregates.*use ktracectl enable block_latency" /tmp/st.use
check "stream of an unknown probe: usage" usage stream nosuch
tap_end
