#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ktracectl's pictures on the host: the flame graph and heatmap renderers
# (user/flamegraph.c, user/heatmap.c) built with ASan and UBSan into a
# small driver (tests/svg/svg_driver.c) and fed realistic input: the folded
# stacks of a real guest profile and a minute of block latency histograms.
# Each SVG is checked against its input (tests/svg/check_svg.py), then
# rendered by headless Chromium and the screenshot checked to show the
# picture, not a blank or broken page.  The pictures in docs/img (from a
# real guest run, scripts/docs-img.sh) are rendered and checked too.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$KTRACE_TOP"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Debian's python3, where python3-pil is; cell times are checked in UTC.
py=/usr/bin/python3
export TZ=UTC

cc -O1 -g -Wall -Wextra -Werror -std=gnu11 \
	-fsanitize=address,undefined -fno-sanitize-recover=all \
	-Iuapi -Iuser tests/svg/svg_driver.c user/flamegraph.c user/heatmap.c \
	-lm -o "$work/svg_driver"
drv=$work/svg_driver
fix=tests/svg/fixtures

# Edge cases: nothing; XML's special characters and a non-ASCII byte; a
# deep stack; many stacks too narrow to draw next to a wide one.
: > "$work/empty.folded"
printf '%s\n' 'a<b>&"c'"'"';x&y 3' 'caf\xc3\xa9;[user] 2' 'zz;a 5' \
	> "$work/special.folded"
awk 'BEGIN { s = "root"; for (i = 1; i < 200; i++) s = s ";f" i; print s, 7 }' \
	> "$work/deep.folded"
awk 'BEGIN { print "big;wide 1000000"; for (i = 0; i < 3000; i++) print "small;s" i, 1 }' \
	> "$work/narrow.folded"

status=0
flame()
{
	local name=$1 input=$2 countname=$3

	echo "# flame graph: $name"
	"$drv" flame "Flame Graph" "$countname" < "$input" > "$work/$name.svg"
	"$py" tests/svg/check_svg.py flame "$work/$name.svg" "$input" \
		"$countname" || status=1
}
flame profile $fix/profile.folded samples
flame empty "$work/empty.folded" samples
flame special "$work/special.folded" us
flame deep "$work/deep.folded" calls
flame narrow "$work/narrow.folded" samples
# docs/img/flamegraph.svg came from the same guest run as the fixture.
echo "# flame graph: docs/img/flamegraph.svg"
"$py" tests/svg/check_svg.py flame docs/img/flamegraph.svg \
	$fix/profile.folded samples || status=1

echo "# heatmap: block_latency series"
"$drv" heatmap "Block I/O latency" usecs 1 < $fix/block_latency.series \
	> "$work/heatmap.svg"
"$py" tests/svg/check_svg.py heatmap "$work/heatmap.svg" \
	$fix/block_latency.series usecs || status=1
echo "# heatmap: one empty interval"
echo "1732262400" > "$work/empty.series"
"$drv" heatmap "Nothing" msecs 5 < "$work/empty.series" > "$work/hm-empty.svg"
"$py" tests/svg/check_svg.py heatmap "$work/hm-empty.svg" \
	"$work/empty.series" msecs || status=1

# Headless Chromium: the window as large as the picture.
shot()
{
	local kind=$1 svg=$2 png=$work/$(basename "$2" .svg).png size

	size=$(sed -n 's/^<svg version="1.1" width="\([0-9]*\)" height="\([0-9]*\)".*/\1,\2/p' "$svg")
	echo "# chromium: $svg ($size)"
	if ! timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--hide-scrollbars --window-size="$size" \
		--screenshot="$png" "file://$(realpath "$svg")" \
		> "$work/chromium.log" 2>&1 || [ ! -s "$png" ]; then
		tail -n 5 "$work/chromium.log"
		echo "not ok - chromium renders $svg"
		status=1
		return
	fi
	"$py" tests/svg/check_svg.py png "$kind" "$png" || status=1
}
# The flame graph's script, run by Chromium on the page it is part of:
# zoom to a frame, reset, search.
echo "# chromium: the flame graph's zoom and search"
"$py" tests/svg/check_svg.py html "$work/profile.svg" "$work/zoom.html" \
	pipe_read '^vfs_'
timeout 120 chromium --headless --no-sandbox --disable-gpu --dump-dom \
	"file://$work/zoom.html" > "$work/zoom.dom" 2> "$work/chromium.log" || true
"$py" tests/svg/check_svg.py js "$work/profile.svg" "$work/zoom.dom" \
	pipe_read '^vfs_' || status=1

shot flame "$work/profile.svg"
shot heatmap "$work/heatmap.svg"
shot flame docs/img/flamegraph.svg
shot heatmap docs/img/heatmap.svg
exit $status
