#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds a guest initramfs: busybox, tests/vm/init, the driver modules a
# stock kernel needs, and a payload directory (ktrace.ko, tools, tests)
# that lands in /ktrace.  Dynamically linked programs in the payload get
# their shared libraries copied along.
#
#   mkinitramfs.sh KERNEL_DIR KERNEL_NAME PAYLOAD_DIR OUT.cpio.gz
set -euo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

kdir=$1 kname=$2 payload=$3 out=$4
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,root,mnt,ktrace,lib64}
cp /bin/busybox "$root/bin/busybox"
install -m 0755 "$KTRACE_TOP/tests/vm/init" "$root/init"
[ -d "$payload" ] && cp -a "$payload"/. "$root/ktrace/"
echo "$kname" > "$root/ktrace/kernel.name"
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

# Shared libraries of every dynamically linked ELF in the payload.
find "$root/ktrace" -type f -perm -u+x | while read -r f; do
	{ ldd "$f" 2>/dev/null || true; } | { grep -o '/[^ ]*' || true; } |
	while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done

# Driver modules: a stock kernel builds virtio, ext4, null_blk and
# virtio_net (run.sh -n) as modules; list them with their dependencies, in
# load order.
release=$(cat "$kdir/release")
modroot=$(readlink -f "$kdir/modules")
modroot=${modroot%/lib/modules/*}
[ -f "$modroot/lib/modules/$release/modules.dep" ] ||
	depmod -b "$modroot" "$release"
: > "$root/ktrace/modules.load"
for m in virtio_pci virtio_blk ext4 null_blk virtio_net; do
	# A module the kernel lacks (the test kernel has no virtio_net) or has
	# built in is simply not listed.
	{ modprobe -d "$modroot" -S "$release" --show-depends "$m" 2>/dev/null ||
		true; } | awk '$1 == "insmod" { print $2 }'
done | awk '!seen[$0]++' | while read -r ko; do
	base=$(basename "$ko")
	name=${base%.xz}
	name=${name%.zst}
	case "$name" in
	null_blk.ko*) dest=/lib/modules/extra ;;	# loaded by the tests
	*) dest=/lib/modules/boot ;;
	esac
	mkdir -p "$root$dest"
	case "$ko" in
	*.xz) xz -dc "$ko" > "$root$dest/$name" ;;
	*.zst) zstd -qdc "$ko" > "$root$dest/$name" ;;
	*) cp "$ko" "$root$dest/$name" ;;
	esac
	if [ "$dest" = /lib/modules/boot ]; then
		echo "$dest/$name" >> "$root/ktrace/modules.load"
	fi
done

(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 > "$out"
