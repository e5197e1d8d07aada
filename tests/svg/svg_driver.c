// SPDX-License-Identifier: GPL-2.0
/*
 * Drives ktracectl's SVG renderers (user/flamegraph.c, user/heatmap.c) on
 * the host, from text, for scripts/svg-check.sh:
 *
 *   svg_driver flame TITLE COUNTNAME < folded > out.svg
 *       folded lines "frame;frame;... value", as ktracectl prints them
 *   svg_driver heatmap TITLE UNIT INTERVAL < series > out.svg
 *       one line per interval: "TIME count0 count1 ...", the counts of
 *       log2 slots 0, 1, ... (TIME in seconds since the epoch)
 *
 * The same code paths as ktracectl's --svg and --heatmap, without a
 * kernel, so the pictures can be checked and rendered in a browser.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "flamegraph.h"
#include "heatmap.h"

static int flame(const char *title, const char *countname)
{
	struct fg_opts o = {
		.title = title, .subtitle = "svg_driver", .countname = countname,
	};
	struct flamegraph *fg = fg_new();
	char *line = NULL, *sp, *end;
	size_t cap = 0;
	unsigned long long v;
	int err = 0;

	if (!fg)
		return 1;
	while (getline(&line, &cap, stdin) > 0) {
		line[strcspn(line, "\n")] = '\0';
		sp = strrchr(line, ' ');
		if (!sp)
			continue;
		v = strtoull(sp + 1, &end, 10);
		if (*end)
			continue;
		*sp = '\0';
		err = fg_add(fg, line, v);
		if (err)
			break;
	}
	free(line);
	if (!err)
		err = fg_write_svg(fg, stdout, &o);
	fg_free(fg);
	return err ? 1 : 0;
}

static int heatmap(const char *title, const char *unit, const char *interval)
{
	struct heatmap_opts o = {
		.title = title, .unit = unit,
		.interval = strtoul(interval, NULL, 10),
	};
	struct heatmap *hm = heatmap_new();
	char *line = NULL, *p, *end;
	size_t cap = 0;
	__u64 slots[64];
	long long t;
	int n, err = 0;

	if (!hm)
		return 1;
	while (getline(&line, &cap, stdin) > 0) {
		t = strtoll(line, &p, 10);
		if (p == line)
			continue;
		memset(slots, 0, sizeof(slots));
		for (n = 0; n < 64; n++) {
			slots[n] = strtoull(p, &end, 10);
			if (end == p)
				break;
			p = end;
		}
		err = heatmap_add(hm, (time_t)t, slots, n);
		if (err)
			break;
	}
	free(line);
	if (!err)
		err = heatmap_write_svg(hm, stdout, &o);
	heatmap_free(hm);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "flame"))
		return flame(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "heatmap"))
		return heatmap(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: svg_driver flame TITLE COUNTNAME < folded\n"
			"       svg_driver heatmap TITLE UNIT INTERVAL < series\n");
	return 2;
}
