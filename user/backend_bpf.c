// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF backend: ktracectl loads the probe's eBPF programs itself with
 * libbpf (the skeletons bpf/Makefile generates), so no module is needed,
 * and answers in the module's terms (backend.h):
 *
 *  - one instance, id 1, per backend: a command enables one;
 *  - histograms are counted per CPU into one of two sets (see
 *    bpf/ktrace_bpf.h).  A read-and-clear flips the set, waits an RCU
 *    grace period, then sums the old set over CPUs into the module's
 *    struct ktrace_agg_entry and deletes it: nothing is lost or counted
 *    twice between two reads;
 *  - records go through one BPF ring buffer shared by the CPUs, of -b
 *    PAGES per CPU in all.  A record that finds it full is counted on its
 *    CPU, and those counts come back as LOST records after each poll, so
 *    a reader proves seen = delivered + dropped as with the module, and
 *    per CPU: the programs count each record offered to the ring on the
 *    CPU its header names (be_ring_cpu());
 *  - disable detaches the programs and waits a grace period: when it
 *    returns no handler runs any more, as with the module.
 *
 * The grace period is membarrier(MEMBARRIER_CMD_GLOBAL), which is
 * synchronize_rcu(); tracepoint and kprobe programs run with preemption
 * disabled, fentry ones under rcu_read_lock(), so it waits for every
 * handler that may still use what it read before.  Where membarrier()
 * refuses (nohz_full, or a kernel without it) a pause stands in.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "ktracectl.h"
#include "backend.h"
#include "bpf_probe.h"

#define BPF_INST_ID		1
/* The pause standing in for a grace period where membarrier() refuses. */
#define BPF_GRACE_FALLBACK_US	50000
/* The largest ring buffer made, whatever -b asks. */
#define BPF_RING_MAX		(1U << 30)
/* Not in older <linux/capability.h>. */
#define KT_CAP_PERFMON		38
#define KT_CAP_BPF		39

/* The probes with a BPF version: one line per bpf/<probe>.bpf.c. */
static const struct bpf_probe *const bpf_probes[] = {
	&bpf_block_latency,
	&bpf_execsnoop,
	&bpf_syscount,
	&bpf_runqlat,
	&bpf_bpfwatch,
	&bpf_opensnoop,
	&bpf_tcplife,
	&bpf_ufunclatency,
	&bpf_ufunccount,
	&bpf_netsize,
	&bpf_funclatency,
	&bpf_funccount,
	&bpf_profile,
	&bpf_sys_enter,
};

struct bpf_backend {
	struct backend b;		/* first: the backend_ops see this */
	const struct bpf_probe *probe;
	struct bpf_inst bi;
	struct ktrace_enable en;	/* as enabled */
	bool loaded;
	bool attached;
	int nr_cpus;
	__u32 ring_pages;		/* per CPU; 0: no ring set up */
	__u32 watermark;		/* ring setup's, in bytes */
	int stats_fd, hists_fd, ctl_fd, ring_fd;
	__u32 set;			/* the set handlers count into */
	__u64 overflow_base;		/* table full at the last clearing read */
	struct ring_buffer *rb;
	kt_rec_cb cb;			/* during a poll or consume */
	void *cb_ctx;
	__u64 *lost_reported;		/* per CPU: ring full sent as LOST */
	struct kt_bpf_stats *percpu;	/* nr_cpus of them, for reads */
};

static struct bpf_backend *to_bb(struct backend *b)
{
	return (struct bpf_backend *)b;
}

static const struct bpf_probe *find_bpf_probe(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(bpf_probes) / sizeof(bpf_probes[0]); i++)
		if (!strcmp(bpf_probes[i]->info.name, name))
			return bpf_probes[i];
	return NULL;
}

const struct bpf_probe *bpf_probe_at(size_t i)
{
	return i < sizeof(bpf_probes) / sizeof(bpf_probes[0]) ?
	       bpf_probes[i] : NULL;
}

bool backend_bpf_has(const char *probe)
{
	return find_bpf_probe(probe) != NULL;
}

bool backend_bpf_only(const char *probe)
{
	const struct bpf_probe *p = find_bpf_probe(probe);

	return p && p->bpf_only;
}

