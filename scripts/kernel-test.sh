#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the ktrace test kernel from Debian's linux-source-6.1: allnoconfig
# plus tests/vm/kernel.config (KASAN, lockdep, kmemleak, KUnit, BTF, ...).
# The result is cached under $KTRACE_CACHE/kernels/test-<version>-<key>, where
# the key hashes the config fragment, the compiler and build_rev below, so it is
# rebuilt only when one of them changes.
#
#   kernel-test.sh              build if needed, print the kernel directory
#   kernel-test.sh --print-dir  print the directory without building
set -euo pipefail
. "$(dirname "$0")/lib.sh"

fragment=$KTRACE_TOP/tests/vm/kernel.config
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	die "linux-source-6.1 is not installed (run scripts/deps.sh)"
# Bump build_rev when a change here changes what gets built.
build_rev=1
key=$( { cat "$fragment"; echo "$build_rev"; gcc --version | head -n1; pahole --version; } |
	sha256sum | cut -c1-12)
dir=$KTRACE_CACHE/kernels/test-$srcver-$key

if [ "${1:-}" = "--print-dir" ]; then
	echo "$dir"
	exit 0
fi
[ -f "$dir/.done" ] && { echo "$dir"; exit 0; }

mkdir -p "$KTRACE_CACHE/kernels" "$KTRACE_CACHE/src"
exec 9>"$KTRACE_CACHE/kernels/.test.lock"
flock 9
[ -f "$dir/.done" ] && { echo "$dir"; exit 0; }

src=$KTRACE_CACHE/src/linux-source-6.1-$srcver
if [ ! -f "$src/.done" ]; then
	step "unpacking linux-source-6.1 $srcver"
	rm -rf "$src" && mkdir -p "$src"
	tar -C "$src" --strip-components=1 -xf /usr/src/linux-source-6.1.tar.xz
	touch "$src/.done"
fi

rm -rf "$dir"
mkdir -p "$dir/build"
step "configuring test kernel (allnoconfig + $(basename "$fragment"))"
make -s -C "$src" O="$dir/build" KCONFIG_ALLCONFIG="$fragment" allnoconfig >&2

# Every symbol the fragment asks for must have survived Kconfig.
bad=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=[ym]|CONFIG_*=[0-9]*) ;; *) continue ;; esac
	grep -qx "$line" "$dir/build/.config" || {
		echo "kernel.config: '$line' not set (unmet dependency?)" >&2
		bad=1
	}
done < "$fragment"
[ $bad -eq 0 ] || die "test kernel configuration is incomplete"

jobs=$(( $(nproc) + 1 ))
log=$dir/build.log
step "building test kernel with -j$jobs (log: $log)"
start=$(date +%s)
# Show progress: one line in 150 of the build output, with elapsed time.
if ! make -C "$src" O="$dir/build" -j"$jobs" bzImage modules 2>&1 |
	tee "$log" | awk -v s="$start" 'NR % 150 == 0 {
		printf "  [%4ds] %s\n", systime() - s, $0 > "/dev/stderr"; fflush() }'; then
	tail -n 30 "$log" >&2
	die "test kernel build failed"
fi
grep -q 'Kernel: arch/x86/boot/bzImage is ready' "$log" ||
	{ tail -n 30 "$log" >&2; die "test kernel build failed"; }
make -s -C "$src" O="$dir/build" INSTALL_MOD_PATH="$dir/modroot" \
	modules_install >&2
cp "$dir/build/arch/x86/boot/bzImage" "$dir/bzImage"
kver=$(cat "$dir/build/include/config/kernel.release")
echo "$kver" > "$dir/release"
ln -sfn "$dir/modroot/lib/modules/$kver" "$dir/modules"
step "test kernel $kver built in $(( $(date +%s) - start ))s"
touch "$dir/.done"
echo "$dir"
