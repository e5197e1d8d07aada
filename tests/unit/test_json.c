// SPDX-License-Identifier: GPL-2.0
/*
 * The --json writer: escaping of any byte string into valid JSON, commas
 * in nested objects and arrays, numbers, times, and the log2 histogram
 * as buckets.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "json.h"
#include "tap.h"

/* @n bytes of @s escaped, as a malloc'd string. */
static char *escaped(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_escape(f, s, n);
	fclose(f);
	return buf;
}

static void check_escape(const char *in, size_t n, const char *want,
			 const char *name)
{
	char *got = escaped(in, n);

	tap_str_eq(got, want, name);
	free(got);
}

#define ESC(in, want, name) check_escape(in, sizeof(in) - 1, want, name)

static void test_escape(void)
{
	ESC("bash", "bash", "json: plain ASCII as it is");
	ESC("", "", "json: empty string");
	ESC("a\"b\\c/d", "a\\\"b\\\\c/d", "json: quote and backslash escaped");
	ESC("\n\t\r\b\f", "\\n\\t\\r\\b\\f", "json: short escapes");
	ESC("\x01\x1f\x7f", "\\u0001\\u001f\\u007f",
	    "json: other control characters and DEL as \\u00XX");
	check_escape("a\0b", 3, "a\\u0000b", "json: a NUL inside as \\u0000");
	ESC("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	    "json: valid 2, 3 and 4-byte UTF-8 kept");
	ESC("\xef\xbf\xbf\xf4\x8f\xbf\xbf", "\xef\xbf\xbf\xf4\x8f\xbf\xbf",
	    "json: U+FFFF and U+10FFFF kept");
	ESC("x\xffy", "x\\u00ffy", "json: byte 0xff as \\u00ff");
	ESC("\x80", "\\u0080", "json: a lone continuation byte");
	ESC("ab\xc3", "ab\\u00c3", "json: a sequence cut at the end");
	ESC("\xc3(", "\\u00c3(", "json: a lead byte without continuation");
	ESC("\xc0\xaf", "\\u00c0\\u00af", "json: overlong 2-byte form");
	ESC("\xe0\x80\xaf", "\\u00e0\\u0080\\u00af",
	    "json: overlong 3-byte form");
	ESC("\xf0\x80\x80\xaf", "\\u00f0\\u0080\\u0080\\u00af",
	    "json: overlong 4-byte form");
	ESC("\xed\xa0\x80", "\\u00ed\\u00a0\\u0080",
	    "json: UTF-16 surrogate encoded in UTF-8");
	ESC("\xf4\x90\x80\x80", "\\u00f4\\u0090\\u0080\\u0080",
	    "json: beyond U+10FFFF");
	ESC("\xf5\x80\x80\x80", "\\u00f5\\u0080\\u0080\\u0080",
	    "json: lead bytes 0xf5 and above");
	ESC("/tmp/\xe9t\xe9\n", "/tmp/\\u00e9t\\u00e9\\n",
	    "json: a Latin-1 path, byte by byte");
}

/* Runs a writer over a memory stream; returns what it wrote. */
#define RENDER(out, ...)						\
	do {								\
		size_t len_ = 0;					\
		FILE *f_ = open_memstream(&(out), &len_);		\
		struct json j_, *j = &j_;				\
									\
		json_init(j, f_);					\
		__VA_ARGS__;						\
		fclose(f_);						\
	} while (0)

static void test_writer(void)
{
	__u64 slots[64] = { 0 };
	char *got = NULL;

	RENDER(got, {
		json_obj_begin(j);
		json_kstr(j, "type", "x");
		json_key(j, "a");
		json_arr_begin(j);
		json_u64(j, 1);
		json_s64(j, -2);
		json_obj_begin(j);
		json_key(j, "b");
		json_null(j);
		json_obj_end(j);
		json_arr_end(j);
		json_key(j, "c");
		json_obj_begin(j);
		json_obj_end(j);
		json_key(j, "d");
		json_arr_begin(j);
		json_arr_end(j);
		json_kbool(j, "e", true);
		json_kbool(j, "f", false);
		json_obj_end(j);
	});
	tap_str_eq(got, "{\"type\":\"x\",\"a\":[1,-2,{\"b\":null}],\"c\":{},\"d\":[],\"e\":true,\"f\":false}",
		   "json: commas in nested objects and arrays, none after keys");
	free(got);

	RENDER(got, {
		json_arr_begin(j);
		json_u64(j, 18446744073709551615ULL);
		json_s64(j, -9223372036854775807LL - 1);
		json_double(j, 2.5, 1);
		json_double(j, 1.0 / 3, 6);
		json_double(j, NAN, 3);
		json_double(j, INFINITY, 3);
		json_arr_end(j);
	});
	tap_str_eq(got, "[18446744073709551615,-9223372036854775808,2.5,0.333333,null,null]",
		   "json: 64-bit extremes whole, decimals, non-finite as null");
	free(got);

	RENDER(got, {
		json_obj_begin(j);
		json_kstrn(j, "comm", "0123456789abcdefXYZ", 16);
		json_kstrn(j, "cut", "ab\0cd", 5);
		json_key(j, "k\"ey");
		json_str(j, "v");
		json_obj_end(j);
	});
	tap_str_eq(got, "{\"comm\":\"0123456789abcdef\",\"cut\":\"ab\",\"k\\\"ey\":\"v\"}",
		   "json: strings end at max or at a NUL; keys escaped too");
	free(got);

	RENDER(got, {
		json_obj_begin(j);
		json_key(j, "t");
		json_time(j, 1700000000123456789LL);
		json_obj_end(j);
	});
	tap_str_eq(got, "{\"t\":\"2023-11-14T22:13:20.123456Z\"}",
		   "json: time as ISO-8601 UTC with microseconds");
	free(got);

	{
		char buf[48];

		tap_str_eq(json_format_time(buf, sizeof(buf), 0),
			   "1970-01-01T00:00:00.000000Z", "json: the epoch");
		tap_str_eq(json_format_time(buf, sizeof(buf), -1000),
			   "1969-12-31T23:59:59.999999Z",
			   "json: a time before the epoch");
	}

	/* The histogram formatter: non-empty slots only, bounds as text. */
	slots[0] = 3;
	slots[2] = 5;
	slots[63] = 1;
	RENDER(got, {
		json_obj_begin(j);
		json_key(j, "buckets");
		json_log2_hist(j, slots, 64);
		json_obj_end(j);
	});
	tap_str_eq(got,
		   "{\"buckets\":[{\"low\":0,\"high\":1,\"count\":3},"
		   "{\"low\":4,\"high\":7,\"count\":5},"
		   "{\"low\":9223372036854775808,\"high\":18446744073709551615,\"count\":1}]}",
		   "json: log2 buckets, the same bounds as the text, slot 63 to the top");
	free(got);

	memset(slots, 0, sizeof(slots));
	RENDER(got, json_log2_hist(j, slots, 64));
	tap_str_eq(got, "[]", "json: an empty histogram has no buckets");
	free(got);
}

void test_json(void)
{
	test_escape();
	test_writer();
}