/* libbpf's warnings always (a refused program says why), its news with -v. */
static int bpf_print(enum libbpf_print_level level, const char *fmt,
		     va_list ap)
{
	if (level == LIBBPF_DEBUG || (level == LIBBPF_INFO && !env.verbose))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

bool bpf_may_trace(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct caps[2];
	unsigned long long eff;

	memset(caps, 0, sizeof(caps));
	if (syscall(__NR_capget, &hdr, caps))
		return false;
	eff = (unsigned long long)caps[1].effective << 32 | caps[0].effective;
	return eff & 1ULL << CAP_SYS_ADMIN ||
	       ((eff & 1ULL << KT_CAP_BPF) && (eff & 1ULL << KT_CAP_PERFMON));
}

static void bpf_grace(void)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) == 0)
		return;
	usleep(BPF_GRACE_FALLBACK_US);
}

/*
 * Whether a tp_btf program on the tracepoint typed @btf_id loads: "return
 * 0" with the attach type libbpf gives SEC("tp_btf/...").  The kernel's
 * BTF may type a tracepoint that the kernel still cannot hook that way.
 */
static bool tp_btf_loads(int btf_id)
{
	const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = BPF_TRACE_RAW_TP,
		    .attach_btf_id = (__u32)btf_id);
	int fd;

	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, NULL, "GPL", ret0,
			   sizeof(ret0) / sizeof(ret0[0]), &opts);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

bool bpf_tp_btf(const char *tp)
{
	static struct btf *vmlinux;
	static bool tried;
	const char *raw = getenv("KTRACE_BPF_RAW_TP");
	char name[128];
	int id;

	if (raw && *raw && strcmp(raw, "0"))
		return false;
	if (!tried) {
		tried = true;
		vmlinux = btf__load_vmlinux_btf();
	}
	if (!vmlinux)
		return false;
	snprintf(name, sizeof(name), "btf_trace_%s", tp);
	id = btf__find_by_name_kind(vmlinux, name, BTF_KIND_TYPEDEF);
	return id > 0 && tp_btf_loads(id);
}

void bpf_pick_tp(struct bpf_program *btf, struct bpf_program *raw,
		 const char *tp, bool want)
{
	bool typed = want && bpf_tp_btf(tp);

	bpf_program__set_autoload(btf, typed);
	bpf_program__set_autoload(raw, want && !typed);
	if (want && env.verbose)
		fprintf(stderr, "bpf: %s: %s\n", tp, typed ? "tp_btf" : "raw_tp");
}

void bpf_cfg_set(struct kt_bpf_cfg *cfg, const struct bpf_inst *bi,
		 const struct ktrace_enable *en)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->wakeup_bytes = bi->watermark;
	cfg->flags = en->flags & (KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID |
				  KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP |
				  KTRACE_ENABLE_DEV);
	cfg->opts = en->opts;
	cfg->pid = en->pid;
	cfg->tgid = en->tgid;
	cfg->dev = en->dev;
	cfg->key = en->key;
	cfg->id = BPF_INST_ID;
	memcpy(cfg->comm, en->comm, sizeof(cfg->comm));
	switch (en->unit) {
	case KTRACE_UNIT_USEC:
		cfg->unit_div = 1000;
		break;
	case KTRACE_UNIT_MSEC:
		cfg->unit_div = 1000000;
		break;
	default:
		cfg->unit_div = 1;
	}
}

int bpf_inst_add_link(struct bpf_inst *bi, struct bpf_link *link)
{
	struct bpf_link **links;

	links = realloc(bi->links, (bi->nr_links + 1) * sizeof(*links));
	if (!links) {
		bpf_link__destroy(link);
		return -ENOMEM;
	}
	links[bi->nr_links++] = link;
	bi->links = links;
	return 0;
}

/* Destroys the links of a probe's ->attach. */
static void destroy_links(struct bpf_inst *bi)
{
	while (bi->nr_links)
		bpf_link__destroy(bi->links[--bi->nr_links]);
	free(bi->links);
	bi->links = NULL;
}

