// SPDX-License-Identifier: GPL-2.0
/*
 * netsize's loader (bpf/netsize.bpf.c), BPF only: its two cgroup_skb
 * programs attach to the cgroup the command opened (en->cgroup_fd, with
 * KTRACE_ENABLE_CGROUP), through links that leave any other program on
 * that cgroup in place.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "bpf_probe.h"
#include "netsize.skel.h"

static int ns_open(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct netsize_bpf *skel;

	if (!(en->flags & KTRACE_ENABLE_CGROUP))
		return -EINVAL;
	skel = netsize_bpf__open();
	if (!skel)
		return -errno;
	bi->skel = skel;
	bi->sk = skel->skeleton;
	bi->obj = skel->obj;
	bpf_cfg_set(&skel->rodata->kt_cfg, bi, en);
	return 0;
}

static int ns_attach(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct netsize_bpf *skel = bi->skel;
	struct bpf_program *progs[] = {
		skel->progs.kt_ns_ingress, skel->progs.kt_ns_egress,
	};
	struct bpf_link *link;
	size_t i;
	int err;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		link = bpf_program__attach_cgroup(progs[i], en->cgroup_fd);
		if (!link) {
			err = -errno;
			fprintf(stderr, "ktracectl: netsize: cannot attach to the cgroup: %s\n",
				strerror(-err));
			return err;
		}
		err = bpf_inst_add_link(bi, link);
		if (err)
			return err;
	}
	return 0;
}

const struct bpf_probe bpf_netsize = {
	.info = {
		.name = "netsize",
		.desc = "IP packet sizes per direction at a cgroup's hooks",
		.kind = KTRACE_KIND_HIST,
		.keys = 1U << KTRACE_KEY_NONE,
		/* The cgroup is where the programs attach, not a filter. */
		.flags = KTRACE_ENABLE_CGROUP,
	},
	.capacity = 2,
	.open = ns_open,
	.attach = ns_attach,
	.bpf_only = true,
};
