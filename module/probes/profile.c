// SPDX-License-Identifier: GPL-2.0
/*
 * profile: on-CPU sampling of kernel stacks at a frequency, like bcc's
 * profile with -K.  Each instance opens one cpu-clock perf event per
 * online CPU (a per-CPU hrtimer inside perf) whose overflow handler gets
 * the registers the timer interrupt interrupted; the handler applies the
 * task filters and counts the stack under its stack id (KTRACE_KEY_STACK,
 * key[1] the tgid; the comm is kept in the stack table).
 *
 * Why perf and not our own hrtimers: a sample needs the interrupted
 * registers.  get_irq_regs() reads the per-CPU irq_regs, which x86 does
 * not export, and stack_trace_save_regs() is not exported either, so an
 * hrtimer of ours would have to unwind through the interrupt entry and
 * guess where the interrupted context begins.  perf's cpu-clock event
 * hands its overflow handler exactly those registers, through
 * perf_event_create_kernel_counter(), exported with the same signature
 * on 6.1 and 6.12; it is what bcc and bpftrace sample with too, and perf
 * starts, stops and pins the timers per CPU for us.  Kernel counters are
 * not subject to perf_event_paranoid.  CPUs that come online after the
 * instance was enabled are not sampled.
 *
 * As bcc, the idle tasks are not sampled.  A sample taken in user mode
 * has no kernel stack: it is counted under an empty stack, which the CLI
 * shows as "[user]", so the counts add up to the samples taken.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/perf_event.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "../compat/stacktrace.h"
#include "../probe.h"
#include "../stacks.h"

struct kt_prof {
	u32 nr;				/* events, one per CPU sampled */
	struct perf_event **events;	/* nr_cpu_ids, NULL where none */
};

static void kt_prof_on_sample(struct perf_event *event,
			      struct perf_sample_data *data,
			      struct pt_regs *regs)
{
	struct kt_inst *inst = event->overflow_handler_context;
	unsigned long ips[KTRACE_STACK_DEPTH];
	u64 t0;
	u32 nr = 0;

	if (!current->pid)
		return;		/* idle: not a sample, as in bcc */
	t0 = kt_hit_begin(inst);
	if (kt_filter_task(&inst->filter, current)) {
		if (regs && !user_mode(regs))
			nr = kt_stack_save_regs(regs, ips, KTRACE_STACK_DEPTH);
		kt_stacks_record(inst, ips, nr, current, 1);
	} else {
		this_cpu_inc(inst->stats->filtered);
	}
	kt_hit_end(inst, t0);
}

static void kt_prof_free(struct kt_inst *inst)
{
	struct kt_prof *prof = inst->priv;
	unsigned int cpu;

	if (prof) {
		/* Each release stops its timer and waits for its handler. */
		for (cpu = 0; cpu < nr_cpu_ids; cpu++)
			if (prof->events[cpu])
				perf_event_release_kernel(prof->events[cpu]);
		kfree(prof->events);
		kfree(prof);
	}
	/* inst->stacks goes with the instance, once no handler runs. */
	inst->priv = NULL;
}

static int kt_prof_attach(struct kt_inst *inst)
{
	u64 freq = inst->opts & KTRACE_PROFILE_FREQ_MASK;
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.size = sizeof(attr),
		.pinned = 1,
	};
	struct perf_event *ev;
	struct kt_prof *prof;
	unsigned int cpu;
	int err = -ENOMEM;

	if (!freq)
		freq = KTRACE_PROFILE_FREQ_DEFAULT;
	if (freq > KTRACE_PROFILE_FREQ_MAX)
		return -EINVAL;
	/* A period, not perf's frequency mode: no sample-rate throttling. */
	attr.sample_period = div64_u64(NSEC_PER_SEC, freq);

	inst->stacks = kt_stacks_create();
	prof = kzalloc(sizeof(*prof), GFP_KERNEL);
	inst->priv = prof;
	if (!inst->stacks || !prof)
		goto err_free;
	prof->events = kcalloc(nr_cpu_ids, sizeof(*prof->events), GFP_KERNEL);
	if (!prof->events)
		goto err_free;
	for_each_online_cpu(cpu) {
		ev = perf_event_create_kernel_counter(&attr, cpu, NULL,
						      kt_prof_on_sample, inst);
		if (IS_ERR(ev)) {
			err = PTR_ERR(ev);
			/* Went offline meanwhile: nothing to sample there. */
			if (err == -ENODEV)
				continue;
			pr_debug("profile: no cpu-clock event on CPU %u: %d\n",
				 cpu, err);
			goto err_free;
		}
		prof->events[cpu] = ev;
		prof->nr++;
	}
	err = -ENODEV;
	if (!prof->nr)
		goto err_free;
	return 0;

err_free:
	kt_prof_free(inst);
	return err;
}

const struct kt_probe_ops kt_probe_profile = {
	.name = "profile",
	.desc = "on-CPU kernel stacks sampled at a frequency",
	.kind = KTRACE_KIND_COUNT,
	.keys = BIT(KTRACE_KEY_STACK),
	.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | KTRACE_ENABLE_COMM |
		 KTRACE_ENABLE_CGROUP,
	.opts = KTRACE_PROFILE_FREQ_MASK,
	.capacity = KT_STACKS_CAPACITY,
	.inst_attach = kt_prof_attach,
	.inst_detach = kt_prof_free,
};
