// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl: the command-line front end of ktrace.ko.
 *
 * The top level only takes global options and picks a command; each command
 * parses the rest of the line with its own argp, so "--help" after it shows
 * that command's options.
 */
#include <stdio.h>
#include <string.h>
#include "ktracectl.h"

const char *argp_program_version = "ktracectl 0.1";
const char *argp_program_bug_address = "<ktrace@localhost>";

static const char doc[] =
"Trace the kernel with ktrace.ko.\n"
"\n"
"USAGE: ktracectl [-v] [-j] COMMAND [ARGS...]\n"
"\n"
"COMMANDS:\n"
"    list                     list the probes the module offers\n"
"    enable PROBE [ARGS...]   enable a probe and print what it sees\n"
"    stream PROBE [ARGS...]   enable a streaming probe, print its records\n"
"    status [interval]        every enabled instance, hits, drops, cost\n"
"    disable SESSION:ID|PROBE end instances, whoever enabled them\n"
"    export PROBE[:OPTS]...   serve probes as Prometheus /metrics\n"
"    doctor                   what this host allows: module, BPF, BTF, probes\n"
"    bench [PROBE...]         what tracing costs: module, BPF, ftrace, bcc, bpftrace\n"
"\n"
"EXAMPLES:\n"
"    ktracectl list                        # probes, kinds, descriptions\n"
"    ktracectl enable block_latency        # I/O latency until Ctrl-C\n"
"    ktracectl enable block_latency -D 1 5 # per disk, 1s intervals, 5 times\n"
"    ktracectl enable sys_enter -p 181     # syscalls of process 181\n"
"    ktracectl enable block_latency --help # options of one probe\n"
"    ktracectl status                      # what is traced, by whom\n"
"    ktracectl disable block_latency       # end it, from anywhere\n"
"    ktracectl --json list                 # JSON Lines, one object a line\n"
"\v"
"Needs CAP_PERFMON or CAP_SYS_ADMIN and ktrace.ko loaded; with\n"
"--backend bpf, CAP_BPF and CAP_PERFMON (or root) and no module.";

struct main_args {
	int cmd_idx;
};

static error_t parse_main(int key, char *arg, struct argp_state *state)
{
	struct main_args *a = state->input;

	(void)arg;
	switch (key) {
	case ARGP_KEY_ARG:
		/* The command and what follows belong to the command. */
		a->cmd_idx = state->next - 1;
		state->next = state->argc;
		return 0;
	case ARGP_KEY_END:
		if (!a->cmd_idx)
			usage_error(state, "no command given");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

int main(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &verbose_argp, 0, NULL, 0 },
		{ &backend_argp, 0, NULL, 0 },
		{},
	};
	static const struct argp argp = {
		.parser = parse_main,
		.args_doc = "COMMAND [ARGS...]",
		.doc = doc,
		.children = children,
	};
	struct main_args a = { 0 };
	const char *cmd;

	argp_err_exit_status = EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, ARGP_IN_ORDER, NULL, &a))
		return EXIT_USAGE;

	cmd = argv[a.cmd_idx];
	if (!strcmp(cmd, "list"))
		return cmd_list(argc - a.cmd_idx, argv + a.cmd_idx);
	if (!strcmp(cmd, "enable"))
		return cmd_enable(argc - a.cmd_idx, argv + a.cmd_idx);
	if (!strcmp(cmd, "stream"))
		return cmd_stream(argc - a.cmd_idx, argv + a.cmd_idx);
	if (!strcmp(cmd, "status"))
		return cmd_status(argc - a.cmd_idx, argv + a.cmd_idx);
	if (!strcmp(cmd, "disable"))
		return cmd_disable(argc - a.cmd_idx, argv + a.cmd_idx);
	if (!strcmp(cmd, "export"))
		return cmd_export(argc - a.cmd_idx, argv + a.cmd_idx);
	if (!strcmp(cmd, "doctor"))
		return cmd_doctor(argc - a.cmd_idx, argv + a.cmd_idx);
	if (!strcmp(cmd, "bench"))
		return cmd_bench(argc - a.cmd_idx, argv + a.cmd_idx);

	fprintf(stderr, "ktracectl: unknown command '%s'\n", cmd);
	fprintf(stderr, "Usage: ktracectl [-v] COMMAND [ARGS...]   (see ktracectl --help)\n");
	return EXIT_USAGE;
}
