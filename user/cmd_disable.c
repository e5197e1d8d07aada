// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl disable: ends probe instances that any process enabled, named
 * as ktracectl status shows them (SESSION:ID), by probe, or all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ktracectl.h"
#include "args.h"
#include "json.h"
#include "status_fmt.h"

static const char disable_doc[] =
"End probe instances, whichever process enabled them.\n"
"\n"
"USAGE: ktracectl disable [-v] {SESSION:ID... | PROBE... | --all}\n"
"\n"
"SESSION:ID is an INSTANCE of ktracectl status; PROBE ends every instance\n"
"of that probe.  The ktracectl that enabled an instance notices, says so\n"
"and exits.  Another user's instances need CAP_SYS_ADMIN.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl disable 3:1            # instance 1 of session 3\n"
"    ktracectl disable block_latency  # every block_latency instance\n"
"    ktracectl disable --all          # everything ktrace.ko traces";

struct disable_args {
	char **targets;
	int nr_targets;
	bool all;
};

static const struct argp_option disable_opts[] = {
	{ "all", 'a', NULL, 0, "Disable every instance", 0 },
	{},
};

static error_t parse_disable(int key, char *arg, struct argp_state *state)
{
	struct disable_args *a = state->input;

	(void)arg;
	switch (key) {
	case 'a':
		a->all = true;
		return 0;
	case ARGP_KEY_ARG:
		if (!a->targets)
			a->targets = &state->argv[state->next - 1];
		a->nr_targets++;
		return 0;
	case ARGP_KEY_END:
		if (a->all && a->nr_targets)
			usage_error(state, "--all takes no instance or probe");
		if (!a->all && !a->nr_targets)
			usage_error(state, "no instance or probe given");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static int disable_one(struct kt *kt, __u32 session, __u32 id,
		       const char *probe)
{
	char what[96];
	int err;

	err = kt_disable_session(kt, session, id);
	snprintf(what, sizeof(what), "%u:%u (%s)", session, id, probe);
	if (err) {
		if (err == -ENOENT)
			fprintf(stderr,
				"ktracectl: no instance %u:%u (ktracectl status lists them)\n",
				session, id);
		else if (err == -EPERM)
			fprintf(stderr,
				"ktracectl: %s: another user's instance (needs CAP_SYS_ADMIN)\n",
				what);
		else
			warn_err(what, err);
		return err;
	}
	if (env.json) {
		struct json j;
		char ref[24];

		snprintf(ref, sizeof(ref), "%u:%u", session, id);
		json_line_begin(&j, "disabled");
		json_kstr(&j, "instance", ref);
		json_kstr(&j, "probe", probe);
		json_line_end(&j);
	} else {
		printf("disabled %s\n", what);
	}
	return 0;
}

/* Whether @target names instance @e: its SESSION:ID or its probe. */
static bool matches(const char *target, const struct ktrace_status_entry *e)
{
	__u32 session, id;

	if (!parse_instance_ref(target, &session, &id))
		return session == e->session && id == e->id;
	return !strncmp(target, e->enable.probe, sizeof(e->enable.probe));
}

int cmd_disable(int argc, char **argv)
{
	static const struct argp argp = {
		.options = disable_opts,
		.parser = parse_disable,
		.args_doc = "SESSION:ID...|PROBE...",
		.doc = disable_doc,
		.children = verbose_children,
	};
	struct ktrace_status_entry *ents;
	struct disable_args a = { 0 };
	int i, t, n, done, status = 0;
	struct kt *kt;

	if (parse_subcommand(&argp, argc, argv, "disable", &a))
		return EXIT_USAGE;
	kt = open_ktrace();
	if (!kt)
		return EXIT_FAIL;
	n = kt_status(kt, &ents, NULL);
	if (n < 0) {
		warn_err("status", n);
		kt_close(kt);
		return EXIT_FAIL;
	}
	for (i = 0; i < n && a.all; i++)
		if (disable_one(kt, ents[i].session, ents[i].id,
				ents[i].enable.probe))
			status = EXIT_FAIL;
	for (t = 0; t < a.nr_targets; t++) {
		__u32 session, id;

		for (i = 0, done = 0; i < n; i++) {
			if (!matches(a.targets[t], &ents[i]))
				continue;
			if (disable_one(kt, ents[i].session, ents[i].id,
					ents[i].enable.probe))
				status = EXIT_FAIL;
			done++;
		}
		if (done)
			continue;
		status = EXIT_FAIL;
		if (!parse_instance_ref(a.targets[t], &session, &id))
			fprintf(stderr,
				"ktracectl: no instance %s (ktracectl status lists them)\n",
				a.targets[t]);
		else
			fprintf(stderr, "ktracectl: no %s instance is enabled\n",
				a.targets[t]);
	}
	if (a.all && !n && !env.json)
		printf("nothing to disable\n");
	free(ents);
	kt_close(kt);
	return status;
}
