// SPDX-License-Identifier: GPL-2.0
/* The JSON Lines writer of ktracectl --json; see json.h. */
#include <assert.h>
#include <math.h>
#include <string.h>
#include <time.h>
#include "json.h"

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* The comma before a value, unless it is the first or follows its key. */
static void sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->comma[j->depth])
		fputc(',', j->f);
	j->comma[j->depth] = true;
}

static void open_level(struct json *j, char c)
{
	sep(j);
	fputc(c, j->f);
	assert(j->depth + 1 < JSON_MAX_DEPTH);
	j->comma[++j->depth] = false;
}

static void close_level(struct json *j, char c)
{
	assert(j->depth > 0);
	j->depth--;
	fputc(c, j->f);
}

void json_obj_begin(struct json *j)
{
	open_level(j, '{');
}

void json_obj_end(struct json *j)
{
	close_level(j, '}');
}

void json_arr_begin(struct json *j)
{
	open_level(j, '[');
}

void json_arr_end(struct json *j)
{
	close_level(j, ']');
}

/* Length of the valid UTF-8 sequence at @s (of @n bytes), 0 if none. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned int cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates, beyond U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (cp >= 0xd800 && cp <= 0xdfff) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void json_escape(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + n;
	const unsigned char *run = p;	/* bytes copied as they are */
	const char *esc;
	size_t len;

	while (p < end) {
		esc = NULL;
		len = 1;
		switch (*p) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		default:
			if (*p >= 0x20 && *p != 0x7f)
				len = utf8_len(p, (size_t)(end - p));
			else
				len = 0;
		}
		if (!esc && len) {
			p += len;
			continue;
		}
		fwrite(run, 1, (size_t)(p - run), f);
		if (esc)
			fputs(esc, f);
		else
			fprintf(f, "\\u%04x", *p);
		run = ++p;
	}
	fwrite(run, 1, (size_t)(p - run), f);
}

void json_strn(struct json *j, const char *s, size_t max)
{
	sep(j);
	fputc('"', j->f);
	json_escape(j->f, s, strnlen(s, max));
	fputc('"', j->f);
}

void json_str(struct json *j, const char *s)
{
	json_strn(j, s, strlen(s));
}

void json_key(struct json *j, const char *key)
{
	json_str(j, key);
	fputc(':', j->f);
	j->after_key = true;
}

void json_u64(struct json *j, unsigned long long v)
{
	sep(j);
	fprintf(j->f, "%llu", v);
}

void json_s64(struct json *j, long long v)
{
	sep(j);
	fprintf(j->f, "%lld", v);
}

void json_double(struct json *j, double v, int prec)
{
	if (!isfinite(v)) {
		json_null(j);
		return;
	}
	sep(j);
	fprintf(j->f, "%.*f", prec, v);
}

void json_bool(struct json *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->f);
}

void json_null(struct json *j)
{
	sep(j);
	fputs("null", j->f);
}

const char *json_format_time(char *buf, size_t size, long long ns)
{
	long long sec = ns / 1000000000LL, rem = ns % 1000000000LL;
	time_t t;
	struct tm tm;
	size_t len;

	if (rem < 0) {
		sec--;
		rem += 1000000000LL;
	}
	t = (time_t)sec;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, size, "?");
		return buf;
	}
	len = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + len, size - len, ".%06lldZ", rem / 1000);
	return buf;
}

void json_time(struct json *j, long long ns)
{
	char buf[48];

	json_str(j, json_format_time(buf, sizeof(buf), ns));
}

void json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void json_kstrn(struct json *j, const char *key, const char *s, size_t max)
{
	json_key(j, key);
	json_strn(j, s, max);
}

void json_ku64(struct json *j, const char *key, unsigned long long v)
{
	json_key(j, key);
	json_u64(j, v);
}

void json_ks64(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	json_s64(j, v);
}

void json_kbool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}

void json_line_begin(struct json *j, const char *type)
{
	json_init(j, stdout);
	json_obj_begin(j);
	json_kstr(j, "type", type);
}

void json_line_end(struct json *j)
{
	json_obj_end(j);
	fputc('\n', j->f);
	fflush(j->f);
}
