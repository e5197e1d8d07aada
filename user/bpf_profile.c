// SPDX-License-Identifier: GPL-2.0
/*
 * profile's BPF version (bpf/profile.bpf.c): its loader.  It opens one
 * cpu-clock perf event per CPU at a period of 1/FREQ s (a period, as the
 * module, so perf does not throttle the rate) and attaches the program
 * to each.  Its stacks are given as the module gives them
 * (KTRACE_IOC_STACKS): one record per stack id, frames as symbols from
 * /proc/kallsyms ("vfs_read+0x1a/0x40", " [module]" after a module's),
 * never addresses.  CPUs that come online later are not sampled, as with
 * the module.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include "ktracectl.h"
#include "bpf_probe.h"
#include "profile_bpf.h"
#include "profile.skel.h"

struct ksym {
	unsigned long long addr;
	char *name;		/* "name" or "name [module]" */
};

struct prof_priv {
	struct ksym *syms;	/* text symbols by address; loaded once */
	size_t nr_syms;
	bool syms_loaded;
};

static void prof_free(void *p)
{
	struct prof_priv *pp = p;
	size_t i;

	if (!pp)
		return;
	for (i = 0; i < pp->nr_syms; i++)
		free(pp->syms[i].name);
	free(pp->syms);
	free(pp);
}

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* /proc/kallsyms's text symbols; none when addresses read as 0. */
static void load_ksyms(struct prof_priv *pp)
{
	char line[512], name[256], mod[128], type;
	unsigned long long addr;
	struct ksym *s;
	size_t cap = 0;
	FILE *f;
	int n;

	pp->syms_loaded = true;
	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		mod[0] = '\0';
		n = sscanf(line, "%llx %c %255s %127s", &addr, &type, name, mod);
		if (n < 3 || !addr || (type != 't' && type != 'T'))
			continue;
		if (pp->nr_syms == cap) {
			cap = cap ? cap * 2 : 65536;
			s = realloc(pp->syms, cap * sizeof(*s));
			if (!s)
				break;
			pp->syms = s;
		}
		s = &pp->syms[pp->nr_syms];
		s->addr = addr;
		if (mod[0]) {
			s->name = malloc(strlen(name) + strlen(mod) + 2);
			if (s->name)
				sprintf(s->name, "%s %s", name, mod);
		} else {
			s->name = strdup(name);
		}
		if (s->name)
			pp->nr_syms++;
	}
	fclose(f);
	qsort(pp->syms, pp->nr_syms, sizeof(*pp->syms), cmp_ksym);
}

/* @ip as the kernel prints it, into @buf of KTRACE_SYMBOL_LEN. */
static void symbolize(struct prof_priv *pp, unsigned long long ip, char *buf)
{
	size_t lo = 0, hi = pp->nr_syms, mid;
	const struct ksym *s;
	unsigned long long size;
	const char *mod;
	int len;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (pp->syms[mid].addr <= ip)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo) {
		snprintf(buf, KTRACE_SYMBOL_LEN, "[unknown]");
		return;
	}
	s = &pp->syms[lo - 1];
	size = lo < pp->nr_syms ? pp->syms[lo].addr - s->addr : 0;
	mod = strchr(s->name, ' ');
	len = mod ? (int)(mod - s->name) : (int)strlen(s->name);
	snprintf(buf, KTRACE_SYMBOL_LEN, "%.*s+0x%llx/0x%llx%s", len, s->name,
		 ip - s->addr, size, mod ? mod : "");
}

static int prof_open(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	__u64 freq = en->opts & KTRACE_PROFILE_FREQ_MASK;
	struct profile_bpf *skel;
	struct prof_priv *pp;

	if (freq > KTRACE_PROFILE_FREQ_MAX)
		return -EINVAL;
	pp = calloc(1, sizeof(*pp));
	if (!pp)
		return -ENOMEM;
	bi->priv = pp;
	bi->free_priv = prof_free;
	skel = profile_bpf__open();
	if (!skel)
		return -errno;
	bi->skel = skel;
	bi->sk = skel->skeleton;
	bi->obj = skel->obj;
	bpf_cfg_set(&skel->rodata->kt_cfg, bi, en);
	return 0;
}

static int prof_attach(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	__u64 freq = en->opts & KTRACE_PROFILE_FREQ_MASK;
	struct profile_bpf *skel = bi->skel;
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.size = sizeof(attr),
	};
	int cpu, nr_cpus = libbpf_num_possible_cpus(), fd, err, nr = 0;
	struct bpf_link *link;

	if (!freq)
		freq = KTRACE_PROFILE_FREQ_DEFAULT;
	attr.sample_period = 1000000000ULL / freq;
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		fd = (int)syscall(__NR_perf_event_open, &attr, -1, cpu, -1,
				  PERF_FLAG_FD_CLOEXEC);
		if (fd < 0) {
			if (errno == ENODEV)
				continue;	/* offline: nothing to sample */
			return -errno;
		}
		link = bpf_program__attach_perf_event(skel->progs.kt_prof_sample,
						      fd);
		if (!link) {
			err = -errno;
			close(fd);
			return err;
		}
		/* The link closes the event when destroyed. */
		err = bpf_inst_add_link(bi, link);
		if (err)
			return err;
		nr++;
	}
	return nr ? 0 : -ENODEV;
}

