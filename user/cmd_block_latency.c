// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable block_latency: block I/O latency histograms, with the
 * options and output of bcc's biolatency.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "ktracectl.h"
#include "args.h"
#include "agg_run.h"
#include "disk.h"
#include "heatmap.h"
#include "hist.h"
#include "ioflags.h"

static const char bl_doc[] =
"Summarize block device I/O latency as a histogram.\n"
"\n"
"USAGE: ktracectl enable block_latency [--help] [-T] [-m] [-Q] [-D] [-F]\n"
"                                     [-d DISK] [-p PID] [-c COMM]\n"
"                                     [--heatmap FILE] [interval] [count]\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable block_latency          # summarize block I/O latency\n"
"    ktracectl enable block_latency 1 10     # 1 second summaries, 10 times\n"
"    ktracectl enable block_latency -mT 1    # 1s summaries, msecs, timestamps\n"
"    ktracectl enable block_latency -Q       # include OS queued time\n"
"    ktracectl enable block_latency -D       # a histogram per disk\n"
"    ktracectl enable block_latency -F       # a histogram per I/O flags\n"
"    ktracectl enable block_latency -d vda   # trace vda only\n"
"    ktracectl enable block_latency -c dd    # only I/O issued by dd\n"
"    ktracectl enable block_latency --heatmap bl.svg 1 60  # heatmap, 60 s";

static const struct argp_option bl_opts[] = {
	{ "timestamp", 'T', NULL, 0, "Include timestamp on output", 0 },
	{ "milliseconds", 'm', NULL, 0, "Millisecond histogram", 0 },
	{ "queued", 'Q', NULL, 0, "Include OS queued time in I/O time", 0 },
	{ "per-disk", 'D', NULL, 0, "Print a histogram per disk device", 0 },
	{ "per-flag", 'F', NULL, 0, "Print a histogram per set of I/O flags", 0 },
	{ "disk", 'd', "DISK", 0, "Trace this disk only", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	HEATMAP_ARGP_OPTION,
	{},
};

struct bl_args {
	bool timestamp, msecs, queued, per_disk, per_flag;
	const char *disk;
	__u32 dev;
	__u32 pid;
	const char *comm;
	unsigned long interval, count;
	int nr_pos;
	const char *heatmap;
};

static error_t parse_bl(int key, char *arg, struct argp_state *state)
{
	struct bl_args *a = state->input;
	int err;

	switch (key) {
	case 'T':
		a->timestamp = true;
		break;
	case 'm':
		a->msecs = true;
		break;
	case 'Q':
		a->queued = true;
		break;
	case 'D':
		a->per_disk = true;
		break;
	case 'F':
		a->per_flag = true;
		break;
	case 'd':
		a->disk = arg;
		err = disk_to_dev(arg, &a->dev);
		if (err)
			usage_error(state, "invalid disk '%s': %s", arg,
				    strerror(-err));
		break;
	case 'p':
		a->pid = parse_ulong(state, "PID", arg, INT_MAX);
		break;
	case 'c':
		a->comm = parse_comm(state, arg);
		break;
	case ARGP_KEY_ARG:
		parse_interval_count(state, arg, &a->interval, &a->count,
				     &a->nr_pos);
		break;
	case HEATMAP_OPT_KEY:
		a->heatmap = arg;
		break;
	case ARGP_KEY_END:
		/* The ABI splits results by one key only. */
		if (a->per_disk && a->per_flag)
			usage_error(state, "-D and -F cannot be combined");
		if (a->heatmap && !a->nr_pos)
			usage_error(state, "--heatmap needs an interval");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* The disk's name with -D, the I/O flags' with -F. */
static const char *key_str(const struct bl_args *a,
			   const struct ktrace_agg_entry *e, char *buf,
			   size_t size)
{
	if (a->per_disk)
		return disk_name((__u32)e->key[0], buf, size);
	return io_flags_str(e->key[0], buf, size);
}

static void json_key_value(struct agg_run *r, struct json *j,
			   const struct ktrace_agg_entry *e)
{
	char name[64];

	json_kstr(j, "key", key_str(r->ctx, e, name, sizeof(name)));
}

static void print_hists(struct agg_run *r, const struct kt_result *res,
			const struct ktrace_agg_entry **ents, __u32 n)
{
	const struct bl_args *a = r->ctx;
	char name[64];
	__u32 i;

	for (i = 0; i < n; i++) {
		if (a->per_disk)
			printf("\ndisk = %s\t",
			       key_str(a, ents[i], name, sizeof(name)));
		if (a->per_flag)
			printf("flags = %s",
			       key_str(a, ents[i], name, sizeof(name)));
		printf("\n");
		print_log2_hist(stdout, ents[i]->slots,
				(int)res->rd.nr_slots,
				agg_unit_name(res->rd.unit));
	}
}

int cmd_block_latency(int argc, char **argv)
{
	static const struct argp argp = {
		.options = bl_opts,
		.parser = parse_bl,
		.args_doc = "[interval] [count]",
		.doc = bl_doc,
		.children = verbose_children,
	};
	struct bl_args a = { .interval = FOREVER, .count = FOREVER };
	struct agg_run r = {
		.probe = "block_latency",
		.log2 = true,
		.noun = "events",
		.overflow_noun = "events",
		.verbose_overflow = true,
		.verbose_no_start = true,
		/* I/O issued before enabling (drop_no_start) is not a loss. */
		.missed = "kprobe",
		.cmp = agg_cmp_key,
		.print = print_hists,
		.json_key_value = json_key_value,
		.ctx = &a,
	};
	int err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable block_latency", &a))
		return EXIT_USAGE;
	r.interval = a.interval;
	r.count = a.count;
	r.timestamp = a.timestamp;
	r.json_key = a.per_disk ? "disk" : a.per_flag ? "flags" : NULL;

	if (agg_open(&r, false))
		goto out;
	r.en.unit = a.msecs ? KTRACE_UNIT_MSEC : KTRACE_UNIT_USEC;
	r.en.key = a.per_disk ? KTRACE_KEY_DEV :
		   a.per_flag ? KTRACE_KEY_FLAGS : KTRACE_KEY_NONE;
	if (a.queued)
		r.en.opts |= KTRACE_BLOCK_LATENCY_QUEUED;
	if (a.disk) {
		r.en.flags |= KTRACE_ENABLE_DEV;
		r.en.dev = a.dev;
	}
	set_task_filters(&r.en, &r.info, a.pid, a.comm);
	err = agg_enable(&r);
	if (err) {
		warn_err("enable block_latency", err);
		goto out;
	}

	fprintf(banner_out(),
		"Tracing block device I/O... Hit Ctrl-C to end.\n");
	if (a.heatmap && heatmap_attach(&r))
		goto out;
	ret = agg_poll(&r);
	if (a.heatmap &&
	    heatmap_finish(&r, a.heatmap, a.queued ?
			   "Block I/O latency, with OS queued time" :
			   "Block I/O latency",
			   a.msecs ? "msecs" : "usecs"))
		ret = EXIT_FAIL;
out:
	agg_close(&r);
	return ret;
}
