// SPDX-License-Identifier: GPL-2.0
/* ktracectl helpers: argument parsing, signals, opening the device. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ktracectl.h"

struct ktracectl_env env;
volatile sig_atomic_t exiting;

static void sig_handler(int sig)
{
	(void)sig;
	exiting = 1;
}

void setup_signals(void)
{
	/* No SA_RESTART: sleep() and poll() must return on Ctrl-C. */
	struct sigaction sa = { .sa_handler = sig_handler };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

FILE *banner_out(void)
{
	return env.json ? stderr : stdout;
}

static const struct argp_option verbose_opts[] = {
	{ "verbose", 'v', NULL, 0, "Verbose debug output", 0 },
	{ "json", 'j', NULL, 0,
	  "JSON Lines on stdout: one object per line, each with a \"type\"", 0 },
	{},
};

static error_t parse_verbose(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	switch (key) {
	case 'v':
		env.verbose = true;
		return 0;
	case 'j':
		env.json = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

const struct argp verbose_argp = {
	.options = verbose_opts,
	.parser = parse_verbose,
};

void usage_error(const struct argp_state *state, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", state->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	argp_state_help(state, stderr, ARGP_HELP_USAGE);
	exit(EXIT_USAGE);
}

int parse_subcommand(const struct argp *argp, int argc, char **argv,
		     const char *words, void *input)
{
	char name[128];
	char *saved = argv[0];
	int err;

	snprintf(name, sizeof(name), "ktracectl %s", words);
	argv[0] = name;
	err = argp_parse(argp, argc, argv, ARGP_IN_ORDER, NULL, input);
	argv[0] = saved;
	return err;
}

unsigned long parse_ulong(const struct argp_state *state, const char *what,
			  const char *arg, unsigned long max)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || !v || v > max || arg[0] == '-')
		usage_error(state, "invalid %s: '%s'", what, arg);
	return v;
}

void warn_err(const char *what, int err)
{
	fprintf(stderr, "ktracectl: %s: %s\n", what, kt_strerror(err));
}

struct kt *open_ktrace(void)
{
	struct kt *kt;
	int err;

	err = kt_open(&kt);
	if (!err) {
		if (env.verbose) {
			const struct ktrace_handshake *hs = kt_handshake(kt);

			fprintf(stderr,
				"ktrace ABI %u.%u, record schema %u, %u CPUs, %u probes, features %#llx\n",
				hs->abi_major, hs->abi_minor,
				hs->record_schema, hs->nr_cpus, hs->nr_probes,
				(unsigned long long)hs->features);
		}
		return kt;
	}
	if (err == -ENOENT || err == -ENXIO || err == -ENODEV)
		fprintf(stderr, "ktracectl: cannot open %s: %s (is ktrace.ko loaded?)\n",
			KTRACE_DEVICE, strerror(-err));
	else
		warn_err("cannot open " KTRACE_DEVICE, err);
	return NULL;
}

int find_probe(struct kt *kt, const char *name, struct ktrace_probe_info *out)
{
	struct ktrace_probe_info *infos;
	int i, n;

	n = kt_probe_list(kt, &infos);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		if (!strncmp(infos[i].name, name, sizeof(infos[i].name))) {
			*out = infos[i];
			free(infos);
			return 0;
		}
	}
	free(infos);
	return -ENOENT;
}

void set_pid_filter(struct ktrace_enable *en,
		    const struct ktrace_probe_info *info, __u32 pid)
{
	if (info->flags & KTRACE_ENABLE_TGID ||
	    !(info->flags & KTRACE_ENABLE_PID)) {
		en->flags |= KTRACE_ENABLE_TGID;
		en->tgid = pid;
	} else {
		en->flags |= KTRACE_ENABLE_PID;
		en->pid = pid;
	}
}
