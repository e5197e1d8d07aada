/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small JSON writer for ktracectl --json: JSON Lines, one object per
 * line, the way bpftrace -f json prints (each object has a "type").
 *
 * Strings come from the kernel (task names, paths, arguments) and may
 * hold any byte: valid UTF-8 is copied, and control characters, DEL and
 * bytes that are not valid UTF-8 are escaped as \u00XX (the byte's
 * value), so every line is valid JSON whatever the input.
 *
 * The writer only tracks nesting to place the commas: callers nest
 * objects and arrays correctly and give each member a key.
 *
 *	struct json j;
 *
 *	json_line_begin(&j, "event");		// {"type":"event"
 *	json_kstr(&j, "comm", comm);		// ,"comm":"bash"
 *	json_key(&j, "args");
 *	json_arr_begin(&j);
 *	json_u64(&j, 1);
 *	json_arr_end(&j);			// ,"args":[1]
 *	json_line_end(&j);			// }\n, flushed
 */
#ifndef __KTRACECTL_JSON_H
#define __KTRACECTL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define JSON_MAX_DEPTH	16

struct json {
	FILE *f;
	int depth;
	bool after_key;			/* the next value follows a key */
	bool comma[JSON_MAX_DEPTH];	/* per level: a value was written */
};

void json_init(struct json *j, FILE *f);

void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
/* A member's key; its value is the next thing written. */
void json_key(struct json *j, const char *key);

void json_str(struct json *j, const char *s);
/* A string of at most @max bytes of @s, fewer at a NUL. */
void json_strn(struct json *j, const char *s, size_t max);
void json_u64(struct json *j, unsigned long long v);
void json_s64(struct json *j, long long v);
/* With @prec decimals; null when not finite. */
void json_double(struct json *j, double v, int prec);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/*
 * An ISO-8601 UTC time with microseconds, "2024-05-01T12:34:56.123456Z",
 * of @ns nanoseconds since the epoch.
 */
void json_time(struct json *j, long long ns);

/* Key and value in one call. */
void json_kstr(struct json *j, const char *key, const char *s);
void json_kstrn(struct json *j, const char *key, const char *s, size_t max);
void json_ku64(struct json *j, const char *key, unsigned long long v);
void json_ks64(struct json *j, const char *key, long long v);
void json_kbool(struct json *j, const char *key, bool v);

/* One line on stdout: {"type":@type ... and its end, "}\n", flushed. */
void json_line_begin(struct json *j, const char *type);
void json_line_end(struct json *j);

/* The escaped form of @n bytes of @s, without the quotes, to @f. */
void json_escape(FILE *f, const char *s, size_t n);
/* @ns since the epoch as json_time() writes it; returns @buf. */
const char *json_format_time(char *buf, size_t size, long long ns);

#endif /* __KTRACECTL_JSON_H */
