// SPDX-License-Identifier: GPL-2.0
/*
 * Latency heatmap SVG; see heatmap.h.  Rows span the lowest to the highest
 * bucket any column used, so the picture is as tall as the data; cells
 * are coloured on a log scale of their count, since latency counts span
 * orders of magnitude and a linear scale would show only the peak.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "heatmap.h"
#include "flamegraph.h"		/* svg_escape() */
#include "agg_run.h"

#define HM_SLOTS	64

struct hm_col {
	time_t t;
	__u64 slots[HM_SLOTS];
};

struct heatmap {
	struct hm_col *cols;
	unsigned long nr, cap;
	bool failed;			/* a column was lost: said once */
};

/* The geometry. */
#define HM_TOP		50	/* title, subtitle */
#define HM_BOTTOM	64	/* time labels, axis title */
#define HM_RIGHT	110	/* the legend */
#define HM_CELL_H	16
#define HM_PLOT_W	900	/* the width the columns share... */
#define HM_CELL_W_MIN	3	/* ...within these */
#define HM_CELL_W_MAX	40
#define HM_CHAR_W	6.7	/* an 11px Verdana digit, about */
#define HM_LEGEND	7	/* legend boxes above the 0 */

struct heatmap *heatmap_new(void)
{
	return calloc(1, sizeof(struct heatmap));
}

void heatmap_free(struct heatmap *hm)
{
	if (!hm)
		return;
	free(hm->cols);
	free(hm);
}

int heatmap_add(struct heatmap *hm, time_t t, const __u64 *slots,
		int nr_slots)
{
	struct hm_col *nc;
	int i;

	if (hm->nr == hm->cap) {
		unsigned long cap = hm->cap ? hm->cap * 2 : 64;

		nc = realloc(hm->cols, cap * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		hm->cols = nc;
		hm->cap = cap;
	}
	nc = &hm->cols[hm->nr++];
	memset(nc, 0, sizeof(*nc));
	nc->t = t;
	for (i = 0; i < nr_slots && i < HM_SLOTS; i++)
		nc->slots[i] = slots[i];
	return 0;
}

unsigned long heatmap_columns(const struct heatmap *hm)
{
	return hm->nr;
}

/* White, then yellow, orange, brown: ColorBrewer's YlOrBr, darkened. */
static const struct { double at; int r, g, b; } ramp[] = {
	{ 0.00, 255, 255, 255 },
	{ 0.25, 254, 227, 145 },
	{ 0.50, 254, 153, 41 },
	{ 0.75, 204, 76, 2 },
	{ 1.00, 102, 37, 6 },
};

#define RAMP_N	(sizeof(ramp) / sizeof(ramp[0]))
/* Where a count of 1 starts, so that one event never looks like none. */
#define RAMP_LOW	0.12

static void ramp_colour(double v, int *r, int *g, int *b)
{
	size_t i;
	double k;

	for (i = 1; i < RAMP_N - 1 && v > ramp[i].at; i++)
		;
	k = (v - ramp[i - 1].at) / (ramp[i].at - ramp[i - 1].at);
	if (k < 0)
		k = 0;
	if (k > 1)
		k = 1;
	*r = (int)lround(ramp[i - 1].r + k * (ramp[i].r - ramp[i - 1].r));
	*g = (int)lround(ramp[i - 1].g + k * (ramp[i].g - ramp[i - 1].g));
	*b = (int)lround(ramp[i - 1].b + k * (ramp[i].b - ramp[i - 1].b));
}

static double count_level(__u64 c, __u64 max)
{
	if (!c)
		return 0;
	if (max <= 1)
		return 1;
	return RAMP_LOW + (1 - RAMP_LOW) * log1p((double)c) / log1p((double)max);
}

/* A bucket as bcc labels it: "64 -> 127". */
static void slot_label(int s, char *buf, size_t size)
{
	unsigned long long low = s ? 1ULL << s : 0;
	unsigned long long high = s >= 63 ? ~0ULL : (1ULL << (s + 1)) - 1;

	snprintf(buf, size, "%llu -> %llu", low, high);
}

static void time_label(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(buf, size, "%H:%M:%S", &tm))
		snprintf(buf, size, "%lld", (long long)t);
}

