#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# libktrace as a consumer meets it: `make install` into a scratch root,
# then the example consumer built from the installed header and library
# with nothing but `pkg-config --cflags --libs libktrace`, and run far
# enough to show it links (without /dev/ktrace it must fail cleanly).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
make -s -C "$KTRACE_TOP/user" OUT="$root/build" install DESTDIR="$root" PREFIX=/usr
export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root/usr/lib/pkgconfig
flags=$(pkg-config --cflags --libs libktrace)
echo "pkg-config: $flags"
# shellcheck disable=SC2086
cc -Wall -Werror -o "$root/consumer" "$KTRACE_TOP/user/examples/execsnoop_min.c" \
	$flags -Wl,-rpath,"$root/usr/lib"
ldd "$root/consumer" | grep -q "$root/usr/lib/libktrace.so.0" ||
	die "the consumer does not use the installed libktrace.so"
# No module on the host: a clean error naming the device, exit 1.
if out=$("$root/consumer" 2>&1); then
	die "consumer ran without /dev/ktrace"
fi
echo "consumer without a module: $out"
echo "$out" | grep -q "ktrace" || die "unclear error: $out"