static int bpf_probe_info(struct backend *b, const char *probe,
			  struct ktrace_probe_info *info)
{
	const struct bpf_probe *p = to_bb(b)->probe;

	if (strcmp(probe, p->info.name))
		return -ENOENT;
	*info = p->info;
	return 0;
}

static __u32 bpf_record_schema(struct backend *b)
{
	(void)b;
	return KTRACE_RECORD_SCHEMA;
}

static int bpf_ring_setup(struct backend *b, __u32 pages, __u32 watermark)
{
	struct bpf_backend *bb = to_bb(b);

	if (bb->ring_pages)
		return -EBUSY;
	if (!pages || pages > KTRACE_RING_MAX_PAGES || (pages & (pages - 1)))
		return -EINVAL;
	bb->ring_pages = pages;
	bb->watermark = watermark;
	return 0;
}

/* A power of two of pages, the size a BPF ring buffer must have. */
static __u32 ring_bytes(const struct bpf_backend *bb)
{
	unsigned long long want = (unsigned long long)bb->ring_pages *
				  (unsigned long long)sysconf(_SC_PAGESIZE) *
				  (unsigned long long)bb->nr_cpus;
	__u32 size = (__u32)sysconf(_SC_PAGESIZE);

	while (size < want && size < BPF_RING_MAX)
		size <<= 1;
	return size;
}

/* What @en asks that the BPF version lacks, for the one-line error. */
static const char *lacking(const struct ktrace_probe_info *info,
			   const struct ktrace_enable *en)
{
	static const struct {
		__u64 flag;
		const char *what;
	} flags[] = {
		{ KTRACE_ENABLE_PID, "a thread filter" },
		{ KTRACE_ENABLE_TGID, "a process filter" },
		{ KTRACE_ENABLE_COMM, "a task name filter" },
		{ KTRACE_ENABLE_CGROUP, "a cgroup filter" },
		{ KTRACE_ENABLE_DEV, "a device filter" },
		{ KTRACE_ENABLE_LINEAR, "linear histograms" },
		{ KTRACE_ENABLE_SYMBOL, "a kernel function" },
	};
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (en->flags & flags[i].flag & ~info->flags)
			return flags[i].what;
	if (en->opts & ~info->opts)
		return "one of these options";
	return "this breakdown of the results";
}

/* The checks the module makes on ENABLE, in its order (uapi/ktrace.h). */
static int bpf_check(struct bpf_backend *bb, const struct ktrace_enable *en)
{
	const struct ktrace_probe_info *info = &bb->probe->info;

	if (en->flags & ~KTRACE_ENABLE_ALL || en->key > KTRACE_KEY_MAX ||
	    en->unit > KTRACE_UNIT_MAX ||
	    !memchr(en->probe, '\0', sizeof(en->probe)) ||
	    !memchr(en->comm, '\0', sizeof(en->comm)) ||
	    !memchr(en->symbol, '\0', sizeof(en->symbol)) ||
	    (!(en->flags & KTRACE_ENABLE_PID) && en->pid) ||
	    (!(en->flags & KTRACE_ENABLE_TGID) && en->tgid) ||
	    (!(en->flags & KTRACE_ENABLE_DEV) && en->dev) ||
	    (!(en->flags & KTRACE_ENABLE_COMM) && en->comm[0]) ||
	    ((en->flags & KTRACE_ENABLE_COMM) && !en->comm[0]))
		return -EINVAL;
	if (strcmp(en->probe, info->name))
		return -ENOENT;
	if (en->flags & ~info->flags || en->opts & ~info->opts ||
	    !(info->keys & (1U << en->key))) {
		fprintf(stderr,
			"ktracectl: %s: the BPF version cannot take %s (--backend module can)\n",
			info->name, lacking(info, en));
		return -EOPNOTSUPP;
	}
	if (info->kind == KTRACE_KIND_STREAM && !bb->ring_pages)
		return -ENXIO;
	if (bb->loaded)
		return -ENOSPC;
	return 0;
}

