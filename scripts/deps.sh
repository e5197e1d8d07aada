#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs the Debian packages ktrace needs to build the module, the
# userspace tools, the kernels and the QEMU guests.  Idempotent: when every
# package is present it only runs dpkg-query and returns within a second.
set -euo pipefail

packages=(
	build-essential flex bison bc libssl-dev libelf-dev dwarves
	kmod cpio xz-utils zstd rsync python3 pkg-config sparse
	qemu-system-x86 busybox-static
	clang llvm libbpf-dev bpftool
	dkms groff-base man-db	# scripts/install-check.sh
	chromium python3-pil	# scripts/svg-check.sh renders the SVGs
	zlib1g-dev	# libz.a: ktracectl links libbpf and libelf statically
	systemtap-sdt-dev	# sys/sdt.h: USDT probes in tests/vm/progs/ufunc_target.c
	linux-source-6.1
	debootstrap e2fsprogs	# scripts/rootfs.sh: the bench guest's Debian root
	prometheus	# scripts/prometheus-check.sh runs its own, on a free port
)

# bookworm-backports carries the 6.12 stock kernel the tests run on.
backports=/etc/apt/sources.list.d/ktrace-backports.sources
need_update=0
if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	echo "deps: adding bookworm-backports to apt sources"
	cat > "$backports" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	need_update=1
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo

if [ ${#missing[@]} -gt 0 ] || [ $need_update -eq 1 ]; then
	echo "deps: installing ${missing[*]:-(none)}"
	$sudo apt-get update -qq
	[ ${#missing[@]} -eq 0 ] ||
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
			--no-install-recommends "${missing[@]}" >/dev/null
fi
