// SPDX-License-Identifier: GPL-2.0
/*
 * funccount's BPF version (bpf/funccount.bpf.c): its loader, which
 * expands the pattern into function names as the module does (vmlinux's
 * text symbols, each name once, at most KTRACE_FUNCCOUNT_MAX) and
 * attaches to them.  The names come from available_filter_functions
 * where tracefs shows it (the functions fprobes, hence kprobe_multi, can
 * hook), else from /proc/kallsyms.  One kprobe_multi link takes them all
 * where the kernel has kprobe_multi; where it has not, or refuses the
 * set, one kprobe each, the refused ones skipped as the module skips
 * them.  KTRACE_BPF_KPROBE=1 in the environment takes the kprobes where
 * both would do.  A plain name is probed as it is: -ENOENT when no text
 * symbol has it.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ktracectl.h"
#include "bpf_probe.h"
#include "funccount.skel.h"

struct fc_priv {
	char (*names)[KTRACE_SYMBOL_LEN];	/* matches, then probed */
	__u32 nr;
	bool multi;				/* kprobe_multi loaded */
};

static void fc_free(void *p)
{
	struct fc_priv *fc = p;

	if (fc)
		free(fc->names);
	free(fc);
}

static bool is_glob(const char *pattern)
{
	return strpbrk(pattern, "*?[") != NULL;
}

/* Adds @name once; -E2BIG past KTRACE_FUNCCOUNT_MAX. */
static int fc_add(struct fc_priv *fc, const char *name)
{
	__u32 i;

	if (strlen(name) >= KTRACE_SYMBOL_LEN)
		return 0;	/* cannot be named through the ABI */
	for (i = 0; i < fc->nr; i++)
		if (!strcmp(fc->names[i], name))
			return 0;	/* static functions share names */
	if (fc->nr == KTRACE_FUNCCOUNT_MAX)
		return -E2BIG;
	snprintf(fc->names[fc->nr++], KTRACE_SYMBOL_LEN, "%s", name);
	return 0;
}

static FILE *open_filter_functions(void)
{
	static const char *const paths[] = {
		"/sys/kernel/tracing/available_filter_functions",
		"/sys/kernel/debug/tracing/available_filter_functions",
	};
	FILE *f;
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		f = fopen(paths[i], "r");
		if (f)
			return f;
	}
	return NULL;
}

/*
 * vmlinux's functions matching @pattern (or named @pattern, with
 * @exact, modules' too) into @fc; 0 or -errno.
 */
static int fc_expand(struct fc_priv *fc, const char *pattern, bool exact)
{
	char line[512], name[256], type, rest[64];
	FILE *f = exact ? NULL : open_filter_functions();
	bool ftrace = f != NULL;
	int err = 0, n;

	if (!f)
		f = fopen("/proc/kallsyms", "r");
	if (!f)
		return -errno;
	while (!err && fgets(line, sizeof(line), f)) {
		rest[0] = '\0';
		if (ftrace) {
			/* "name" or "name [module]" */
			n = sscanf(line, "%255s %63s", name, rest);
			if (n < 1)
				continue;
		} else {
			n = sscanf(line, "%*s %c %255s %63s", &type, name, rest);
			if (n < 2 || (type != 't' && type != 'T'))
				continue;
		}
		if (exact) {
			if (!strcmp(name, pattern))
				err = fc_add(fc, name);
			continue;
		}
		if (rest[0] || !strncmp(name, "__ftrace_invalid_address", 24))
			continue;	/* a module's, or a hole */
		if (!fnmatch(pattern, name, 0))
			err = fc_add(fc, name);
	}
	fclose(f);
	if (!err && !fc->nr)
		err = -ENOENT;
	return err;
}

static int fc_open(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	const char *kp = getenv("KTRACE_BPF_KPROBE");
	struct funccount_bpf *skel;
	struct fc_priv *fc;
	int err;

	fc = calloc(1, sizeof(*fc));
	if (!fc)
		return -ENOMEM;
	fc->names = calloc(KTRACE_FUNCCOUNT_MAX, sizeof(*fc->names));
	if (!fc->names) {
		fc_free(fc);
		return -ENOMEM;
	}
	bi->priv = fc;
	bi->free_priv = fc_free;
	err = fc_expand(fc, en->symbol, !is_glob(en->symbol));
	if (err)
		return err;
	fc->multi = !(kp && *kp && strcmp(kp, "0"));

	skel = funccount_bpf__open();
	if (!skel)
		return -errno;
	bi->skel = skel;
	bi->sk = skel->skeleton;
	bi->obj = skel->obj;
	bpf_cfg_set(&skel->rodata->kt_cfg, bi, en);
	/* Both attached by fc_attach(), the kprobes if kprobe_multi fails. */
	bpf_program__set_autoload(skel->progs.kt_fc_multi, fc->multi);
	bpf_program__set_autoattach(skel->progs.kt_fc_multi, false);
	bpf_program__set_autoattach(skel->progs.kt_fc_kprobe, false);
	return 0;
}

