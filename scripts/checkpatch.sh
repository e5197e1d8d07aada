#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# checkpatch.pl --strict over the kernel code (module/, uapi/, tests/kunit/),
# with the kernel's own script from the cached linux-source tree.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KTRACE_TOP"

cp=$(ls -d "$KTRACE_CACHE"/src/linux-source-6.1-*/scripts/checkpatch.pl | head -n1)
[ -x "$cp" ] || die "checkpatch.pl not found (make kernels)"
files=$(git ls-files 'module/*.[ch]' 'uapi/*.h' 'tests/kunit/*.c' 2>/dev/null ||
	ls module/*.[ch] module/*/*.[ch] uapi/*.h tests/kunit/*.c)
# shellcheck disable=SC2086
"$cp" --no-tree --strict --quiet --show-types --terse -f $files
