// SPDX-License-Identifier: GPL-2.0
/*
 * ktrace stack table (see stacks.h).  An open-addressed array of
 * KT_STACKS_CAPACITY entries, allocated with the instance; an entry holds
 * one stack and the task it was seen in, and its index + 1 is the stack
 * id.  Entries are never freed while the instance lives, so an id stays
 * valid for every read of its results.
 *
 * Insertion is lock-free: an entry is claimed with cmpxchg() on its state
 * (EMPTY to BUSY), filled, and published with a store-release (READY);
 * readers load-acquire the state and only look at READY entries.  A
 * handler never waits for a BUSY entry, since its writer may be the very
 * context it interrupted: it looks on, so a stack inserted by two CPUs at
 * once can get two ids.  Both carry the same symbols, and the CLI merges
 * results by their text, so this only costs an entry.  A stack that finds
 * no free entry within KT_STACKS_PROBES of its hash is dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/jhash.h>
#include <linux/kallsyms.h>
#include <linux/log2.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "stacks.h"

#define KT_STACKS_PROBES	64	/* entries searched per stack */

static_assert((KT_STACKS_CAPACITY & (KT_STACKS_CAPACITY - 1)) == 0);
static_assert(TASK_COMM_LEN == KTRACE_COMM_LEN);
static_assert(sizeof(struct ktrace_stack) == 32);

enum { KT_STACK_EMPTY, KT_STACK_BUSY, KT_STACK_READY };

struct kt_stack {
	atomic_t state;			/* KT_STACK_* */
	u32 hash;
	u32 tgid;
	u32 nr;
	char comm[TASK_COMM_LEN];
	unsigned long ips[KTRACE_STACK_DEPTH];
};

struct kt_stacks {
	atomic64_t dropped;
	struct kt_stack ents[KT_STACKS_CAPACITY];
};

struct kt_stacks *kt_stacks_create(void)
{
	return kvzalloc(sizeof(struct kt_stacks), GFP_KERNEL);
}

void kt_stacks_destroy(struct kt_stacks *st)
{
	kvfree(st);
}

u64 kt_stacks_dropped(const struct kt_stacks *st)
{
	return atomic64_read(&st->dropped);
}

static bool kt_stack_equal(const struct kt_stack *e, u32 hash,
			   const unsigned long *ips, u32 nr, u32 tgid,
			   const char *comm)
{
	return e->hash == hash && e->nr == nr && e->tgid == tgid &&
	       !memcmp(e->comm, comm, TASK_COMM_LEN) &&
	       !memcmp(e->ips, ips, nr * sizeof(*ips));
}

u32 kt_stacks_insert(struct kt_stacks *st, const unsigned long *ips, u32 nr,
		     struct task_struct *task)
{
	char comm[TASK_COMM_LEN];
	struct kt_stack *e;
	u32 hash, tgid = task->tgid, i, s;
	int state;

	nr = min_t(u32, nr, KTRACE_STACK_DEPTH);
	/* Padded, so that the bytes after a renamed task's NUL compare. */
	strscpy_pad(comm, task->comm, sizeof(comm));
	hash = jhash(ips, nr * sizeof(*ips), tgid);
	hash = jhash(comm, sizeof(comm), hash);
	for (i = 0; i < KT_STACKS_PROBES; i++) {
		s = (hash + i) & (KT_STACKS_CAPACITY - 1);
		e = &st->ents[s];
		/* Pairs with the store-release below. */
		state = atomic_read_acquire(&e->state);
		if (state == KT_STACK_EMPTY &&
		    atomic_cmpxchg(&e->state, KT_STACK_EMPTY,
				   KT_STACK_BUSY) == KT_STACK_EMPTY) {
			e->hash = hash;
			e->tgid = tgid;
			e->nr = nr;
			memcpy(e->comm, comm, sizeof(comm));
			memcpy(e->ips, ips, nr * sizeof(*ips));
			atomic_set_release(&e->state, KT_STACK_READY);
			return s + 1;
		}
		if (state == KT_STACK_READY &&
		    kt_stack_equal(e, hash, ips, nr, tgid, comm))
			return s + 1;
		/* BUSY, or lost the claim: another stack's, look on. */
	}
	atomic64_inc(&st->dropped);
	return 0;
}

/*
 * The symbol of @addr as "name+0xoff/0xsize" (" [mod]" after it for a
 * module's), or "[unknown]": sprint_symbol() prints a bare address for
 * one in no symbol, which must not leave the kernel.
 */
static void kt_stack_symbol(unsigned long addr, char *buf)
{
	sprint_symbol(buf, addr);
	if (!strchr(buf, '+'))
		strscpy(buf, "[unknown]", KSYM_SYMBOL_LEN);
}

/*
 * Frames of the probe itself: stacks saved from a tracepoint handler
 * (offcputime) begin in ktrace and the tracepoint's iterator, whose
 * depth differs between kernels; the stack proper begins after them.
 */
static bool kt_stack_probe_frame(const char *sym)
{
	return strstr(sym, " [" KBUILD_MODNAME "]") ||
	       !strncmp(sym, "__traceiter_", 12) ||
	       !strncmp(sym, "__bpf_trace_", 12);
}

/* Builds @e's record in @rec; returns its length. */
static u32 kt_stack_format(const struct kt_stack *e, u32 id,
			   struct ktrace_stack *rec, char *sym)
{
	bool leaf = true;
	u32 i, len = sizeof(*rec), n;

	memset(rec, 0, sizeof(*rec));
	rec->id = id;
	rec->tgid = e->tgid;
	memcpy(rec->comm, e->comm, sizeof(rec->comm));
	for (i = 0; i < e->nr; i++) {
		kt_stack_symbol(e->ips[i], sym);
		if (leaf && kt_stack_probe_frame(sym))
			continue;
		leaf = false;
		n = min_t(u32, strlen(sym), KTRACE_SYMBOL_LEN - 1);
		memcpy((char *)rec + len, sym, n);
		((char *)rec)[len + n] = '\0';
		len += n + 1;
		rec->nr_frames++;
	}
	n = ALIGN(len, 8);
	memset((char *)rec + len, 0, n - len);
	rec->len = n;
	return n;
}

int kt_stacks_copy_out(struct kt_stacks *st, u32 *start, void __user *ubuf,
		       u32 size, u32 *count)
{
	struct ktrace_stack *rec;
	u32 s, len, off = 0;
	char *sym;
	int err = 0;

	*count = 0;
	rec = kmalloc(KTRACE_STACK_REC_MAX, GFP_KERNEL);
	sym = kmalloc(KSYM_SYMBOL_LEN, GFP_KERNEL);
	if (!rec || !sym) {
		err = -ENOMEM;
		goto out;
	}
	for (s = *start ? *start - 1 : 0; s < KT_STACKS_CAPACITY; s++) {
		/* Pairs with the store-release in kt_stacks_insert(). */
		if (atomic_read_acquire(&st->ents[s].state) != KT_STACK_READY)
			continue;
		len = kt_stack_format(&st->ents[s], s + 1, rec, sym);
		if (len > size - off) {
			if (!*count)
				err = -ENOSPC;
			break;
		}
		if (copy_to_user(ubuf + off, rec, len)) {
			err = -EFAULT;
			break;
		}
		off += len;
		(*count)++;
		cond_resched();
	}
	*start = s < KT_STACKS_CAPACITY ? s + 1 : 0;
out:
	kfree(sym);
	kfree(rec);
	return err;
}
