#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""
Checks the SVG that ktracectl's renderers wrote against the input they were
given, and screenshots of them (scripts/svg-check.sh):

  check_svg.py flame SVG FOLDED COUNTNAME   the flame graph of folded stacks
  check_svg.py heatmap SVG SERIES UNIT      the heatmap of a histogram series
  check_svg.py png flame|heatmap PNG        a browser's screenshot of one
  check_svg.py html SVG HTML FRAME REGEX    a page running the flame graph's
                                            script: zoom to FRAME, unzoom,
                                            search REGEX; results in <title>
  check_svg.py js SVG DOM FRAME REGEX       those results (the page's DOM as
                                            the browser left it) as expected

A flame graph is rebuilt from its geometry alone (a frame's parent is the
frame below it that spans it) and must hold exactly the stack prefixes of
the input, each as wide as its share, siblings in alphabetical order from
left to right, tooltips saying "name (N countname, P%)".  A heatmap must
have one cell per interval and bucket with the input's count, colours
darker for larger counts, white for none.  A screenshot must show the
picture: enough pixels of the flame graph's warm palette or of the
heatmap's colours, and text.  Prints TAP-like lines; exits 1 on a failure.
"""
import re
import sys
import xml.etree.ElementTree as ET

NS = {"s": "http://www.w3.org/2000/svg"}
failures = 0


def ok(cond, what):
    global failures
    print(("ok - " if cond else "not ok - ") + what)
    if not cond:
        failures += 1
    return cond


def folded_input(path):
    """Stack prefix (tuple) -> value, and the total."""
    prefixes, total = {}, 0
    # Bytes as they are: the renderer writes each non-ASCII byte as "?".
    with open(path, encoding="latin-1") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            stack, _, value = line.rpartition(" ")
            if not value.isdigit() or int(value) == 0:
                continue
            value = int(value)
            frames = tuple(x for x in stack.split(";") if x)
            total += value
            for i in range(1, len(frames) + 1):
                prefixes[frames[:i]] = prefixes.get(frames[:i], 0) + value
    return prefixes, total


def xml_safe(name):
    """What the renderer writes for a name: non-ASCII bytes as '?'."""
    return "".join(c if 0x20 <= ord(c) < 0x7F else "?" for c in name)


def check_flame(svg, folded, countname):
    prefixes, total = folded_input(folded)
    root = ET.parse(svg).getroot()
    width = float(root.get("width"))
    span = width - 20
    frames = []
    title_re = re.compile(r"^(.*) \((\d+) (\S+), ([0-9.]+)%\)$")
    for g in root.find(".//s:g[@id='frames']", NS).findall("s:g", NS):
        m = title_re.match(g.find("s:title", NS).text)
        if not m:
            ok(False, f"frame tooltip '{g.find('s:title', NS).text}'")
            return
        r = g.find("s:rect", NS)
        frames.append({
            "name": m.group(1), "value": int(m.group(2)),
            "unit": m.group(3), "pct": float(m.group(4)),
            "x": float(r.get("x")), "y": float(r.get("y")),
            "w": float(r.get("width")), "fill": r.get("fill"),
        })
    if not total:
        ok(not frames, "an empty input draws no frame")
        return
    ok(frames and frames[0]["name"] == "all" and frames[0]["value"] == total,
       f"the first frame is 'all' with the total, {total}")
    bottom = max(f["y"] for f in frames)
    for f in frames:
        f["depth"] = round((bottom - f["y"]) / 16)
    # Parents by geometry: the frame one row down spanning the midpoint.
    by_depth = {}
    for f in frames:
        by_depth.setdefault(f["depth"], []).append(f)
    orphans = 0
    for f in frames:
        if f["depth"] == 0:
            f["path"] = ()
            continue
        mid = f["x"] + f["w"] / 2
        parents = [p for p in by_depth.get(f["depth"] - 1, [])
                   if p["x"] - 0.02 <= f["x"] and
                   f["x"] + f["w"] <= p["x"] + p["w"] + 0.02 and
                   p["x"] <= mid <= p["x"] + p["w"]]
        if len(parents) != 1:
            orphans += 1
            f["path"] = None
            continue
        f["parent"] = parents[0]
    ok(not orphans, f"every frame sits on one parent ({orphans} do not)")
    if orphans:
        return
    for f in sorted(frames, key=lambda f: f["depth"]):
        if f["depth"]:
            f["path"] = f["parent"]["path"] + (f["name"],)
    drawn = {f["path"]: f["value"] for f in frames if f["depth"]}
    want = {tuple(xml_safe(x) for x in p): v for p, v in prefixes.items()
            if v * span / total >= 0.1}
    ok(len(drawn) == len(frames) - 1, "no stack prefix drawn twice")
    ok(drawn == want,
       f"the frames are the input's stack prefixes: {len(drawn)} drawn, "
       f"{len(want)} wide enough of {len(prefixes)}")
    bad_w = [f["name"] for f in frames
             if abs(f["w"] - f["value"] * span / total) > 0.011]
    ok(not bad_w, f"widths proportional to counts ({bad_w[:3]})")
    bad_p = [f["name"] for f in frames
             if abs(f["pct"] - 100.0 * f["value"] / total) > 0.0051]
    ok(not bad_p, f"percentages of the total ({bad_p[:3]})")
    ok(all(f["unit"] == countname for f in frames),
       f"tooltips count {countname}")
    # Siblings: alphabetical left to right, packed from the parent's left.
    kids = {}
    for f in frames:
        if f["depth"]:
            kids.setdefault(id(f["parent"]), (f["parent"], []))[1].append(f)
    order = packed = True
    for parent, ks in kids.values():
        ks.sort(key=lambda f: f["x"])
        names = [f["name"].encode() for f in ks]
        order &= names == sorted(names)
        x = parent["x"]
        for f in ks:
            packed &= abs(f["x"] - x) < 0.011
            x = f["x"] + f["w"]
    ok(order, "siblings in alphabetical order")
    ok(packed, "siblings side by side from their parent's left edge")
    warm = re.compile(r"^rgb\((\d+),(\d+),(\d+)\)$")
    bad_c = []
    for f in frames:
        r, g, b = map(int, warm.match(f["fill"]).groups())
        if f["name"].startswith("["):
            good = (r, g, b) == (190, 190, 190)
        else:
            good = 205 <= r <= 255 and 0 <= g <= 230 and 0 <= b <= 55
        if not good:
            bad_c.append(f["name"])
    ok(not bad_c, f"warm colours, grey for [pseudo] frames ({bad_c[:3]})")
    same = {}
    for f in frames:
        same.setdefault(f["name"], set()).add(f["fill"])
    ok(all(len(c) == 1 for c in same.values()),
       "a function has one colour wherever it appears")
    ok(root.find(".//s:script", NS) is not None and
       "function zoom" in root.find(".//s:script", NS).text,
       "the zoom and search script is embedded")
    ok(not re.search(r'(href|src)="(https?:)?//', open(svg).read()),
       "no external resource")


def check_heatmap(svg, series, unit):
    cols = []
    with open(series) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            nums = [int(x) for x in line.split()]
            cols.append((nums[0], nums[1:]))
    nz = [s for _, c in cols for s, n in enumerate(c) if n]
    lo, hi = (min(nz), max(nz)) if nz else (0, 0)
    root = ET.parse(svg).getroot()
    cells = [r for r in root.iter("{%s}rect" % NS["s"]) if r.get("class") == "c"]
    ok(len(cells) == len(cols) * (hi - lo + 1),
       f"{len(cols)} columns x {hi - lo + 1} buckets = {len(cells)} cells")
    title_re = re.compile(
        r"^(\d\d:\d\d:\d\d), interval (\d+): (\d+) -> (\d+) (\S+): (\d+)$")
    got, bad = {}, []
    for c in cells:
        m = title_re.match(c.find("s:title", NS).text)
        if not m:
            bad.append(c.find("s:title", NS).text)
            continue
        low = int(m.group(3))
        slot = low.bit_length() - 1 if low else 0
        got[(int(m.group(2)) - 1, slot)] = (int(m.group(6)), c.get("fill"),
                                             m.group(1), m.group(5))
    ok(not bad, f"cell tooltips 'HH:MM:SS, interval N: L -> H {unit}: C' {bad[:2]}")
    want = {(j, s): (c[s] if s < len(c) else 0)
            for j, (_, c) in enumerate(cols) for s in range(lo, hi + 1)}
    ok({k: v[0] for k, v in got.items()} == want,
       "every cell holds its interval's count for its bucket")
    ok(all(v[3] == unit for v in got.values()), f"buckets in {unit}")
    import time
    ok(all(v[2] == time.strftime("%H:%M:%S", time.localtime(cols[j][0]))
           for (j, _), v in got.items()),
       "cells name the time their interval ended")
    lum = {}
    for count, fill, _, _ in got.values():
        r, g, b = map(int, re.match(r"^rgb\((\d+),(\d+),(\d+)\)$", fill).groups())
        lum[count] = 0.299 * r + 0.587 * g + 0.114 * b
    counts = sorted(lum)
    # Channels are rounded one by one: a step may brighten by a hair.
    ok(all(lum[a] >= lum[b] - 0.5 for a, b in zip(counts, counts[1:])),
       "larger counts are darker")
    ok(0 not in lum or lum[0] == 255, "empty cells are white")
    total = sum(sum(c) for _, c in cols)
    ok(f"{total} in all" in open(svg).read(), f"the subtitle's total, {total}")


def check_png(kind, png):
    from PIL import Image
    img = Image.open(png).convert("RGB")
    px = list(img.getdata())
    n = len(px)
    text = sum(1 for r, g, b in px if r + g + b < 150)
    ok(text > 200, f"{kind}: text drawn ({text} dark pixels)")
    if kind == "flame":
        warm = sum(1 for r, g, b in px if r >= 200 and g <= 235 and b <= 70)
        ok(warm > n * 0.10, f"flame: frames drawn ({100.0 * warm / n:.1f}% "
           "of the pixels in the warm palette)")
    else:
        colour = sum(1 for p in px if max(p) - min(p) > 40)
        dark = sum(1 for r, g, b in px if r < 190 and r - b > 60)
        ok(colour > n * 0.10, f"heatmap: cells drawn ({100.0 * colour / n:.1f}% "
           "of the pixels coloured)")
        ok(dark > 100, f"heatmap: the busiest cells dark ({dark} pixels)")


HARNESS = """<!DOCTYPE html>
<html><head><title>not run</title></head><body>
%s
<script>
var out = [];
try {
  init(null);
  var fr = document.getElementById('frames').getElementsByTagName('g');
  var t = null, hidden = 0;
  for (var i = 0; i < fr.length && !t; i++)
    if (fr[i].fname == %r) t = fr[i];
  zoom(t);
  for (var i = 0; i < fr.length; i++)
    if (fr[i].style.display == 'none') hidden++;
  out.push('zoomed=' + t.getElementsByTagName('rect')[0].getAttribute('width'));
  out.push('hidden=' + hidden);
  unzoom();
  out.push('unzoomed=' + t.getElementsByTagName('rect')[0].getAttribute('width'));
  search(%r);
  out.push('matched=' + document.getElementById('matched').textContent);
} catch (e) {
  out.push('error=' + e);
}
document.title = out.join(' ');
</script></body></html>
"""


def flame_frames(svg):
    root = ET.parse(svg).getroot()
    frames = []
    for g in root.find(".//s:g[@id='frames']", NS).findall("s:g", NS):
        t = g.find("s:title", NS).text
        r = g.find("s:rect", NS)
        frames.append((t[:t.rindex(" (")], float(r.get("x")),
                       float(r.get("width")), float(r.get("y"))))
    return float(root.get("width")), frames


def write_html(svg, html, frame, regex):
    text = open(svg).read()
    with open(html, "w") as f:
        f.write(HARNESS % (text[text.index("<svg"):], frame, regex))


def check_js(svg, dom, frame, regex):
    """What the script must have done, from the geometry."""
    width, frames = flame_frames(svg)
    m = re.search(r"<title>([^<]*)</title>", open(dom).read())
    got = dict(kv.split("=", 1) for kv in m.group(1).split(" ")
               if "=" in kv) if m else {}
    if not ok("error" not in got and "zoomed" in got,
              f"the script ran: {m.group(1) if m else 'no title'}"):
        return
    _, zx, zw, zy = next(f for f in frames if f[0] == frame)
    e = 0.02
    shown = sum(1 for _, x, w, y in frames
                if (y > zy and x <= zx + e and x + w >= zx + zw - e) or
                (y <= zy and x >= zx - e and x + w <= zx + zw + e))
    ok(abs(float(got["zoomed"]) - (width - 20)) < 0.01,
       f"zoom: {frame} spans the width ({got['zoomed']})")
    ok(int(got["hidden"]) == len(frames) - shown,
       f"zoom: {got['hidden']} frames hidden, neither its ancestors nor "
       f"inside it ({len(frames) - shown} expected)")
    ok(abs(float(got["unzoomed"]) - zw) < 0.01,
       f"reset zoom: {frame} back to {zw}")
    spans = sorted((x, x + w) for n, x, w, _ in frames if re.search(regex, n))
    total, end = 0.0, -1.0
    for a, b in spans:
        a = max(a, end)
        if b > a:
            total, end = total + b - a, b
    want = "Matched: %.1f%%" % (100 * total / (width - 20))
    ok(got.get("matched") == want.split(" ")[0] and
       m.group(1).endswith(want), f"search {regex!r}: '{want}'")


def main(argv):
    if len(argv) == 5 and argv[1] == "flame":
        check_flame(argv[2], argv[3], argv[4])
    elif len(argv) == 5 and argv[1] == "heatmap":
        check_heatmap(argv[2], argv[3], argv[4])
    elif len(argv) == 4 and argv[1] == "png":
        check_png(argv[2], argv[3])
    elif len(argv) == 6 and argv[1] == "html":
        write_html(argv[2], argv[3], argv[4], argv[5])
    elif len(argv) == 6 and argv[1] == "js":
        check_js(argv[2], argv[3], argv[4], argv[5])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
