// SPDX-License-Identifier: GPL-2.0
/* ktracectl enable PROBE: hands the line to the probe's own command. */
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
"\n"
"EXAMPLES:\n"
"    ktracectl enable block_latency --help\n"
"    ktracectl enable funclatency --help\n"
"    ktracectl enable sys_enter --help";

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} probe_cmds[] = {
	{ "block_latency", cmd_block_latency },
	{ "funclatency", cmd_funclatency },
	{ "execsnoop", cmd_execsnoop },
	{ "opensnoop", cmd_opensnoop },
	{ "runqlat", cmd_runqlat },
	{ "syscount", cmd_syscount },
	{ "sys_enter", cmd_sys_enter },
	{ "tcplife", cmd_tcplife },
	{ "funccount", cmd_funccount },
	{ "profile", cmd_profile },
	{ "stackcount", cmd_stackcount },
	{ "offcputime", cmd_offcputime },
	{ "trace", cmd_trace },
	{ "tpcount", cmd_tpcount },
	{ "bpfwatch", cmd_bpfwatch },
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

int cmd_enable(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &verbose_argp, 0, NULL, 0 },
		{},
	};
	static const struct argp argp = {
		.parser = parse_enable,
		.args_doc = "PROBE [ARGS...]",
		.doc = enable_doc,
		.children = children,
	};
	struct enable_args a = { 0 };
	const char *probe;
	size_t i;

	if (parse_subcommand(&argp, argc, argv, "enable", &a))
		return EXIT_USAGE;
	probe = argv[a.probe_idx];
	for (i = 0; i < sizeof(probe_cmds) / sizeof(probe_cmds[0]); i++)
		if (!strcmp(probe, probe_cmds[i].name))
			return probe_cmds[i].run(argc - a.probe_idx,
						 argv + a.probe_idx);

	fprintf(stderr, "ktracectl: unknown probe '%s' (ktracectl list shows them)\n",
		probe);
	fprintf(stderr, "Usage: ktracectl enable PROBE [OPTIONS...] [ARGS...]\n");
	return EXIT_USAGE;
}
