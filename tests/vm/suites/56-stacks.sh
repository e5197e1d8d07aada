# SPDX-License-Identifier: GPL-2.0
# Stack probes.  stackcount on getppid with sysloop N counts exactly N
# over the stacks of tasks named sysloop, in the multi-line, folded and
# per-process formats.  profile samples a getppid loop: folded lines of
# sysloop, through the syscall path.  offcputime sees pingpong blocked
# in pipe_read with a non-zero time.  Stacks are symbols, never addresses.
. /ktrace/tap.sh

N=5000
FUNC=__x64_sys_getppid
out=/tmp/st.out

# start_traced HEADER-FILE ARGS...: a background ktracectl enable ARGS.
start_traced()
{
	hfile=$1
	shift
	rm -f $out $out.err
	ktracectl enable "$@" > $out 2>$out.err &
	pid=$!
	if ! wait_for "Hit Ctrl-C to end" $hfile; then
		kill $pid 2>/dev/null
		wait $pid
		return 1
	fi
}

stop_traced()
{
	kill -INT $pid
	(sleep 60; kill -KILL $pid 2>/dev/null) > /dev/null 2>&1 &
	dog=$!
	wait $pid
	st=$?
	kill $dog 2>/dev/null
	return $st
}

# Sum of the last field of folded lines ("a;b;c N").
folded_total()
{
	awk 'NF >= 2 && $NF ~ /^[0-9]+$/ && $0 ~ /;/ { s += $NF } END { print s + 0 }' "$@"
}

# The frames a flame graph of folded lines has: one per distinct stack
# prefix, and "all".
folded_frames()
{
	awk 'NF >= 2 && $NF ~ /^[0-9]+$/ {
		sub(/ [0-9]+$/, "")
		n = split($0, f, ";")
		p = ""
		for (i = 1; i <= n; i++) {
			p = p ";" f[i]
			if (!(p in seen)) { seen[p] = 1; c++ }
		}
	} END { print c + 1 }' "$@"
}

# The count in the tooltip of a flame graph's "all" frame.
svg_total()
{
	sed -n 's/^<g class="f"><title>all (\([0-9]*\) .*/\1/p' "$1"
}

check "ktrace.ko loads" load_ktrace

for p in profile stackcount offcputime; do
	check "ktracectl list shows $p" sh -c "ktracectl list | grep -q '^ *$p'"
done

# stackcount, bcc's multi-line format: frames, then the count.
rc=1
if start_traced $out stackcount -c sysloop $FUNC; then
	sysloop $N
	stop_traced
	rc=$?
fi
cat $out
expect_eq "stackcount: exits 0 on SIGINT" 0 "$rc"
check "stackcount: header" grep -q "^Tracing 1 functions for \"$FUNC\"\.\.\. Hit Ctrl-C to end\.$" $out
# The probed address: kallsyms may name it by its alias __do_sys_getppid.
check "stackcount: leaf frame getppid's" \
	grep -q -e "^  $FUNC$" -e "^  __do_sys_getppid$" $out
check "stackcount: do_syscall_64 frame" grep -q "^  do_syscall_64$" $out
expect_eq "stackcount -c sysloop: exactly $N calls over the stacks" $N \
	"$(awk '/^    [0-9]+$/ { s += $1 } END { print s + 0 }' $out)"
check "stackcount: no address in the output" sh -c "! grep -q 'ffffffff' $out"
check "Detaching..." grep -q "^Detaching\.\.\.$" $out

# Folded, per process: "sysloop;...;do_syscall_64;...;__x64_sys_getppid N".
rc=1
if start_traced $out stackcount -f -P -c sysloop $FUNC; then
	sysloop $N
	stop_traced
	rc=$?
fi
cat $out
expect_eq "stackcount -f -P: exits 0" 0 "$rc"
expect_eq "stackcount -f -P: exactly $N calls" $N "$(folded_total $out)"
check "stackcount -f -P: sysloop;...;do_syscall_64;...;getppid" \
	grep -q "^sysloop;.*do_syscall_64;.*_sys_getppid [0-9]*$" $out

# -d: ends by itself.  --svg: the flame graph of the same stacks.
svg=/tmp/st.svg
rm -f $out $svg
ktracectl enable stackcount -f -c sysloop -d 6 --svg $svg $FUNC > $out 2>$out.err &
pid=$!
wait_for "Hit Ctrl-C" $out
sysloop $N
wait $pid
expect_eq "stackcount -d 6: exits 0 by itself" 0 "$?"
expect_eq "stackcount -d 6: $N calls" $N "$(folded_total $out)"
expect_eq "stackcount --svg: $N calls in the flame graph" $N "$(svg_total $svg)"
expect_eq "stackcount --svg: a frame per stack prefix" \
	"$(folded_frames $out)" "$(grep -c '^<g class="f">' $svg)"
