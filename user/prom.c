// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus side of ktracectl export: the text exposition format, the
 * cumulative series store and the scrape request parse; see prom.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "prom.h"

void prom_buf_init(struct prom_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void prom_buf_free(struct prom_buf *b)
{
	free(b->s);
	prom_buf_init(b);
}

/* Room for @more bytes and the NUL; false (and failed) when out of memory. */
static bool prom_buf_reserve(struct prom_buf *b, size_t more)
{
	size_t cap;
	char *s;

	if (b->failed)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s) {
		b->failed = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void prom_buf_add(struct prom_buf *b, const char *s, size_t len)
{
	if (!prom_buf_reserve(b, len))
		return;
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void prom_puts(struct prom_buf *b, const char *s)
{
	prom_buf_add(b, s, strlen(s));
}

void prom_printf(struct prom_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !prom_buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* The length of the valid UTF-8 sequence at @p, 0 when it is not one. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;	/* a continuation byte, overlong C0/C1, > F4 */
	/* The second byte's range excludes overlongs, surrogates, > U+10FFFF. */
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

void prom_escape_label(struct prom_buf *b, const char *value)
{
	const unsigned char *p = (const unsigned char *)value;
	size_t n;

	while (*p) {
		switch (*p) {
		case '\\':
			prom_puts(b, "\\\\");
			p++;
			continue;
		case '"':
			prom_puts(b, "\\\"");
			p++;
			continue;
		case '\n':
			prom_puts(b, "\\n");
			p++;
			continue;
		}
		n = utf8_len(p);
		if (n) {
			prom_buf_add(b, (const char *)p, n);
			p += n;
		} else {
			prom_puts(b, "\xef\xbf\xbd");	/* U+FFFD */
			p++;
		}
	}
}

void prom_family(struct prom_buf *b, const char *name, const char *type,
		 const char *help)
{
	const char *p;

	prom_printf(b, "# HELP %s ", name);
	for (p = help; *p; p++) {
		if (*p == '\\')
			prom_puts(b, "\\\\");
		else if (*p == '\n')
			prom_puts(b, "\\n");
		else
			prom_buf_add(b, p, 1);
	}
	prom_printf(b, "\n# TYPE %s %s\n", name, type);
}

void prom_sample(struct prom_buf *b, const char *name,
		 const struct prom_label *labels, int n, const char *value)
{
	int i;

	prom_puts(b, name);
	if (n > 0) {
		prom_puts(b, "{");
		for (i = 0; i < n; i++) {
			prom_printf(b, "%s%s=\"", i ? "," : "", labels[i].name);
			prom_escape_label(b, labels[i].value);
			prom_puts(b, "\"");
		}
		prom_puts(b, "}");
	}
	prom_printf(b, " %s\n", value);
}

void prom_sample_u64(struct prom_buf *b, const char *name,
		     const struct prom_label *labels, int n, __u64 value)
{
	char v[24];

	snprintf(v, sizeof(v), "%llu", (unsigned long long)value);
	prom_sample(b, name, labels, n, v);
}

void prom_sample_double(struct prom_buf *b, const char *name,
			const struct prom_label *labels, int n, double value)
{
	char v[PROM_DOUBLE_LEN];

	prom_sample(b, name, labels, n, prom_fmt_double(value, v, sizeof(v)));
}

const char *prom_fmt_double(double v, char *buf, size_t size)
{
	int prec;

	if (isnan(v)) {
		snprintf(buf, size, "NaN");
		return buf;
	}
	if (isinf(v)) {
		snprintf(buf, size, "%cInf", v > 0 ? '+' : '-');
		return buf;
	}
	/* As Go's strconv 'g' with precision -1, what client_golang writes. */
	for (prec = 1; prec < 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return buf;
	}
	snprintf(buf, size, "%.17g", v);
	return buf;
}

/* 2^@n units in seconds, for n in [0, 64], without libm. */
static double pow2_seconds(double per_sec, int n)
{
	return (n < 64 ? (double)(1ULL << n) : 18446744073709551616.0) /
	       per_sec;
}

int prom_log2_buckets(double per_sec, double max_seconds, int nr_slots)
{
	int n = 1;

	while (n < nr_slots && pow2_seconds(per_sec, n) < max_seconds)
		n++;
	return n;
}

void prom_log2_hist(struct prom_buf *b, const char *name,
		    const struct prom_label *labels, int n,
		    const __u64 *slots, int nr_slots, int nr_buckets,
		    double per_sec, __u64 sum)
{
	struct prom_label l[PROM_MAX_LABELS + 1];
	char metric[160], le[PROM_DOUBLE_LEN];
	__u64 cum = 0, total = 0;
	int i;

	if (n > PROM_MAX_LABELS)
		n = PROM_MAX_LABELS;
	for (i = 0; i < n; i++)
		l[i] = labels[i];
	l[n].name = "le";
	for (i = 0; i < nr_slots; i++)
		total += slots[i];
	if (nr_buckets > nr_slots)
		nr_buckets = nr_slots;

	snprintf(metric, sizeof(metric), "%s_bucket", name);
	for (i = 0; i < nr_buckets; i++) {
		cum += slots[i];
		/* Slot i holds values below 2^(i+1) units: its upper bound. */
		l[n].value = prom_fmt_double(pow2_seconds(per_sec, i + 1), le,
					     sizeof(le));
		prom_sample_u64(b, metric, l, n + 1, cum);
	}
	l[n].value = "+Inf";
	prom_sample_u64(b, metric, l, n + 1, total);
	snprintf(metric, sizeof(metric), "%s_sum", name);
	prom_sample_double(b, metric, labels, n, (double)sum / per_sec);
	snprintf(metric, sizeof(metric), "%s_count", name);
	prom_sample_u64(b, metric, labels, n, total);
}

void prom_store_init(struct prom_store *st, unsigned int nr_slots,
		     size_t max)
{
	memset(st, 0, sizeof(*st));
	st->nr_slots = nr_slots;
	st->max = max;
}

void prom_store_free(struct prom_store *st)
{
	size_t i;
	int j;

	for (i = 0; i < st->nr; i++) {
		for (j = 0; j < PROM_MAX_LABELS; j++)
			free(st->series[i].values[j]);
		free(st->series[i].slots);
	}
	free(st->series);
	free(st->index);
	prom_store_init(st, st->nr_slots, st->max);
}

static size_t key_hash(const __u64 key[2])
{
	/* splitmix64's finalizer over both words. */
	__u64 h = key[0] * 0x9e3779b97f4a7c15ULL ^ key[1];

	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return (size_t)h;
}

/* The index slot of @key: its series', or the free one it would take. */
static size_t index_find(const struct prom_store *st, const __u64 key[2])
{
	size_t mask = st->index_size - 1, i = key_hash(key) & mask;
	const struct prom_series *s;

	while (st->index[i]) {
		s = &st->series[st->index[i] - 1];
		if (s->key[0] == key[0] && s->key[1] == key[1])
			break;
		i = (i + 1) & mask;
	}
	return i;
}

/* Room for one more series; false when out of memory. */
static bool store_grow(struct prom_store *st)
{
	size_t cap = st->cap ? st->cap * 2 : 16, size, i;
	struct prom_series *series;
	size_t *index;

	series = realloc(st->series, cap * sizeof(*series));
	if (!series)
		return false;
	st->series = series;
	for (size = 16; size < 2 * cap; size *= 2)
		;
	index = calloc(size, sizeof(*index));
	if (!index)
		return false;
	free(st->index);
	st->index = index;
	st->index_size = size;
	st->cap = cap;
	for (i = 0; i < st->nr; i++)
		st->index[index_find(st, st->series[i].key)] = i + 1;
	return true;
}

struct prom_series *prom_store_add(struct prom_store *st, const __u64 key[2],
				   __u64 count, __u64 sum, const __u64 *slots,
				   unsigned int nr_slots, bool *created)
{
	struct prom_series *s;
	unsigned int i;
	size_t at;

	*created = false;
	at = st->index ? index_find(st, key) : 0;
	if (st->index && st->index[at]) {
		s = &st->series[st->index[at] - 1];
	} else {
		if (st->nr >= st->max ||
		    (st->nr == st->cap && !store_grow(st)))
			goto drop;
		s = &st->series[st->nr];
		memset(s, 0, sizeof(*s));
		s->key[0] = key[0];
		s->key[1] = key[1];
		if (st->nr_slots) {
			s->slots = calloc(st->nr_slots, sizeof(*s->slots));
			if (!s->slots)
				goto drop;
		}
		/* The index may have been rebuilt by store_grow(). */
		st->index[index_find(st, key)] = ++st->nr;
		*created = true;
	}
	s->count += count;
	s->sum += sum;
	for (i = 0; s->slots && slots && i < nr_slots; i++)
		s->slots[i < st->nr_slots ? i : st->nr_slots - 1] += slots[i];
	return s;
drop:
	st->dropped += count;
	return NULL;
}

int prom_http_parse(const char *buf, size_t len, bool *head)
{
	const char *tok[3], *end, *p;
	size_t tlen[3], i, line;
	int n = 0;

	*head = false;
	/* The header ends at the first empty line ("\n\n" or "\n\r\n"). */
	for (i = 0; i < len; i++) {
		if (buf[i] != '\n')
			continue;
		if ((i + 1 < len && buf[i + 1] == '\n') ||
		    (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n'))
			break;
	}
	if (i >= len)
		return 0;
	if (memchr(buf, '\0', i))
		return 400;

	/* "METHOD SP TARGET SP HTTP/1.x", then CRLF (or a bare LF). */
	end = memchr(buf, '\n', len);
	line = (size_t)(end - buf);
	if (line && buf[line - 1] == '\r')
		line--;
	p = buf;
	while (p < buf + line) {
		while (p < buf + line && *p == ' ')
			p++;
		if (p == buf + line)
			break;
		if (n == 3)
			return 400;
		tok[n] = p;
		while (p < buf + line && *p != ' ')
			p++;
		tlen[n] = (size_t)(p - tok[n]);
		n++;
	}
	if (n != 3 || tlen[2] != 8 || strncmp(tok[2], "HTTP/", 5) ||
	    tok[2][6] != '.')
		return 400;
	if (strncmp(tok[2], "HTTP/1.0", 8) && strncmp(tok[2], "HTTP/1.1", 8))
		return 505;
	if (tlen[0] == 4 && !strncmp(tok[0], "HEAD", 4))
		*head = true;
	else if (tlen[0] != 3 || strncmp(tok[0], "GET", 3))
		return 405;
	p = memchr(tok[1], '?', tlen[1]);
	if (p)
		tlen[1] = (size_t)(p - tok[1]);
	if (tlen[1] == 8 && !strncmp(tok[1], "/metrics", 8))
		return 200;
	return 404;
}

const char *prom_http_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 400:
		return "Bad Request";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Error";
	}
}
