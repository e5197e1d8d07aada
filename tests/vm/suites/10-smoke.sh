# SPDX-License-Identifier: GPL-2.0
# Loading, the device node, and module lifetime.
. /ktrace/tap.sh

check "ktrace.ko loads" load_ktrace
check "/dev/ktrace is a character device" test -c /dev/ktrace
expect_eq "/dev/ktrace is 0600 root" "crw-------" \
	"$(ls -l /dev/ktrace | cut -c1-10)"
check "the module lists its probes" sh -c 'ktracectl list | grep -q block_latency'

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
