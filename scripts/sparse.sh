#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# sparse (Debian's, through the kernel's "make C=2") over every ktrace
# source file, against one kernel's headers: address spaces (__user,
# __percpu, __rcu), endianness, lock context annotations.  The module is
# compiled first, so the second pass runs sparse alone and its output is
# sparse's only.  A warning in ktrace's own files fails; one that sparse
# reports inside the kernel's headers is printed but not counted: it is
# the kernel's (Debian's stock headers are not sparse-clean on every
# version), nothing ktrace can fix, and it would hide ours in noise.
#
#   sparse.sh KERNEL        KERNEL: test, stock-6.1 or stock-6.12
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: sparse.sh KERNEL}
case "$kernel" in
test)		kdir=$("$KTRACE_TOP/scripts/kernel-test.sh") ;;
stock-*)	kdir=$("$KTRACE_TOP/scripts/kernel-stock.sh" "${kernel#stock-}") ;;
*)		die "unknown kernel '$kernel' (test, stock-6.1, stock-6.12)" ;;
esac
command -v sparse >/dev/null || die "sparse is not installed (scripts/deps.sh)"

# A copy of its own, so that checking never races a payload build.
src=$KTRACE_TOP/build/$kernel/sparse
rm -rf "$src"
mkdir -p "$src"
rsync -a "$KTRACE_TOP"/{Kbuild,module,uapi} "$src/"
mkdir -p "$src/tests"
rsync -a "$KTRACE_TOP/tests/kunit" "$src/tests/"
log=$src/sparse.log
make -s -C "$kdir/build" M="$src" modules > "$src/build.log" 2>&1 || {
	tail -n 20 "$src/build.log"
	die "ktrace.ko does not build against $kernel"
}
make -C "$kdir/build" M="$src" C=2 modules > "$log" 2>&1 || {
	tail -n 20 "$log"
	die "make C=2 failed against $kernel"
}
checked=$(grep -c '^  CHECK ' "$log" || true)
[ "${checked:-0}" -gt 0 ] || die "sparse checked no file (is C=2 supported?)"

theirs=$(grep -E ': (warning|error):' "$log" | grep -v "^$src/" | sort -u || true)
if [ -n "$theirs" ]; then
	echo "sparse ($kernel): in the kernel's headers, not counted:"
	echo "$theirs" | head -n 20
fi
ours=$(grep -E "^$src/[^:]*:[0-9]+:[0-9]+: (warning|error):" "$log" || true)
if [ -n "$ours" ]; then
	echo "sparse ($kernel): warnings in ktrace's sources:"
	# Each warning, and the indented lines of detail sparse adds to it.
	awk -v src="$src/" 'index($0, src) == 1 { keep = 1; print; next }
		keep && /^ / { print; next } { keep = 0 }' "$log" |
		sed "s|$src/||g"
	exit 1
fi
echo "sparse ($kernel): $checked files checked, clean"
