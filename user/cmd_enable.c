// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl enable PROBE and ktracectl stream PROBE: hand the line to the
 * probe's own command; stream takes only the probes that stream records.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "ktracectl.h"

static const char enable_doc[] =
"Enable a probe and print what it sees until Ctrl-C.\n"
"\n"
"USAGE: ktracectl enable PROBE [OPTIONS...] [ARGS...]\n"
"\n"
"PROBES:\n"
"    block_latency   block I/O latency histograms, like bcc's biolatency\n"
"    funclatency     kernel function latency histograms, like bcc's funclatency\n"
"    execsnoop       one line per exec, like bcc's execsnoop\n"
"    opensnoop       one line per open, like bcc's opensnoop\n"
"    runqlat         run queue latency histograms, like bcc's runqlat\n"
"    syscount        system call counts and latency, like bcc's syscount\n"
"    sys_enter       one line per system call entry, streamed\n"
"    tcplife         one line per TCP session, like bcc's tcplife\n"
"    funccount       kernel function call counts, like bcc's funccount\n"
"    profile         sampled on-CPU kernel stacks, folded, like bcc's profile\n"
"    stackcount      kernel stacks calling a function, like bcc's stackcount\n"
"    offcputime      off-CPU time by kernel stack, folded, like bcc's offcputime\n"
"    trace           one line per call of a kernel function, like bcc's trace\n"
"    tpcount         kernel tracepoint hit counts, like perf stat -e 'sched:*'\n"
"    bpfwatch        bpf() calls by command and process name, with rates\n"
"    ufunclatency    user function latency histograms (uprobes, BPF only)\n"
"    ufunccount      user function call counts (uprobes, BPF only)\n"
"    netsize         IP packet sizes per direction of a cgroup (BPF only)\n"
"\n"
"EXAMPLES:\n"
"    ktracectl enable block_latency --help\n"
"    ktracectl enable funclatency --help\n"
"    ktracectl enable sys_enter --help";

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	bool stream;			/* records through the ring */
} probe_cmds[] = {
	{ "block_latency", cmd_block_latency, false },
	{ "funclatency", cmd_funclatency, false },
	{ "execsnoop", cmd_execsnoop, true },
	{ "opensnoop", cmd_opensnoop, true },
	{ "runqlat", cmd_runqlat, false },
	{ "syscount", cmd_syscount, false },
	{ "sys_enter", cmd_sys_enter, true },
	{ "tcplife", cmd_tcplife, true },
	{ "funccount", cmd_funccount, false },
	{ "profile", cmd_profile, false },
	{ "stackcount", cmd_stackcount, false },
	{ "offcputime", cmd_offcputime, false },
	{ "trace", cmd_trace, true },
	{ "tpcount", cmd_tpcount, false },
	{ "bpfwatch", cmd_bpfwatch, false },
	{ "ufunclatency", cmd_ufunclatency, false },
	{ "ufunccount", cmd_ufunccount, false },
	{ "netsize", cmd_netsize, false },
};

struct enable_args {
	int probe_idx;
};

static error_t parse_enable(int key, char *arg, struct argp_state *state)
{
	struct enable_args *a = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_ARG:
		a->probe_idx = state->next - 1;
		state->next = state->argc;
		return 0;
	case ARGP_KEY_END:
		if (!a->probe_idx)
			usage_error(state, "no probe given");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const char stream_doc[] =
"Enable a streaming probe and print its records as they come, until Ctrl-C.\n"
"\n"
"USAGE: ktracectl stream PROBE [OPTIONS...]\n"
"\n"
"PROBES:\n"
"    execsnoop       one line per exec, like bcc's execsnoop\n"
"    opensnoop       one line per open, like bcc's opensnoop\n"
"    sys_enter       one line per system call entry\n"
"    tcplife         one line per TCP session, like bcc's tcplife\n"
"    trace           one line per call of a kernel function, like bcc's trace\n"
"\n"
"The same as ktracectl enable for these probes; the aggregating ones\n"
"(block_latency...) are refused.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl stream execsnoop -x\n"
"    ktracectl stream opensnoop --help";

/* enable and stream: find PROBE and run its command on the rest. */
static int run_probe(int argc, char **argv, const char *word,
		     const char *doc, bool stream_only)
{
	static const struct argp_child children[] = {
		{ &verbose_argp, 0, NULL, 0 },
		{},
	};
	const struct argp argp = {
		.parser = parse_enable,
		.args_doc = "PROBE [ARGS...]",
		.doc = doc,
		.children = children,
	};
	struct enable_args a = { 0 };
	const char *probe;
	size_t i;

	if (parse_subcommand(&argp, argc, argv, word, &a))
		return EXIT_USAGE;
	probe = argv[a.probe_idx];
	for (i = 0; i < sizeof(probe_cmds) / sizeof(probe_cmds[0]); i++) {
		if (strcmp(probe, probe_cmds[i].name))
			continue;
		if (stream_only && !probe_cmds[i].stream) {
			fprintf(stderr,
				"ktracectl: %s aggregates, it does not stream: use ktracectl enable %s\n",
				probe, probe);
			fprintf(stderr, "Usage: ktracectl stream PROBE [OPTIONS...]\n");
			return EXIT_USAGE;
		}
		return probe_cmds[i].run(argc - a.probe_idx,
					 argv + a.probe_idx);
	}

	fprintf(stderr, "ktracectl: unknown probe '%s' (ktracectl list shows them)\n",
		probe);
	fprintf(stderr, "Usage: ktracectl %s PROBE [OPTIONS...] [ARGS...]\n",
		word);
	return EXIT_USAGE;
}

int cmd_enable(int argc, char **argv)
{
	return run_probe(argc, argv, "enable", enable_doc, false);
}

int cmd_stream(int argc, char **argv)
{
	return run_probe(argc, argv, "stream", stream_doc, true);
}
