# SPDX-License-Identifier: GPL-2.0
# funccount: a kprobe per function.  sysloop N makes exactly N getppid
# calls: -c sysloop counts exactly N.  A wildcard over vfs_rea* with
# readloop K (K one-byte reads) shows vfs_read at least K.  A missing name
# fails with a message; interval mode and -d finish on their own.
. /ktrace/tap.sh

N=5000
K=3000
FUNC=__x64_sys_getppid
HEADER="Tracing [0-9]* functions for"
out=/tmp/fc.out

start_traced()
{
	rm -f $out $out.err
	ktracectl enable funccount "$@" > $out 2>$out.err &
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

# count FUNC: the COUNT column of FUNC's rows, added up.
count()
{
	awk -v f=$1 '$1 == f { s += $2 } END { print s + 0 }' $out
}

check "ktrace.ko loads" load_ktrace

if ! ktracectl list 2>/dev/null | grep -q funccount; then
	not_ok "ktracectl list shows funccount"
	rmmod ktrace
	tap_end
	exit
fi
ok "ktracectl list shows funccount"

rc=1
if start_traced -c sysloop $FUNC; then
	sysloop $N
	stop_traced
	rc=$?
fi
expect_eq "exits 0 on SIGINT" 0 "$rc"
check "header: 1 function" grep -q "^Tracing 1 functions for \"$FUNC\"\.\.\. Hit Ctrl-C to end\.$" $out
check "FUNC COUNT table" grep -q "^FUNC  *COUNT$" $out
expect_eq "-c sysloop: exactly $N calls of $FUNC" $N "$(count $FUNC)"
check "Detaching..." grep -q "^Detaching\.\.\.$" $out

rc=1
if start_traced 'vfs_rea*'; then
	readloop $K
	stop_traced
	rc=$?
fi
cat $out
expect_eq "wildcard: exits 0" 0 "$rc"
nf=$(sed -n 's/^Tracing \([0-9]*\) functions.*/\1/p' $out)
check "wildcard: several functions ($nf)" [ "${nf:-0}" -gt 1 ]
check "wildcard: vfs_read >= $K" [ "$(count vfs_read)" -ge $K ]
check "wildcard: only vfs_rea* rows" [ -z "$(awk 'NR > 1 && NF == 2 && $1 != "FUNC" && $1 !~ /^vfs_rea/' $out)" ]

# -p with -c-free counting: only the traced process's calls.
rm -f /tmp/fc.go
sh -c "while [ ! -f /tmp/fc.go ]; do sleep 0.1; done; exec sysloop $N" &
tpid=$!
if start_traced -p $tpid $FUNC; then
	sysloop 1000 &
	touch /tmp/fc.go
	wait $tpid
	wait $!
	stop_traced
else
	touch /tmp/fc.go
	wait $tpid
fi
expect_eq "-p: only that process's $N calls" $N "$(count $FUNC)"

# -d: ends by itself after the duration.
rm -f $out
ktracectl enable funccount -c sysloop -d 5 $FUNC > $out 2>$out.err &
pid=$!
wait_for "$HEADER" $out
sysloop $N
wait $pid
expect_eq "-d 5: exits 0 by itself" 0 "$?"
expect_eq "-d 5: $N calls" $N "$(count $FUNC)"

# -i: interval tables add up.
rm -f $out
ktracectl enable funccount -c sysloop -i 1 -d 4 $FUNC > $out 2>$out.err &
pid=$!
wait_for "$HEADER" $out
sysloop $N
wait $pid
expect_eq "-i 1 -d 4: exits 0" 0 "$?"
expect_eq "-i 1 -d 4: four tables" 4 "$(grep -c '^FUNC' $out)"
expect_eq "-i 1 -d 4: the intervals add up to $N" $N "$(count $FUNC)"

# Errors.
ktracectl enable funccount no_such_function_xyz > $out 2>$out.err
check "missing function: non-zero exit" [ $? -ne 0 ]
check "missing function: message names it" grep -q "no kernel function matches 'no_such_function_xyz'" $out.err
ktracectl enable funccount 'no_such_fn_xyz*' > $out 2>$out.err
check "wildcard matching nothing: non-zero exit" [ $? -ne 0 ]
check "wildcard matching nothing: message" grep -q "no kernel function matches 'no_such_fn_xyz\*'" $out.err
ktracectl enable funccount '*' > $out 2>$out.err
check "'*': non-zero exit" [ $? -ne 0 ]
check "'*': too many functions" grep -q "matches more than 1000 functions" $out.err
ktracectl enable funccount > $out 2>$out.err
expect_eq "no PATTERN: usage error, exit 2" 2 "$?"

# --json: a "table" line, the function's calls exactly.
json_traced $out "sysloop $N" enable funccount -c sysloop $FUNC
expect_eq "--json: exits 0" 0 "$rc"
expect_eq "--json: every line a JSON object with a type" 0 "$(json_bad $out)"
expect_eq "--json: a table line, a stats line" "1 1" \
	"$(json_lines table $out) $(json_lines stats $out)"
expect_eq "--json: $N calls of $FUNC" $N \
	"$(json_sum "\"func\":\"$FUNC\",\"count\":[0-9]+" $out)"

check "rmmod" rmmod ktrace
tap_end
