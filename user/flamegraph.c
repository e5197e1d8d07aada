// SPDX-License-Identifier: GPL-2.0
/*
 * Flame graph SVG from folded stacks; see flamegraph.h.  The stacks are
 * merged into a tree (one node per distinct prefix, children kept sorted
 * by name so the picture is the same whatever order the stacks came in),
 * then drawn in two passes: the depth of the tallest frame wide enough to
 * draw sizes the picture, then every such frame is written as a <g> with
 * a tooltip, a rectangle and its (truncated) name.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "flamegraph.h"

struct fg_node {
	char *name;
	unsigned long long value;	/* its own stacks and its children's */
	struct fg_node **kids;		/* sorted by name */
	size_t nr_kids, cap_kids;
};

struct flamegraph {
	struct fg_node root;		/* "all" */
};

/* The geometry, as flamegraph.pl's defaults. */
#define FG_WIDTH	1200
#define FG_FRAME_H	16
#define FG_FONT		12
#define FG_FONT_W	0.59	/* average glyph width / font size */
#define FG_XPAD		10
#define FG_YPAD1	(FG_FONT * 4)		/* title, subtitle */
#define FG_YPAD2	(FG_FONT * 2 + 10)	/* the details line */
#define FG_MIN_W	0.1	/* narrower frames are left out */

struct flamegraph *fg_new(void)
{
	struct flamegraph *fg = calloc(1, sizeof(*fg));

	if (!fg)
		return NULL;
	fg->root.name = strdup("all");
	if (!fg->root.name) {
		free(fg);
		return NULL;
	}
	return fg;
}

static void node_free(struct fg_node *n)
{
	size_t i;

	for (i = 0; i < n->nr_kids; i++) {
		node_free(n->kids[i]);
		free(n->kids[i]);
	}
	free(n->kids);
	free(n->name);
}

void fg_free(struct flamegraph *fg)
{
	if (!fg)
		return;
	node_free(&fg->root);
	free(fg);
}

/* Compares a frame (not terminated) with a node's name. */
static int name_cmp(const char *s, size_t len, const char *name)
{
	int c = strncmp(s, name, len);

	if (c)
		return c;
	return name[len] ? -1 : 0;
}

/* The child of @n named @s[0..len), inserted in order if new. */
static struct fg_node *child(struct fg_node *n, const char *s, size_t len)
{
	size_t lo = 0, hi = n->nr_kids, mid;
	struct fg_node *k, **nk;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = name_cmp(s, len, n->kids[mid]->name);
		if (!c)
			return n->kids[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (n->nr_kids == n->cap_kids) {
		size_t cap = n->cap_kids ? n->cap_kids * 2 : 4;

		nk = realloc(n->kids, cap * sizeof(*nk));
		if (!nk)
			return NULL;
		n->kids = nk;
		n->cap_kids = cap;
	}
	k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->name = strndup(s, len);
	if (!k->name) {
		free(k);
		return NULL;
	}
	memmove(&n->kids[lo + 1], &n->kids[lo],
		(n->nr_kids - lo) * sizeof(*n->kids));
	n->kids[lo] = k;
	n->nr_kids++;
	return k;
}

int fg_add(struct flamegraph *fg, const char *folded, unsigned long long value)
{
	struct fg_node *n = &fg->root;
	const char *p = folded;
	size_t len;

	if (!value)
		return 0;
	/* Allocate the whole path first so a failure changes no count. */
	while (*p) {
		len = strcspn(p, ";");
		if (len && !child(n, p, len))
			return -ENOMEM;
		if (len)
			n = child(n, p, len);
		p += len;
		if (*p == ';')
			p++;
	}
	n = &fg->root;
	n->value += value;
	for (p = folded; *p;) {
		len = strcspn(p, ";");
		if (len) {
			n = child(n, p, len);
			n->value += value;
		}
		p += len;
		if (*p == ';')
			p++;
	}
	return 0;
}

unsigned long long fg_total(const struct flamegraph *fg)
{
	return fg->root.value;
}

void svg_escape(FILE *f, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			/* Task names are any bytes; XML wants valid text. */
			fputc(c < 0x20 || c >= 0x7f ? '?' : c, f);
		}
	}
}

