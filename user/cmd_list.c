// SPDX-License-Identifier: GPL-2.0
/* ktracectl list: the probes ktrace.ko offers. */
#include <stdio.h>
#include <stdlib.h>
#include "ktracectl.h"

static const char list_doc[] =
"List the probes ktrace.ko offers: name, kind and description.\n"
"\n"
"USAGE: ktracectl list [-v]\n"
"\n"
"With -v, also the breakdown keys, ENABLE flags and options each accepts.";

static error_t parse_list(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	if (key == ARGP_KEY_ARG)
		usage_error(state, "unexpected argument '%s'", arg);
	return ARGP_ERR_UNKNOWN;
}

static const char *kind_name(__u32 kind)
{
	switch (kind) {
	case KTRACE_KIND_HIST:
		return "hist";
	case KTRACE_KIND_COUNT:
		return "count";
	case KTRACE_KIND_STREAM:
		return "stream";
	default:
		return "?";
	}
}

int cmd_list(int argc, char **argv)
{
	static const struct argp_child children[] = {
		{ &verbose_argp, 0, NULL, 0 },
		{},
	};
	static const struct argp argp = {
		.parser = parse_list,
		.doc = list_doc,
		.children = children,
	};
	struct ktrace_probe_info *infos;
	struct kt *kt;
	int i, n;

	if (parse_subcommand(&argp, argc, argv, "list", NULL))
		return EXIT_USAGE;
	kt = open_ktrace();
	if (!kt)
		return EXIT_FAIL;
	n = kt_probe_list(kt, &infos);
	if (n < 0) {
		warn_err("probe list", n);
		kt_close(kt);
		return EXIT_FAIL;
	}
	printf("%-24s %-7s %s\n", "PROBE", "KIND", "DESCRIPTION");
	for (i = 0; i < n; i++) {
		printf("%-24.*s %-7s %.*s\n", (int)sizeof(infos[i].name),
		       infos[i].name, kind_name(infos[i].kind),
		       (int)sizeof(infos[i].desc), infos[i].desc);
		if (env.verbose)
			printf("%-24s keys %#x flags %#llx opts %#llx\n", "",
			       infos[i].keys,
			       (unsigned long long)infos[i].flags,
			       (unsigned long long)infos[i].opts);
	}
	free(infos);
	kt_close(kt);
	return 0;
}
