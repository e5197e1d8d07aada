// SPDX-License-Identifier: GPL-2.0
/*
 * ktrace probe framework: the registry of probes, refcounted attachment,
 * and tracepoints looked up by name.
 *
 * kt_probe_lock serializes enabling and disabling.  A probe's hooks are
 * attached for its first instance and detached after its last; instances
 * are published on probe->insts with list_add_rcu() and handlers, which
 * run with preemption disabled, walk the list under RCU.  Nothing an
 * instance owns is freed before synchronize_rcu() (or the tracepoint
 * unregistration, which waits the same way) has returned.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include "kunit_export.h"
#include "probe.h"

/* Serializes enable/disable: probe users, slots, attach and detach. */
struct mutex kt_probe_lock = __MUTEX_INITIALIZER(kt_probe_lock);
EXPORT_SYMBOL_FOR_KUNIT(kt_probe_lock);

static const struct kt_probe_ops *const kt_probe_table[] = {
	&kt_probe_block_latency,
	&kt_probe_sys_enter,
	&kt_probe_funclatency,
	&kt_probe_tcplife,
	&kt_probe_funccount,
	&kt_probe_execsnoop,
	&kt_probe_opensnoop,
	&kt_probe_runqlat,
	&kt_probe_syscount,
	&kt_probe_profile,
	&kt_probe_stackcount,
	&kt_probe_offcputime,
	&kt_probe_tpcount,
	&kt_probe_bpfwatch,
	&kt_probe_trace,
	&kt_probe_floor,
};

static struct kt_probe kt_probes[ARRAY_SIZE(kt_probe_table)];

void kt_probes_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kt_probes); i++) {
		kt_probes[i].ops = kt_probe_table[i];
		INIT_LIST_HEAD(&kt_probes[i].insts);
	}
}

unsigned int kt_probe_count(void)
{
	return ARRAY_SIZE(kt_probes);
}
EXPORT_SYMBOL_FOR_KUNIT(kt_probe_count);

struct kt_probe *kt_probe_at(unsigned int i)
{
	return i < ARRAY_SIZE(kt_probes) ? &kt_probes[i] : NULL;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_probe_at);

struct kt_probe *kt_probe_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kt_probes); i++)
		if (!strcmp(kt_probes[i].ops->name, name))
			return &kt_probes[i];
	return NULL;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_probe_find);

/* Attaches @probe for its first instance: its own way, or its hooks. */
static int kt_probe_attach(struct kt_probe *probe)
{
	const struct kt_probe_ops *ops = probe->ops;
	int err;

	if (ops->attach)
		return ops->attach(probe);
	if (!ops->nr_hooks)
		return 0;
	if (ops->priv_size) {
		probe->priv = kvzalloc(ops->priv_size, GFP_KERNEL);
		if (!probe->priv)
			return -ENOMEM;
	}
	err = kt_tp_register(ops->hooks, ops->nr_hooks, probe);
	if (err) {
		kvfree(probe->priv);
		probe->priv = NULL;
	}
	return err;
}

/* Detaches @probe after its last instance; true if it waited for handlers. */
static bool kt_probe_detach(struct kt_probe *probe)
{
	const struct kt_probe_ops *ops = probe->ops;

	if (ops->detach) {
		ops->detach(probe);
		return true;
	}
	if (!ops->nr_hooks)
		return false;
	kt_tp_unregister(ops->hooks, ops->nr_hooks, probe);
	kvfree(probe->priv);
	probe->priv = NULL;
	return true;
}

/* Sets probe->fast after its instances changed; kt_probe_lock held. */
static void kt_probe_set_fast(struct kt_probe *probe)
{
	struct kt_inst *inst = NULL;

	if (probe->ops->inst_fast && probe->users == 1) {
		inst = list_first_entry(&probe->insts, struct kt_inst, node);
		if (!probe->ops->inst_fast(inst))
			inst = NULL;
	}
	rcu_assign_pointer(probe->fast, inst);
}