/* 32-bit FNV-1a: a stable colour per name, whatever the graph. */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

/* flamegraph.pl's "hot" palette: red to yellow. */
static void frame_colour(const char *name, int *r, int *g, int *b)
{
	uint32_t h = name_hash(name);
	double v1 = (h & 0xffff) / 65535.0, v2 = (h >> 16) / 65535.0;

	if (name[0] == '[') {
		/* [user], [unknown], [missing]: not a function. */
		*r = *g = *b = 190;
		return;
	}
	*r = 205 + (int)(50 * v2);
	*g = (int)(230 * v1);
	*b = (int)(55 * v2);
}

struct fg_draw {
	FILE *f;
	const struct fg_opts *o;
	double per_value;		/* pixels per count */
	unsigned long long total;
	int height, max_depth;
	unsigned long nr_frames;
};

static void max_depth(struct fg_draw *d, const struct fg_node *n, int depth)
{
	size_t i;

	if (n->value * d->per_value < FG_MIN_W)
		return;
	if (depth > d->max_depth)
		d->max_depth = depth;
	for (i = 0; i < n->nr_kids; i++)
		max_depth(d, n->kids[i], depth + 1);
}

static void draw(struct fg_draw *d, const struct fg_node *n, int depth,
		 unsigned long long start)
{
	double x1 = FG_XPAD + start * d->per_value;
	double w = n->value * d->per_value;
	double y = d->height - FG_YPAD2 - (depth + 1) * FG_FRAME_H;
	size_t len = strlen(n->name), fit;
	int r, g, b;
	size_t i;

	if (w < FG_MIN_W)
		return;
	d->nr_frames++;
	frame_colour(n->name, &r, &g, &b);
	fputs("<g class=\"f\"><title>", d->f);
	svg_escape(d->f, n->name, len);
	fprintf(d->f, " (%llu %s, %.2f%%)</title>", n->value, d->o->countname,
		100.0 * n->value / d->total);
	fprintf(d->f,
		"<rect x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" fill=\"rgb(%d,%d,%d)\" rx=\"2\" ry=\"2\"/>",
		x1, y, w, FG_FRAME_H - 1, r, g, b);
	fprintf(d->f, "<text x=\"%.2f\" y=\"%.1f\">", x1 + 3,
		y + FG_FRAME_H / 2.0 + 3.5);
	/* As much of the name as fits, ".." marking a cut. */
	fit = w > 3 ? (size_t)((w - 3) / (FG_FONT * FG_FONT_W)) : 0;
	if (fit >= 3) {
		if (len <= fit) {
			svg_escape(d->f, n->name, len);
		} else {
			svg_escape(d->f, n->name, fit - 2);
			fputs("..", d->f);
		}
	}
	fputs("</text></g>\n", d->f);
	for (i = 0; i < n->nr_kids; i++) {
		draw(d, n->kids[i], depth + 1, start);
		start += n->kids[i]->value;
	}
}

/*
 * Click a frame to zoom to it (its ancestors stay, stretched and faded),
 * "Reset Zoom" to go back; "Search" highlights the frames matching a
 * regular expression and says what share of the total they hold.
 */
