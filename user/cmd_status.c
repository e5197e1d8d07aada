// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl status: every probe instance enabled on this host, by any
 * process, with its counters, as the module keeps them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "ktracectl.h"
#include "args.h"
#include "json.h"
#include "status_fmt.h"

static const char status_doc[] =
"Show every enabled probe instance on this host, whoever enabled it.\n"
"\n"
"USAGE: ktracectl status [-v] [-T] [--json] [interval] [count]\n"
"\n"
"Columns: INSTANCE (SESSION:ID, what ktracectl disable takes), the PID and\n"
"COMM of the process that opened /dev/ktrace, the PROBE and its ARGS, its\n"
"AGE, HITS (handler calls), FILTERED, RECORDED, DROPPED (lost: table or\n"
"ring full, re-entrant, kprobe misses) and NS/HIT (mean handler cost, one\n"
"hit in 64 timed).  A line below an instance gives its drops by reason.\n"
"With --json, one {\"type\":\"status\"} line per report.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl status          # once\n"
"    ktracectl status -v 1     # every second, with no-start counts\n"
"    ktracectl disable 3:1     # end instance 1 of session 3";

struct status_args {
	unsigned long interval;
	unsigned long count;
	int nr_pos;
	bool timestamp;
};

static const struct argp_option status_opts[] = {
	{ "timestamp", 'T', NULL, 0, "Print a timestamp above each report", 0 },
	{},
};

static error_t parse_status(int key, char *arg, struct argp_state *state)
{
	struct status_args *a = state->input;

	switch (key) {
	case 'T':
		a->timestamp = true;
		return 0;
	case ARGP_KEY_ARG:
		parse_interval_count(state, arg, &a->interval, &a->count,
				     &a->nr_pos);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void print_entry(const struct ktrace_status_entry *e)
{
	const struct ktrace_stats *st = &e->stats;
	char ref[24], args[192], age[24], why[192];

	snprintf(ref, sizeof(ref), "%u:%u", e->session, e->id);
	printf("%-9s %-7u %-16.*s %-14.*s %-24s %7s %10llu %10llu %10llu %9llu %7.0f\n",
	       ref, e->owner_pid, (int)sizeof(e->owner_comm), e->owner_comm,
	       (int)sizeof(e->enable.probe), e->enable.probe,
	       status_args(e, args, sizeof(args)),
	       fmt_age(e->age_ns, age, sizeof(age)),
	       (unsigned long long)st->hits,
	       (unsigned long long)st->filtered,
	       (unsigned long long)st->recorded, stats_dropped(st),
	       st->time_samples ? (double)st->time_ns / st->time_samples : 0.0);
	if (stats_dropped(st))
		printf("%-9s dropped: %s\n", "",
		       stats_drop_reasons(st, why, sizeof(why)));
	if (env.verbose && st->drop_no_start)
		printf("%-9s no start: %llu (work under way when enabled)\n",
		       "", (unsigned long long)st->drop_no_start);
}

static void json_drops(struct json *j, const struct ktrace_stats *st)
{
	json_key(j, "drops");
	json_obj_begin(j);
	json_ku64(j, "table_full", st->drop_table_full);
	json_ku64(j, "inflight_full", st->drop_inflight_full);
	json_ku64(j, "ring_full", st->drop_ring_full);
	json_ku64(j, "too_big", st->drop_too_big);
	json_ku64(j, "reentrant", st->drop_reentrant);
	json_ku64(j, "missed", st->missed);
	json_ku64(j, "no_start", st->drop_no_start);
	json_obj_end(j);
}

static void json_entry(struct json *j, const struct ktrace_status_entry *e)
{
	const struct ktrace_stats *st = &e->stats;
	char ref[24], args[192];

	snprintf(ref, sizeof(ref), "%u:%u", e->session, e->id);
	json_obj_begin(j);
	json_kstr(j, "instance", ref);
	json_ku64(j, "session", e->session);
	json_ku64(j, "id", e->id);
	json_ku64(j, "pid", e->owner_pid);
	json_ku64(j, "uid", e->owner_uid);
	json_kstrn(j, "comm", e->owner_comm, sizeof(e->owner_comm));
	json_kstrn(j, "probe", e->enable.probe, sizeof(e->enable.probe));
	json_kstr(j, "args", status_args(e, args, sizeof(args)));
	json_kstr(j, "key", key_word(e->enable.key));
	json_key(j, "age_s");
	json_double(j, e->age_ns / 1e9, 3);
	json_ku64(j, "hits", st->hits);
	json_ku64(j, "filtered", st->filtered);
	json_ku64(j, "recorded", st->recorded);
	json_ku64(j, "dropped", stats_dropped(st));
	json_drops(j, st);
	json_key(j, "ns_per_hit");
	if (st->time_samples)
		json_double(j, (double)st->time_ns / st->time_samples, 0);
	else
		json_null(j);
	json_obj_end(j);
}

static void json_status(const struct ktrace_status_entry *ents, int n,
			__u32 sessions)
{
	struct json j;
	int i;

	json_line_begin(&j, "status");
	json_ku64(&j, "other_files", sessions - 1);
	json_key(&j, "instances");
	json_arr_begin(&j);
	for (i = 0; i < n; i++)
		json_entry(&j, &ents[i]);
	json_arr_end(&j);
	json_line_end(&j);
}

static int print_status(struct kt *kt, bool timestamp)
{
	struct ktrace_status_entry *ents;
	__u32 sessions;
	int i, n;

	n = kt_status(kt, &ents, &sessions);
	if (n < 0) {
		warn_err("status", n);
		return n;
	}
	if (env.json) {
		json_status(ents, n, sessions);
		free(ents);
		return 0;
	}
	if (timestamp) {
		char ts[32];
		time_t t = time(NULL);

		strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
		printf("%-8s\n", ts);
	}
	/* This command's own file is one of the sessions. */
	printf("%d instance%s in %u other open file%s of %s\n", n,
	       n == 1 ? "" : "s", sessions - 1, sessions == 2 ? "" : "s",
	       KTRACE_DEVICE);
	if (n)
		printf("%-9s %-7s %-16s %-14s %-24s %7s %10s %10s %10s %9s %7s\n",
		       "INSTANCE", "PID", "COMM", "PROBE", "ARGS", "AGE",
		       "HITS", "FILTERED", "RECORDED", "DROPPED", "NS/HIT");
	for (i = 0; i < n; i++)
		print_entry(&ents[i]);
	free(ents);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	static const struct argp argp = {
		.options = status_opts,
		.parser = parse_status,
		.args_doc = "[interval] [count]",
		.doc = status_doc,
		.children = verbose_children,
	};
	struct status_args a = { .interval = 1 };
	struct kt *kt;
	int err;

	if (parse_subcommand(&argp, argc, argv, "status", &a))
		return EXIT_USAGE;
	/* Once, unless an interval is given: then like the other commands. */
	if (a.nr_pos && !a.count)
		a.count = FOREVER;
	kt = open_ktrace();
	if (!kt)
		return EXIT_FAIL;
	setup_signals();
	for (;;) {
		err = print_status(kt, a.timestamp);
		fflush(stdout);
		if (err || !a.nr_pos || --a.count == 0)
			break;
		sleep(a.interval);
		if (exiting)
			break;
		if (!env.json)
			printf("\n");
	}
	kt_close(kt);
	return err ? EXIT_FAIL : 0;
}
