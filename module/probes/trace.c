// SPDX-License-Identifier: GPL-2.0
/*
 * trace: bcc's trace for one kernel function.  Each instance puts its own
 * kprobe (or, with KTRACE_TRACE_OPT_RETPROBE, kretprobe) on the symbol it
 * names and streams one struct ktrace_rec_trace per call of a task that
 * passes the filters: the first six arguments as integers, the return
 * value for a return probe, and optionally one argument read as a string.
 * Reading memory here may not sleep or fault: user strings go through
 * kt_strncpy_from_user_nofault(), kernel ones through
 * copy_from_kernel_nofault() (strncpy_from_kernel_nofault() is not
 * exported to modules).
 *
 * Arguments and return values are often kernel pointers.  A caller who
 * may not read kernel addresses from /proc/kallsyms (no CAP_SYSLOG, the
 * kptr_restrict=1 rule) must not read them here either: for such an
 * instance, values in the kernel's half of the address space are written
 * as 0, except error returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/err.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "../compat/uaccess.h"
#include "../kprobe.h"
#include "../probe.h"

#define KT_TRACE_NR_ARGS	6

struct kt_trace {
	union {
		struct kprobe kp;
		struct kretprobe rp;
	};
	struct kt_inst *inst;
	bool ret;		/* kretprobe, not kprobe */
	u32 str_arg;		/* 1-based argument read as a string, or 0 */
	bool kstr;		/* that argument points to kernel memory */
	bool hide_kptrs;	/* the enabler may not see kernel addresses */
};

/* Whether @v would tell a kernel address: not a user one, not -errno. */
static bool kt_trace_is_kptr(u64 v)
{
	return v >= TASK_SIZE_MAX && !IS_ERR_VALUE((unsigned long)v);
}

/* @v, or 0 if it is a kernel address @t may not show (flagging @rec). */
static u64 kt_trace_value(const struct kt_trace *t,
			  struct ktrace_rec_trace *rec, u64 v)
{
	if (!t->hide_kptrs || !kt_trace_is_kptr(v))
		return v;
	rec->flags |= KTRACE_TRACE_REC_KPTR_HIDDEN;
	return 0;
}

/* Saved by the kretprobe entry handler for the return handler. */
struct kt_trace_entry {
	u64 args[KT_TRACE_NR_ARGS];
};

/*
 * Copies a NUL-terminated kernel string of at most @count bytes with the
 * NUL.  Reads 8-byte aligned words at most, each within one page, so a
 * string ending just before an unmapped page is still read whole.
 * Returns the length with the NUL, @count when cut, -EFAULT on a bad page.
 */
static long kt_trace_kstr(char *dst, unsigned long src, long count)
{
	long n = 0;
	size_t chunk, i;
	char buf[8];

	while (n < count - 1) {
		chunk = 8 - ((src + n) & 7);
		chunk = min_t(size_t, chunk, count - 1 - n);
		if (copy_from_kernel_nofault(buf, (const void *)(src + n),
					     chunk)) {
			dst[0] = '\0';
			return -EFAULT;
		}
		for (i = 0; i < chunk; i++) {
			dst[n] = buf[i];
			if (!buf[i])
				return n + 1;
			n++;
		}
	}
	dst[n] = '\0';
	return count;
}

static void kt_trace_record(struct kt_trace *t, const u64 *args, s64 ret)
{
	struct kt_inst *inst = t->inst;
	struct ktrace_rec_trace *rec;
	const void __user *uptr;
	unsigned long ptr;
	long len;
	int i;

	rec = (struct ktrace_rec_trace *)
		kt_inst_reserve(inst, sizeof(*rec), KTRACE_REC_TRACE);
	if (!rec)
		return;
	rec->pid = current->pid;
	rec->tgid = current->tgid;
	rec->flags = t->ret ? KTRACE_TRACE_REC_RETURN : 0;
	for (i = 0; i < KT_TRACE_NR_ARGS; i++)
		rec->args[i] = kt_trace_value(t, rec, args[i]);
	rec->ret = (s64)kt_trace_value(t, rec, (u64)ret);
	rec->str_arg = t->str_arg;
	memcpy(rec->comm, current->comm, sizeof(rec->comm));
	rec->str[0] = '\0';
	if (t->str_arg) {
		ptr = args[t->str_arg - 1];
		uptr = (const void __user *)ptr;
		if (t->kstr)
			len = kt_trace_kstr(rec->str, ptr, sizeof(rec->str));
		else
			len = kt_strncpy_from_user_nofault(rec->str, uptr,
							   sizeof(rec->str));
		if (len > 0)
			rec->flags |= KTRACE_TRACE_REC_STR;
		if (len == sizeof(rec->str))
			rec->flags |= KTRACE_TRACE_REC_STR_CUT;
	}
	kt_inst_commit(inst, &rec->hdr);
}

