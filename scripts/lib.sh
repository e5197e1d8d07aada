# SPDX-License-Identifier: GPL-2.0
# Shared helpers for ktrace's scripts: the kernel cache and its keys.

KTRACE_CACHE=${KTRACE_CACHE:-$HOME/.cache/ktrace}
KTRACE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export KTRACE_CACHE KTRACE_TOP

# Prints a step heading so long builds show where they are.
step()
{
	printf '>>> %s\n' "$*" >&2
}

die()
{
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# The directory holding a kernel by name: test, stock-6.1, stock-6.12.
kernel_dir()
{
	local name=$1

	case "$name" in
	test)		"$KTRACE_TOP/scripts/kernel-test.sh" --print-dir ;;
	stock-6.1|stock-6.12)
			"$KTRACE_TOP/scripts/kernel-stock.sh" --print-dir "${name#stock-}" ;;
	*)		die "unknown kernel '$name' (test, stock-6.1, stock-6.12)" ;;
	esac
}