static const char fg_script[] =
"var W, XPAD = 10, FONT = 12, FW = 0.59, frames, details, matched;\n"
"var unzoombtn, searchbtn, searching = false;\n"
"function init(evt) {\n"
"  var svg = document.getElementById('frames').ownerSVGElement;\n"
"  W = +svg.getAttribute('width');\n"
"  details = document.getElementById('details');\n"
"  matched = document.getElementById('matched');\n"
"  unzoombtn = document.getElementById('unzoom');\n"
"  searchbtn = document.getElementById('search');\n"
"  frames = document.getElementById('frames').getElementsByTagName('g');\n"
"  for (var i = 0; i < frames.length; i++) {\n"
"    var g = frames[i], r = g.getElementsByTagName('rect')[0];\n"
"    var t = g.getElementsByTagName('title')[0].textContent;\n"
"    g.ox = +r.getAttribute('x'); g.ow = +r.getAttribute('width');\n"
"    g.oy = +r.getAttribute('y'); g.ofill = r.getAttribute('fill');\n"
"    g.fname = t.substring(0, t.lastIndexOf(' ('));\n"
"    g.onclick = function () { zoom(this); };\n"
"    g.onmouseover = function () {\n"
"      details.textContent = this.getElementsByTagName('title')[0].textContent;\n"
"    };\n"
"    g.onmouseout = function () { details.textContent = ' '; };\n"
"  }\n"
"  unzoombtn.onclick = unzoom;\n"
"  searchbtn.onclick = searchclick;\n"
"}\n"
"function place(g, x, w) {\n"
"  var r = g.getElementsByTagName('rect')[0];\n"
"  var t = g.getElementsByTagName('text')[0];\n"
"  var n = Math.floor((w - 3) / (FONT * FW));\n"
"  r.setAttribute('x', x); r.setAttribute('width', w);\n"
"  t.setAttribute('x', x + 3);\n"
"  t.textContent = n < 3 ? '' : g.fname.length <= n ? g.fname :\n"
"    g.fname.substring(0, n - 2) + '..';\n"
"}\n"
"function zoom(z) {\n"
"  var s = (W - 2 * XPAD) / z.ow, e = 0.02;\n"
"  unzoombtn.setAttribute('class', '');\n"
"  for (var i = 0; i < frames.length; i++) {\n"
"    var g = frames[i];\n"
"    g.style.display = ''; g.style.opacity = '';\n"
"    if (g.oy > z.oy) {\n"
"      if (g.ox <= z.ox + e && g.ox + g.ow >= z.ox + z.ow - e) {\n"
"        place(g, XPAD, W - 2 * XPAD); g.style.opacity = '0.5';\n"
"      } else {\n"
"        g.style.display = 'none';\n"
"      }\n"
"    } else if (g.ox >= z.ox - e && g.ox + g.ow <= z.ox + z.ow + e) {\n"
"      place(g, XPAD + (g.ox - z.ox) * s, g.ow * s);\n"
"    } else {\n"
"      g.style.display = 'none';\n"
"    }\n"
"  }\n"
"}\n"
"function unzoom() {\n"
"  unzoombtn.setAttribute('class', 'hide');\n"
"  for (var i = 0; i < frames.length; i++) {\n"
"    var g = frames[i];\n"
"    g.style.display = ''; g.style.opacity = '';\n"
"    place(g, g.ox, g.ow);\n"
"  }\n"
"}\n"
"function searchclick() {\n"
"  if (searching) {\n"
"    for (var i = 0; i < frames.length; i++)\n"
"      frames[i].getElementsByTagName('rect')[0].setAttribute('fill', frames[i].ofill);\n"
"    matched.textContent = ' '; searchbtn.textContent = 'Search';\n"
"    searching = false;\n"
"    return;\n"
"  }\n"
"  var term = prompt('Search for frames (regular expression):', '');\n"
"  if (term) search(term);\n"
"}\n"
"function search(term) {\n"
"  var re, spans = [], sum = 0, end = -1;\n"
"  try { re = new RegExp(term); } catch (err) { return; }\n"
"  for (var i = 0; i < frames.length; i++) {\n"
"    var g = frames[i];\n"
"    if (re.test(g.fname)) {\n"
"      g.getElementsByTagName('rect')[0].setAttribute('fill', 'rgb(230,0,230)');\n"
"      spans.push([g.ox, g.ox + g.ow]);\n"
"    }\n"
"  }\n"
"  if (!spans.length) return;\n"
"  searching = true; searchbtn.textContent = 'Reset Search';\n"
"  /* A match inside a match counts once: the union of their spans. */\n"
"  spans.sort(function (a, b) { return a[0] - b[0]; });\n"
"  for (var j = 0; j < spans.length; j++) {\n"
"    var a = Math.max(spans[j][0], end);\n"
"    if (spans[j][1] > a) { sum += spans[j][1] - a; end = spans[j][1]; }\n"
"  }\n"
"  matched.textContent = 'Matched: ' + (100 * sum / (W - 2 * XPAD)).toFixed(1) + '%';\n"
"}\n";

