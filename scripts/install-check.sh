#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ktrace as a distribution or an SRE installs it, checked without touching
# the host: everything happens in a scratch directory, on a clean copy of
# the sources.
#
#   install-check.sh layout      make install DESTDIR=... PREFIX=/usr against
#                                the stock 6.1 headers: exactly the expected
#                                files, a module for that kernel, tools that run
#   install-check.sh man         the man page renders without a groff warning,
#                                has its sections, and documents every command
#                                and every probe's every option ktracectl has
#   install-check.sh udev        the udev rule's syntax and keys
#   install-check.sh dkms SERIES dkms add, build and install of ktrace.ko for
#                                the cached Debian stock kernel SERIES (6.1,
#                                6.12), in a private DKMS tree
# Without an argument: all of them.  Exits non-zero on the first failure.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A clean copy of the sources, as a fresh checkout has them.
src=$work/src
mkdir -p "$src"
tar -C "$KTRACE_TOP" --exclude=./build --exclude=./.git --exclude='*.o' \
	--exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod' \
	--exclude='*.mod.c' -cf - . | tar -C "$src" -xf -
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$src/dkms.conf")
[ "$version" = "$(sed -n 's/^VERSION := //p' "$src/user/Makefile")" ] ||
	die "dkms.conf's PACKAGE_VERSION $version is not user/Makefile's VERSION"

check_layout()
{
	local kdir rel root=$work/root want got

	kdir=$("$KTRACE_TOP/scripts/kernel-stock.sh" 6.1)
	rel=$(cat "$kdir/release")
	make -s -C "$src" install DESTDIR="$root" PREFIX=/usr \
		KDIR="$kdir/build" > "$work/install.log" 2>&1 ||
		{ tail -n 20 "$work/install.log"; die "make install failed"; }
	want=$(sort <<-EOF
	lib/modules/$rel/extra/ktrace.ko
	lib/udev/rules.d/60-ktrace.rules
	usr/bin/ktracectl
	usr/include/ktrace/ktrace.h
	usr/include/ktrace/libktrace.h
	usr/lib/libktrace.a
	usr/lib/libktrace.so
	usr/lib/libktrace.so.0
	usr/lib/pkgconfig/libktrace.pc
	usr/share/man/man8/ktracectl.8
	EOF
	)
	got=$(cd "$root" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort)
	if [ "$got" != "$want" ]; then
		diff <(echo "$want") <(echo "$got") || true
		die "make install: not the expected files (- expected, + installed)"
	fi
	echo "make install: the $(echo "$want" | wc -l) expected files"
	[ "$(modinfo -F vermagic "$root/lib/modules/$rel/extra/ktrace.ko" |
	     cut -d' ' -f1)" = "$rel" ] || die "ktrace.ko is not built for $rel"
	echo "ktrace.ko: vermagic $rel"
	[ "$(readlink "$root/usr/lib/libktrace.so")" = libktrace.so.0 ] ||
		die "libktrace.so does not point at libktrace.so.0"
	grep -qx 'prefix=/usr' "$root/usr/lib/pkgconfig/libktrace.pc" ||
		die "libktrace.pc has not prefix=/usr"
	"$root/usr/bin/ktracectl" --version | grep -q '^ktracectl ' ||
		die "the installed ktracectl does not run"
	[ "$(stat -c %a "$root/usr/bin/ktracectl")" = 755 ] &&
		[ "$(stat -c %a "$root/lib/modules/$rel/extra/ktrace.ko")" = 644 ] ||
		die "install modes: ktracectl 0755, ktrace.ko 0644"
	echo "ktracectl runs, libktrace.so and libktrace.pc in place"
}

# The long options a command's --help lists, but for the global ones.
long_opts()
{
	"$@" --help 2>/dev/null | grep -o '^ *\(-., \)\?--[a-z0-9-]*' |
		sed 's/.*--//' | grep -vx 'help\|usage\|version\|verbose\|json' || true
}

# --per-disk as roff writes it: \-\-per\-disk.
roff_opt()
{
	printf '%s' "--$1" | sed 's/-/\\-/g'
}

