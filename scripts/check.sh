#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: every ktrace test, ending with one line "N passed, N failed".
#   1. host unit tests of the userspace code (ASan/UBSan)
#   2. checkpatch --strict on the kernel code; make install, the man page,
#      the udev rule and DKMS builds (scripts/install-check.sh); the SVG
#      renderers, checked and rendered in Chromium (scripts/svg-check.sh)
#   3. for the test kernel and both stock kernels: build ktrace.ko against
#      it, run sparse over its sources (scripts/sparse.sh), boot a guest,
#      run the guest suites (TAP); on the test kernel the KUnit suites
#      too, parsed with the kernel's kunit.py.  A guest that hangs, dies
#      or prints a kernel problem on its console fails.  Every kernel's
#      build and sparse come first; then the test kernel's guest runs in
#      the background, alongside the other guests, 4 and 5, and is
#      counted last.
#   4. a real Prometheus scraping ktracectl export in a stock-6.1 guest
#      (scripts/prometheus-check.sh)
#   5. the overhead bench, quick (scripts/bench.sh --quick)
# KERNELS="test stock-6.1" limits the kernels.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KTRACE_TOP"

KERNELS=${KERNELS:-test stock-6.1 stock-6.12}
logs=$KTRACE_TOP/build/check
rm -rf "$logs" && mkdir -p "$logs"
passed=0
failed=0
start=$(date +%s)

# Counts the TAP lines of FILE.
count_tap()
{
	local p f

	p=$(grep -cE '^ok ' "$1")
	f=$(grep -cE '^not ok ' "$1")
	passed=$((passed + p))
	failed=$((failed + f))
	grep -E '^not ok ' "$1" | sed 's/^/FAILED: /'
}

# The number after WORD in kunit.py's summary line, 0 when absent.
kunit_field()
{
	local n

	n=$(echo "$1" | grep -oE "$2 [0-9]+" | grep -oE '[0-9]+$')
	echo "${n:-0}"
}

# One synthetic test: NAME and a status.
result()
{
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
		echo "ok - $1"
	else
		failed=$((failed + 1))
		echo "FAILED: not ok - $1"
	fi
}

step "kernels"
scripts/kernel-test.sh >/dev/null || die "test kernel build failed"
scripts/kernel-stock.sh 6.1 >/dev/null || die "stock 6.1 fetch failed"
scripts/kernel-stock.sh 6.12 >/dev/null || die "stock 6.12 fetch failed"

step "host unit tests"
make -s -C tests/unit > "$logs/unit.tap" 2>&1
rc=$?
count_tap "$logs/unit.tap"
result "host unit tests ran" $rc

step "libktrace: install, pkg-config, an example consumer"
scripts/libktrace-check.sh > "$logs/libktrace.log" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -n 20 "$logs/libktrace.log"
result "libktrace installs and a consumer builds with pkg-config" $rc

step "install: make install, man page, udev rule, DKMS on the stock kernels"
for part in layout man udev "dkms 6.1" "dkms 6.12"; do
	log=$logs/install-${part// /-}.log
	# shellcheck disable=SC2086
	scripts/install-check.sh $part > "$log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || tail -n 20 "$log"
	case "$part" in
	layout)	what="make install DESTDIR=: the expected files, ktrace.ko for stock-6.1" ;;
	man)	what="ktracectl.8 renders without warnings, documents every command and option" ;;
	udev)	what="60-ktrace.rules: well formed, /dev/ktrace to group ktrace at 0660" ;;
	*)	what="DKMS builds and installs ktrace.ko for stock-${part#dkms }" ;;
	esac
	result "$what" $rc
done

step "pictures: flame graph and heatmap SVG, rendered by headless Chromium"
scripts/svg-check.sh > "$logs/svg.log" 2>&1
rc=$?
grep '^not ok' "$logs/svg.log" | sed 's/^/FAILED: svg: /'
[ $rc -eq 0 ] || tail -n 20 "$logs/svg.log"
result "flame graphs and heatmaps match their input and render in Chromium" $rc

step "checkpatch --strict"
scripts/checkpatch.sh > "$logs/checkpatch.log" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -n 20 "$logs/checkpatch.log"
result "checkpatch --strict: kernel code is clean" $rc

kunit_py=$(ls -d "$KTRACE_CACHE"/src/linux-source-6.1-*/tools/testing/kunit/kunit.py | head -n1)

