// SPDX-License-Identifier: GPL-2.0
/*
 * funccount: calls of the kernel functions matching a name or a wildcard
 * ("vfs_*", glob syntax: * ? [...]), counted per function
 * (KTRACE_KEY_FUNC: key[0] is the function's index in the instance's
 * symbol list, which KTRACE_IOC_SYMBOLS returns).  Each instance has one
 * kprobe per function; the handler applies the task filters and counts.
 *
 * Expanding a wildcard needs the kernel's symbol names, and neither
 * kallsyms_on_each_symbol() nor kallsyms_lookup_name() is exported to
 * modules on 6.1 or 6.12.  The alternatives were: calling them through an
 * address found with a kprobe (circumvents the export policy, and the
 * callback's signature changed in 6.3); reading /proc/kallsyms or
 * available_filter_functions with kernel_read() (both are seq_read files
 * without read_iter, which kernel_read() refuses); ftrace_set_filter()
 * with the glob (exported, but the matched set cannot be read back, so no
 * per-function list and no cap); expanding in userspace (a new ioctl to
 * pass the list).  We walk vmlinux's symbols with sprint_symbol(), which
 * is exported on every kernel we build for (see kt_fc_expand()), and
 * register each match by name like any kprobe, so the kernel's own checks
 * decide what is probeable.  Names never leave the module with an
 * address.  Module functions can be named exactly, not by a wildcard.
 *
 * A plain name is registered directly: -ENOENT when it does not exist.
 * A wildcard's matches (text symbols, each name once) that kprobes refuse
 * (blacklisted, notrace, not a function start) are skipped and counted in
 * a message; more than KTRACE_FUNCCOUNT_MAX matches is -E2BIG, none that
 * can be probed -ENOENT.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/glob.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "../kprobe.h"
#include "../probe.h"

#define KT_FC_CAPACITY		1024
static_assert(KT_FC_CAPACITY >= KTRACE_FUNCCOUNT_MAX);

struct kt_fc_func {
	struct kprobe kp;
	struct kt_inst *inst;
};

struct kt_fc {
	u32 nr;				/* functions probed */
	struct kt_fc_func *funcs;	/* nr, in symbol-list order */
	struct kprobe **kps;		/* the same, for unregister_kprobes() */
	char (*names)[KTRACE_SYMBOL_LEN];	/* candidates, then probed */
};

static int kt_fc_on_call(struct kprobe *kp, struct pt_regs *regs)
{
	struct kt_fc_func *func = container_of(kp, struct kt_fc_func, kp);
	struct kt_inst *inst = func->inst;
	struct kt_fc *fc = inst->priv;
	u64 key[2] = { func - fc->funcs, 0 };
	u64 t0 = kt_hit_begin(inst);

	if (kt_filter_task(&inst->filter, current))
		kt_inst_add(inst, key, 1);
	else
		this_cpu_inc(inst->stats->filtered);
	kt_hit_end(inst, t0);
	return 0;
}

static bool kt_fc_is_glob(const char *pattern)
{
	return strpbrk(pattern, "*?[");
}

/* Adds @name (not terminated, @len bytes) to the candidates, once. */
static int kt_fc_add(struct kt_fc *fc, const char *name, size_t len)
{
	u32 i;

	if (len >= KTRACE_SYMBOL_LEN)
		return 0;	/* cannot be named through the ABI */
	for (i = 0; i < fc->nr; i++)
		if (!strncmp(fc->names[i], name, len) && !fc->names[i][len])
			return 0;	/* static functions share names */
	if (fc->nr == KTRACE_FUNCCOUNT_MAX)
		return -E2BIG;
	memcpy(fc->names[fc->nr], name, len);
	fc->names[fc->nr][len] = '\0';
	fc->nr++;
	return 0;
}

/*
 * The symbol at @addr from sprint_symbol(), "NAME+0xOFF/0xSIZE": @buf is
 * cut to NAME, the symbol's start and size returned.  False when @addr is
 * in no symbol (the output is then a bare address) or in a module's.
 */
static bool kt_fc_sym_at(unsigned long addr, char *buf, unsigned long *start,
			 unsigned long *size)
{
	unsigned long off;
	char *plus, *slash;

	sprint_symbol(buf, addr);
	if (strchr(buf, ' '))
		return false;	/* " [module]": outside vmlinux */
	plus = strrchr(buf, '+');
	slash = plus ? strchr(plus, '/') : NULL;
	if (!slash)
		return false;
	*plus = '\0';
	*slash = '\0';
	if (kstrtoul(plus + 1, 0, &off) || kstrtoul(slash + 1, 0, size) ||
	    off > addr)
		return false;
	*start = addr - off;
	return true;
}

/* Compiler-made entry padding and CFI stubs, not functions. */
static bool kt_fc_not_function(const char *name)
{
	return !strncmp(name, "__pfx_", 6) || !strncmp(name, "__cfi_", 6);
}

/* Where the kernel's text ends (the first that its aliases leave us). */
static bool kt_fc_text_end(const char *name)
{
	return !strcmp(name, "_etext") || !strcmp(name, "__start_rodata") ||
	       !strcmp(name, "_sdata") || !strcmp(name, "__init_begin");
}

/*
 * Fills fc->names with the vmlinux text symbols matching @pattern.
 *
 * kallsyms gives each symbol the size up to the next one, so the symbols
 * tile the kernel's text: from any text address, the symbol before is the
 * one at (start - 1) and the one after at (start + size).  We walk from
 * schedule() (exported, so reachable) down to _text and up to _etext.
 * Aliases (several names at one address) show only one of their names.
 */
