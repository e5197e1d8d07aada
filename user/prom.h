/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What ktracectl export needs to speak Prometheus, kept apart from the
 * server so the host unit tests can check it byte for byte:
 *
 *  - the text exposition format, version 0.0.4: metric families (HELP and
 *    TYPE), samples with escaped label values, log2 histograms written as
 *    cumulative "le" buckets in seconds;
 *  - the series store: results read-and-cleared from the kernel are added
 *    into it, so every exported counter only ever grows;
 *  - the parse of a scrape's HTTP request line.
 */
#ifndef __KTRACE_PROM_H
#define __KTRACE_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* A growable string; after a failed allocation it stays failed. */
struct prom_buf {
	char *s;		/* NUL-terminated once anything is written */
	size_t len;
	size_t cap;
	bool failed;
};

void prom_buf_init(struct prom_buf *b);
void prom_buf_free(struct prom_buf *b);
void prom_buf_add(struct prom_buf *b, const char *s, size_t len);
void prom_puts(struct prom_buf *b, const char *s);
void prom_printf(struct prom_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct prom_label {
	const char *name;	/* [a-zA-Z_][a-zA-Z0-9_]*, not checked */
	const char *value;	/* any bytes: escaped, bad UTF-8 replaced */
};

/*
 * A label value as the format wants it: backslash, double quote and line
 * feed escaped (\\, \", \n), and bytes that are not UTF-8 replaced by
 * U+FFFD, since Prometheus rejects a scrape holding invalid UTF-8.
 */
void prom_escape_label(struct prom_buf *b, const char *value);

/* "# HELP name help" (backslash and line feed escaped), "# TYPE name type". */
void prom_family(struct prom_buf *b, const char *name, const char *type,
		 const char *help);

/* name{labels} value; @labels may be NULL when @n is 0. */
void prom_sample(struct prom_buf *b, const char *name,
		 const struct prom_label *labels, int n, const char *value);
void prom_sample_u64(struct prom_buf *b, const char *name,
		     const struct prom_label *labels, int n, __u64 value);
void prom_sample_double(struct prom_buf *b, const char *name,
			const struct prom_label *labels, int n, double value);

/*
 * The shortest decimal that reads back as @v ("2e-06", "0.5", "3"), or
 * "+Inf", "-Inf", "NaN"; returns @buf.
 */
#define PROM_DOUBLE_LEN	32
const char *prom_fmt_double(double v, char *buf, size_t size);

/*
 * The number of finite buckets a log2 histogram gets: slot i holds values
 * in [2^i, 2^(i+1)) units, @per_sec of them a second (1e6 for usecs; a
 * division, so the seconds are correctly rounded), slot 0 [0, 2): bucket
 * i is le = 2^(i+1) / @per_sec; enough buckets for the last to reach
 * @max_seconds, at most @nr_slots.  Larger values fall in +Inf only.
 */
int prom_log2_buckets(double per_sec, double max_seconds, int nr_slots);

/*
 * A log2 histogram from its slots: name_bucket{labels,le="..."} for the
 * first @nr_buckets slots, cumulative, then le="+Inf" (every slot),
 * name_sum (@sum units in seconds) and name_count (= the +Inf bucket).
 * @name is the family, without suffix.
 */
void prom_log2_hist(struct prom_buf *b, const char *name,
		    const struct prom_label *labels, int n,
		    const __u64 *slots, int nr_slots, int nr_buckets,
		    double per_sec, __u64 sum);

/*
 * The series store: one cumulative series per key of a probe's results.
 * Results read-and-cleared from the kernel are added in, so counts, sums
 * and slots only grow; at most @max series, the events of a key beyond
 * that are counted in ->dropped instead.
 */
#define PROM_MAX_LABELS	4

struct prom_series {
	__u64 key[2];
	char *values[PROM_MAX_LABELS];	/* label values, malloc'd by the caller */
	__u64 count;
	__u64 sum;
	__u64 *slots;			/* nr_slots of them; NULL for counters */
};

struct prom_store {
	unsigned int nr_slots;	/* 0: counters only */
	size_t max;
	size_t nr;
	size_t cap;
	struct prom_series *series;	/* in the order keys first came */
	size_t *index;			/* open addressing: series + 1, 0 free */
	size_t index_size;		/* a power of two, over twice cap */
	__u64 dropped;			/* events of keys past max */
};

void prom_store_init(struct prom_store *st, unsigned int nr_slots,
		     size_t max);
/* Frees the series, their slots and label values. */
void prom_store_free(struct prom_store *st);
/*
 * Adds one result entry (@nr_slots of @slots; slots past the store's go
 * to its last).  Returns its series, with *@created set when the key is
 * new (the caller then fills ->values), or NULL when the store is full or
 * out of memory: the @count events are then added to ->dropped.  The
 * pointer is good until the next add.
 */
struct prom_series *prom_store_add(struct prom_store *st, const __u64 key[2],
				   __u64 count, __u64 sum, const __u64 *slots,
				   unsigned int nr_slots, bool *created);

/*
 * Parses the start of an HTTP request in buf[0..len).  Returns 0 while
 * the header (ending in an empty line) is incomplete, else the status to
 * answer: 200 for GET or HEAD of /metrics (a query string is ignored),
 * 400 malformed, 404 another path, 405 another method, 505 not HTTP/1.x.
 * *@head is set for HEAD.
 */
int prom_http_parse(const char *buf, size_t len, bool *head);
/* "OK", "Not Found"... for the status codes the exporter sends. */
const char *prom_http_reason(int status);

#endif /* __KTRACE_PROM_H */
