#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetches a Debian stock kernel (6.1 from bookworm, 6.12 built for bookworm)
# with apt-get download and unpacks it into $KTRACE_CACHE/kernels/, without
# installing anything: the unsigned image, its modules and the headers an
# out-of-tree module builds against.  The newest ABI the archive offers is
# resolved on every run, since old ABI versions leave the archive.
#
#   kernel-stock.sh SERIES              fetch if needed, print the directory
#   kernel-stock.sh --print-dir SERIES  print the directory without fetching
# SERIES is 6.1 or 6.12.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

print_only=0
if [ "${1:-}" = "--print-dir" ]; then
	print_only=1
	shift
fi
series=${1:-}
case "$series" in
6.1)	pattern='^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' ;;
6.12)	pattern='^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
*)	die "usage: kernel-stock.sh [--print-dir] 6.1|6.12" ;;
esac

# The newest image package of the series that apt can actually fetch.
resolve_abi()
{
	local pkg

	for pkg in $(apt-cache pkgnames linux-image- | grep -E "$pattern" | sort -rV); do
		if [[ $(apt-cache policy "$pkg") == *"Candidate: "[0-9]* ]]; then
			pkg=${pkg#linux-image-}
			echo "${pkg%-unsigned}"
			return 0
		fi
	done
	return 1
}

abi=$(resolve_abi) || die "no linux-image for $series in the apt lists (run scripts/deps.sh)"
dir=$KTRACE_CACHE/kernels/stock-$abi
if [ $print_only -eq 1 ]; then
	echo "$dir"
	exit 0
fi
[ -f "$dir/.done" ] && { echo "$dir"; exit 0; }

mkdir -p "$KTRACE_CACHE/kernels"
exec 9>"$KTRACE_CACHE/kernels/.stock-$series.lock"
flock 9
[ -f "$dir/.done" ] && { echo "$dir"; exit 0; }

release=${abi}				# e.g. 6.1.0-56-amd64
common=${abi%-amd64}-common
case "$series" in
6.1)	kbuild=linux-kbuild-6.1 ;;
6.12)	kbuild=linux-kbuild-${abi%-amd64} ;;
esac

rm -rf "$dir"
mkdir -p "$dir/debs" "$dir/root"
step "downloading Debian kernel $release"
(cd "$dir/debs" && apt-get download -q "linux-image-$release-unsigned" \
	"linux-headers-$release" "linux-headers-$common" "$kbuild" >&2)
for deb in "$dir"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dir/root"
done
rm -rf "$dir/debs"

# The packages link into /usr/src and /usr/lib by absolute paths: point
# those links into the unpacked tree instead.
find "$dir/root" -type l | while read -r link; do
	target=$(readlink "$link")
	case "$target" in
	/*) ln -sfn "$dir/root$target" "$link" ;;
	esac
done

# ...and so do the headers' top Makefiles (include /usr/src/...-common).
sed -i -e "s#/usr/src/#$dir/root/usr/src/#g" \
	-e "s#/usr/lib/linux-kbuild#$dir/root/usr/lib/linux-kbuild#g" \
	"$dir"/root/usr/src/linux-headers-*/Makefile

ln -sfn "root/boot/vmlinuz-$release" "$dir/bzImage"
ln -sfn "root/usr/src/linux-headers-$release" "$dir/build"
ln -sfn "root/lib/modules/$release" "$dir/modules"
echo "$release" > "$dir/release"
[ -f "$dir/build/Makefile" ] || die "headers for $release are incomplete"
step "stock kernel $release ready in $dir"
touch "$dir/.done"
echo "$dir"