int kt_probe_enable(struct kt_inst *inst)
{
	struct kt_probe *probe = inst->probe;
	int slot, err = 0;

	mutex_lock(&kt_probe_lock);
	slot = ffz(probe->slots);
	if (probe->slots == ~0ULL) {
		err = -ENOSPC;
		goto out_unlock;
	}
	if (!probe->users) {
		err = kt_probe_attach(probe);
		if (err)
			goto out_unlock;
	}
	if (probe->ops->inst_attach) {
		err = probe->ops->inst_attach(inst);
		if (err) {
			if (!probe->users)
				kt_probe_detach(probe);
			goto out_unlock;
		}
	}
	probe->users++;
	probe->slots |= BIT_ULL(slot);
	inst->slot = slot;
	inst->enabled_gen = probe->gen + 1;
	WRITE_ONCE(probe->gen, inst->enabled_gen);
	list_add_tail_rcu(&inst->node, &probe->insts);
	kt_probe_set_fast(probe);
out_unlock:
	mutex_unlock(&kt_probe_lock);
	return err;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_probe_enable);

void kt_probe_disable(struct kt_inst *inst)
{
	struct kt_probe *probe = inst->probe;
	bool detached = false;

	mutex_lock(&kt_probe_lock);
	if (probe->ops->inst_detach)
		probe->ops->inst_detach(inst);
	list_del_rcu(&inst->node);
	probe->slots &= ~BIT_ULL(inst->slot);
	--probe->users;
	kt_probe_set_fast(probe);
	if (!probe->users)
		detached = kt_probe_detach(probe);
	mutex_unlock(&kt_probe_lock);
	/* Detaching waited for handlers already; otherwise wait here. */
	if (!detached)
		synchronize_rcu();
}
EXPORT_SYMBOL_FOR_KUNIT(kt_probe_disable);

struct kt_tp_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void kt_tp_match(struct tracepoint *tp, void *priv)
{
	struct kt_tp_lookup *lookup = priv;

	if (!lookup->tp && !strcmp(tp->name, lookup->name))
		lookup->tp = tp;
}

struct tracepoint *kt_tracepoint_find(const char *name)
{
	struct kt_tp_lookup lookup = { .name = name };

	for_each_kernel_tracepoint(kt_tp_match, &lookup);
	return lookup.tp;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_tracepoint_find);

int kt_tp_register(struct kt_tp_hook *hooks, unsigned int n, void *data)
{
	unsigned int i;
	int err;

	for (i = 0; i < n; i++) {
		hooks[i].tp = kt_tracepoint_find(hooks[i].name);
		if (!hooks[i].tp) {
			pr_warn("tracepoint %s not found\n", hooks[i].name);
			err = -ENOENT;
			goto err_unregister;
		}
		err = tracepoint_probe_register(hooks[i].tp, hooks[i].func,
						data);
		if (err)
			goto err_unregister;
	}
	return 0;

err_unregister:
	kt_tp_unregister(hooks, i, data);
	return err;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_tp_register);

void kt_tp_unregister(struct kt_tp_hook *hooks, unsigned int n, void *data)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		tracepoint_probe_unregister(hooks[i].tp, hooks[i].func, data);
	tracepoint_synchronize_unregister();
}
EXPORT_SYMBOL_FOR_KUNIT(kt_tp_unregister);

struct ktrace_rec *kt_inst_reserve_slow(struct kt_inst *inst, u32 len,
					u16 type)
{
	struct ktrace_rec *rec;
	enum kt_drop drop;

	rec = kt_ring_reserve_slow(kt_ring_this_cpu(inst->rings), len, type,
				   inst->id, &drop);
	if (!rec)
		this_cpu_inc(inst->stats->drop_ring[drop]);
	return rec;
}

void kt_inst_add_timed(struct kt_inst *inst, u64 value)
{
	u64 t0 = local_clock();

	kt_inst_add_key(inst, 0, 0, value);
	kt_hit_end(inst, t0);
}