static void bpf_explain(const struct bpf_backend *bb, const char *what,
			int err)
{
	fprintf(stderr, "ktracectl: %s: cannot %s its BPF programs: %s%s\n",
		bb->probe->info.name, what, strerror(-err),
		err == -EPERM || err == -EACCES ?
		" (needs CAP_BPF and CAP_PERFMON, or root)" : "");
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	int fd = bpf_object__find_map_fd_by_name(obj, name);

	return fd < 0 ? -1 : fd;
}

static int rb_sample(void *ctx, void *data, size_t size)
{
	struct bpf_backend *bb = ctx;

	/* The programs write whole struct ktrace_rec_* records. */
	if (size < sizeof(struct ktrace_rec))
		return 0;
	return bb->cb(bb->cb_ctx, data);
}

static int bpf_enable(struct backend *b, struct ktrace_enable *en)
{
	struct bpf_backend *bb = to_bb(b);
	const struct bpf_probe *p = bb->probe;
	struct bpf_object *obj;
	struct bpf_map *map;
	__u32 zero = 0;
	int err, fd;

	en->size = sizeof(*en);
	err = bpf_check(bb, en);
	if (err)
		return err;
	bb->bi.watermark = bb->watermark;
	err = p->open(&bb->bi, en);
	if (err) {
		/* No such target, or too many: the command says so itself. */
		if (err != -ENOENT && err != -E2BIG)
			bpf_explain(bb, "open", err);
		return err;
	}
	obj = bb->bi.obj;
	map = bpf_object__find_map_by_name(obj, "kt_hists");
	if (map)
		bpf_map__set_max_entries(map, KT_BPF_SETS * p->capacity);
	map = bpf_object__find_map_by_name(obj, "kt_ring");
	if (map)
		bpf_map__set_max_entries(map, ring_bytes(bb));

	err = bpf_object__load_skeleton(bb->bi.sk);
	if (err) {
		bpf_explain(bb, "load", err);
		return err;
	}
	bb->loaded = true;
	bb->stats_fd = map_fd(obj, "kt_stats");
	bb->hists_fd = map_fd(obj, "kt_hists");
	bb->ctl_fd = map_fd(obj, "kt_ctl");
	bb->ring_fd = map_fd(obj, "kt_ring");
	if (en->flags & KTRACE_ENABLE_CGROUP) {
		fd = map_fd(obj, "kt_cgroup");
		if (fd < 0 ||
		    bpf_map_update_elem(fd, &zero, &en->cgroup_fd, BPF_ANY))
			return -EBADF;
	}
	if (bb->ring_fd >= 0) {
		bb->rb = ring_buffer__new(bb->ring_fd, rb_sample, bb, NULL);
		if (!bb->rb)
			return -errno;
	}
	err = bpf_object__attach_skeleton(bb->bi.sk);
	if (err) {
		bpf_explain(bb, "attach", err);
		return err;
	}
	bb->attached = true;
	if (p->attach) {
		err = p->attach(&bb->bi, en);
		if (err)
			return err;
	}
	bb->en = *en;
	en->max_entries = bb->hists_fd >= 0 ? p->capacity : 0;
	en->entry_size = bb->hists_fd >= 0 ?
		sizeof(struct ktrace_agg_entry) + KTRACE_LOG2_SLOTS * 8 : 0;
	en->id = BPF_INST_ID;
	return BPF_INST_ID;
}

static int bpf_disable(struct backend *b, __u32 id)
{
	struct bpf_backend *bb = to_bb(b);

	if (id != BPF_INST_ID || !bb->attached)
		return -ENOENT;
	bpf_object__detach_skeleton(bb->bi.sk);
	destroy_links(&bb->bi);
	bb->attached = false;
	bpf_grace();
	return 0;
}

/* Every CPU's counters into bb->percpu, and their sum into @sum. */
static int read_counters(struct bpf_backend *bb, struct kt_bpf_stats *sum)
{
	__u32 zero = 0;
	int cpu, i;

	if (bpf_map_lookup_elem(bb->stats_fd, &zero, bb->percpu))
		return -errno;
	memset(sum, 0, sizeof(*sum));
	for (cpu = 0; cpu < bb->nr_cpus; cpu++)
		for (i = 0; i < KT_STAT_NR; i++)
			sum->c[i] += bb->percpu[cpu].c[i];
	return 0;
}