static int attach_multi(struct bpf_inst *bi, struct fc_priv *fc)
{
	struct funccount_bpf *skel = bi->skel;
	const char **syms = calloc(fc->nr, sizeof(*syms));
	__u64 *cookies = calloc(fc->nr, sizeof(*cookies));
	LIBBPF_OPTS(bpf_kprobe_multi_opts, opts);
	struct bpf_link *link = NULL;
	__u32 i;
	int err = -ENOMEM;

	if (!syms || !cookies)
		goto out;
	for (i = 0; i < fc->nr; i++) {
		syms[i] = fc->names[i];
		cookies[i] = i;
	}
	opts.syms = syms;
	opts.cookies = cookies;
	opts.cnt = fc->nr;
	link = bpf_program__attach_kprobe_multi_opts(skel->progs.kt_fc_multi,
						     NULL, &opts);
	err = link ? bpf_inst_add_link(bi, link) : -errno;
out:
	free(syms);
	free(cookies);
	return err;
}

/* One kprobe each; the refused ones dropped from the list. */
static int attach_each(struct bpf_inst *bi, struct fc_priv *fc,
		       bool exact)
{
	struct funccount_bpf *skel = bi->skel;
	LIBBPF_OPTS(bpf_kprobe_opts, opts);
	struct bpf_link *link;
	__u32 i, nr = 0;
	int err = -ENOENT;

	for (i = 0; i < fc->nr; i++) {
		opts.bpf_cookie = nr;
		link = bpf_program__attach_kprobe_opts(skel->progs.kt_fc_kprobe,
						       fc->names[i], &opts);
		if (!link) {
			err = -errno;
			continue;
		}
		err = bpf_inst_add_link(bi, link);
		if (err)
			return err;
		if (nr != i)
			memcpy(fc->names[nr], fc->names[i], KTRACE_SYMBOL_LEN);
		nr++;
	}
	if (env.verbose)
		fprintf(stderr, "bpf: funccount: %u kprobes, %u refused\n", nr,
			fc->nr - nr);
	fc->nr = nr;
	if (!nr)
		return exact ? err : -ENOENT;
	return 0;
}

static int fc_attach_quiet(struct bpf_inst *bi, struct fc_priv *fc,
			   const struct ktrace_enable *en)
{
	int err;

	if (fc->multi) {
		err = attach_multi(bi, fc);
		if (!err) {
			if (env.verbose)
				fprintf(stderr,
					"bpf: funccount: kprobe_multi over %u functions\n",
					fc->nr);
			return 0;
		}
		if (env.verbose)
			fprintf(stderr,
				"bpf: funccount: no kprobe_multi (%s): kprobes\n",
				strerror(-err));
	}
	return attach_each(bi, fc, !is_glob(en->symbol));
}

/* libbpf's warnings for each refused function: the module is quiet too. */
static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int fc_attach(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct fc_priv *fc = bi->priv;
	libbpf_print_fn_t print = libbpf_set_print(quiet);
	int err;

	err = fc_attach_quiet(bi, fc, en);
	libbpf_set_print(print);
	return err;
}

static int fc_symbols(struct bpf_inst *bi, char **names, __u32 *nr)
{
	struct fc_priv *fc = bi->priv;
	char *buf = calloc(fc->nr ? fc->nr : 1, KTRACE_SYMBOL_LEN);

	if (!buf)
		return -ENOMEM;
	memcpy(buf, fc->names, (size_t)fc->nr * KTRACE_SYMBOL_LEN);
	*names = buf;
	*nr = fc->nr;
	return 0;
}

const struct bpf_probe bpf_funccount = {
	.info = {
		.name = "funccount",
		.desc = "calls of kernel functions matching a name or wildcard",
		.kind = KTRACE_KIND_COUNT,
		.keys = 1U << KTRACE_KEY_FUNC,
		.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID |
			 KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP |
			 KTRACE_ENABLE_SYMBOL,
	},
	.capacity = 1024,
	.open = fc_open,
	.attach = fc_attach,
	.symbols = fc_symbols,
};
