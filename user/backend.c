// SPDX-License-Identifier: GPL-2.0
/* Picking the backend --backend names; see backend.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "ktracectl.h"
#include "backend.h"

static const char *const kind_names[] = {
	[BACKEND_MODULE] = "module",
	[BACKEND_BPF] = "bpf",
	[BACKEND_AUTO] = "auto",
};

const char *backend_kind_name(enum backend_kind kind)
{
	return kind_names[kind];
}

int backend_parse(const char *arg, enum backend_kind *kind)
{
	size_t i;

	for (i = 0; i < sizeof(kind_names) / sizeof(kind_names[0]); i++) {
		if (!strcmp(arg, kind_names[i])) {
			*kind = (enum backend_kind)i;
			return 0;
		}
	}
	return -EINVAL;
}

#define OPT_BACKEND	0x100	/* long option only */

/* Whether --backend was given: BPF-only probes refuse "module" then. */
static bool backend_given;

static const struct argp_option backend_opts[] = {
	{ "backend", OPT_BACKEND, "KIND", 0,
	  "module (ktrace.ko, the default), bpf (eBPF, no module), or auto "
	  "(the module when /dev/ktrace is there, else bpf)", 0 },
	{},
};

static error_t parse_backend(int key, char *arg, struct argp_state *state)
{
	enum backend_kind kind;

	if (key != OPT_BACKEND)
		return ARGP_ERR_UNKNOWN;
	if (backend_parse(arg, &kind))
		usage_error(state, "invalid backend '%s' (module, bpf or auto)",
			    arg);
	env.backend = kind;
	backend_given = true;
	return 0;
}

const struct argp backend_argp = {
	.options = backend_opts,
	.parser = parse_backend,
};

enum backend_kind backend_resolve(enum backend_kind kind)
{
	if (kind != BACKEND_AUTO)
		return kind;
	return access(KTRACE_DEVICE, F_OK) ? BACKEND_BPF : BACKEND_MODULE;
}

struct backend *backend_open(const char *probe)
{
	enum backend_kind kind = backend_resolve(env.backend);
	struct backend *b;
	struct kt *kt;
	int err;

	if (backend_bpf_only(probe)) {
		/* ktrace.ko has no such probe: BPF unless told module. */
		if (backend_given && env.backend == BACKEND_MODULE) {
			fprintf(stderr,
				"ktracectl: %s needs the BPF backend (ktrace.ko has no such probe; drop --backend module)\n",
				probe);
			return NULL;
		}
		kind = BACKEND_BPF;
	} else if (env.backend == BACKEND_AUTO) {
		fprintf(stderr, "ktracectl: backend %s (%s)\n",
			backend_kind_name(kind),
			kind == BACKEND_MODULE ? KTRACE_DEVICE " is there" :
						 "no " KTRACE_DEVICE);
	}
	if (kind == BACKEND_MODULE) {
		kt = open_ktrace();
		if (!kt)
			return NULL;
		b = backend_module_new(kt);
		if (!b)
			warn_err("backend", -ENOMEM);
		return b;
	}
	b = backend_bpf_new(probe, &err);
	if (b)
		return b;
	if (err == -ENOENT)
		fprintf(stderr,
			"ktracectl: %s: no BPF version of this probe yet (--backend module runs it with ktrace.ko)\n",
			probe);
	else if (err == -EPERM || err == -EACCES)
		fprintf(stderr,
			"ktracectl: bpf backend: bpf() refused (needs CAP_BPF and CAP_PERFMON, or root)\n");
	else if (err == -ENODATA)
		fprintf(stderr,
			"ktracectl: bpf backend: the kernel has no BTF (/sys/kernel/btf/vmlinux), which its programs need\n");
	else
		fprintf(stderr, "ktracectl: bpf backend: %s\n",
			strerror(-err));
	return NULL;
}

void backend_close(struct backend *b)
{
	if (b)
		b->ops->close(b);
}