/* Adds the old set's per-CPU values of @k into @ent. */
static int sum_entry(struct bpf_backend *bb, const struct kt_bpf_hkey *k,
		     struct kt_bpf_hval *vals, struct ktrace_agg_entry *ent)
{
	int cpu, i;

	if (bpf_map_lookup_elem(bb->hists_fd, k, vals))
		return -errno;
	ent->key[0] = k->key[0];
	ent->key[1] = k->key[1];
	for (cpu = 0; cpu < bb->nr_cpus; cpu++) {
		ent->count += vals[cpu].count;
		ent->sum += vals[cpu].sum;
		for (i = 0; i < KTRACE_LOG2_SLOTS; i++)
			ent->slots[i] += vals[cpu].slots[i];
	}
	return 0;
}

static int bpf_read(struct backend *b, __u32 id, bool clear,
		    struct kt_result *res)
{
	struct bpf_backend *bb = to_bb(b);
	__u32 max = KT_BPF_SETS * bb->probe->capacity, n = 0, i, set;
	size_t esize = sizeof(struct ktrace_agg_entry) + KTRACE_LOG2_SLOTS * 8;
	struct kt_bpf_hkey cur, next, *prev = NULL, *keys = NULL;
	struct kt_bpf_hval *vals = NULL;
	struct kt_bpf_ctl ctl = { 0 };
	struct kt_bpf_stats sum;
	__u32 zero = 0;
	char *buf = NULL;
	int err;

	memset(res, 0, sizeof(*res));
	if (id != BPF_INST_ID || !bb->loaded)
		return -ENOENT;
	if (bb->hists_fd < 0 || bb->ctl_fd < 0)
		return -EINVAL;
	set = bb->set;
	if (clear) {
		/* New events go to the other set; the old one is then still. */
		ctl.set = set ^ 1;
		if (bpf_map_update_elem(bb->ctl_fd, &zero, &ctl, BPF_ANY))
			return -errno;
		bb->set = ctl.set;
		bpf_grace();
	}
	keys = calloc(max, sizeof(*keys));
	vals = calloc((size_t)bb->nr_cpus, sizeof(*vals));
	buf = calloc(max ? max : 1, esize);
	err = -ENOMEM;
	if (!keys || !vals || !buf)
		goto out;
	err = 0;
	while (n < max && !bpf_map_get_next_key(bb->hists_fd, prev, &next)) {
		cur = next;
		prev = &cur;
		if (next.set == set)
			keys[n++] = next;
	}
	for (i = 0; i < n; i++) {
		err = sum_entry(bb, &keys[i], vals,
				(struct ktrace_agg_entry *)(buf + i * esize));
		if (err)
			goto out;
	}
	if (clear)
		for (i = 0; i < n; i++)
			bpf_map_delete_elem(bb->hists_fd, &keys[i]);
	err = read_counters(bb, &sum);
	if (err)
		goto out;
	res->rd.size = sizeof(res->rd);
	res->rd.flags = clear ? KTRACE_READ_CLEAR : 0;
	res->rd.id = id;
	res->rd.nr_entries = n;
	res->rd.entry_size = (__u32)esize;
	res->rd.nr_slots = KTRACE_LOG2_SLOTS;
	res->rd.hist = KTRACE_HIST_LOG2;
	res->rd.key = bb->en.key;
	res->rd.unit = bb->en.unit;
	res->rd.overflow = sum.c[KT_STAT_TABLE_FULL] - bb->overflow_base;
	if (clear)
		bb->overflow_base = sum.c[KT_STAT_TABLE_FULL];
	res->buf = buf;
	buf = NULL;
out:
	free(buf);
	free(vals);
	free(keys);
	return err;
}

/* The kernel's count of runs skipped because the program was running. */
static __u64 recursion_misses(struct bpf_object *obj)
{
	struct bpf_program *prog;
	__u64 missed = 0;

	bpf_object__for_each_program(prog, obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			missed += info.recursion_misses;
	}
	return missed;
}