int fg_write_svg(const struct flamegraph *fg, FILE *f,
		 const struct fg_opts *o)
{
	struct fg_draw d = { .f = f, .o = o, .total = fg->root.value };
	unsigned int width = o->width ? o->width : FG_WIDTH;

	/* An empty graph is still a valid picture: one empty "all". */
	d.per_value = d.total ? (double)(width - 2 * FG_XPAD) / d.total : 0;
	max_depth(&d, &fg->root, 0);
	d.height = (d.max_depth + 1) * FG_FRAME_H + FG_YPAD1 + FG_YPAD2;

	fprintf(f, "<?xml version=\"1.0\" standalone=\"no\"?>\n");
	fprintf(f,
		"<svg version=\"1.1\" width=\"%u\" height=\"%d\" viewBox=\"0 0 %u %d\" xmlns=\"http://www.w3.org/2000/svg\" onload=\"init(evt)\">\n",
		width, d.height, width, d.height);
	fprintf(f, "<!-- ktrace flame graph: %llu %s -->\n", d.total,
		o->countname);
	fputs("<defs><linearGradient id=\"bg\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">"
	      "<stop stop-color=\"#eeeeee\" offset=\"5%\"/>"
	      "<stop stop-color=\"#eeeeb0\" offset=\"95%\"/>"
	      "</linearGradient></defs>\n", f);
	fputs("<style type=\"text/css\">\n"
	      "text { font-family: Verdana, sans-serif; font-size: 12px; fill: rgb(0,0,0); }\n"
	      "#title { text-anchor: middle; font-size: 17px; }\n"
	      "#subtitle { text-anchor: middle; fill: rgb(160,160,160); }\n"
	      "#search, #unzoom { cursor: pointer; }\n"
	      "#unzoom.hide { display: none; }\n"
	      "g.f:hover rect { stroke: rgb(0,0,0); stroke-width: 0.5; }\n"
	      "g.f { cursor: pointer; }\n"
	      "</style>\n", f);
	fprintf(f, "<script type=\"text/ecmascript\"><![CDATA[\n%s]]></script>\n",
		fg_script);
	fprintf(f,
		"<rect x=\"0\" y=\"0\" width=\"%u\" height=\"%d\" fill=\"url(#bg)\"/>\n",
		width, d.height);
	fprintf(f, "<text id=\"title\" x=\"%u\" y=\"24\">", width / 2);
	svg_escape(f, o->title, strlen(o->title));
	fputs("</text>\n", f);
	if (o->subtitle) {
		fprintf(f, "<text id=\"subtitle\" x=\"%u\" y=\"%d\">",
			width / 2, 24 + FG_FONT + 2);
		svg_escape(f, o->subtitle, strlen(o->subtitle));
		fputs("</text>\n", f);
	}
	fprintf(f, "<text id=\"details\" x=\"%d\" y=\"%d\"> </text>\n",
		FG_XPAD, d.height - 17);
	fprintf(f, "<text id=\"unzoom\" class=\"hide\" x=\"%d\" y=\"24\">Reset Zoom</text>\n",
		FG_XPAD);
	fprintf(f, "<text id=\"search\" x=\"%u\" y=\"24\">Search</text>\n",
		width - FG_XPAD - 100);
	fprintf(f, "<text id=\"matched\" x=\"%u\" y=\"%d\"> </text>\n",
		width - FG_XPAD - 100, d.height - 17);
	fputs("<g id=\"frames\">\n", f);
	if (d.total)
		draw(&d, &fg->root, 0, 0);
	fputs("</g>\n</svg>\n", f);
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

int fg_write_file(const struct flamegraph *fg, const char *path,
		  const struct fg_opts *o)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f) {
		err = -errno;
		fprintf(stderr, "ktracectl: cannot write %s: %s\n", path,
			strerror(-err));
		return err;
	}
	err = fg_write_svg(fg, f, o);
	if (fclose(f) && !err)
		err = -errno;
	if (err)
		fprintf(stderr, "ktracectl: cannot write %s: %s\n", path,
			strerror(-err));
	return err;
}
