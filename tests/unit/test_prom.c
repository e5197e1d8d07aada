// SPDX-License-Identifier: GPL-2.0
/*
 * prom.c: the Prometheus text format byte for byte (escaping, numbers,
 * log2 histograms as cumulative buckets), the cumulative series store and
 * the scrape request parse.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "prom.h"
#include "tap.h"

static void test_prom_escape(void)
{
	struct prom_buf b;
	struct prom_label l[2] = {
		{ "comm", "a\\b\"c\nd" },
		{ "disk", "vda" },
	};

	prom_buf_init(&b);
	prom_sample_u64(&b, "m_total", l, 2, 7);
	tap_str_eq(b.s, "m_total{comm=\"a\\\\b\\\"c\\nd\",disk=\"vda\"} 7\n",
		   "prom: label values escape backslash, quote, newline");
	prom_buf_free(&b);

	prom_buf_init(&b);
	prom_sample_u64(&b, "up", NULL, 0, 1);
	tap_str_eq(b.s, "up 1\n", "prom: no labels, no braces");
	prom_buf_free(&b);

	/* A comm is bytes: what is not UTF-8 becomes U+FFFD, valid UTF-8 stays. */
	prom_buf_init(&b);
	prom_escape_label(&b, "a\xff" "b\xc3\xa9" "c\xe2\x82" "d\xed\xa0\x80" "\xf0\x9f\x98\x80");
	tap_str_eq(b.s,
		   "a\xef\xbf\xbd" "b\xc3\xa9" "c\xef\xbf\xbd\xef\xbf\xbd"
		   "d\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "\xf0\x9f\x98\x80",
		   "prom: invalid UTF-8 replaced by U+FFFD, valid kept");
	prom_buf_free(&b);

	prom_buf_init(&b);
	prom_family(&b, "x_seconds", "histogram", "a\\b\nc \"q\"");
	tap_str_eq(b.s,
		   "# HELP x_seconds a\\\\b\\nc \"q\"\n# TYPE x_seconds histogram\n",
		   "prom: HELP escapes backslash and newline, not quotes");
	prom_buf_free(&b);
}

static void test_prom_double(void)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 2e-6, "2e-06" },
		{ 0.5, "0.5" },
		{ 3, "3" },
		{ 0, "0" },
		{ 1.0 / 3, "0.3333333333333333" },
		{ 0.001234567, "0.001234567" },
		{ 68.719476736, "68.719476736" },
		{ 1e21, "1e+21" },
	};
	char buf[PROM_DOUBLE_LEN], name[64];
	unsigned int i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "prom: %s", cases[i].want);
		tap_str_eq(prom_fmt_double(cases[i].v, buf, sizeof(buf)),
			   cases[i].want, name);
	}
	tap_str_eq(prom_fmt_double(INFINITY, buf, sizeof(buf)), "+Inf",
		   "prom: +Inf");
	tap_str_eq(prom_fmt_double(-INFINITY, buf, sizeof(buf)), "-Inf",
		   "prom: -Inf");
	tap_str_eq(prom_fmt_double(NAN, buf, sizeof(buf)), "NaN", "prom: NaN");
}

static void test_prom_hist(void)
{
	__u64 slots[64] = { 0 };
	struct prom_label l[1] = { { "disk", "vda" } };
	struct prom_buf b;

	tap_ok(prom_log2_buckets(1e6, 60.0, 64) == 26,
	       "prom: usecs: 26 buckets, the last 2^26 us = 67 s");
	tap_ok(prom_log2_buckets(1e9, 60.0, 64) == 36,
	       "prom: nsecs: 36 buckets");
	tap_ok(prom_log2_buckets(1e3, 60.0, 64) == 16,
	       "prom: msecs: 16 buckets");
	tap_ok(prom_log2_buckets(1e9, 1e30, 64) == 64,
	       "prom: never more buckets than slots");

	/* 1 at [0,2), 3 at [4,8), 2 past the buckets shown, sum 100 us. */
	slots[0] = 1;
	slots[2] = 3;
	slots[10] = 2;
	prom_buf_init(&b);
	prom_log2_hist(&b, "ktrace_block_latency_seconds", l, 1, slots, 64, 4,
		       1e6, 100);
	tap_str_eq(b.s,
		   "ktrace_block_latency_seconds_bucket{disk=\"vda\",le=\"2e-06\"} 1\n"
		   "ktrace_block_latency_seconds_bucket{disk=\"vda\",le=\"4e-06\"} 1\n"
		   "ktrace_block_latency_seconds_bucket{disk=\"vda\",le=\"8e-06\"} 4\n"
		   "ktrace_block_latency_seconds_bucket{disk=\"vda\",le=\"1.6e-05\"} 4\n"
		   "ktrace_block_latency_seconds_bucket{disk=\"vda\",le=\"+Inf\"} 6\n"
		   "ktrace_block_latency_seconds_sum{disk=\"vda\"} 0.0001\n"
		   "ktrace_block_latency_seconds_count{disk=\"vda\"} 6\n",
		   "prom: log2 histogram: cumulative buckets, +Inf = count");
	prom_buf_free(&b);

	/* The top slot's bound is 2^64 units: no shift past 63. */
	memset(slots, 0, sizeof(slots));
	slots[63] = 5;
	prom_buf_init(&b);
	prom_log2_hist(&b, "h", NULL, 0, slots, 64, 64, 1, 0);
	tap_ok(b.s && strstr(b.s, "h_bucket{le=\"1.8446744073709552e+19\"} 5\n") &&
	       strstr(b.s, "h_bucket{le=\"+Inf\"} 5\n") &&
	       strstr(b.s, "h_count 5\n"),
	       "prom: slot 63 ends at 2^64");
	prom_buf_free(&b);
}

