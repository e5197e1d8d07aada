// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl bench: the output of each tracer, as it prints it for its
 * users, parsed into one struct bench_hist so that results compare:
 * bcc's (and ktracectl's) "usecs : count distribution" histograms,
 * bpftrace's hist() and keyed counts, syscount's "NAME COUNT" tables, and
 * lines of streamed events.  Loss lines are read too, in each tool's
 * words: ktracectl's "N ... dropped" and "seen N delivered N dropped N",
 * bcc's "Possibly lost N samples", bpftrace's "Lost N events".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bench.h"
#include "syscall_names.h"

void bench_hist_add(struct bench_hist *h, unsigned int bucket,
		    unsigned long long n)
{
	if (bucket >= BENCH_BUCKETS)
		bucket = BENCH_BUCKETS - 1;
	h->b[bucket] += n;
	h->total += n;
}

void bench_hist_merge(struct bench_hist *dst, const struct bench_hist *src)
{
	unsigned int i;

	for (i = 0; i < BENCH_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->total += src->total;
	dst->lost += src->lost;
	dst->lost_known = dst->lost_known && src->lost_known;
}

int bench_hist_mode(const struct bench_hist *h)
{
	int i, mode = -1;

	for (i = 0; i < BENCH_BUCKETS; i++)
		if (h->b[i] && (mode < 0 || h->b[i] > h->b[mode]))
			mode = i;
	return mode;
}

bool bench_hist_agree(const struct bench_hist *ref, const struct bench_hist *h)
{
	double diff = (double)h->total - (double)ref->total;

	if (!ref->total || !h->total)
		return false;
	if (diff < 0)
		diff = -diff;
	return diff <= 0.01 * ref->total &&
	       bench_hist_mode(ref) == bench_hist_mode(h);
}

unsigned int bench_log2(unsigned long long v)
{
	unsigned int r = 0;

	while (v >>= 1)
		r++;
	return r;
}

/* "12", "4K", "1M": bpftrace's bucket bounds, powers of 1024. */
static unsigned long long bpftrace_num(const char **s)
{
	char *end;
	unsigned long long v = strtoull(*s, &end, 10);

	switch (*end) {
	case 'K':
		v <<= 10, end++;
		break;
	case 'M':
		v <<= 20, end++;
		break;
	case 'G':
		v <<= 30, end++;
		break;
	case 'T':
		v <<= 40, end++;
		break;
	}
	*s = end;
	return v;
}

/* "[4, 8)   12 |@@@|" or "[1]   5 |@|"; 0 when @line is no bucket. */
static int bpftrace_bucket(const char *line, unsigned int *bucket,
			   unsigned long long *count)
{
	const char *s = line;
	unsigned long long lo;

	while (isspace((unsigned char)*s))
		s++;
	if (*s++ != '[' || !isdigit((unsigned char)*s))
		return 0;
	lo = bpftrace_num(&s);
	if (*s == ',') {
		s++;
		while (*s == ' ')
			s++;
		bpftrace_num(&s);
		if (*s != ')')
			return 0;
	} else if (*s != ']') {
		return 0;
	}
	s++;
	if (sscanf(s, "%llu", count) != 1)
		return 0;
	*bucket = bench_log2(lo);
	return 1;
}

static void parse_loss(const char *line, struct bench_hist *h)
{
	unsigned long long a, b, c;
	const char *p;

	if (sscanf(line, "seen %llu delivered %llu dropped %llu", &a, &b, &c) == 3 ||
	    ((p = strstr(line, " seen ")) &&
	     sscanf(p, " seen %llu delivered %llu dropped %llu", &a, &b, &c) == 3)) {
		h->lost += c;
		return;
	}
	if (!strncmp(line, "ktracectl: ", 11) && strstr(line, " dropped") &&
	    sscanf(line + 11, "%llu", &a) == 1) {
		h->lost += a;
		return;
	}
	if ((p = strstr(line, "WARNING: ")) && strstr(line, " lost") &&
	    sscanf(p + 9, "%llu", &a) == 1) {
		h->lost += a;
		return;
	}
	if ((p = strstr(line, "Possibly lost ")) && sscanf(p + 14, "%llu", &a) == 1)
		h->lost += a;
	else if ((p = strstr(line, "Lost ")) && sscanf(p + 5, "%llu", &a) == 1 &&
		 strstr(line, "events"))
		h->lost += a;
}

static void parse_line(const char *line, enum bench_parse how,
		       const char *match, struct bench_hist *h)
{
	unsigned long long lo, hi, n;
	unsigned int bucket;
	char name[64];
	long long nr;

	switch (how) {
	case PARSE_LOG2:
		if (sscanf(line, "%llu -> %llu : %llu", &lo, &hi, &n) == 3)
			bench_hist_add(h, bench_log2(hi), n);
		break;
	case PARSE_BPFTRACE_LOG2:
		if (bpftrace_bucket(line, &bucket, &n))
			bench_hist_add(h, bucket, n);
		break;
	case PARSE_SYSCALL_NAMES:
		if (sscanf(line, "%63s %llu", name, &n) == 2 &&
		    (nr = syscall_nr(name)) >= 0)
			bench_hist_add(h, (unsigned int)nr, n);
		break;
	case PARSE_BPFTRACE_KEYED:
		if (sscanf(line, "@[%lld]: %llu", &nr, &n) == 2 && nr >= 0)
			bench_hist_add(h, (unsigned int)nr, n);
		break;
	case PARSE_LINES:
		if (strstr(line, match))
			bench_hist_add(h, 0, 1);
		break;
	}
}

int bench_parse_file(const char *path, enum bench_parse how,
		     const char *match, struct bench_hist *h)
{
	char line[1024];
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		parse_loss(line, h);
		parse_line(line, how, match, h);
	}
	fclose(f);
	return 0;
}

bool bench_parse_seen(const char *path, unsigned long long *delivered)
{
	unsigned long long seen, got, dropped;
	char line[512];
	bool found = false;
	const char *p;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, "seen ");
		if (p && sscanf(p, "seen %llu delivered %llu dropped %llu",
				&seen, &got, &dropped) == 3) {
			*delivered = got;
			found = true;
		}
	}
	fclose(f);
	return found;
}