check_man()
{
	local page=$src/man/ktracectl.8 warn text ktc=$work/build/ktracectl
	local p o c s sect probes cmds missing=""

	warn=$(groff -man -ww -z "$page" 2>&1)
	[ -z "$warn" ] || die "groff warns: $warn"
	text=$(MANWIDTH=80 man -l "$page" 2>&1 | col -b)
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS PROBES PICTURES \
		 'EXIT STATUS' PERMISSIONS FILES EXAMPLES 'SEE ALSO'; do
		grep -qx "$s" <<< "$text" || die "man page: no $s section"
	done
	echo "man page: renders without warnings, $(wc -l <<< "$text") lines"

	[ -x "$ktc" ] || make -s -C "$src/user" OUT="$work/build" > /dev/null
	# Every probe ktracectl enables: a subsection with each of its long
	# options (the global ones are documented once, under OPTIONS).
	probes=$(sed -n 's/^\t{ "\([a-z_0-9]*\)", cmd_[a-z_0-9]*, .*},$/\1/p' \
		 "$src/user/cmd_enable.c")
	[ -n "$probes" ] || die "no probe table in user/cmd_enable.c"
	for p in $probes; do
		sect=$(awk -v p="$p" '/^\.S[HS] / { on = ($2 == p) } on' "$page")
		[ -n "$sect" ] || { missing+=" $p(no .SS)"; continue; }
		for o in $(long_opts "$ktc" enable "$p"); do
			grep -qF -- "$(roff_opt "$o")" <<< "$sect" ||
				missing+=" $p:--$o"
		done
	done
	# ktracectl's own options, every command ktracectl --help lists, and
	# theirs.
	for o in $(long_opts "$ktc"); do
		grep -qF -- "$(roff_opt "$o")" "$page" || missing+=" ktracectl:--$o"
	done
	cmds=$(sed -n '/^"COMMANDS:/,/^"EXAMPLES:/s/^"    \([a-z]*\) .*/\1/p' \
	       "$src/user/ktracectl.c")
	[ -n "$cmds" ] || die "no COMMANDS in user/ktracectl.c"
	for c in $cmds; do
		grep -qE -e "^\.(B|BI|BR) $c( |\$)" -e "^\\\\fB$c\\\\fP" "$page" ||
			missing+=" command:$c"
		for o in $(long_opts "$ktc" "$c"); do
			grep -qF -- "$(roff_opt "$o")" "$page" || missing+=" $c:--$o"
		done
	done
	[ -z "$missing" ] || die "man page: undocumented:$missing"
	echo "man page: every probe and command ktracectl has, with its options"
}

check_udev()
{
	local rules=$src/udev/60-ktrace.rules

	# Each rule: comma-separated KEY{attr}OP"value", match keys with ==
	# or !=, assignments with = += :=, as udev(7) has them.
	awk '
	/^[ \t]*(#|$)/ { next }
	{
		n = split($0, kv, /, */)
		for (i = 1; i <= n; i++) {
			if (kv[i] !~ /^[A-Z_]+(\{[^}]*\})?(==|!=|\+=|:=|-=|=)"[^"]*"$/) {
				print "udev: bad key: " kv[i]; bad = 1; continue
			}
			key = kv[i]; sub(/[{=!+:-].*/, "", key)
			op = kv[i]; sub(/^[A-Z_]+(\{[^}]*\})?/, "", op); sub(/".*/, "", op)
			match_key = key ~ /^(ACTION|DEVPATH|KERNEL|KERNELS|NAME|SYMLINK|SUBSYSTEM|SUBSYSTEMS|DRIVER|DRIVERS|ATTR|ATTRS|TAG|TAGS|ENV|TEST|PROGRAM|RESULT)$/
			assign_key = key ~ /^(NAME|SYMLINK|OWNER|GROUP|MODE|TAG|ENV|RUN|LABEL|GOTO|OPTIONS|ATTR)$/
			if (!match_key && !assign_key) { print "udev: unknown key " key; bad = 1 }
			if ((op == "==" || op == "!=") && !match_key) { print "udev: " key " cannot match"; bad = 1 }
			if (op != "==" && op != "!=" && !assign_key) { print "udev: " key " cannot be assigned"; bad = 1 }
		}
		rules++
	}
	END { if (!rules) { print "udev: no rule"; bad = 1 } exit bad }' "$rules" ||
		die "udev rule: syntax"
	grep -q '^KERNEL=="ktrace",.*GROUP="ktrace"' "$rules" &&
		grep -q '^KERNEL=="ktrace",.*MODE="0660"' "$rules" ||
		die "udev rule: KERNEL==\"ktrace\" with GROUP=\"ktrace\", MODE=\"0660\""
	# systemd 254 and later can check a rule file itself.
	if udevadm verify --help > /dev/null 2>&1; then
		udevadm verify "$rules" || die "udevadm verify"
	fi
	echo "udev rule: $(grep -c '^[A-Z]' "$rules") rule, keys and values well formed"
}

