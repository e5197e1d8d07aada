// SPDX-License-Identifier: GPL-2.0
/*
 * tpcount: hits of the kernel tracepoints matching a name or a glob on the
 * tracepoint name ("sched_*", * ? [...]), counted per tracepoint
 * (KTRACE_KEY_FUNC: key[0] is the tracepoint's index in the instance's
 * symbol list, KTRACE_IOC_SYMBOLS) or per CPU and tracepoint
 * (KTRACE_KEY_CPU: key[0] the CPU, key[1] the index), like
 * "perf stat -e 'sched:*'".  The module knows tracepoint names only, not
 * the "subsystem:" of tracefs: ktracectl maps "sched:*" to a glob and keeps
 * the names found under events/sched/.  Only vmlinux's tracepoints are
 * searched (for_each_kernel_tracepoint()), not those of modules.
 *
 * Each instance registers one callback per matched tracepoint, with its
 * own struct kt_tpc_tp as data, so the callback knows which tracepoint
 * fired and for which instance without any lookup.
 *
 * The callback's prototype.  A tracepoint calls its probes as
 * void (*)(void *data, <the tracepoint's arguments>), and there is no
 * generic prototype for "any tracepoint": ftrace and LTTng generate one
 * callback per event for that reason.  We register the single
 * kt_tpc_on_hit(void *data) on all of them.  That is a call through a
 * mismatched function type, undefined in C; it works on x86-64 (the only
 * architecture we build for) because the SysV ABI passes the first six
 * integer arguments in registers and the caller, not the callee, owns the
 * stack: a callee that reads only its first argument never sees the
 * others.  It would break under kCFI (CONFIG_CFI_CLANG, which checks the
 * type at each indirect call) and is not something upstream would take;
 * Debian's kernels are built with gcc without CFI.  The callback must
 * therefore never look at any argument but data.
 *
 * A name that is not a tracepoint, or a glob matching none, is -ENOENT;
 * more than KTRACE_TPCOUNT_MAX matches is -E2BIG.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/glob.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include "../probe.h"

/* Per-CPU keys: KTRACE_TPCOUNT_MAX tracepoints on 4 CPUs, and more. */
#define KT_TPC_CAPACITY		2048
static_assert(KT_TPC_CAPACITY >= KTRACE_TPCOUNT_MAX);

/* One registration: the data the tracepoint hands back to the callback. */
struct kt_tpc_tp {
	struct kt_inst *inst;
	struct tracepoint *tp;
	u32 index;			/* key: position in names */
};

struct kt_tpc {
	u32 nr;				/* tracepoints matched (registered) */
	bool too_many;
	const char *pattern;
	struct kt_tpc_tp *tps;		/* KTRACE_TPCOUNT_MAX */
	char (*names)[KTRACE_SYMBOL_LEN];	/* KTRACE_TPCOUNT_MAX */
};

/* Reads nothing but @data: see the comment at the top. */
static void kt_tpc_on_hit(void *data)
{
	struct kt_tpc_tp *t = data;
	struct kt_inst *inst = t->inst;
	u64 key[2] = { t->index, 0 };
	u64 t0 = kt_hit_begin(inst);

	if (inst->key == KTRACE_KEY_CPU) {
		key[0] = raw_smp_processor_id();
		key[1] = t->index;
	}
	if (kt_filter_task(&inst->filter, current))
		kt_inst_add(inst, key, 1);
	else
		this_cpu_inc(inst->stats->filtered);
	kt_hit_end(inst, t0);
}

/* for_each_kernel_tracepoint() callback: collects the matches, capped. */
static void kt_tpc_match(struct tracepoint *tp, void *priv)
{
	struct kt_tpc *tpc = priv;
	u32 i;

	if (!glob_match(tpc->pattern, tp->name) ||
	    strlen(tp->name) >= KTRACE_SYMBOL_LEN)
		return;
	for (i = 0; i < tpc->nr; i++)
		if (tpc->tps[i].tp == tp)
			return;
	if (tpc->nr == KTRACE_TPCOUNT_MAX) {
		tpc->too_many = true;
		return;
	}
	tpc->tps[tpc->nr].tp = tp;
	strscpy(tpc->names[tpc->nr], tp->name, KTRACE_SYMBOL_LEN);
	tpc->nr++;
}

static void kt_tpc_free(struct kt_tpc *tpc)
{
	kvfree(tpc->tps);
	kvfree(tpc->names);
	kfree(tpc);
}

static void kt_tpc_unregister(struct kt_tpc *tpc, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		tracepoint_probe_unregister(tpc->tps[i].tp, kt_tpc_on_hit,
					    &tpc->tps[i]);
	/* Waits for callbacks still running on any of them. */
	tracepoint_synchronize_unregister();
}

static int kt_tpc_attach(struct kt_inst *inst)
{
	struct kt_tpc *tpc;
	int err = -ENOMEM;
	u32 i;

	if (!inst->symbol[0])
		return -EINVAL;
	tpc = kzalloc(sizeof(*tpc), GFP_KERNEL);
	if (!tpc)
		return -ENOMEM;
	tpc->tps = kvcalloc(KTRACE_TPCOUNT_MAX, sizeof(*tpc->tps), GFP_KERNEL);
	tpc->names = kvcalloc(KTRACE_TPCOUNT_MAX, KTRACE_SYMBOL_LEN,
			      GFP_KERNEL);
	if (!tpc->tps || !tpc->names)
		goto err_free;
	tpc->pattern = inst->symbol;
	for_each_kernel_tracepoint(kt_tpc_match, tpc);
	tpc->pattern = NULL;
	err = -E2BIG;
	if (tpc->too_many)
		goto err_free;
	err = -ENOENT;
	if (!tpc->nr)
		goto err_free;

	inst->priv = tpc;
	for (i = 0; i < tpc->nr; i++) {
		tpc->tps[i].inst = inst;
		tpc->tps[i].index = i;
		err = tracepoint_probe_register(tpc->tps[i].tp, kt_tpc_on_hit,
						&tpc->tps[i]);
		if (err) {
			pr_debug("cannot hook tracepoint %s: %d\n",
				 tpc->names[i], err);
			kt_tpc_unregister(tpc, i);
			inst->priv = NULL;
			goto err_free;
		}
	}
	return 0;

err_free:
	kt_tpc_free(tpc);
	return err;
}

static void kt_tpc_detach(struct kt_inst *inst)
{
	struct kt_tpc *tpc = inst->priv;

	kt_tpc_unregister(tpc, tpc->nr);
	kt_tpc_free(tpc);
	inst->priv = NULL;
}

static const char *kt_tpc_symbols(struct kt_inst *inst, u32 *nr)
{
	struct kt_tpc *tpc = inst->priv;

	if (!tpc)
		return NULL;
	*nr = tpc->nr;
	return tpc->names[0];
}

const struct kt_probe_ops kt_probe_tpcount = {
	.name = "tpcount",
	.desc = "hits of kernel tracepoints matching a name or wildcard",
	.kind = KTRACE_KIND_COUNT,
	.keys = BIT(KTRACE_KEY_FUNC) | BIT(KTRACE_KEY_CPU),
	.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | KTRACE_ENABLE_COMM |
		 KTRACE_ENABLE_CGROUP | KTRACE_ENABLE_SYMBOL,
	.capacity = KT_TPC_CAPACITY,
	.inst_attach = kt_tpc_attach,
	.inst_detach = kt_tpc_detach,
	.inst_symbols = kt_tpc_symbols,
};
