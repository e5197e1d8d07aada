// SPDX-License-Identifier: GPL-2.0
/* tcplife's BPF version (bpf/tcplife.bpf.c): its loader. */
#include <errno.h>
#include "bpf_probe.h"
#include "tcplife.skel.h"

static int tl_open(struct bpf_inst *bi, const struct ktrace_enable *en)
{
	struct tcplife_bpf *skel;

	skel = tcplife_bpf__open();
	if (!skel)
		return -errno;
	bi->skel = skel;
	bi->sk = skel->skeleton;
	bi->obj = skel->obj;
	bpf_cfg_set(&skel->rodata->kt_cfg, bi, en);
	bpf_pick_tp(skel->progs.kt_tcp_state_btf, skel->progs.kt_tcp_state_raw,
		    "inet_sock_set_state", true);
	return 0;
}

const struct bpf_probe bpf_tcplife = {
	.info = {
		.name = "tcplife",
		.desc =
			"TCP sessions with bytes and duration, streamed at close",
		.kind = KTRACE_KIND_STREAM,
		.keys = 1U << KTRACE_KEY_NONE,
	},
	.tracepoints = { "sock:inet_sock_set_state" },
	.open = tl_open,
};
