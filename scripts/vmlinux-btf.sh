#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Writes the vmlinux.h that the eBPF programs (bpf/*.bpf.c) compile
# against, dumped by bpftool from a kernel's BTF.  CO-RE relocates every
# field access when a program loads, so one header serves every kernel
# with BTF: it only has to declare the types the programs name.  The BTF
# comes from the first of:
#   $VMLINUX_BTF                   a vmlinux ELF or a raw BTF file
#   the cached stock 6.1 kernel    vmlinux extracted from its bzImage with
#                                  the kernel's scripts/extract-vmlinux
#   /sys/kernel/btf/vmlinux        the running kernel's
#   the cached test kernel         its build/vmlinux
# Stock 6.1 comes first: Debian's full configuration declares every type a
# probe may name, and every machine then compiles the same header.
#
#   vmlinux-btf.sh OUT.h
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=${1:?usage: vmlinux-btf.sh OUT.h}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

newest()
{
	# shellcheck disable=SC2012
	ls -d "$@" 2>/dev/null | sort -V | tail -n1
}

btf=${VMLINUX_BTF:-}
if [ -z "$btf" ]; then
	bz=$(newest "$KTRACE_CACHE"/kernels/stock-6.1.0-*-amd64/bzImage)
	ev=$(newest "$KTRACE_CACHE"/src/linux-source-6.1-*/scripts/extract-vmlinux)
	if [ -n "$bz" ] && [ -n "$ev" ] &&
	   sh "$ev" "$bz" > "$tmp/vmlinux" 2>/dev/null && [ -s "$tmp/vmlinux" ]; then
		btf=$tmp/vmlinux
		from="stock 6.1 ($bz)"
	elif [ -r /sys/kernel/btf/vmlinux ]; then
		btf=/sys/kernel/btf/vmlinux
	else
		btf=$(newest "$KTRACE_CACHE"/kernels/test-*/build/vmlinux)
	fi
fi
[ -n "$btf" ] && [ -r "$btf" ] ||
	die "no kernel BTF for vmlinux.h: set VMLINUX_BTF, or run make kernels"
bpftool btf dump file "$btf" format c > "$tmp/vmlinux.h" ||
	die "bpftool cannot dump BTF from $btf"
mv "$tmp/vmlinux.h" "$out"
echo "vmlinux.h: BTF of ${from:-$btf}" >&2
