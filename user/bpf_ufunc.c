// SPDX-License-Identifier: GPL-2.0
/*
 * ufunclatency's and ufunccount's loader (bpf/ufunc.bpf.c), BPF only:
 * ktrace.ko hooks no user-space code.  The functions come from the
 * command (bpf_ufunc_targets()); each is attached by name, libbpf finding
 * its file offset in the ELF symbol table, so one uprobe covers every
 * process that maps the file, now or later.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bpf_probe.h"
#include "bpf_ufunc.h"
#include "ufunc.skel.h"

/* Where a library named without a directory is looked for. */
static const char *const lib_dirs[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64",
	"/usr/lib64", "/lib", "/usr/lib", "/usr/local/lib",
};

static const struct ufunc_target *uf_targets;
static unsigned int uf_nr;

void bpf_ufunc_targets(const struct ufunc_target *t, unsigned int n)
{
	uf_targets = t;
	uf_nr = n;
}

/* @bin as a path: itself with a '/', else the first library dir having it. */
static int resolve(const char *bin, char *path)
{
	size_t i;

	if (strchr(bin, '/')) {
		if (snprintf(path, PATH_MAX, "%s", bin) >= PATH_MAX)
			return -ENAMETOOLONG;
		return access(path, R_OK) ? -errno : 0;
	}
	for (i = 0; i < sizeof(lib_dirs) / sizeof(lib_dirs[0]); i++) {
		if (snprintf(path, PATH_MAX, "%s/%s", lib_dirs[i], bin) <
		    PATH_MAX && !access(path, R_OK))
			return 0;
	}
	return -ENOENT;
}

static bool have(const struct ufunc_target *t, unsigned int n,
		 const char *path, const char *func)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!strcmp(t[i].func, func) && !strcmp(t[i].path, path))
			return true;
	return false;
}

/* Appends @path's defined functions matching @pat; how many matched. */
static int scan_elf(Elf *e, const char *path, const char *pat,
		    struct ufunc_target *t, unsigned int max, unsigned int *n)
{
	Elf_Scn *scn = NULL;
	int matched = 0;

	while ((scn = elf_nextscn(e, scn))) {
		Elf_Data *data;
		GElf_Shdr sh;
		size_t i, cnt;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) ||
		    !sh.sh_entsize)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		cnt = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < cnt; i++) {
			const char *name;
			GElf_Sym sym;

			if (!gelf_getsym(data, (int)i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF || !sym.st_value)
				continue;
			name = elf_strptr(e, sh.sh_link, sym.st_name);
			if (!name || !*name || strlen(name) >= KTRACE_SYMBOL_LEN ||
			    fnmatch(pat, name, 0))
				continue;
			matched++;
			if (have(t, *n, path, name))
				continue;
			if (*n == max)
				return -E2BIG;
			memset(&t[*n], 0, sizeof(t[*n]));
			snprintf(t[*n].path, sizeof(t[*n].path), "%s", path);
			snprintf(t[*n].func, sizeof(t[*n].func), "%s", name);
			(*n)++;
		}
	}
	return matched;
}

/* "u:BINARY:PROVIDER:NAME" (@spec past "u:"): one USDT probe. */
static int usdt_expand(const char *spec, struct ufunc_target *t,
		       unsigned int max, unsigned int *n)
{
	const char *name = strrchr(spec, ':'), *prov;
	char bin[PATH_MAX], path[PATH_MAX];
	int err;

	if (!name || name == spec || !name[1] ||
	    strlen(name + 1) >= sizeof(t->func))
		return -EINVAL;
	for (prov = name - 1; prov > spec && *prov != ':'; prov--)
		;
	if (prov == spec || (size_t)(prov - spec) >= sizeof(bin) ||
	    name - prov - 1 <= 0 ||
	    (size_t)(name - prov - 1) >= sizeof(t->provider))
		return -EINVAL;
	snprintf(bin, sizeof(bin), "%.*s", (int)(prov - spec), spec);
	err = resolve(bin, path);
	if (err)
		return err;
	if (*n == max)
		return -E2BIG;
	t += *n;
	memset(t, 0, sizeof(*t));
	t->usdt = true;
	snprintf(t->path, sizeof(t->path), "%s", path);
	snprintf(t->provider, sizeof(t->provider), "%.*s",
		 (int)(name - prov - 1), prov + 1);
	snprintf(t->func, sizeof(t->func), "%s", name + 1);
	(*n)++;
	return 0;
}

int ufunc_expand(const char *spec, struct ufunc_target *t, unsigned int max,
		 unsigned int *n)
{
	const char *colon = strrchr(spec, ':');
	char bin[PATH_MAX], path[PATH_MAX];
	int fd, err;
	Elf *e;

	if (!strncmp(spec, "u:", 2))
		return usdt_expand(spec + 2, t, max, n);
	if (!colon || colon == spec || !colon[1] ||
	    (size_t)(colon - spec) >= sizeof(bin))
		return -EINVAL;
	snprintf(bin, sizeof(bin), "%.*s", (int)(colon - spec), spec);
	err = resolve(bin, path);
	if (err)
		return err;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF)
		err = -ENOEXEC;
	else
		err = scan_elf(e, path, colon + 1, t, max, n);
	if (e)
		elf_end(e);
	close(fd);
	if (err < 0)
		return err;
	return err ? 0 : -ESRCH;
}