/* What the stacks' table lost, as the module's dropped. */
static __u64 prof_dropped(struct bpf_inst *bi)
{
	int fd = bpf_object__find_map_fd_by_name(bi->obj, "kt_stats");
	int nr_cpus = libbpf_num_possible_cpus(), cpu;
	struct kt_bpf_stats *st;
	__u32 zero = 0;
	__u64 sum = 0;

	if (fd < 0 || nr_cpus <= 0)
		return 0;
	st = calloc((size_t)nr_cpus, sizeof(*st));
	if (st && !bpf_map_lookup_elem(fd, &zero, st))
		for (cpu = 0; cpu < nr_cpus; cpu++)
			sum += st[cpu].c[KT_STAT_TABLE_FULL];
	free(st);
	return sum;
}

struct prof_id {
	__u32 id;
	struct kt_prof_key key;
};

static int cmp_id(const void *a, const void *b)
{
	const struct prof_id *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Writes the record of @pi at @p (room for KTRACE_STACK_REC_MAX). */
static __u32 write_rec(struct prof_priv *pp, const struct prof_id *pi,
		       char *p)
{
	struct ktrace_stack *rec = (struct ktrace_stack *)p;
	char sym[KTRACE_SYMBOL_LEN];
	__u32 len = sizeof(*rec), nr = 0, i;
	size_t n;

	memset(rec, 0, sizeof(*rec));
	rec->id = pi->id;
	rec->tgid = pi->key.tgid;
	memcpy(rec->comm, pi->key.comm, sizeof(rec->comm));
	rec->comm[KTRACE_COMM_LEN - 1] = '\0';
	for (i = 0; i < KTRACE_STACK_DEPTH && pi->key.ips[i]; i++) {
		symbolize(pp, pi->key.ips[i], sym);
		n = strlen(sym) + 1;
		memcpy(p + len, sym, n);
		len += (__u32)n;
		nr++;
	}
	rec->nr_frames = nr;
	while (len % 8)
		p[len++] = '\0';
	rec->len = len;
	return len;
}

/* KTRACE_IOC_STACKS: from the id sk->start on, what fits, by id. */
static int prof_stacks(struct bpf_inst *bi, struct ktrace_stacks *sk)
{
	struct prof_priv *pp = bi->priv;
	int ids_fd = bpf_object__find_map_fd_by_name(bi->obj, "kt_prof_ids");
	struct kt_prof_key cur, next, *prev = NULL;
	char *buf = (char *)(uintptr_t)sk->buf, *rec = NULL;
	struct prof_id *ids;
	__u32 n = 0, i, used = 0, len, start = sk->start ? sk->start : 1;
	int err = 0;

	if (sk->flags)
		return -EINVAL;
	if (ids_fd < 0)
		return -EINVAL;
	if (!pp->syms_loaded)
		load_ksyms(pp);
	ids = calloc(KT_PROF_STACKS, sizeof(*ids));
	rec = malloc(KTRACE_STACK_REC_MAX);
	if (!ids || !rec) {
		err = -ENOMEM;
		goto out;
	}
	while (n < KT_PROF_STACKS &&
	       !bpf_map_get_next_key(ids_fd, prev, &next)) {
		cur = next;
		prev = &cur;
		if (!bpf_map_lookup_elem(ids_fd, &cur, &ids[n].id) &&
		    ids[n].id >= start) {
			ids[n].key = cur;
			n++;
		}
	}
	qsort(ids, n, sizeof(*ids), cmp_id);
	sk->count = 0;
	sk->start = 0;
	for (i = 0; i < n; i++) {
		len = write_rec(pp, &ids[i], rec);
		if (used + len > sk->buf_size) {
			if (!sk->count) {
				err = -ENOSPC;
				goto out;
			}
			sk->start = ids[i].id;
			break;
		}
		memcpy(buf + used, rec, len);
		used += len;
		sk->count++;
	}
	sk->dropped = prof_dropped(bi);
out:
	free(rec);
	free(ids);
	return err;
}

const struct bpf_probe bpf_profile = {
	.info = {
		.name = "profile",
		.desc = "on-CPU kernel stacks sampled at a frequency",
		.kind = KTRACE_KIND_COUNT,
		.keys = 1U << KTRACE_KEY_STACK,
		.flags = KTRACE_ENABLE_PID | KTRACE_ENABLE_TGID |
			 KTRACE_ENABLE_COMM | KTRACE_ENABLE_CGROUP,
		.opts = KTRACE_PROFILE_FREQ_MASK,
	},
	.capacity = KT_PROF_STACKS,
	.open = prof_open,
	.attach = prof_attach,
	.stacks = prof_stacks,
};
