// SPDX-License-Identifier: GPL-2.0
/*
 * funclatency's BPF version (bpf/funclatency.bpf.c): its loader.  The
 * function is timed by an fentry/fexit pair where this kernel can attach
 * one to it (BTF types it and a trampoline attaches: tried with a
 * trivial program first), else by a kprobe/kretprobe pair, as module
 * functions and functions BTF lacks always are.  KTRACE_BPF_KPROBE=1 in
 * the environment takes the kprobes where both would do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include "ktracectl.h"
#include "bpf_probe.h"
#include "funclatency.skel.h"

/* Whether /proc/kallsyms has a text symbol @name, vmlinux's or a module's. */
static bool ksym_exists(const char *name)
{
	char line[512], sym[256], type;
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return true;	/* cannot tell: let the attach decide */
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %c %255s", &type, sym) == 2 &&
			(type == 't' || type == 'T') && !strcmp(sym, name);
	fclose(f);
	return found;
}

/*
 * Whether an fentry program attaches to @func: "return 0" loaded against
 * its BTF id and attached through a trampoline, then let go.
 */
static bool fentry_works(const char *func)
{
	const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	const char *kp = getenv("KTRACE_BPF_KPROBE");
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_TRACE_FENTRY);
	struct btf *vmlinux;
	int id, fd, link;

	if (kp && *kp && strcmp(kp, "0"))
		return false;
	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return false;
	id = btf__find_by_name_kind(vmlinux, func, BTF_KIND_FUNC);
	btf__free(vmlinux);
	if (id <= 0) {
		if (env.verbose)
			fprintf(stderr, "bpf: %s: not in the kernel's BTF\n",
				func);
		return false;
	}
	opts.attach_btf_id = (__u32)id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", ret0,
			   sizeof(ret0) / sizeof(ret0[0]), &opts);
	if (fd < 0) {
		if (env.verbose)
			fprintf(stderr, "bpf: %s: no fentry program loads: %s\n",
				func, strerror(errno));
		return false;
	}
	/* As libbpf attaches fentry programs, on every kernel that has them. */
	link = bpf_raw_tracepoint_open(NULL, fd);
	if (link >= 0)
		close(link);
	else if (env.verbose)
		fprintf(stderr, "bpf: %s: no trampoline attaches: %s\n", func,
			strerror(errno));
	close(fd);
	return link >= 0;
}

static int fl_open(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct funclatency_bpf *skel;
	bool fentry;
	int err;

	if (!ksym_exists(en->symbol))
		return -ENOENT;
	fentry = fentry_works(en->symbol);
	skel = funclatency_bpf__open();
	if (!skel)
		return -errno;
	bi->skel = skel;
	bi->sk = skel->skeleton;
	bi->obj = skel->obj;
	bpf_cfg_set(&skel->rodata->kt_cfg, bi, en);
	bpf_program__set_autoload(skel->progs.kt_fl_fentry, fentry);
	bpf_program__set_autoload(skel->progs.kt_fl_fexit, fentry);
	bpf_program__set_autoload(skel->progs.kt_fl_kprobe, !fentry);
	bpf_program__set_autoload(skel->progs.kt_fl_kretprobe, !fentry);
	if (env.verbose)
		fprintf(stderr, "bpf: %s: %s\n", en->symbol,
			fentry ? "fentry" : "kprobe");
	if (!fentry)
		return 0;
	err = bpf_program__set_attach_target(skel->progs.kt_fl_fentry, 0,
					     en->symbol);
	if (!err)
		err = bpf_program__set_attach_target(skel->progs.kt_fl_fexit,
						     0, en->symbol);
	return err;
}

/* The kprobe pair, which the skeleton cannot attach by itself. */
static int fl_attach(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct funclatency_bpf *skel = bi->skel;
	struct bpf_program *progs[] = { skel->progs.kt_fl_kprobe,
					skel->progs.kt_fl_kretprobe };
	struct bpf_link *link;
	int i, err;

	if (!bpf_program__autoload(skel->progs.kt_fl_kprobe))
		return 0;
	for (i = 0; i < 2; i++) {
		link = bpf_program__attach_kprobe(progs[i], i == 1,
						  en->symbol);
		if (!link)
			return -errno;
		err = bpf_inst_add_link(bi, link);
		if (err)
			return err;
	}
	return 0;
}

const struct bpf_probe bpf_funclatency = {
	.info = {
		.name = "funclatency",
		.desc = "latency of a kernel function, entry to return",
		.kind = KTRACE_KIND_HIST,
		.keys = 1U << KTRACE_KEY_NONE | 1U << KTRACE_KEY_PID |
			1U << KTRACE_KEY_TGID,
		/* No linear histograms yet. */
		.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID |
			 KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP |
			 KTRACE_ENABLE_SYMBOL,
	},
	.capacity = 1024,
	.open = fl_open,
	.attach = fl_attach,
};
