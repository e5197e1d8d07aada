# SPDX-License-Identifier: GPL-2.0
# Loading, the device node, and module lifetime.
. /ktrace/tap.sh

check "ktrace.ko loads" load_ktrace
check "/dev/ktrace is a character device" test -c /dev/ktrace
expect_eq "/dev/ktrace is 0600 root" "crw-------" \
	"$(ls -l /dev/ktrace | cut -c1-10)"
check "the module lists its probes" sh -c 'ktracectl list | grep -q block_latency'
# --json, before the command or after it: a "probe" line per probe.
ktracectl --json list > /tmp/list.json 2>&1
expect_eq "--json list: every line a JSON object with a type" 0 \
	"$(json_bad /tmp/list.json)"
expect_eq "--json list: a line per probe of the text list" \
	"$(ktracectl list | tail -n +2 | wc -l)" "$(json_lines probe /tmp/list.json)"
check "--json list: block_latency, a hist keyed by dev and flags" \
	grep -q '^{"type":"probe","name":"block_latency","kind":"hist","description":"[^"]*","keys":\["none","dev",.*"flags"' /tmp/list.json
check "--json list: execsnoop streams" \
	grep -q '^{"type":"probe","name":"execsnoop","kind":"stream",' /tmp/list.json
check "list -j: the same" sh -c "ktracectl list -j | cmp -s - /tmp/list.json"

# An open file holds the module.
exec 3</dev/ktrace
if rmmod ktrace 2>/dev/null; then
	not_ok "rmmod refused while /dev/ktrace is open"
else
	ok "rmmod refused while /dev/ktrace is open"
fi
exec 3<&-
check "rmmod succeeds once closed" rmmod ktrace
check "/dev/ktrace is gone after unload" test ! -e /dev/ktrace
check "ktrace.ko loads again" load_ktrace

# Opening needs CAP_PERFMON or CAP_SYS_ADMIN, whatever the node's mode.
chmod 0666 /dev/ktrace
if su -s /bin/sh nobody -c 'exec 3</dev/ktrace' 2>/dev/null; then
	not_ok "an unprivileged user cannot open /dev/ktrace"
else
	ok "an unprivileged user cannot open /dev/ktrace"
fi
check "rmmod" rmmod ktrace
tap_end
