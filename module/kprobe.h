/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktrace kprobes and kretprobes: register_kprobe() and register_kretprobe()
 * write into the struct they are given (addresses, flags, the instance
 * pool), so a struct that was registered once is never registered again;
 * each registration starts from a zeroed one.
 */
#ifndef _KTRACE_KPROBE_H
#define _KTRACE_KPROBE_H

#include <linux/kprobes.h>
#include <linux/string.h>

static inline int kt_kretprobe_register(struct kretprobe *rp,
					const char *symbol,
					kretprobe_handler_t entry,
					kretprobe_handler_t ret,
					size_t data_size)
{
	memset(rp, 0, sizeof(*rp));
	rp->kp.symbol_name = symbol;
	rp->entry_handler = entry;
	rp->handler = ret;
	rp->data_size = data_size;
	/* Enough in-flight calls for a function every CPU may sleep in. */
	rp->maxactive = max_t(int, 64, 4 * num_possible_cpus());
	return register_kretprobe(rp);
}

/* The same for a plain kprobe: a zeroed struct for each registration. */
static inline int kt_kprobe_register(struct kprobe *kp, const char *symbol,
				     kprobe_pre_handler_t pre)
{
	memset(kp, 0, sizeof(*kp));
	kp->symbol_name = symbol;
	kp->pre_handler = pre;
	return register_kprobe(kp);
}

static inline u64 kt_kretprobe_missed(const struct kretprobe *rp)
{
	return rp->nmissed + rp->kp.nmissed;
}

#endif /* _KTRACE_KPROBE_H */
