// SPDX-License-Identifier: GPL-2.0
/* Formatting of instances for status and disable; see status_fmt.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "disk.h"
#include "status_fmt.h"

const char *key_word(__u32 key)
{
	static const char *const words[] = {
		[KTRACE_KEY_NONE] = "none",
		[KTRACE_KEY_DEV] = "disk",
		[KTRACE_KEY_PID] = "pid",
		[KTRACE_KEY_TGID] = "tgid",
		[KTRACE_KEY_SYSCALL] = "syscall",
		[KTRACE_KEY_COMM] = "comm",
		[KTRACE_KEY_STACK] = "stack",
		[KTRACE_KEY_FLAGS] = "flags",
		[KTRACE_KEY_CPU] = "cpu",
		[KTRACE_KEY_FUNC] = "func",
	};

	if (key >= sizeof(words) / sizeof(words[0]) || !words[key])
		return "?";
	return words[key];
}

/*
 * Appends to @buf at *@pos, a comma first unless at the start: the words
 * stay one field for awk and cut.
 */
__attribute__((format(printf, 4, 5)))
static void add(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Full: only the terminator fits. */
	if (*pos + 1 >= len)
		return;
	if (*pos) {
		buf[(*pos)++] = ',';
		buf[*pos] = '\0';
		if (*pos + 1 >= len)
			return;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
	if (*pos >= len)
		*pos = len - 1;
}

const char *status_args(const struct ktrace_status_entry *e, char *buf,
			size_t len)
{
	const struct ktrace_enable *en = &e->enable;
	size_t pos = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (en->flags & KTRACE_ENABLE_SYMBOL)
		add(buf, len, &pos, "%.*s", (int)sizeof(en->symbol),
		    en->symbol);
	if (en->key != KTRACE_KEY_NONE)
		add(buf, len, &pos, "by=%s", key_word(en->key));
	if (en->flags & KTRACE_ENABLE_PID)
		add(buf, len, &pos, "pid=%u", en->pid);
	if (en->flags & KTRACE_ENABLE_TGID)
		add(buf, len, &pos, "tgid=%u", en->tgid);
	if (en->flags & KTRACE_ENABLE_COMM)
		add(buf, len, &pos, "comm=%.*s", (int)sizeof(en->comm),
		    en->comm);
	if (en->flags & KTRACE_ENABLE_DEV)
		add(buf, len, &pos, "dev=%u:%u", KT_MAJOR(en->dev),
		    KT_MINOR(en->dev));
	if (en->flags & KTRACE_ENABLE_CGROUP)
		add(buf, len, &pos, "cgroup");
	if (en->flags & KTRACE_ENABLE_LINEAR)
		add(buf, len, &pos, "linear=%llu..%llu/%llu",
		    (unsigned long long)en->lin_min,
		    (unsigned long long)en->lin_max,
		    (unsigned long long)en->lin_step);
	if (en->opts)
		add(buf, len, &pos, "opts=%#llx",
		    (unsigned long long)en->opts);
	if (!pos)
		snprintf(buf, len, "-");
	return buf;
}

const char *fmt_age(__u64 ns, char *buf, size_t len)
{
	unsigned long long s = ns / 1000000000ULL;

	if (s < 60)
		snprintf(buf, len, "%llus", s);
	else if (s < 3600)
		snprintf(buf, len, "%llum%02llus", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lluh%02llum", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%llud%02lluh", s / 86400, s % 86400 / 3600);
	return buf;
}

unsigned long long stats_dropped(const struct ktrace_stats *st)
{
	return st->drop_table_full + st->drop_inflight_full +
	       st->drop_ring_full + st->drop_too_big + st->drop_reentrant +
	       st->missed;
}

const char *stats_drop_reasons(const struct ktrace_stats *st, char *buf,
			       size_t len)
{
	const struct {
		const char *what;
		__u64 n;
	} reasons[] = {
		{ "table full", st->drop_table_full },
		{ "in-flight table full", st->drop_inflight_full },
		{ "ring full", st->drop_ring_full },
		{ "too big", st->drop_too_big },
		{ "re-entrant", st->drop_reentrant },
		{ "missed", st->missed },
	};
	size_t i, pos = 0;
	int n;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if (!reasons[i].n)
			continue;
		n = snprintf(buf + pos, len - pos, "%s%s %llu",
			     pos ? ", " : "", reasons[i].what,
			     (unsigned long long)reasons[i].n);
		if (n < 0 || (size_t)n >= len - pos)
			break;
		pos += (size_t)n;
	}
	return buf;
}

int parse_instance_ref(const char *arg, __u32 *session, __u32 *id)
{
	unsigned long s, i;
	char *end;

	if (!arg[0] || arg[0] == '-' || arg[0] == '+')
		return -EINVAL;
	errno = 0;
	s = strtoul(arg, &end, 10);
	if (errno || end == arg || *end != ':' || !s || s > 0xffffffffUL)
		return -EINVAL;
	arg = end + 1;
	if (!arg[0] || arg[0] == '-' || arg[0] == '+')
		return -EINVAL;
	i = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || !i || i > KTRACE_MAX_INSTANCES)
		return -EINVAL;
	*session = (__u32)s;
	*id = (__u32)i;
	return 0;
}
