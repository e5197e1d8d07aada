#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots a ktrace test guest under QEMU and runs one command in it.
#
#   run.sh [options] -- COMMAND
#     -k, --kernel NAME     test (default), stock-6.1 or stock-6.12
#     -p, --payload DIR     copied to /ktrace in the guest (default: none)
#     -t, --timeout SECS    kill a hung guest after SECS (default 600)
#     -o, --out DIR         keep console.log and output.log there
#     -i, --interactive     a shell on the console instead of COMMAND
#     -c, --icount          time the guest by instructions: its clock advances
#                           one ns per instruction executed (QEMU's -icount
#                           shift=0,sleep=off), so a run repeats to the ns
#                           whatever else the host does; one vCPU, since
#                           QEMU 7.2 hangs bringing up a second one so
#     -r, --rootfs IMG      an ext4 root (scripts/rootfs.sh) as a second disk,
#                           /dev/vdb, copy-on-write; COMMAND runs chrooted in it
#     -n, --net HOST:GUEST  a virtio-net NIC on QEMU's user network (the guest
#                           is 10.0.2.15, the host 10.0.2.2), with host port
#                           127.0.0.1:HOST forwarded to guest port GUEST; may
#                           be repeated.  Needs virtio_net: the stock kernels
#                           have it, the test kernel does not
#
# Guests run under TCG with 2 vCPUs and a 512 MiB virtio-blk disk (/dev/vda)
# backed by a sparse file; KTRACE_KVM=1 opts into KVM.  The exit status is
# the command's, except that the run fails when the guest hangs or dies, or
# when the kernel console shows a BUG, WARNING, KASAN, lockdep, kmemleak or
# Call Trace report, whatever the command said.
set -euo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

kernel=test payload="" timeout=600 out="" interactive=0 rootfs="" icount=0
fwds=()
while [ $# -gt 0 ]; do
	case "$1" in
	-k|--kernel)	kernel=$2; shift 2 ;;
	-p|--payload)	payload=$2; shift 2 ;;
	-t|--timeout)	timeout=$2; shift 2 ;;
	-o|--out)	out=$2; shift 2 ;;
	-i|--interactive) interactive=1; shift ;;
	-c|--icount)	icount=1; shift ;;
	-r|--rootfs)	rootfs=$2; shift 2 ;;
	-n|--net)	[[ $2 =~ ^[0-9]+:[0-9]+$ ]] ||
				die "run.sh: -n wants HOSTPORT:GUESTPORT, not '$2'"
			fwds+=("$2"); shift 2 ;;
	--)		shift; break ;;
	*)		die "run.sh: unknown option '$1'" ;;
	esac
done
[ $# -gt 0 ] || [ $interactive -eq 1 ] || die "run.sh: no command given"

kdir=$(kernel_dir "$kernel")
[ -f "$kdir/.done" ] || die "kernel '$kernel' is not built (make kernels)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -n "$out" ] || out=$work
mkdir -p "$out" "$work/payload"
[ -z "$payload" ] || cp -a "$payload"/. "$work/payload/"
printf '%s\n' "$*" > "$work/payload/cmd"
[ $interactive -eq 0 ] || touch "$work/payload/interactive"
[ -z "$rootfs" ] || touch "$work/payload/rootfs"

"$KTRACE_TOP/tests/vm/mkinitramfs.sh" "$kdir" "$kernel" "$work/payload" \
	"$work/initrd.gz"
truncate -s 512M "$work/disk.img"

accel=tcg,thread=single
[ "${KTRACE_KVM:-0}" = 1 ] && accel=kvm
cpus=(-smp 2)
[ $icount -eq 0 ] || cpus=(-smp 1 -icount shift=0,sleep=off)
qemu=(qemu-system-x86_64 -machine q35 -accel "$accel" -cpu max "${cpus[@]}" -m 2048
      -kernel "$kdir/bzImage" -initrd "$work/initrd.gz"
      -append "console=ttyS0 panic=-1 loglevel=7 kmemleak=on nokaslr kunit.enable=1 tsc=reliable"
      -drive "file=$work/disk.img,if=virtio,format=raw,cache=unsafe"
      -display none -no-reboot)
# The rootfs is never written: snapshot=on keeps writes in a temporary file.
if [ -n "$rootfs" ]; then
	qemu+=(-drive "file=$rootfs,if=virtio,format=raw,snapshot=on")
fi
# -n: the host reaches the guest through the forwarded ports only; romfile=
# skips the PXE ROM, which a -kernel boot never uses.
if [ ${#fwds[@]} -gt 0 ]; then
	netdev=user,id=n0
	for f in "${fwds[@]}"; do
		netdev+=",hostfwd=tcp:127.0.0.1:${f%%:*}-:${f#*:}"
	done
	qemu+=(-netdev "$netdev" -device virtio-net-pci,netdev=n0,romfile=)
fi

if [ $interactive -eq 1 ]; then
	exec "${qemu[@]}" -serial mon:stdio -serial "file:$out/output.log"
fi

console=$out/console.log
output=$out/output.log
rc=0
timeout -k 10 "$timeout" "${qemu[@]}" -monitor none \
	-serial "file:$console" -serial "file:$output" || rc=$?

tr -d '\r' < "$output" | grep -v '^KTRACE_VM_EXIT=' || true

status=$(tr -d '\r' < "$output" | sed -n 's/^KTRACE_VM_EXIT=\([0-9]*\)$/\1/p' | tail -n1)
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
	echo "run.sh: guest ($kernel) hung: killed after ${timeout}s; last console lines:" >&2
	tail -n 25 "$console" >&2
	exit 124
fi
if [ -z "$status" ]; then
	echo "run.sh: guest ($kernel) died before the command finished; last console lines:" >&2
	tail -n 25 "$console" >&2
	exit 125
fi

# What a kernel developer refuses to ship with, whatever the tests said.
bad='BUG:|WARNING:|Call Trace|Oops|Kernel panic|unreferenced object|UBSAN:'
bad+='|general protection fault|circular locking|recursive locking'
bad+='|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|inconsistent lock state'
if tr -d '\r' < "$console" | grep -Eq "$bad"; then
	echo "run.sh: guest ($kernel) console reports a kernel problem:" >&2
	tr -d '\r' < "$console" | grep -E -A 25 "$bad" | head -n 60 >&2
	exit 126
fi
exit "$status"
