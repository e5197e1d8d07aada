#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds what a guest of one kernel runs into build/<kernel>/payload:
#   ktrace.ko (and ktrace_kunit.ko where the kernel has KUnit), built
#   against that kernel; the userspace tools and test programs, linked
#   statically; the guest test suites.
#
#   payload.sh KERNEL        KERNEL: test, stock-6.1 or stock-6.12
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: payload.sh KERNEL}
case "$kernel" in
test)		kdir=$("$KTRACE_TOP/scripts/kernel-test.sh") ;;
stock-*)	kdir=$("$KTRACE_TOP/scripts/kernel-stock.sh" "${kernel#stock-}") ;;
*)		die "unknown kernel '$kernel' (test, stock-6.1, stock-6.12)" ;;
esac

out=$KTRACE_TOP/build/$kernel
payload=$out/payload
mkdir -p "$out/src" "$payload/bin"

# One copy of the module sources per kernel, so builds do not collide.
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	"$KTRACE_TOP"/{Kbuild,module,uapi,tests} "$out/src/" 2>/dev/null ||
	rsync -a "$KTRACE_TOP"/{Kbuild,module,uapi,tests} "$out/src/"
# W=1 must be silent: a warning fails the build like an error.
log=$out/module-build.log
if ! make -s -C "$kdir/build" M="$out/src" W=1 modules > "$log" 2>&1; then
	cat "$log" >&2
	die "ktrace.ko does not build against $kernel"
fi
cat "$log" >&2
if grep -q 'warning:' "$log"; then
	grep 'warning:' "$log" >&2
	die "ktrace.ko builds with W=1 warnings against $kernel"
fi
rm -f "$payload"/*.ko
cp "$out/src/ktrace.ko" "$payload/"
[ ! -f "$out/src/ktrace_kunit.ko" ] || cp "$out/src/ktrace_kunit.ko" "$payload/"

# Userspace, static so the initramfs needs no libraries.  Built once.
make -s -C "$KTRACE_TOP/user" OUT="$KTRACE_TOP/build/guest" STATIC=1 >&2
make -s -C "$KTRACE_TOP/tests/vm/progs" OUT="$KTRACE_TOP/build/guest" >&2
cp "$KTRACE_TOP"/build/guest/ktracectl "$payload/bin/"
find "$KTRACE_TOP/build/guest" -maxdepth 1 -type f -perm -u+x \
	-exec cp {} "$payload/bin/" \;

rm -rf "$payload/suites"
cp -r "$KTRACE_TOP/tests/vm/suites" "$payload/suites"
cp "$KTRACE_TOP/tests/vm/guest-check.sh" "$KTRACE_TOP/tests/vm/tap.sh" "$payload/"
echo "$payload"