check "stackcount --svg: getppid's frame" \
	grep -q -e '^<g class="f"><title>__x64_sys_getppid (' \
		-e '^<g class="f"><title>__do_sys_getppid (' $svg

# profile: a getppid loop for the duration, sampled at 99 Hz.
D=4
rc=1
svg=/tmp/prof.svg
rm -f $out $out.err $svg
ktracectl enable profile -F 99 -c sysloop --svg $svg $D > $out 2>$out.err &
pid=$!
if wait_for "Sampling at 99 Hertz" $out.err; then
	sysloop 1000000000 &
	spid=$!
	(sleep 60; kill -KILL $pid 2>/dev/null) > /dev/null 2>&1 &
	dog=$!
	wait $pid
	rc=$?
	kill $dog $spid 2>/dev/null
	wait $spid
fi
cat $out.err
head -20 $out
expect_eq "profile $D: exits 0 by itself" 0 "$rc"
check "profile: banner on stderr" grep -q "^Sampling at 99 Hertz of the selected threads by kernel stack for $D secs\.$" $out.err
check "profile: stdout is folded lines only" sh -c "! grep -qv '^[^ ;][^;]*;.* [0-9][0-9]*$' $out"
check "profile: every line is sysloop's" sh -c "! grep -qv '^sysloop;' $out"
check "profile: samples in the getppid path" \
	grep -q "^sysloop;.*do_syscall_64" $out
total=$(folded_total $out)
# One CPU busy with sysloop: at most 99 Hz for the time, and a good part of it.
check "profile: samples ($total) between 20 and $((99 * (D + 2)))" \
	[ "$total" -ge 20 -a "$total" -le $((99 * (D + 2))) ]
check "profile: no address in the output" sh -c "! grep -q 'ffffffff' $out"
check "profile --svg: an SVG written" \
	sh -c "grep -q '^<svg ' $svg && tail -n1 $svg | grep -q '^</svg>$'"
expect_eq "profile --svg: every sample in the flame graph" "$total" \
	"$(svg_total $svg)"
expect_eq "profile --svg: a frame per stack prefix" \
	"$(folded_frames $out)" "$(grep -c '^<g class="f">' $svg)"
check "profile --svg: sysloop's and do_syscall_64's frames" sh -c \
	"grep -q '^<g class=\"f\"><title>sysloop (' $svg && grep -q '^<g class=\"f\"><title>do_syscall_64 (' $svg"
check "profile --svg: no address in the flame graph" sh -c "! grep -q 'ffffffff' $svg"

# --no-folded: bcc's multi-line stacks, counts add up the same way.
# sysloop runs first, so that all of the 2 s sample it even on a busy
# host, where its exec alone can take much of them.
rm -f $out $out.err
sysloop 1000000000 &
spid=$!
ktracectl enable profile --no-folded -c sysloop 2 > $out 2>$out.err &
pid=$!
wait $pid
rc=$?
kill $spid 2>/dev/null
wait $spid
expect_eq "profile --no-folded: exits 0" 0 "$rc"
check "profile --no-folded: sysloop [pid] lines" grep -q "^    sysloop \[[0-9]*\]$" $out

# offcputime: pingpong blocks in pipe_read.
svg=/tmp/off.svg
rm -f $svg
rc=1
if start_traced $out.err offcputime -c pingpong --svg $svg; then
	pingpong 2000
	stop_traced
	rc=$?
fi
grep pipe_read $out | head -5
expect_eq "offcputime: exits 0 on SIGINT" 0 "$rc"
check "offcputime: banner" grep -q "^Tracing off-CPU time (us) of the selected threads by kernel stack\.\.\. Hit Ctrl-C to end\.$" $out.err
check "offcputime: every line is pingpong's" sh -c "! grep -qv '^pingpong;' $out"
check "offcputime: stacks in pipe_read, then schedule" \
	grep -q "^pingpong;.*pipe_read;.*schedule [0-9]*$" $out
us=$(awk '/pipe_read;/ { s += $NF } END { print s + 0 }' $out)
check "offcputime: time blocked in pipe_read ($us us) > 0" [ "$us" -gt 0 ]
check "offcputime: no ktrace frames" sh -c "! grep -q -e ktrace -e __traceiter $out"
expect_eq "offcputime --svg: all the time in the flame graph" \
	"$(folded_total $out)" "$(svg_total $svg)"
