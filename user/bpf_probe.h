/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF backend's probes: one user/bpf_<probe>.c per bpf/<probe>.bpf.c,
 * which opens its skeleton and configures it; backend_bpf.c does the rest
 * the same way for every probe (map sizes, load, cgroup, attach, results,
 * counters, ring buffer).
 *
 * What a probe's programs must define, through bpf/ktrace.bpf.h:
 *   kt_cfg     const volatile struct kt_bpf_cfg in .rodata (bpf_cfg_set())
 *   kt_stats   per-CPU struct kt_bpf_stats: hits, drops... (always)
 *   kt_cgroup  the KTRACE_ENABLE_CGROUP filter (always)
 *   kt_hists, kt_ctl    a histogram probe's two sets (KT_BPF_HIST)
 *   kt_ring             a streaming probe's records (KT_BPF_RING)
 * and, for each tracepoint hook, a tp_btf program and a raw_tp one, of
 * which bpf_pick_tp() keeps one.
 *
 * A new probe: bpf/<probe>.bpf.c, user/bpf_<probe>.c defining a struct
 * bpf_probe, and its line in backend_bpf.c's bpf_probes[].
 */
#ifndef __KTRACECTL_BPF_PROBE_H
#define __KTRACECTL_BPF_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <bpf/libbpf.h>
#include "libktrace.h"
#include "ktrace_bpf.h"

/* One probe's loaded objects. */
struct bpf_inst {
	void *skel;			/* the skeleton, freed on close */
	struct bpf_object_skeleton *sk;
	struct bpf_object *obj;
	/* Links a probe's ->attach made, destroyed on disable and close. */
	struct bpf_link **links;
	size_t nr_links;
	/* The probe's own state, freed on close with ->free_priv. */
	void *priv;
	void (*free_priv)(void *priv);
	/* The ring watermark, in bytes, set before ->open (bpf_cfg_set()). */
	__u32 watermark;
};

struct bpf_probe {
	/*
	 * As the module describes the probe, less what the BPF version
	 * cannot do: the commands check their options against it alike.
	 */
	struct ktrace_probe_info info;
	__u32 capacity;			/* histogram keys per set */
	/* The tracepoints it hooks, "subsystem:name", for doctor. */
	const char *tracepoints[4];
	/*
	 * Opens the skeleton into @bi, sets its configuration from @en
	 * (bpf_cfg_set() and its own) and picks its programs.  0 or
	 * -errno.
	 */
	int (*open)(struct bpf_inst *bi, const struct ktrace_enable *en);
	/*
	 * Optional: attaches what the skeleton cannot (a target known only
	 * at run time), after it loaded and attached its own, each link
	 * through bpf_inst_add_link().  0 or -errno.
	 */
	int (*attach)(struct bpf_inst *bi, const struct ktrace_enable *en);
	/* Optional: KTRACE_IOC_SYMBOLS (the caller frees *names). */
	int (*symbols)(struct bpf_inst *bi, char **names, __u32 *nr);
	/* Optional: KTRACE_IOC_STACKS, with its paging, into sk->buf. */
	int (*stacks)(struct bpf_inst *bi, struct ktrace_stacks *sk);
	/* ktrace.ko has no such probe: BPF runs it whatever --backend says. */
	bool bpf_only;
};

/* Keeps @link (not NULL) with @bi; 0 or -ENOMEM (it is then destroyed). */
int bpf_inst_add_link(struct bpf_inst *bi, struct bpf_link *link);

extern const struct bpf_probe bpf_block_latency;
extern const struct bpf_probe bpf_execsnoop;
extern const struct bpf_probe bpf_syscount;
extern const struct bpf_probe bpf_runqlat;
extern const struct bpf_probe bpf_bpfwatch;
extern const struct bpf_probe bpf_opensnoop;
extern const struct bpf_probe bpf_tcplife;
extern const struct bpf_probe bpf_ufunclatency;
extern const struct bpf_probe bpf_ufunccount;
extern const struct bpf_probe bpf_netsize;
extern const struct bpf_probe bpf_funclatency;
extern const struct bpf_probe bpf_funccount;
extern const struct bpf_probe bpf_profile;
extern const struct bpf_probe bpf_sys_enter;

/* The probes with a BPF version, in order; NULL past the last. */
const struct bpf_probe *bpf_probe_at(size_t i);

/*
 * Whether this process may load and attach tracing programs: CAP_BPF and
 * CAP_PERFMON, or CAP_SYS_ADMIN.  Creating a map may be allowed to
 * anyone (kernel.unprivileged_bpf_disabled=0) while tracing is not.
 */
bool bpf_may_trace(void);

/*
 * Fills the filters, options, key, unit and instance id from @en, and
 * the ring's wakeup watermark from @bi.
 */
void bpf_cfg_set(struct kt_bpf_cfg *cfg, const struct bpf_inst *bi,
		 const struct ktrace_enable *en);

/*
 * Whether the running kernel's BTF types tracepoint @tp (the typedef
 * btf_trace_<tp>), so that a tp_btf program attaches to it.
 * KTRACE_BPF_RAW_TP=1 in the environment answers false, to run the
 * raw_tp programs where both would do.
 */
bool bpf_tp_btf(const char *tp);

/*
 * Loads one of @btf (tp_btf) and @raw (raw_tp) for tracepoint @tp, as
 * bpf_tp_btf() says, or neither without @want.
 */
void bpf_pick_tp(struct bpf_program *btf, struct bpf_program *raw,
		 const char *tp, bool want);

#endif /* __KTRACECTL_BPF_PROBE_H */
