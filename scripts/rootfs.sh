#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the bench guest's root filesystem: Debian bookworm from Debian's
# own packages (debootstrap, then apt inside it), with the tools ktrace is
# compared against (bcc, bpftrace, trace-cmd, perf, fio) and the headers
# of the stock 6.1 kernel that bcc compiles its programs against.  The
# tree becomes an ext4 image with mkfs.ext4 -d, so no loop mount is needed.
# The guest keeps its busybox initramfs (which loads virtio_blk and ext4)
# and chroots into this image; see tests/vm/init.
#
# Cached as $KTRACE_CACHE/rootfs/<key>/rootfs.img, the key hashing the
# package list, the stock kernel ABI and this script's revision, so a new
# kernel ABI or a new revision builds a new image and nothing else does.
#
#   rootfs.sh               build if needed, print the image's path
#   rootfs.sh --print-path  print the path without building
set -euo pipefail
. "$(dirname "$0")/lib.sh"

print_only=0
if [ "${1:-}" = "--print-path" ]; then
	print_only=1
	shift
fi

mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security
suite=bookworm

# The stock 6.1 kernel's ABI, e.g. 6.1.0-56-amd64 (may be a -security one).
kdir=$("$KTRACE_TOP/scripts/kernel-stock.sh" --print-dir 6.1)
abi=${kdir##*/stock-}

packages=(
	fio bpfcc-tools python3-bpfcc bpftrace trace-cmd linux-perf
	"linux-headers-$abi" kmod procps
)

# Bump when a change here changes what the image holds.
revision=1
key=$(printf '%s\n' "${packages[@]}" "$abi" "$revision" | sha256sum | cut -c1-12)
dir=$KTRACE_CACHE/rootfs/$key
img=$dir/rootfs.img
if [ $print_only -eq 1 ]; then
	echo "$img"
	exit 0
fi
[ -f "$dir/.done" ] && { echo "$img"; exit 0; }

command -v debootstrap >/dev/null || die "debootstrap missing (scripts/deps.sh)"
[ "$(id -u)" -eq 0 ] || die "rootfs.sh: debootstrap needs root"

mkdir -p "$KTRACE_CACHE/rootfs"
exec 9>"$KTRACE_CACHE/rootfs/.lock"
flock 9
[ -f "$dir/.done" ] && { echo "$img"; exit 0; }

rm -rf "$dir"
mkdir -p "$dir"
tree=$dir/tree
start=$(date +%s)

step "debootstrap $suite (minbase) into $tree"
debootstrap --variant=minbase "$suite" "$tree" "$mirror" > "$dir/debootstrap.log" 2>&1 ||
	{ tail -n 20 "$dir/debootstrap.log" >&2; die "debootstrap failed"; }

cat > "$tree/etc/apt/sources.list" <<SRC
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main
SRC
# No daemon starts inside the chroot while packages install.
printf '#!/bin/sh\nexit 101\n' > "$tree/usr/sbin/policy-rc.d"
chmod 0755 "$tree/usr/sbin/policy-rc.d"

step "installing ${packages[*]}"
# A private mount namespace: /proc in the chroot goes away with it.
unshare --mount --propagation private sh -ec '
	tree=$1
	shift
	mount -t proc proc "$tree/proc"
	chroot "$tree" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive chroot "$tree" apt-get install -y -qq \
		--no-install-recommends "$@"
	chroot "$tree" apt-get clean
' sh "$tree" "${packages[@]}" > "$dir/apt.log" 2>&1 ||
	{ tail -n 30 "$dir/apt.log" >&2; die "package installation failed"; }

# bcc finds the headers through /lib/modules/$(uname -r)/build.
chroot "$tree" test -e "/lib/modules/$abi/build/Makefile" ||
	die "linux-headers-$abi did not install /lib/modules/$abi/build"
rm -f "$tree/usr/sbin/policy-rc.d"
rm -rf "$tree"/var/lib/apt/lists/* "$tree"/var/cache/apt/*.bin
mkdir -p "$tree/ktrace"
echo ktrace-bench > "$tree/etc/hostname"

# The image: the tree's size plus room for the bench's scratch files.
mb=$(du -sm "$tree" | cut -f1)
mb=$((mb + mb / 5 + 256))
step "ext4 image of ${mb} MiB"
truncate -s "${mb}M" "$img.tmp"
mkfs.ext4 -q -F -L ktrace-root -d "$tree" "$img.tmp" "${mb}M"
mv "$img.tmp" "$img"
rm -rf "$tree"
printf '%s\n' "${packages[@]}" > "$dir/packages"
step "rootfs ready in $img ($(( $(date +%s) - start ))s)"
touch "$dir/.done"
echo "$img"