static int bpf_stats(struct backend *b, __u32 id, struct ktrace_stats *st)
{
	struct bpf_backend *bb = to_bb(b);
	struct kt_bpf_stats sum;
	int err;

	if (id != BPF_INST_ID || !bb->loaded)
		return -ENOENT;
	err = read_counters(bb, &sum);
	if (err)
		return err;
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->id = id;
	st->hits = sum.c[KT_STAT_HITS];
	st->filtered = sum.c[KT_STAT_FILTERED];
	st->recorded = sum.c[KT_STAT_RECORDED];
	st->drop_table_full = sum.c[KT_STAT_TABLE_FULL];
	st->drop_ring_full = sum.c[KT_STAT_RING_FULL];
	st->drop_no_start = sum.c[KT_STAT_NO_START];
	st->drop_inflight_full = sum.c[KT_STAT_INFLIGHT_FULL];
	st->time_ns = sum.c[KT_STAT_TIME_NS];
	st->time_samples = sum.c[KT_STAT_TIME_SAMPLES];
	st->missed = recursion_misses(bb->bi.obj);
	return 0;
}

/* LOST records for the ring-full drops counted since the last ones. */
static int emit_lost(struct bpf_backend *bb, kt_rec_cb cb, void *ctx)
{
	struct ktrace_rec_lost lost;
	struct kt_bpf_stats sum;
	struct timespec ts;
	int cpu, n = 0, err;
	__u64 full;

	err = read_counters(bb, &sum);
	if (err)
		return err;
	if (sum.c[KT_STAT_RING_FULL] == 0)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (cpu = 0; cpu < bb->nr_cpus; cpu++) {
		full = bb->percpu[cpu].c[KT_STAT_RING_FULL];
		if (full == bb->lost_reported[cpu])
			continue;
		memset(&lost, 0, sizeof(lost));
		lost.hdr.len = sizeof(lost);
		lost.hdr.type = KTRACE_REC_LOST;
		lost.hdr.cpu = (__u32)cpu;
		lost.hdr.ts_ns = (__u64)ts.tv_sec * 1000000000ULL +
				 (__u64)ts.tv_nsec;
		lost.full = full - bb->lost_reported[cpu];
		bb->lost_reported[cpu] = full;
		n++;
		err = cb(ctx, &lost.hdr);
		if (err < 0)
			return err;
	}
	return n;
}

static int drain(struct bpf_backend *bb, int timeout_ms, bool wait,
		 kt_rec_cb cb, void *ctx)
{
	int n, lost;

	if (!bb->rb)
		return -ENXIO;
	bb->cb = cb;
	bb->cb_ctx = ctx;
	n = wait ? ring_buffer__poll(bb->rb, timeout_ms) :
		   ring_buffer__consume(bb->rb);
	/* Below the watermark nothing wakes us: take it on a quiet poll. */
	if (wait && !n && bb->watermark)
		n = ring_buffer__consume(bb->rb);
	if (n < 0)
		return n;
	lost = emit_lost(bb, cb, ctx);
	return lost < 0 ? lost : n + lost;
}

static int bpf_ring_poll(struct backend *b, int timeout_ms, kt_rec_cb cb,
			 void *ctx)
{
	return drain(to_bb(b), timeout_ms, true, cb, ctx);
}

static int bpf_ring_consume(struct backend *b, kt_rec_cb cb, void *ctx)
{
	return drain(to_bb(b), 0, false, cb, ctx);
}

static int bpf_ring_pending_lost(struct backend *b, struct kt_lost *lost)
{
	struct bpf_backend *bb = to_bb(b);
	struct kt_bpf_stats sum;
	int cpu, err;

	memset(lost, 0, sizeof(*lost));
	if (!bb->loaded)
		return 0;
	err = read_counters(bb, &sum);
	if (err)
		return err;
	for (cpu = 0; cpu < bb->nr_cpus; cpu++)
		lost->full += bb->percpu[cpu].c[KT_STAT_RING_FULL] -
			      bb->lost_reported[cpu];
	return 0;
}

static unsigned int bpf_ring_cpus(struct backend *b)
{
	return (unsigned int)to_bb(b)->nr_cpus;
}