static void kt_trace_args(struct pt_regs *regs, u64 *args)
{
	int i;

	for (i = 0; i < KT_TRACE_NR_ARGS; i++)
		args[i] = regs_get_kernel_argument(regs, i);
}

static int kt_trace_on_kprobe(struct kprobe *kp, struct pt_regs *regs)
{
	struct kt_trace *t = container_of(kp, struct kt_trace, kp);
	struct kt_inst *inst = t->inst;
	u64 t0 = kt_hit_begin(inst);
	u64 args[KT_TRACE_NR_ARGS];

	if (kt_filter_task(&inst->filter, current)) {
		kt_trace_args(regs, args);
		kt_trace_record(t, args, 0);
	} else {
		this_cpu_inc(inst->stats->filtered);
	}
	kt_hit_end(inst, t0);
	return 0;
}

static struct kt_trace *kt_trace_of(struct kretprobe_instance *ri)
{
	return container_of(get_kretprobe(ri), struct kt_trace, rp);
}

static int kt_trace_on_entry(struct kretprobe_instance *ri,
			     struct pt_regs *regs)
{
	struct kt_inst *inst = kt_trace_of(ri)->inst;
	struct kt_trace_entry *e = (void *)ri->data;
	u64 t0 = kt_hit_begin(inst);
	int skip = 0;

	if (kt_filter_task(&inst->filter, current)) {
		kt_trace_args(regs, e->args);
	} else {
		this_cpu_inc(inst->stats->filtered);
		skip = 1;	/* no return handler for this call */
	}
	kt_hit_end(inst, t0);
	return skip;
}

static int kt_trace_on_return(struct kretprobe_instance *ri,
			      struct pt_regs *regs)
{
	struct kt_trace_entry *e = (void *)ri->data;

	kt_trace_record(kt_trace_of(ri), e->args,
			(s64)regs_return_value(regs));
	return 0;
}

static int kt_trace_attach(struct kt_inst *inst)
{
	u32 str_arg = inst->opts & KTRACE_TRACE_OPT_STR_ARG_MASK;
	struct kt_trace *t;
	int err;

	if (!inst->symbol[0] || str_arg > KT_TRACE_NR_ARGS ||
	    (!str_arg && (inst->opts & KTRACE_TRACE_OPT_KSTR)))
		return -EINVAL;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->inst = inst;
	t->str_arg = str_arg;
	t->kstr = inst->opts & KTRACE_TRACE_OPT_KSTR;
	t->ret = inst->opts & KTRACE_TRACE_OPT_RETPROBE;
	/* Attach runs in the ENABLE ioctl: current is the enabler. */
	t->hide_kptrs = !has_capability_noaudit(current, CAP_SYSLOG);
	if (t->ret)
		err = kt_kretprobe_register(&t->rp, inst->symbol,
					    kt_trace_on_entry,
					    kt_trace_on_return,
					    sizeof(struct kt_trace_entry));
	else
		err = kt_kprobe_register(&t->kp, inst->symbol,
					 kt_trace_on_kprobe);
	if (err) {
		pr_debug("cannot probe %s: %d\n", inst->symbol, err);
		kfree(t);
		return err;
	}
	inst->priv = t;
	return 0;
}

static void kt_trace_detach(struct kt_inst *inst)
{
	struct kt_trace *t = inst->priv;

	/* Both wait for running handlers; pending returns are disarmed. */
	if (t->ret)
		unregister_kretprobe(&t->rp);
	else
		unregister_kprobe(&t->kp);
	kfree(t);
	inst->priv = NULL;
}

static u64 kt_trace_missed(struct kt_inst *inst)
{
	struct kt_trace *t = inst->priv;

	if (!t)
		return 0;
	return t->ret ? kt_kretprobe_missed(&t->rp) : t->kp.nmissed;
}

const struct kt_probe_ops kt_probe_trace = {
	.name = "trace",
	.desc = "calls of a kernel function with their arguments, streamed",
	.kind = KTRACE_KIND_STREAM,
	.keys = BIT(KTRACE_KEY_NONE),
	.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID | KTRACE_ENABLE_COMM |
		 KTRACE_ENABLE_CGROUP | KTRACE_ENABLE_SYMBOL,
	.opts = KTRACE_TRACE_OPT_STR_ARG_MASK | KTRACE_TRACE_OPT_KSTR |
		KTRACE_TRACE_OPT_RETPROBE,
	.rec_size = sizeof(struct ktrace_rec_trace),
	.inst_attach = kt_trace_attach,
	.inst_detach = kt_trace_detach,
	.inst_missed = kt_trace_missed,
};
