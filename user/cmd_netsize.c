// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable netsize: the sizes of the IP packets a cgroup's
 * sockets send and receive, a log2 histogram per direction, from the
 * cgroup_skb hooks only the BPF backend has (bpf/netsize.bpf.c): it runs
 * on BPF whatever --backend says, and refuses --backend module.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "ktracectl.h"
#include "args.h"
#include "agg_run.h"
#include "hist.h"

#define NETSIZE_ROOT	"/sys/fs/cgroup"

static const char ns_doc[] =
"Print the distribution of IP packet sizes, received and sent.\n"
"\n"
"USAGE: ktracectl enable netsize [--help] [-T] [-G PATH] [interval [count]]\n"
"\n"
"The packets are those of the sockets of the tasks in cgroup v2 PATH and\n"
"its descendants (" NETSIZE_ROOT ", every socket, by default), measured\n"
"from the IP header at the cgroup's ingress and egress hooks: a UDP\n"
"datagram of S bytes over IPv4 is S + 28 bytes.  Only the BPF backend\n"
"has these hooks: this runs on it whatever --backend says, and refuses\n"
"--backend module.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable netsize                  # every socket\n"
"    ktracectl enable netsize -G /sys/fs/cgroup/system.slice/nginx.service\n"
"    ktracectl enable netsize -T 5             # 5s summaries, timestamps";

static const struct argp_option ns_opts[] = {
	{ "timestamp", 'T', NULL, 0, "Include timestamp on output", 0 },
	{ "cgroup", 'G', "PATH", 0,
	  "The cgroup v2 whose sockets are traced (default " NETSIZE_ROOT ")",
	  0 },
	{},
};

struct ns_args {
	bool timestamp;
	const char *cgroup;
	unsigned long interval, count;
	int nr_num;
};

static error_t parse_ns(int key, char *arg, struct argp_state *state)
{
	struct ns_args *a = state->input;

	switch (key) {
	case 'T':
		a->timestamp = true;
		break;
	case 'G':
		a->cgroup = arg;
		break;
	case ARGP_KEY_ARG:
		if (!isdigit((unsigned char)arg[0]))
			usage_error(state, "unexpected argument '%s'", arg);
		parse_interval_count(state, arg, &a->interval, &a->count,
				     &a->nr_num);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char *dir_name(__u64 key)
{
	return key == 0 ? "ingress" : key == 1 ? "egress" : "?";
}

static void ns_json_key(struct agg_run *r, struct json *j,
			const struct ktrace_agg_entry *e)
{
	(void)r;
	json_kstr(j, "key", dir_name(e->key[0]));
}

/* Per direction, ingress first: the histogram and bcc's summary line. */
static void ns_print(struct agg_run *r, const struct kt_result *res,
		     const struct ktrace_agg_entry **ents, __u32 n)
{
	__u32 i;

	(void)r;
	for (i = 0; i < n; i++) {
		printf("\ndirection = %s\n", dir_name(ents[i]->key[0]));
		print_log2_hist(stdout, ents[i]->slots,
				(int)res->rd.nr_slots, "bytes");
		if (ents[i]->count)
			printf("\navg = %llu bytes, total: %llu bytes, count: %llu\n",
			       (unsigned long long)(ents[i]->sum /
						    ents[i]->count),
			       (unsigned long long)ents[i]->sum,
			       (unsigned long long)ents[i]->count);
	}
}

int cmd_netsize(int argc, char **argv)
{
	static const struct argp argp = {
		.options = ns_opts,
		.parser = parse_ns,
		.args_doc = "[interval [count]]",
		.doc = ns_doc,
		.children = verbose_children,
	};
	struct ns_args a = {
		.cgroup = NETSIZE_ROOT,
		.interval = FOREVER,
		.count = FOREVER,
	};
	struct agg_run r = {
		.probe = "netsize",
		.log2 = true,
		.noun = "packets",
		.overflow_noun = "packets",
		.verbose_overflow = true,
		.cmp = agg_cmp_key,
		.print = ns_print,
		.json_key = "direction",
		.json_key_value = ns_json_key,
		.ctx = &a,
	};
	int fd = -1, err, ret = EXIT_FAIL;

	if (parse_subcommand(&argp, argc, argv, "enable netsize", &a))
		return EXIT_USAGE;
	r.interval = a.interval;
	r.count = a.count;
	r.timestamp = a.timestamp;

	fd = open(a.cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "ktracectl: netsize: cannot open cgroup %s: %s\n",
			a.cgroup, strerror(errno));
		return EXIT_FAIL;
	}
	if (agg_open(&r, false))
		goto out;
	r.en.unit = KTRACE_UNIT_COUNT;
	r.en.flags |= KTRACE_ENABLE_CGROUP;
	r.en.cgroup_fd = fd;
	err = agg_enable(&r);
	if (err) {
		fprintf(stderr, "ktracectl: netsize: cannot trace cgroup %s: %s\n",
			a.cgroup, strerror(-err));
		goto out;
	}
	fprintf(banner_out(),
		"Tracing IP packet sizes in cgroup %s... Hit Ctrl-C to end.\n",
		a.cgroup);
	ret = agg_poll(&r);
out:
	agg_close(&r);
	close(fd);
	return ret;
}