static int kt_fc_expand(struct kt_fc *fc, const char *pattern)
{
	unsigned long origin = (unsigned long)schedule, addr, start, size;
	char *buf;
	int dir, err = 0;

	buf = kmalloc(KSYM_SYMBOL_LEN, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (dir = -1; dir <= 1 && !err; dir += 2) {
		addr = origin;
		if (dir < 0) {
			/* Down from the symbol before schedule()'s. */
			if (!kt_fc_sym_at(addr, buf, &start, &size))
				break;
			addr = start - 1;
		}
		while (kt_fc_sym_at(addr, buf, &start, &size)) {
			if (dir > 0 && kt_fc_text_end(buf))
				break;
			if (!kt_fc_not_function(buf) &&
			    glob_match(pattern, buf))
				err = kt_fc_add(fc, buf, strlen(buf));
			if (err || (dir < 0 && !strcmp(buf, "_text")))
				break;
			if (dir < 0) {
				if (!start)
					break;
				addr = start - 1;
			} else {
				addr = start + max(size, 1UL);
			}
			if (fatal_signal_pending(current)) {
				err = -EINTR;
				break;
			}
			cond_resched();
		}
	}
	kfree(buf);
	return err;
}

static void kt_fc_free(struct kt_fc *fc)
{
	kvfree(fc->kps);
	kvfree(fc->funcs);
	kvfree(fc->names);
	kfree(fc);
}

/* Registers a kprobe per candidate; refused ones are dropped from the list. */
static u32 kt_fc_register(struct kt_fc *fc, struct kt_inst *inst, int *err)
{
	struct kt_fc_func *func;
	u32 i, nr = 0;

	for (i = 0; i < fc->nr; i++) {
		if (nr != i)
			memcpy(fc->names[nr], fc->names[i], KTRACE_SYMBOL_LEN);
		func = &fc->funcs[nr];
		func->inst = inst;
		*err = kt_kprobe_register(&func->kp, fc->names[nr],
					  kt_fc_on_call);
		if (*err) {
			pr_debug("cannot probe %s: %d\n", fc->names[nr], *err);
			continue;
		}
		fc->kps[nr++] = &func->kp;
	}
	for (i = nr; i < fc->nr; i++)
		memset(fc->names[i], 0, KTRACE_SYMBOL_LEN);
	return nr;
}

static int kt_fc_attach(struct kt_inst *inst)
{
	const char *pattern = inst->symbol;
	struct kt_fc *fc;
	u32 matched;
	int err;

	if (!pattern[0])
		return -EINVAL;
	fc = kzalloc(sizeof(*fc), GFP_KERNEL);
	if (!fc)
		return -ENOMEM;
	err = -ENOMEM;
	fc->names = kvcalloc(KTRACE_FUNCCOUNT_MAX, KTRACE_SYMBOL_LEN,
			     GFP_KERNEL);
	if (!fc->names)
		goto err_free;
	if (kt_fc_is_glob(pattern)) {
		err = kt_fc_expand(fc, pattern);
		if (err)
			goto err_free;
	} else {
		strscpy(fc->names[0], pattern, KTRACE_SYMBOL_LEN);
		fc->nr = 1;
	}
	err = -ENOENT;
	if (!fc->nr)
		goto err_free;
	err = -ENOMEM;
	fc->funcs = kvcalloc(fc->nr, sizeof(*fc->funcs), GFP_KERNEL);
	fc->kps = kvcalloc(fc->nr, sizeof(*fc->kps), GFP_KERNEL);
	if (!fc->funcs || !fc->kps)
		goto err_free;

	/* Handlers may run as soon as a kprobe is armed: publish fc first. */
	inst->priv = fc;
	matched = fc->nr;
	fc->nr = kt_fc_register(fc, inst, &err);
	if (!fc->nr) {
		/* A plain name keeps its own error: ENOENT, EINVAL... */
		if (kt_fc_is_glob(pattern))
			err = -ENOENT;
		inst->priv = NULL;
		goto err_free;
	}
	if (fc->nr < matched)
		pr_info("funccount '%s': %u functions probed, %u not probeable skipped\n",
			pattern, fc->nr, matched - fc->nr);
	return 0;

err_free:
	kt_fc_free(fc);
	return err;
}

static void kt_fc_detach(struct kt_inst *inst)
{
	struct kt_fc *fc = inst->priv;

	/* One grace period for all: waits for running handlers. */
	unregister_kprobes(fc->kps, fc->nr);
	kt_fc_free(fc);
	inst->priv = NULL;
}

static u64 kt_fc_missed(struct kt_inst *inst)
{
	struct kt_fc *fc = inst->priv;
	u64 missed = 0;
	u32 i;

	for (i = 0; fc && i < fc->nr; i++)
		missed += fc->funcs[i].kp.nmissed;
	return missed;
}

static const char *kt_fc_symbols(struct kt_inst *inst, u32 *nr)
{
	struct kt_fc *fc = inst->priv;

	if (!fc)
		return NULL;
	*nr = fc->nr;
	return fc->names[0];
}

const struct kt_probe_ops kt_probe_funccount = {
	.name = "funccount",
	.desc = "calls of kernel functions matching a name or wildcard",
	.kind = KTRACE_KIND_COUNT,
	.keys = BIT(KTRACE_KEY_FUNC),
	.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | KTRACE_ENABLE_COMM |
		 KTRACE_ENABLE_CGROUP | KTRACE_ENABLE_SYMBOL,
	/* Every function can have its own entry (a power of two). */
	.capacity = KT_FC_CAPACITY,
	.inst_attach = kt_fc_attach,
	.inst_detach = kt_fc_detach,
	.inst_missed = kt_fc_missed,
	.inst_symbols = kt_fc_symbols,
};