int heatmap_write_svg(const struct heatmap *hm, FILE *f,
		      const struct heatmap_opts *o)
{
	int lo = HM_SLOTS, hi = -1, s, rows, left, width, height, r, g, b;
	unsigned long j, every, ncols = hm->nr ? hm->nr : 1;
	unsigned long long total = 0;
	double cw, x, y, plot_w;
	char lab[64], ts[32];
	size_t maxlab = 0;
	__u64 max = 0, c;

	for (j = 0; j < hm->nr; j++)
		for (s = 0; s < HM_SLOTS; s++) {
			c = hm->cols[j].slots[s];
			if (!c)
				continue;
			total += c;
			if (c > max)
				max = c;
			if (s < lo)
				lo = s;
			if (s > hi)
				hi = s;
		}
	if (hi < 0)
		lo = hi = 0;
	rows = hi - lo + 1;
	for (s = lo; s <= hi; s++) {
		slot_label(s, lab, sizeof(lab));
		if (strlen(lab) > maxlab)
			maxlab = strlen(lab);
	}
	cw = (double)HM_PLOT_W / ncols;
	if (cw < HM_CELL_W_MIN)
		cw = HM_CELL_W_MIN;
	if (cw > HM_CELL_W_MAX)
		cw = HM_CELL_W_MAX;
	plot_w = cw * ncols;
	left = 40 + (int)(maxlab * HM_CHAR_W);
	width = left + (int)ceil(plot_w) + HM_RIGHT;
	if (width < 480)
		width = 480;
	height = HM_TOP + rows * HM_CELL_H + HM_BOTTOM;

	fprintf(f, "<?xml version=\"1.0\" standalone=\"no\"?>\n");
	fprintf(f,
		"<svg version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">\n",
		width, height, width, height);
	fprintf(f, "<!-- ktrace heatmap: %lu columns, %d rows, %llu in all -->\n",
		hm->nr, rows, total);
	fputs("<style type=\"text/css\">\n"
	      "text { font-family: Verdana, sans-serif; font-size: 11px; fill: rgb(0,0,0); }\n"
	      "#title { text-anchor: middle; font-size: 17px; }\n"
	      "#subtitle { text-anchor: middle; fill: rgb(110,110,110); }\n"
	      ".ylab { text-anchor: end; }\n"
	      ".xlab { text-anchor: middle; }\n"
	      "rect.c:hover { stroke: rgb(0,0,0); stroke-width: 1; }\n"
	      "</style>\n", f);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"rgb(255,255,255)\"/>\n",
		width, height);
	fprintf(f, "<text id=\"title\" x=\"%d\" y=\"22\">", width / 2);
	svg_escape(f, o->title, strlen(o->title));
	fputs("</text>\n", f);
	fprintf(f, "<text id=\"subtitle\" x=\"%d\" y=\"40\">%lu intervals of %lu s, %llu in all, at most %llu in a cell</text>\n",
		width / 2, hm->nr, o->interval, total,
		(unsigned long long)max);

	/* The cells, the slowest bucket on top. */
	for (j = 0; j < hm->nr; j++) {
		time_label(hm->cols[j].t, ts, sizeof(ts));
		x = left + j * cw;
		for (s = hi; s >= lo; s--) {
			c = hm->cols[j].slots[s];
			y = HM_TOP + (hi - s) * HM_CELL_H;
			ramp_colour(count_level(c, max), &r, &g, &b);
			slot_label(s, lab, sizeof(lab));
			fprintf(f,
				"<rect class=\"c\" x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%d\" fill=\"rgb(%d,%d,%d)\"><title>%s, interval %lu: %s ",
				x, y, cw, HM_CELL_H, r, g, b, ts, j + 1, lab);
			svg_escape(f, o->unit, strlen(o->unit));
			fprintf(f, ": %llu</title></rect>\n",
				(unsigned long long)c);
		}
	}
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"none\" stroke=\"rgb(120,120,120)\"/>\n",
		left, HM_TOP, plot_w, rows * HM_CELL_H);

	/* The buckets, in the probe's unit. */
	for (s = hi; s >= lo; s--) {
		slot_label(s, lab, sizeof(lab));
		fprintf(f, "<text class=\"ylab\" x=\"%d\" y=\"%d\">%s</text>\n",
			left - 5, HM_TOP + (hi - s) * HM_CELL_H + HM_CELL_H - 4,
			lab);
	}
	fprintf(f, "<text class=\"xlab\" transform=\"translate(14,%d) rotate(-90)\">",
		HM_TOP + rows * HM_CELL_H / 2);
	svg_escape(f, o->unit, strlen(o->unit));
	fputs(" (log2 buckets)</text>\n", f);

	/* Times, spaced so that the labels never overlap. */
	every = (unsigned long)ceil(70.0 / cw);
	for (j = 0; j < hm->nr; j += every) {
		time_label(hm->cols[j].t, ts, sizeof(ts));
		fprintf(f, "<text class=\"xlab\" x=\"%.2f\" y=\"%d\">%s</text>\n",
			left + (j + 0.5) * cw, HM_TOP + rows * HM_CELL_H + 16,
			ts);
	}
	fprintf(f, "<text class=\"xlab\" x=\"%.2f\" y=\"%d\">time (end of each %lu s interval)</text>\n",
		left + plot_w / 2, HM_TOP + rows * HM_CELL_H + 40,
		o->interval);

	/*
	 * The legend: the colours of a few counts, from the largest down
	 * to 1 in equal steps of the log scale, then 0.
	 */
	x = left + plot_w + 30;
	fprintf(f, "<text x=\"%.2f\" y=\"%d\">count</text>\n", x, HM_TOP - 4);
	for (s = 0, j = 0; s <= HM_LEGEND; s++) {
		__u64 at = s == HM_LEGEND ? 0 :
			   (__u64)llround(pow((double)max,
					      1.0 - (double)s / (HM_LEGEND - 1)));

		if (s < HM_LEGEND && (!at || (j && at == c)))
			continue;	/* shown already */
		c = at;
		ramp_colour(count_level(at, max), &r, &g, &b);
		fprintf(f, "<rect x=\"%.2f\" y=\"%lu\" width=\"14\" height=\"14\" fill=\"rgb(%d,%d,%d)\" stroke=\"rgb(120,120,120)\" stroke-width=\"0.5\"/>",
			x, HM_TOP + j * 16, r, g, b);
		fprintf(f, "<text x=\"%.2f\" y=\"%lu\">%llu</text>\n", x + 20,
			HM_TOP + j * 16 + 11, (unsigned long long)at);
		j++;
	}
	fputs("</svg>\n", f);
	fflush(f);
	return ferror(f) ? -EIO : 0;
}