# guest_boot K: K's guest runs the suites; its TAP, console and exit
# status in $logs/K.  The test kernel's guest has been measured taking
# 20 minutes on one 2-core host and about 50 on another, the stock
# kernels' a third of that: a guest past its limit is hung.
guest_boot()
{
	local out=$logs/$1 limit=2700

	[ "$1" != test ] || limit=4200
	tests/vm/run.sh -k "$1" -p "build/$1/payload" -t $limit -o "$out" \
		-- 'sh /ktrace/guest-check.sh' > "$out/tap" 2> "$out/run.err"
	echo $? > "$out/rc"
}

# guest_count K: counts what guest_boot K left, KUnit's results too.
guest_count()
{
	local k=$1 out=$logs/$1 rc summary total ok bad

	rc=$(cat "$out/rc" 2>/dev/null || echo 2)
	count_tap "$out/tap"
	[ "$rc" -le 1 ] || cat "$out/run.err"
	result "$k: guest finished with a clean console (exit $rc)" \
		$(( rc > 1 ))

	if [ -f "build/$k/payload/ktrace_kunit.ko" ]; then
		tests/vm/kunit-ktap.sh "$out/console.log" |
			python3 "$kunit_py" parse > "$out/kunit.log" 2>&1
		# "Testing complete. Ran N tests: passed: P, failed: F, ..."
		summary=$(grep 'Testing complete' "$out/kunit.log" | tail -n1)
		total=$(kunit_field "$summary" Ran)
		ok=$(kunit_field "$summary" passed:)
		bad=$(( $(kunit_field "$summary" failed:) +
			$(kunit_field "$summary" crashed:) +
			$(kunit_field "$summary" errors:) ))
		grep -E '\[FAILED\]|\[CRASHED\]|ERROR' "$out/kunit.log" |
			sed 's/^/FAILED: kunit: /'
		echo "KUnit on $k: $summary"
		passed=$((passed + ok))
		failed=$((failed + bad))
		result "$k: KUnit suites ran" $(( total == 0 ))
	fi
}

# Every kernel's ktrace.ko, tools and sparse first: host-side work that
# would otherwise compete with a running guest for the CPU.
ready=""
for k in $KERNELS; do
	step "build: $k"
	out=$logs/$k
	mkdir -p "$out"
	if ! scripts/payload.sh "$k" > "$out/payload.log" 2>&1; then
		tail -n 20 "$out/payload.log"
		result "$k: ktrace.ko and the tools build" 1
		continue
	fi
	result "$k: ktrace.ko and the tools build" 0
	scripts/sparse.sh "$k" > "$out/sparse.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || tail -n 20 "$out/sparse.log"
	result "$k: sparse (make C=2) clean on ktrace's sources" $rc
	ready="$ready $k"
done

# The test kernel's guest (KASAN, lockdep: the slowest by far) runs in
# the background, on the host's second core, while the other guests,
# Prometheus and the bench smoke run on the first; its results are
# counted at the end.  A TCG guest keeps one core busy.
test_guest=""
for k in $ready; do
	if [ "$k" = test ]; then
		step "guest: test (in the background; its results come last)"
		guest_boot "$k" &
		test_guest=$!
		continue
	fi
	step "guest: $k"
	guest_boot "$k"
	guest_count "$k"
done

# A real Prometheus scrapes ktracectl export in a stock-6.1 guest over
# QEMU's user network (the test kernel has no virtio-net).
step "prometheus: scraping ktracectl export in a stock-6.1 guest"
scripts/prometheus-check.sh -k stock-6.1 > "$logs/prometheus.tap" 2>&1
rc=$?
count_tap "$logs/prometheus.tap"
[ $rc -eq 0 ] || tail -n 20 "$logs/prometheus.tap"
result "prometheus: a real Prometheus scraped the exporter (exit $rc)" $rc

# The overhead bench, quick: every path's machinery but bcc's (clang takes
# a minute per tool under TCG) on stock 6.1, and the JSON's shape; no
# timing is asserted.
step "bench smoke: ktracectl bench -q in a stock-6.1 guest"
scripts/bench.sh --quick > "$logs/bench.log" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -n 30 "$logs/bench.log"
result "bench smoke: every path ran or said why, results.json has its shape" $rc

step "instruction timing: a stock-6.1 guest on QEMU's -icount repeats to the ns"
scripts/icount-check.sh -p build/stock-6.1/payload > "$logs/icount.log" 2>&1
rc=$?
[ $rc -eq 0 ] || tail -n 20 "$logs/icount.log"
result "icount: the floor's repetitions agree within 2 ns and cost above zero" $rc

if [ -n "$test_guest" ]; then
	step "guest: test (results)"
	wait "$test_guest"
	guest_count test
fi

echo "make check took $(( $(date +%s) - start ))s"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
