// SPDX-License-Identifier: GPL-2.0
/* Stacks as symbols and their printing; see stack_syms.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ktracectl.h"
#include "json.h"
#include "stack_syms.h"

#define STACKS_BUF	(256 * 1024)

int stack_syms_fetch(struct backend *be, __u32 id, struct stack_syms *ss)
{
	struct ktrace_stacks sk = { .size = sizeof(sk), .id = id };
	size_t cap = STACKS_BUF, used = 0;
	const struct ktrace_stack *rec;
	__u32 i, off;
	char *nbuf;
	int err;

	memset(ss, 0, sizeof(*ss));
	ss->buf = malloc(cap);
	if (!ss->buf)
		return -ENOMEM;
	/* Page through: each call returns what fits and where to go on. */
	do {
		if (cap - used < KTRACE_STACK_REC_MAX) {
			nbuf = realloc(ss->buf, cap * 2);
			if (!nbuf)
				goto err_nomem;
			ss->buf = nbuf;
			cap *= 2;
		}
		sk.buf = (__u64)(uintptr_t)(ss->buf + used);
		sk.buf_size = cap - used;
		err = be_stacks(be, &sk);
		if (err) {
			stack_syms_free(ss);
			return err;
		}
		for (i = 0, off = 0; i < sk.count; i++) {
			rec = (const struct ktrace_stack *)(ss->buf + used + off);
			if (rec->id > ss->nr_ids)
				ss->nr_ids = rec->id;
			off += rec->len;
		}
		used += off;
	} while (sk.start);
	ss->dropped = sk.dropped;

	ss->by_id = calloc(ss->nr_ids + 1, sizeof(*ss->by_id));
	if (!ss->by_id)
		goto err_nomem;
	for (off = 0; off < used; off += rec->len) {
		rec = (const struct ktrace_stack *)(ss->buf + off);
		ss->by_id[rec->id - 1] = rec;
	}
	return 0;

err_nomem:
	stack_syms_free(ss);
	return -ENOMEM;
}

void stack_syms_free(struct stack_syms *ss)
{
	free(ss->by_id);
	free(ss->buf);
	memset(ss, 0, sizeof(*ss));
}

struct line {
	char *text;			/* as printed, or the --json merge key */
	unsigned long long value;	/* count, or sum with ->sum */
	unsigned long long count, sum;
	const struct ktrace_stack *rec;	/* the first entry's, for --json */
	unsigned long long tgid;
};

/* "vfs_read+0x1a/0x40 [mod]" -> "vfs_read": frames by function. */
static size_t frame_name_len(const char *sym)
{
	return strcspn(sym, "+ ");
}

/* Appends to a growing string; false when out of memory. */
static bool append(char **s, size_t *len, size_t *cap, const char *p,
		   size_t n)
{
	char *ns;

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		ns = realloc(*s, *cap);
		if (!ns)
			return false;
		*s = ns;
	}
	memcpy(*s + *len, p, n);
	*len += n;
	(*s)[*len] = '\0';
	return true;
}

/* The frames of @rec (none without one), leaf first; returns how many. */
static __u32 rec_frames(const struct ktrace_stack *rec,
			const char *frames[KTRACE_STACK_DEPTH])
{
	const char *p;
	__u32 nr = 0;

	if (!rec)
		return 0;
	p = rec->frames;
	while (nr < rec->nr_frames && nr < KTRACE_STACK_DEPTH) {
		frames[nr++] = p;
		p += strlen(p) + 1;
	}
	return nr;
}

/* The text an entry prints as, without its value. */
static char *entry_text(const struct ktrace_stack *rec,
			const struct ktrace_agg_entry *e,
			const struct stack_print *how)
{
	const char *frames[KTRACE_STACK_DEPTH], *p;
	size_t len = 0, cap = 256;
	char *s = malloc(cap), tmp[64];
	__u32 i, nr;
	bool ok = true;

	if (!s)
		return NULL;
	s[0] = '\0';
	nr = rec_frames(rec, frames);
	if (how->folded) {
		if (how->comm) {
			p = rec ? rec->comm : "[unknown]";
			ok = append(&s, &len, &cap, p, strnlen(p, KTRACE_COMM_LEN));
		}
		if (!rec)
			ok = ok && append(&s, &len, &cap,
					  len ? ";[missing]" : "[missing]",
					  strlen(len ? ";[missing]" : "[missing]"));
		else if (!nr)
			for (p = how->empty; ok && p; p = NULL) {
				if (len)
					ok = append(&s, &len, &cap, ";", 1);
				ok = ok && append(&s, &len, &cap, p, strlen(p));
			}
		/* Root first. */
		for (i = nr; ok && i-- > 0;) {
			if (len)
				ok = append(&s, &len, &cap, ";", 1);
			ok = ok && append(&s, &len, &cap, frames[i],
					  frame_name_len(frames[i]));
		}
	} else {
		/* Leaf first, one frame a line, as bcc. */
		if (!nr) {
			p = rec ? how->empty : "[missing]";
			ok = append(&s, &len, &cap, "  ", 2) &&
			     append(&s, &len, &cap, p, strlen(p)) &&
			     append(&s, &len, &cap, "\n", 1);
		}
		for (i = 0; ok && i < nr; i++)
			ok = append(&s, &len, &cap, "  ", 2) &&
			     append(&s, &len, &cap, frames[i],
				    frame_name_len(frames[i])) &&
			     append(&s, &len, &cap, "\n", 1);
		if (ok && how->comm) {
			snprintf(tmp, sizeof(tmp), "    %.*s [%llu]\n",
				 KTRACE_COMM_LEN, rec ? rec->comm : "[unknown]",
				 (unsigned long long)e->key[1]);
			ok = append(&s, &len, &cap, tmp, strlen(tmp));
		}
	}
	if (!ok) {
		free(s);
		return NULL;
	}
	return s;
}

