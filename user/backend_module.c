// SPDX-License-Identifier: GPL-2.0
/* The module backend: libktrace over /dev/ktrace; see backend.h. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include "ktracectl.h"
#include "backend.h"

static int mod_probe_info(struct backend *b, const char *probe,
			  struct ktrace_probe_info *info)
{
	return find_probe(b->kt, probe, info);
}

static __u32 mod_record_schema(struct backend *b)
{
	return kt_handshake(b->kt)->record_schema;
}

static int mod_ring_setup(struct backend *b, __u32 pages, __u32 watermark)
{
	return kt_ring_setup(b->kt, pages, watermark);
}

static int mod_enable(struct backend *b, struct ktrace_enable *en)
{
	return kt_enable(b->kt, en);
}

static int mod_disable(struct backend *b, __u32 id)
{
	return kt_disable(b->kt, id);
}

static int mod_read(struct backend *b, __u32 id, bool clear,
		    struct kt_result *res)
{
	return kt_read(b->kt, id, clear, res);
}

static int mod_stats(struct backend *b, __u32 id, struct ktrace_stats *st)
{
	return kt_stats(b->kt, id, st);
}

static int mod_ring_poll(struct backend *b, int timeout_ms, kt_rec_cb cb,
			 void *ctx)
{
	return kt_ring_poll(b->kt, timeout_ms, cb, ctx);
}

static int mod_ring_consume(struct backend *b, kt_rec_cb cb, void *ctx)
{
	return kt_ring_consume(b->kt, cb, ctx);
}

static int mod_ring_pending_lost(struct backend *b, struct kt_lost *lost)
{
	struct kt_lost one;
	unsigned int cpu;

	*lost = (struct kt_lost){ 0 };
	for (cpu = 0; cpu < kt_ring_count(b->kt); cpu++) {
		if (kt_ring_pending_lost(b->kt, cpu, &one))
			continue;
		lost->full += one.full;
		lost->too_big += one.too_big;
		lost->reentrant += one.reentrant;
	}
	return 0;
}

static unsigned int mod_ring_cpus(struct backend *b)
{
	return kt_ring_count(b->kt);
}

/* The control page's counters: records written and drops, by reason. */
static int mod_ring_cpu(struct backend *b, unsigned int cpu,
			struct be_ring_cpu *rc)
{
	const struct ktrace_ring_control *ctl;
	int err;

	ctl = kt_ring_control(b->kt, cpu);
	if (!ctl)
		return -ENODEV;
	rc->seen = __atomic_load_n(&ctl->records, __ATOMIC_ACQUIRE) +
		   __atomic_load_n(&ctl->lost_full, __ATOMIC_ACQUIRE) +
		   __atomic_load_n(&ctl->lost_too_big, __ATOMIC_ACQUIRE) +
		   __atomic_load_n(&ctl->lost_reentrant, __ATOMIC_ACQUIRE);
	err = kt_ring_pending_lost(b->kt, cpu, &rc->pending);
	return err < 0 ? -ENODEV : 0;
}

static int mod_symbols(struct backend *b, __u32 id, char **names, __u32 *nr)
{
	struct ktrace_symbols sy = { .size = sizeof(sy), .id = id };
	char *buf;

	if (ioctl(kt_fd(b->kt), KTRACE_IOC_SYMBOLS, &sy) < 0)
		return -errno;
	buf = calloc(sy.count ? sy.count : 1, KTRACE_SYMBOL_LEN);
	if (!buf)
		return -ENOMEM;
	sy.names = (__u64)(uintptr_t)buf;
	if (ioctl(kt_fd(b->kt), KTRACE_IOC_SYMBOLS, &sy) < 0) {
		free(buf);
		return -errno;
	}
	*names = buf;
	*nr = sy.count;
	return 0;
}

static int mod_stacks(struct backend *b, struct ktrace_stacks *sk)
{
	return ioctl(kt_fd(b->kt), KTRACE_IOC_STACKS, sk) < 0 ? -errno : 0;
}

static void mod_close(struct backend *b)
{
	kt_close(b->kt);
	free(b);
}

static const struct backend_ops module_ops = {
	.name = "module",
	.probe_info = mod_probe_info,
	.record_schema = mod_record_schema,
	.ring_setup = mod_ring_setup,
	.enable = mod_enable,
	.disable = mod_disable,
	.read = mod_read,
	.stats = mod_stats,
	.ring_poll = mod_ring_poll,
	.ring_consume = mod_ring_consume,
	.ring_pending_lost = mod_ring_pending_lost,
	.ring_cpus = mod_ring_cpus,
	.ring_cpu = mod_ring_cpu,
	.symbols = mod_symbols,
	.stacks = mod_stacks,
	.close = mod_close,
};

struct backend *backend_module_new(struct kt *kt)
{
	struct backend *b = calloc(1, sizeof(*b));

	if (!b) {
		kt_close(kt);
		return NULL;
	}
	b->ops = &module_ops;
	b->kt = kt;
	return b;
}