int heatmap_write_file(const struct heatmap *hm, const char *path,
		       const struct heatmap_opts *o)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f) {
		err = -errno;
		fprintf(stderr, "ktracectl: cannot write %s: %s\n", path,
			strerror(-err));
		return err;
	}
	err = heatmap_write_svg(hm, f, o);
	if (fclose(f) && !err)
		err = -errno;
	if (err)
		fprintf(stderr, "ktracectl: cannot write %s: %s\n", path,
			strerror(-err));
	return err;
}

void heatmap_record(struct agg_run *r, const struct kt_result *res,
		    const struct ktrace_agg_entry **ents, __u32 n)
{
	struct heatmap *hm = r->record_ctx;
	__u64 slots[HM_SLOTS] = { 0 };
	__u32 i, nr = res->rd.nr_slots;
	int s;

	if (nr > HM_SLOTS)
		nr = HM_SLOTS;
	/* An empty interval is a column too: the time axis stays true. */
	for (i = 0; i < n; i++)
		for (s = 0; s < (int)nr; s++)
			slots[s] += ents[i]->slots[s];
	if (heatmap_add(hm, time(NULL), slots, HM_SLOTS) && !hm->failed) {
		hm->failed = true;
		fprintf(stderr, "ktracectl: heatmap: out of memory, intervals lost\n");
	}
}

int heatmap_attach(struct agg_run *r)
{
	r->record_ctx = heatmap_new();
	if (!r->record_ctx) {
		fprintf(stderr, "ktracectl: heatmap: out of memory\n");
		return -1;
	}
	r->record = heatmap_record;
	return 0;
}

int heatmap_finish(struct agg_run *r, const char *path, const char *title,
		   const char *unit)
{
	struct heatmap_opts o = {
		.title = title, .unit = unit, .interval = r->interval,
	};
	struct heatmap *hm = r->record_ctx;
	int err;

	if (!hm)
		return 0;
	err = heatmap_write_file(hm, path, &o);
	heatmap_free(hm);
	r->record_ctx = NULL;
	r->record = NULL;
	return err ? -1 : 0;
}