static void test_prom_store(void)
{
	__u64 k1[2] = { 1, 0 }, k2[2] = { 2, 0 }, k3[2] = { 3, 0 };
	__u64 slots[64] = { 0 }, key[2];
	struct prom_series *s;
	struct prom_store st;
	bool created, grew = true;
	unsigned int i;

	prom_store_init(&st, 64, 2);
	slots[3] = 4;
	s = prom_store_add(&st, k1, 4, 40, slots, 64, &created);
	tap_ok(s && created && s->count == 4 && s->slots[3] == 4,
	       "store: a new key is created");
	if (s)
		s->values[0] = strdup("one");
	/* A read-and-clear later: the same key adds up, never resets. */
	slots[3] = 1;
	slots[5] = 2;
	s = prom_store_add(&st, k1, 3, 60, slots, 64, &created);
	tap_ok(s && !created && s->count == 7 && s->sum == 100 &&
	       s->slots[3] == 5 && s->slots[5] == 2 &&
	       !strcmp(s->values[0], "one"),
	       "store: the next read adds to the series, labels kept");
	s = prom_store_add(&st, k2, 1, 1, slots, 64, &created);
	tap_ok(s && created, "store: a second key");
	s = prom_store_add(&st, k3, 9, 9, slots, 64, &created);
	tap_ok(!s && st.dropped == 9 && st.nr == 2,
	       "store: a key past max is dropped and counted");
	s = prom_store_add(&st, k2, 1, 1, slots, 64, &created);
	tap_ok(s && !created && s->count == 2,
	       "store: known keys still add when full");
	prom_store_free(&st);

	/* Many keys: growth and rehashing keep every series findable. */
	prom_store_init(&st, 0, 100000);
	for (i = 0; i < 5000; i++) {
		key[0] = i * 7919ULL;
		key[1] = i & 3;
		if (!prom_store_add(&st, key, 1, i, NULL, 0, &created) ||
		    !created)
			grew = false;
	}
	for (i = 0; i < 5000; i++) {
		key[0] = i * 7919ULL;
		key[1] = i & 3;
		s = prom_store_add(&st, key, 1, 0, NULL, 0, &created);
		if (!s || created || s->count != 2 || s->sum != i)
			grew = false;
	}
	tap_ok(grew && st.nr == 5000 && st.series[4999].key[0] == 4999 * 7919ULL,
	       "store: 5000 keys, each found again, in first-seen order");
	prom_store_free(&st);
}

static void test_prom_http(void)
{
	static const struct {
		const char *req;
		int status;
		bool head;
	} cases[] = {
		{ "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 200, false },
		{ "HEAD /metrics HTTP/1.0\r\n\r\n", 200, true },
		{ "GET /metrics?x=1 HTTP/1.1\r\n\r\n", 200, false },
		{ "GET /metrics HTTP/1.1\n\n", 200, false },
		{ "GET / HTTP/1.1\r\n\r\n", 404, false },
		{ "GET /metricsx HTTP/1.1\r\n\r\n", 404, false },
		{ "POST /metrics HTTP/1.1\r\n\r\n", 405, false },
		{ "get /metrics HTTP/1.1\r\n\r\n", 405, false },
		{ "GET /metrics HTTP/2.0\r\n\r\n", 505, false },
		{ "GET /metrics\r\n\r\n", 400, false },
		{ "GET /metrics HTTP/1.1 x\r\n\r\n", 400, false },
		{ "GET /metrics FTP/1.1\r\n\r\n", 400, false },
		{ "\r\n\r\n", 400, false },
		{ "GET /metrics HTTP/1.1\r\n", 0, false },
		{ "GET /metrics HTTP/1.1\r\nHost: x\r\n", 0, false },
		{ "GET /met", 0, false },
		{ "", 0, false },
	};
	char name[128];
	unsigned int i;
	bool head;
	int got;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		got = prom_http_parse(cases[i].req, strlen(cases[i].req),
				      &head);
		snprintf(name, sizeof(name), "http: '%.*s' is %d",
			 (int)strcspn(cases[i].req, "\r\n"), cases[i].req,
			 cases[i].status);
		if (!tap_ok(got == cases[i].status &&
			    (got != 200 || head == cases[i].head), "%s", name))
			tap_diag("got %d", got);
	}
	/* A NUL inside the header: a bad request, not a short string. */
	got = prom_http_parse("GET /metrics\0 HTTP/1.1\r\n\r\n", 26, &head);
	tap_ok(got == 400, "http: NUL in the request is 400");
	tap_str_eq(prom_http_reason(431), "Request Header Fields Too Large",
		   "http: 431 reason");
}

void test_prom(void)
{
	test_prom_escape();
	test_prom_double();
	test_prom_hist();
	test_prom_store();
	test_prom_http();
}
