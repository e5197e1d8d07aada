// SPDX-License-Identifier: GPL-2.0
/* ktracectl list: the probes ktrace.ko offers. */
#include <stdio.h>
#include <stdlib.h>
#include "ktracectl.h"
#include "json.h"

static const char list_doc[] =
"List the probes ktrace.ko offers: name, kind and description.\n"
"\n"
"USAGE: ktracectl list [-v] [-j]\n"
"\n"
"With -v, also the breakdown keys, ENABLE flags and options each accepts;\n"
"with -j, one JSON object per probe.";

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

/* KTRACE_KEY_* as --json names them. */
static const char *const key_names[] = {
	[KTRACE_KEY_NONE] = "none",
	[KTRACE_KEY_DEV] = "dev",
	[KTRACE_KEY_PID] = "pid",
	[KTRACE_KEY_TGID] = "tgid",
	[KTRACE_KEY_SYSCALL] = "syscall",
	[KTRACE_KEY_COMM] = "comm",
	[KTRACE_KEY_STACK] = "stack",
	[KTRACE_KEY_FLAGS] = "flags",
	[KTRACE_KEY_CPU] = "cpu",
	[KTRACE_KEY_FUNC] = "func",
};

/* {"type":"probe","name":...,"kind":...,"description":...,"keys":[...]} */
static void json_probe(const struct ktrace_probe_info *info)
{
	struct json j;
	char buf[16];
	unsigned int k;

	json_line_begin(&j, "probe");
	json_kstrn(&j, "name", info->name, sizeof(info->name));
	json_kstr(&j, "kind", kind_name(info->kind));
	json_kstrn(&j, "description", info->desc, sizeof(info->desc));
	json_key(&j, "keys");
	json_arr_begin(&j);
	for (k = 0; k < 32; k++) {
		if (!(info->keys & (1U << k)))
			continue;
		/* A key newer than this program: its number. */
		snprintf(buf, sizeof(buf), "key%u", k);
		json_str(&j, k < sizeof(key_names) / sizeof(key_names[0]) ?
			 key_names[k] : buf);
	}
	json_arr_end(&j);
	if (env.verbose) {
		json_ku64(&j, "flags", info->flags);
		json_ku64(&j, "opts", info->opts);
	}
	json_line_end(&j);
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
	if (!env.json)
		printf("%-24s %-7s %s\n", "PROBE", "KIND", "DESCRIPTION");
	for (i = 0; i < n; i++) {
		if (env.json) {
			json_probe(&infos[i]);
			continue;
		}
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