/* The programs' per-CPU counts: offered, then recorded or ring full. */
static int bpf_ring_cpu(struct backend *b, unsigned int cpu,
			struct be_ring_cpu *rc)
{
	struct bpf_backend *bb = to_bb(b);
	struct kt_bpf_stats sum;
	int err;

	memset(rc, 0, sizeof(*rc));
	if (cpu >= (unsigned int)bb->nr_cpus || bb->ring_fd < 0)
		return -ENODEV;
	err = read_counters(bb, &sum);
	if (err)
		return err;
	rc->seen = bb->percpu[cpu].c[KT_STAT_RING_SEEN];
	rc->pending.full = bb->percpu[cpu].c[KT_STAT_RING_FULL] -
			   bb->lost_reported[cpu];
	return 0;
}

static int bpf_symbols(struct backend *b, __u32 id, char **names,
		       __u32 *nr)
{
	struct bpf_backend *bb = to_bb(b);

	if (id != BPF_INST_ID || !bb->loaded)
		return -ENOENT;
	if (!bb->probe->symbols)
		return -EINVAL;
	return bb->probe->symbols(&bb->bi, names, nr);
}

static int bpf_stacks(struct backend *b, struct ktrace_stacks *sk)
{
	struct bpf_backend *bb = to_bb(b);

	if (sk->id != BPF_INST_ID || !bb->loaded)
		return -ENOENT;
	if (!bb->probe->stacks)
		return -EINVAL;
	return bb->probe->stacks(&bb->bi, sk);
}

static void bpf_close(struct backend *b)
{
	struct bpf_backend *bb = to_bb(b);

	ring_buffer__free(bb->rb);
	destroy_links(&bb->bi);
	if (bb->bi.free_priv)
		bb->bi.free_priv(bb->bi.priv);
	if (bb->bi.sk)
		bpf_object__destroy_skeleton(bb->bi.sk);
	free(bb->bi.skel);
	free(bb->lost_reported);
	free(bb->percpu);
	free(bb);
}

static const struct backend_ops bpf_ops = {
	.name = "bpf",
	.probe_info = bpf_probe_info,
	.record_schema = bpf_record_schema,
	.ring_setup = bpf_ring_setup,
	.enable = bpf_enable,
	.disable = bpf_disable,
	.read = bpf_read,
	.stats = bpf_stats,
	.ring_poll = bpf_ring_poll,
	.ring_consume = bpf_ring_consume,
	.ring_pending_lost = bpf_ring_pending_lost,
	.ring_cpus = bpf_ring_cpus,
	.ring_cpu = bpf_ring_cpu,
	.symbols = bpf_symbols,
	.stacks = bpf_stacks,
	.close = bpf_close,
};

struct backend *backend_bpf_new(const char *probe, int *err)
{
	const struct bpf_probe *p = find_bpf_probe(probe);
	struct bpf_backend *bb;
	int nr_cpus, fd;

	if (!p) {
		*err = -ENOENT;
		return NULL;
	}
	/* Refused or impossible: one line from backend_open(), not libbpf's. */
	if (!bpf_may_trace()) {
		*err = -EPERM;
		return NULL;
	}
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	if (fd < 0) {
		*err = -errno;
		return NULL;
	}
	close(fd);
	libbpf_set_print(bpf_print);
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		*err = -ENODATA;
		return NULL;
	}
	nr_cpus = libbpf_num_possible_cpus();
	if (nr_cpus < 0) {
		*err = nr_cpus;
		return NULL;
	}
	bb = calloc(1, sizeof(*bb));
	if (bb) {
		bb->lost_reported = calloc((size_t)nr_cpus,
					   sizeof(*bb->lost_reported));
		bb->percpu = calloc((size_t)nr_cpus, sizeof(*bb->percpu));
	}
	if (!bb || !bb->lost_reported || !bb->percpu) {
		if (bb) {
			free(bb->lost_reported);
			free(bb->percpu);
		}
		free(bb);
		*err = -ENOMEM;
		return NULL;
	}
	bb->b.ops = &bpf_ops;
	bb->probe = p;
	bb->nr_cpus = nr_cpus;
	bb->stats_fd = bb->hists_fd = bb->ctl_fd = bb->ring_fd = -1;
	return &bb->b;
}
