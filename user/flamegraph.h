/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flame graphs as self-contained SVG, drawn from folded stacks
 * ("comm;root;...;leaf"), for profile, stackcount and offcputime --svg.
 * The layout follows Brendan Gregg's flamegraph.pl, so the pictures read
 * the same: the root at the bottom, a frame's width proportional to its
 * count, siblings in alphabetical order, warm colours from a hash of the
 * name (the same function has the same colour in every graph), a tooltip
 * per frame, click to zoom and a search box.  No Perl, no external file.
 */
#ifndef __KTRACECTL_FLAMEGRAPH_H
#define __KTRACECTL_FLAMEGRAPH_H

#include <stdio.h>

struct flamegraph;

struct fg_opts {
	const char *title;	/* "CPU Flame Graph" */
	const char *subtitle;	/* a smaller line under it; NULL: none */
	const char *countname;	/* what a count is: "samples", "us" */
	unsigned int width;	/* pixels; 0: 1200 */
};

struct flamegraph *fg_new(void);
void fg_free(struct flamegraph *fg);

/*
 * Adds @value to the stack @folded, frames separated by ';', root first.
 * Empty frames are skipped.  0 or -ENOMEM.
 */
int fg_add(struct flamegraph *fg, const char *folded, unsigned long long value);

/* The sum of every stack's value. */
unsigned long long fg_total(const struct flamegraph *fg);

/*
 * Writes the SVG.  Frames narrower than a tenth of a pixel are left out,
 * as flamegraph.pl does.  0, or -errno of the write.
 */
int fg_write_svg(const struct flamegraph *fg, FILE *f,
		 const struct fg_opts *o);

/* fg_write_svg() into @path; says why on stderr on failure.  0 or -errno. */
int fg_write_file(const struct flamegraph *fg, const char *path,
		  const struct fg_opts *o);

/* Writes @s escaped for XML text and attributes, non-ASCII as '?'. */
void svg_escape(FILE *f, const char *s, size_t len);

/* --svg FILE, as every stack command takes it. */
#define FG_OPT_KEY		2001
#define FG_ARGP_OPTION							\
	{ "svg", FG_OPT_KEY, "FILE", 0,					\
	  "Write a flame graph of the stacks to FILE (SVG)", 0 }

#endif /* __KTRACECTL_FLAMEGRAPH_H */