check "offcputime --svg: pipe_read's frame, in us" \
	grep -q '^<g class="f"><title>pipe_read ([0-9]* us, ' $svg

# --json: one "stacks" line per report, each stack's frames leaf first,
# counts exact; banners on stderr; a "stats" line at exit.
rc=1
if start_traced $out.err stackcount --json -P -c sysloop $FUNC; then
	sysloop $N
	stop_traced
	rc=$?
fi
cut -c1-400 $out | sed 's/^/# /'
expect_eq "stackcount --json: exits 0" 0 "$rc"
expect_eq "stackcount --json: every line a JSON object with a type" 0 \
	"$(json_bad $out)"
expect_eq "stackcount --json: one stacks line, one stats line, nothing else" \
	"1 1 2" "$(json_lines stacks $out) $(json_lines stats $out) $(wc -l < $out)"
expect_eq "stackcount --json: exactly $N calls over the stacks" $N \
	"$(json_sum '"count":[0-9]+' $out)"
check "stackcount --json -P: sysloop's, getppid's frame first" \
	grep -qE '^\{"type":"stacks","probe":"stackcount","time":"[^"]*","stacks":\[\{"comm":"sysloop","pid":[0-9]+,"frames":\["(__x64_sys_getppid|__do_sys_getppid)",.*"do_syscall_64"' $out
check "stackcount --json: stats, nothing lost" \
	grep -q '^{"type":"stats","probe":"stackcount",.*"lost":0}$' $out
check "stackcount --json: banner and Detaching... on stderr" \
	sh -c "grep -q '^Tracing 1 functions' $out.err && grep -q '^Detaching' $out.err"

# (sysloop runs first: the test kernel is slow to start it.)
sysloop 1000000000 &
spid=$!
ktracectl enable profile --json -F 99 -c sysloop 2 > $out 2>$out.err
rc=$?
kill $spid 2>/dev/null
wait $spid
cut -c1-400 $out | sed 's/^/# /'
expect_eq "profile --json: exits 0" 0 "$rc"
expect_eq "profile --json: every line a JSON object with a type" 0 \
	"$(json_bad $out)"
expect_eq "profile --json: one stacks line" 1 "$(json_lines stacks $out)"
check "profile --json: every stack sysloop's" \
	sh -c "grep -o '\"comm\":\"[^\"]*\"' $out | grep -qv '\"sysloop\"' && exit 1; grep -q '\"comm\":\"sysloop\"' $out"
check "profile --json: samples in the getppid path" \
	grep -q '"frames":\[[^]]*"do_syscall_64"' $out
total=$(json_sum '"count":[0-9]+\}' $out)
check "profile --json: samples ($total) between 10 and $((99 * 4))" \
	[ "$total" -ge 10 -a "$total" -le $((99 * 4)) ]
check "profile --json: no address" sh -c "! grep -q 'ffffffff' $out"

rc=1
if start_traced $out.err offcputime --json -c pingpong; then
	pingpong 2000
	stop_traced
	rc=$?
fi
expect_eq "offcputime --json: exits 0" 0 "$rc"
expect_eq "offcputime --json: every line a JSON object with a type" 0 \
	"$(json_bad $out)"
check "offcputime --json: in usecs, pingpong's stacks" \
	grep -q '^{"type":"stacks","probe":"offcputime","time":"[^"]*","unit":"usecs","stacks":\[{"comm":"pingpong",' $out
us=$(grep -oE '"pipe_read"[^]]*\],"count":[0-9]+,"sum":[0-9]+' $out |
	sed 's/.*"sum"://' | awk '{ s += $1 } END { print s + 0 }')
check "offcputime --json: time blocked in pipe_read ($us us) > 0" [ "$us" -gt 0 ]

# Errors.
ktracectl enable stackcount no_such_function_xyz > $out 2>$out.err
expect_eq "stackcount missing function: exit 1" 1 "$?"
check "stackcount missing function: message" grep -q "no kernel function 'no_such_function_xyz'" $out.err
ktracectl enable stackcount > $out 2>$out.err
expect_eq "stackcount without FUNCTION: exit 2" 2 "$?"
ktracectl enable profile -F 20000 1 > $out 2>$out.err
expect_eq "profile -F 20000: exit 2" 2 "$?"
ktracectl enable profile 1 2 > $out 2>$out.err
expect_eq "profile two durations: exit 2" 2 "$?"

check "rmmod" rmmod ktrace
tap_end