/* --svg: the entry's folded stack into how->fg, whatever is printed. */
static int add_folded(const struct stack_print *how,
		      const struct ktrace_stack *rec,
		      const struct ktrace_agg_entry *e, unsigned long long value)
{
	struct stack_print folded = *how;
	char *text;
	int err;

	folded.folded = true;
	text = entry_text(rec, e, &folded);
	if (!text)
		return -ENOMEM;
	err = fg_add(how->fg, text, value);
	free(text);
	return err;
}

/*
 * --json: what tells entries apart, the folded text (with the comm
 * when shown) and the process.
 */
static char *entry_key(const struct ktrace_stack *rec,
		       const struct ktrace_agg_entry *e,
		       const struct stack_print *how)
{
	struct stack_print folded = *how;
	char *text, *key;
	size_t size;

	folded.folded = true;
	text = entry_text(rec, e, &folded);
	if (!text || !how->comm)
		return text;
	size = strlen(text) + 24;
	key = malloc(size);
	if (key)
		snprintf(key, size, "%llu %s", (unsigned long long)e->key[1],
			 text);
	free(text);
	return key;
}

/* --json: {["comm":...,"pid":...,]"frames":[leaf...],"count":...[,"sum"]}. */
static void json_stack(struct json *j, const struct line *l,
		       const struct stack_print *how)
{
	const char *frames[KTRACE_STACK_DEPTH];
	__u32 i, nr = rec_frames(l->rec, frames);

	json_obj_begin(j);
	if (how->comm) {
		json_kstrn(j, "comm", l->rec ? l->rec->comm : "[unknown]",
			   KTRACE_COMM_LEN);
		json_ku64(j, "pid", l->tgid);
	}
	json_key(j, "frames");
	json_arr_begin(j);
	if (!l->rec)
		json_str(j, "[missing]");
	else if (!nr && how->empty)
		json_str(j, how->empty);
	for (i = 0; i < nr; i++)
		json_strn(j, frames[i], frame_name_len(frames[i]));
	json_arr_end(j);
	json_ku64(j, "count", l->count);
	if (how->sum)
		json_ku64(j, "sum", l->sum);
	json_obj_end(j);
}

static int cmp_text(const void *pa, const void *pb)
{
	return strcmp(((const struct line *)pa)->text,
		      ((const struct line *)pb)->text);
}

static int cmp_value(const void *pa, const void *pb)
{
	const struct line *a = pa, *b = pb;

	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return strcmp(a->text, b->text);
}

int stack_syms_print(const struct stack_syms *ss,
		     const struct ktrace_agg_entry **ents, __u32 n,
		     const struct stack_print *how)
{
	const struct ktrace_stack *rec;
	struct line *lines;
	__u32 i, nl = 0;
	int err = 0;

	lines = calloc(n + 1, sizeof(*lines));
	if (!lines)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!ents[i]->count)
			continue;
		rec = ents[i]->key[0] && ents[i]->key[0] <= ss->nr_ids ?
		      ss->by_id[ents[i]->key[0] - 1] : NULL;
		lines[nl].text = how->json ? entry_key(rec, ents[i], how) :
				 entry_text(rec, ents[i], how);
		if (!lines[nl].text) {
			err = -ENOMEM;
			goto out;
		}
		lines[nl].value = how->sum ? ents[i]->sum : ents[i]->count;
		lines[nl].count = ents[i]->count;
		lines[nl].sum = ents[i]->sum;
		lines[nl].rec = rec;
		lines[nl].tgid = ents[i]->key[1];
		if (how->fg) {
			err = add_folded(how, rec, ents[i], lines[nl].value);
			if (err) {
				nl++;
				goto out;
			}
		}
		nl++;
	}
	/* Merge the entries that print the same. */
	qsort(lines, nl, sizeof(*lines), cmp_text);
	for (i = 1, n = nl ? 1 : 0; i < nl; i++) {
		if (!strcmp(lines[i].text, lines[n - 1].text)) {
			lines[n - 1].value += lines[i].value;
			lines[n - 1].count += lines[i].count;
			lines[n - 1].sum += lines[i].sum;
			free(lines[i].text);
		} else {
			lines[n++] = lines[i];
		}
	}
	nl = n;
	qsort(lines, nl, sizeof(*lines), cmp_value);
	if (how->json) {
		json_key(how->json, "stacks");
		json_arr_begin(how->json);
		for (i = 0; i < nl; i++)
			json_stack(how->json, &lines[i], how);
		json_arr_end(how->json);
		goto out;
	}
	for (i = 0; i < nl; i++) {
		if (how->folded)
			printf("%s %llu\n", lines[i].text, lines[i].value);
		else
			printf("%s    %llu\n\n", lines[i].text, lines[i].value);
	}
out:
	for (i = 0; i < nl; i++)
		free(lines[i].text);
	free(lines);
	return err;
}

void stack_syms_report(struct backend *be, __u32 id,
		       const struct ktrace_agg_entry **ents, __u32 n,
		       const struct stack_print *how, const char *noun)
{
	struct stack_syms ss;
	int err;

	err = stack_syms_fetch(be, id, &ss);
	if (err) {
		warn_err("stacks", err);
		return;
	}
	err = stack_syms_print(&ss, ents, n, how);
	if (err)
		warn_err("print stacks", err);
	if (ss.dropped)
		fprintf(stderr,
			"ktracectl: %llu %s lost: the stack table was full\n",
			(unsigned long long)ss.dropped, noun);
	stack_syms_free(&ss);
}