static int uf_open(struct bpf_inst *bi, const struct ktrace_enable *en,
		   bool count)
{
	struct ufunc_bpf *skel;

	if (!uf_nr)
		return -EINVAL;
	skel = ufunc_bpf__open();
	if (!skel)
		return -errno;
	bi->skel = skel;
	bi->sk = skel->skeleton;
	bi->obj = skel->obj;
	bpf_cfg_set(&skel->rodata->kt_cfg, bi, en);
	bpf_program__set_autoload(skel->progs.kt_uf_entry, !count);
	bpf_program__set_autoload(skel->progs.kt_uf_return, !count);
	bpf_program__set_autoload(skel->progs.kt_uf_count, count);
	bpf_program__set_autoload(skel->progs.kt_uf_usdt, count);
	return 0;
}

static int ufl_open(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	return uf_open(bi, en, false);
}

static int ufc_open(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	return uf_open(bi, en, true);
}

/* One uprobe (or uretprobe) on target @i, kept in @bi. */
static int attach_one(struct bpf_inst *bi, struct bpf_program *prog,
		      unsigned int i, bool ret)
{
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .func_name = uf_targets[i].func,
		    .retprobe = ret, .bpf_cookie = i);
	struct bpf_link *link;
	int err;

	/* Every process (-1): -p is the programs' filter, threads and all. */
	link = bpf_program__attach_uprobe_opts(prog, -1, uf_targets[i].path, 0,
					       &opts);
	if (!link) {
		err = -errno;
		fprintf(stderr, "ktracectl: cannot attach a %s to %s in %s: %s\n",
			ret ? "uretprobe" : "uprobe", uf_targets[i].func,
			uf_targets[i].path, strerror(-err));
		return err;
	}
	return bpf_inst_add_link(bi, link);
}

static int ufl_attach(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct ufunc_bpf *skel = bi->skel;
	int err;

	(void)en;
	/* The return first: an entry stamped with no return to take it leaks. */
	err = attach_one(bi, skel->progs.kt_uf_return, 0, true);
	return err ? err : attach_one(bi, skel->progs.kt_uf_entry, 0, false);
}

/* USDT probe @i: every site libbpf finds in the binary's notes. */
static int attach_usdt(struct bpf_inst *bi, struct bpf_program *prog,
		       unsigned int i)
{
	LIBBPF_OPTS(bpf_usdt_opts, opts, .usdt_cookie = i);
	const struct ufunc_target *t = &uf_targets[i];
	struct bpf_link *link;
	int err;

	link = bpf_program__attach_usdt(prog, -1, t->path, t->provider,
					t->func, &opts);
	if (!link) {
		err = -errno;
		fprintf(stderr, "ktracectl: cannot attach to USDT probe %s:%s in %s: %s\n",
			t->provider, t->func, t->path, strerror(-err));
		return err;
	}
	return bpf_inst_add_link(bi, link);
}

static int ufc_attach(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct ufunc_bpf *skel = bi->skel;
	unsigned int i;
	int err;

	(void)en;
	for (i = 0; i < uf_nr; i++) {
		if (uf_targets[i].usdt)
			err = attach_usdt(bi, skel->progs.kt_uf_usdt, i);
		else
			err = attach_one(bi, skel->progs.kt_uf_count, i,
					 false);
		if (err)
			return err;
	}
	return 0;
}

/* KTRACE_IOC_SYMBOLS: the functions, "BINARY:FUNC", in key order. */
static int ufc_symbols(struct bpf_inst *bi, char **names, __u32 *nr)
{
	unsigned int i;
	char *buf;

	(void)bi;
	buf = calloc(uf_nr ? uf_nr : 1, KTRACE_SYMBOL_LEN);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < uf_nr; i++)
		snprintf(buf + (size_t)i * KTRACE_SYMBOL_LEN, KTRACE_SYMBOL_LEN,
			 "%s", uf_targets[i].func);
	*names = buf;
	*nr = uf_nr;
	return 0;
}

const struct bpf_probe bpf_ufunclatency = {
	.info = {
		.name = "ufunclatency",
		.desc = "user function latency, entry to return (uprobes)",
		.kind = KTRACE_KIND_HIST,
		.keys = 1U << KTRACE_KEY_NONE | 1U << KTRACE_KEY_PID |
			1U << KTRACE_KEY_TGID,
		.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID |
			 KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP,
	},
	.capacity = 256,
	.open = ufl_open,
	.attach = ufl_attach,
	.bpf_only = true,
};

const struct bpf_probe bpf_ufunccount = {
	.info = {
		.name = "ufunccount",
		.desc = "user function call counts (uprobes)",
		.kind = KTRACE_KIND_COUNT,
		.keys = 1U << KTRACE_KEY_FUNC,
		.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID |
			 KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP,
	},
	.capacity = UFUNC_MAX,
	.open = ufc_open,
	.attach = ufc_attach,
	.symbols = ufc_symbols,
	.bpf_only = true,
};