check_dkms()
{
	local series=$1 kdir rel srcroot=$work/dkms-src tree=$work/dkms-tree
	local inst=$work/dkms-inst ko args

	command -v dkms > /dev/null || die "no dkms (scripts/deps.sh installs it)"
	kdir=$("$KTRACE_TOP/scripts/kernel-stock.sh" "$series")
	rel=$(cat "$kdir/release")
	make -s -C "$src" dkms-src DESTDIR="$srcroot"
	[ -f "$srcroot/usr/src/ktrace-$version/dkms.conf" ] ||
		die "make dkms-src: no /usr/src/ktrace-$version/dkms.conf"
	# A private tree: nothing lands in /var/lib/dkms, /usr/src or
	# /lib/modules.  The kernel's headers are the cached ones, not
	# /lib/modules/<release>/build.
	args=(-m ktrace -v "$version" --sourcetree "$srcroot/usr/src"
	      --dkmstree "$tree" --installtree "$inst")
	# The kernel "installed" in the private tree: DKMS installs only for
	# a kernel it finds there, and compresses modules as its modules.dep
	# shows them (6.12: .ko.xz).
	mkdir -p "$tree" "$inst/$rel"
	[ ! -f "$kdir/modules/modules.dep" ] ||
		cp "$kdir/modules/modules.dep" "$inst/$rel/"
	dkms add "${args[@]}" > "$work/dkms.log" 2>&1 ||
		{ cat "$work/dkms.log"; die "dkms add"; }
	if ! dkms build "${args[@]}" -k "$rel" --kernelsourcedir "$kdir/build" \
		>> "$work/dkms.log" 2>&1; then
		cat "$work/dkms.log"
		cat "$tree/ktrace/$version/build/make.log" 2>/dev/null | tail -n 30
		die "dkms build for $rel"
	fi
	dkms install "${args[@]}" -k "$rel" --kernelsourcedir "$kdir/build" \
		--no-depmod >> "$work/dkms.log" 2>&1 ||
		{ cat "$work/dkms.log"; die "dkms install for $rel"; }
	ko=$(find "$inst/$rel" -name 'ktrace.ko*' | head -n1)
	[ -n "$ko" ] || { cat "$work/dkms.log"; die "dkms install: no ktrace.ko under $inst/$rel"; }
	[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$rel" ] ||
		die "$ko is not built for $rel"
	dkms status "${args[@]}" -k "$rel" | grep -q 'installed' ||
		die "dkms status does not say installed"
	echo "dkms: ktrace/$version built and installed for $rel: ${ko#"$inst/"}"
}

case "${1:-all}" in
layout)	check_layout ;;
man)	check_man ;;
udev)	check_udev ;;
dkms)	check_dkms "${2:?usage: install-check.sh dkms 6.1|6.12}" ;;
all)	check_layout; check_man; check_udev; check_dkms 6.1; rm -rf "$work"/dkms-*
	check_dkms 6.12 ;;
*)	die "usage: install-check.sh [layout|man|udev|dkms SERIES]" ;;
esac
