// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl doctor: what this host allows, and so which backend each
 * probe will use.  The module needs a kernel that loads modules (not
 * disabled, no lockdown or signature enforcement refusing an unsigned
 * one); the BPF backend needs bpf() allowed, the kernel's BTF (CO-RE)
 * and the tracepoints its programs hook.  Nothing is loaded or attached:
 * the answers come from /proc, /sys and libbpf's feature probes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "ktracectl.h"
#include "args.h"
#include "backend.h"
#include "bpf_probe.h"

static const char doctor_doc[] =
"Report what this host allows ktrace to do.\n"
"\n"
"USAGE: ktracectl [--backend KIND] doctor [--help]\n"
"\n"
"Kernel, privileges and lockdown; whether ktrace.ko is loaded or could\n"
"be (modules disabled, signature enforcement); whether the BPF backend\n"
"can run (bpf() allowed, BTF, ring buffer, tp_btf, kprobes); the\n"
"tracepoints the probes hook; and for each probe the backend --backend\n"
"would use.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl doctor                   # with the default backend\n"
"    ktracectl --backend auto doctor    # what auto would pick";

/* The probes ktracectl has a command for, as cmd_enable.c lists them. */
static const char *const probe_names[] = {
	"block_latency", "funclatency", "execsnoop", "opensnoop", "runqlat",
	"syscount", "sys_enter", "tcplife", "funccount", "profile",
	"stackcount", "offcputime", "trace", "tpcount", "bpfwatch",
};

/* The tracepoints the module's probes hook, beyond the BPF ones. */
static const char *const module_tracepoints[] = {
	"sched:sched_wakeup", "sched:sched_wakeup_new", "sched:sched_switch",
	"sched:sched_process_exec", "sock:inet_sock_set_state",
};

#define CAP_SYS_ADMIN_BIT	21
#define CAP_PERFMON_BIT		38
#define CAP_BPF_BIT		39

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The first line of @path without its newline, or NULL. */
static char *read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	char *p;

	if (!f)
		return NULL;
	p = fgets(buf, (int)size, f);
	fclose(f);
	if (!p)
		return NULL;
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static unsigned long long cap_eff(void)
{
	unsigned long long caps = 0;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/status", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return caps;
}

/* "none", "integrity", "confidentiality", or NULL where unknown. */
static const char *lockdown_mode(char *buf, size_t size)
{
	char *open, *close;

	if (!read_line("/sys/kernel/security/lockdown", buf, size))
		return NULL;
	/* "[none] integrity confidentiality": the current one bracketed. */
	open = strchr(buf, '[');
	close = open ? strchr(open, ']') : NULL;
	if (!close)
		return NULL;
	*close = '\0';
	return open + 1;
}

struct host {
	bool module_loaded;
	bool bpf_ok;		/* bpf() allowed */
	bool btf;
	struct ktrace_probe_info *mod_probes;
	int nr_mod_probes;
};

static void report_kernel(const char *lockdown)
{
	unsigned long long caps = cap_eff();
	struct utsname u;

	if (!uname(&u))
		printf("kernel:          %s %s\n", u.release, u.machine);
	printf("privileges:      uid %u, CAP_SYS_ADMIN %s, CAP_BPF %s, CAP_PERFMON %s\n",
	       (unsigned int)geteuid(),
	       caps & 1ULL << CAP_SYS_ADMIN_BIT ? "yes" : "no",
	       caps & 1ULL << CAP_BPF_BIT ? "yes" : "no",
	       caps & 1ULL << CAP_PERFMON_BIT ? "yes" : "no");
	printf("lockdown:        %s\n", lockdown ? lockdown :
	       exists("/sys/kernel/security/lsm") ?
	       "none (not built in)" : "unknown (securityfs not mounted)");
}

static void report_module(struct host *h, const char *lockdown)
{
	char disabled[16], sig[16];
	const char *why = NULL;
	struct kt *kt;
	int err;

	printf("\nmodule (ktrace.ko):\n");
	h->module_loaded = exists(KTRACE_DEVICE);
	if (h->module_loaded) {
		err = kt_open(&kt);
		if (err) {
			printf("  %-16s present, cannot open: %s\n", KTRACE_DEVICE,
			       kt_strerror(err));
		} else {
			const struct ktrace_handshake *hs = kt_handshake(kt);

			h->nr_mod_probes = kt_probe_list(kt, &h->mod_probes);
			if (h->nr_mod_probes < 0)
				h->nr_mod_probes = 0;
			printf("  %-16s present: ABI %u.%u, %u probes\n",
			       KTRACE_DEVICE, hs->abi_major, hs->abi_minor,
			       hs->nr_probes);
			kt_close(kt);
		}
	} else {
		printf("  %-16s absent: ktrace.ko is not loaded\n",
		       KTRACE_DEVICE);
	}

	if (!exists("/proc/modules"))
		why = "the kernel has no module support";
	else if (read_line("/proc/sys/kernel/modules_disabled", disabled,
			   sizeof(disabled)) && strcmp(disabled, "0"))
		why = "modules are disabled (/proc/sys/kernel/modules_disabled = 1)";
	else if (lockdown && strcmp(lockdown, "none"))
		why = "lockdown refuses unsigned modules";
	else if (read_line("/sys/module/module/parameters/sig_enforce", sig,
			   sizeof(sig)) && !strcmp(sig, "Y"))
		why = "module signatures are enforced (module.sig_enforce)";
	printf("  %-16s %s%s\n", "loadable:", why ? "no: " : "yes",
	       why ? why : "");
	printf("  %-16s %s\n", "signatures:",
	       !read_line("/sys/module/module/parameters/sig_enforce", sig,
			  sizeof(sig)) ? "not checked (no module signing)" :
	       !strcmp(sig, "Y") ? "enforced: ktrace.ko must be signed" :
				   "checked, not enforced (unsigned taints)");
}

static const char *yes_no(int probe)
{
	return probe == 1 ? "yes" : "no";
}

static void report_bpf(struct host *h, const char *lockdown)
{
	char buf[64];
	struct stat st;
	int fd;

	printf("\nbpf:\n");
	/* A failing probe should not print libbpf's own complaints. */
	libbpf_set_print(NULL);
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 4, 1, NULL);
	h->bpf_ok = fd >= 0;
	printf("  %-16s %s%s\n", "bpf():", h->bpf_ok ? "allowed" : "refused: ",
	       h->bpf_ok ? "" : strerror(errno));
	if (fd >= 0)
		close(fd);
	if (h->bpf_ok && !bpf_may_trace()) {
		h->bpf_ok = false;
		printf("  %-16s refused: needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN\n",
		       "tracing:");
	}
	h->btf = stat("/sys/kernel/btf/vmlinux", &st) == 0;
	if (h->btf)
		printf("  %-16s present (/sys/kernel/btf/vmlinux, %lld KiB)\n",
		       "BTF:", (long long)st.st_size / 1024);
	else
		printf("  %-16s absent: CO-RE programs cannot load (CONFIG_DEBUG_INFO_BTF)\n",
		       "BTF:");
	if (read_line("/proc/sys/kernel/unprivileged_bpf_disabled", buf,
		      sizeof(buf)))
		printf("  %-16s %s\n", "unprivileged:",
		       !strcmp(buf, "0") ? "allowed" : "refused (root only)");
	if (lockdown && !strcmp(lockdown, "confidentiality"))
		printf("  %-16s refused by lockdown (confidentiality)\n",
		       "kernel reads:");
	if (!h->bpf_ok)
		return;
	printf("  %-16s %s\n", "ring buffer:",
	       yes_no(libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL)));
	printf("  %-16s %s\n", "raw_tp:",
	       yes_no(libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_RAW_TRACEPOINT,
						 NULL)));
	printf("  %-16s %s\n", "tp_btf:",
	       bpf_tp_btf("sys_enter") ? "yes" : "no (raw_tp instead)");
	printf("  %-16s %s\n", "kprobes:",
	       exists("/sys/bus/event_source/devices/kprobe/type") ?
	       "yes" : "no");
}

static const char *tracefs(void)
{
	if (exists("/sys/kernel/tracing/events"))
		return "/sys/kernel/tracing/events";
	if (exists("/sys/kernel/debug/tracing/events"))
		return "/sys/kernel/debug/tracing/events";
	return NULL;
}

/* "subsystem:name": whether it exists, and whether BTF types it. */
static bool tracepoint_ok(const char *tp, bool *typed)
{
	const char *name = strchr(tp, ':') + 1, *dir = tracefs();
	char path[256];

	*typed = bpf_tp_btf(name);
	if (*typed)
		return true;
	if (!dir)
		return false;
	snprintf(path, sizeof(path), "%s/%.*s/%s", dir, (int)(name - tp - 1),
		 tp, name);
	return exists(path);
}

static void report_tracepoint(const char *tp)
{
	bool typed, ok = tracepoint_ok(tp, &typed);

	printf("  %-28s %s\n", tp,
	       typed ? "yes, BTF-typed (tp_btf)" :
	       ok ? "yes (raw_tp)" :
	       tracefs() ? "absent" : "unknown (tracefs not mounted)");
}

/* Whether @tp was reported already: several probes share a tracepoint. */
static bool tracepoint_seen(const char *tp, const char **seen, size_t *n,
			    size_t max)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp(seen[i], tp))
			return true;
	if (*n < max)
		seen[(*n)++] = tp;
	return false;
}

static void report_tracepoints(void)
{
	const char *seen[64], *tp;
	const struct bpf_probe *p;
	size_t i, j, n = 0;

	printf("\ntracepoints:\n");
	for (i = 0; (p = bpf_probe_at(i)); i++)
		for (j = 0; j < 4 && (tp = p->tracepoints[j]); j++)
			if (!tracepoint_seen(tp, seen, &n, 64))
				report_tracepoint(tp);
	for (i = 0; i < sizeof(module_tracepoints) / sizeof(*module_tracepoints); i++)
		if (!tracepoint_seen(module_tracepoints[i], seen, &n, 64))
			report_tracepoint(module_tracepoints[i]);
}

static bool module_has(const struct host *h, const char *name)
{
	int i;

	for (i = 0; i < h->nr_mod_probes; i++)
		if (!strncmp(h->mod_probes[i].name, name, KTRACE_NAME_LEN))
			return true;
	return false;
}

/* Whether the BPF version of @name can run here, or why not. */
static const char *bpf_why_not(const struct host *h, const char *name)
{
	const struct bpf_probe *p;
	bool typed;
	size_t i, j;

	for (i = 0; (p = bpf_probe_at(i)); i++) {
		if (strcmp(p->info.name, name))
			continue;
		if (!h->bpf_ok)
			return "bpf tracing refused";
		if (!h->btf)
			return "no BTF";
		for (j = 0; j < 4 && p->tracepoints[j]; j++)
			if (!tracepoint_ok(p->tracepoints[j], &typed) &&
			    tracefs())
				return "a tracepoint is missing";
		return NULL;
	}
	return "no BPF version yet";
}

static void report_probes(const struct host *h)
{
	enum backend_kind kind = backend_resolve(env.backend);
	const char *bpf_no, *use;
	bool mod;
	size_t i;

	printf("\nprobes (--backend %s):\n", backend_kind_name(env.backend));
	printf("  %-16s %-8s %-32s %s\n", "PROBE", "MODULE", "BPF", "USES");
	for (i = 0; i < sizeof(probe_names) / sizeof(*probe_names); i++) {
		mod = module_has(h, probe_names[i]);
		bpf_no = bpf_why_not(h, probe_names[i]);
		if (kind == BACKEND_MODULE)
			use = mod ? "module" : h->module_loaded ?
			      "none (not in this ktrace.ko)" :
			      "none (load ktrace.ko)";
		else
			use = bpf_no ? "none" : "bpf";
		printf("  %-16s %-8s %-32s %s\n", probe_names[i],
		       !h->module_loaded ? "-" : mod ? "yes" : "no",
		       bpf_no ? bpf_no : "yes", use);
	}
}

static error_t parse_doctor(int key, char *arg, struct argp_state *state)
{
	(void)state;
	if (key == ARGP_KEY_ARG)
		usage_error(state, "unexpected argument '%s'", arg);
	return ARGP_ERR_UNKNOWN;
}

int cmd_doctor(int argc, char **argv)
{
	static const struct argp argp = {
		.parser = parse_doctor,
		.doc = doctor_doc,
		.children = verbose_children,
	};
	struct host h = { 0 };
	const char *lockdown;
	char buf[128];

	if (parse_subcommand(&argp, argc, argv, "doctor", NULL))
		return EXIT_USAGE;
	lockdown = lockdown_mode(buf, sizeof(buf));
	report_kernel(lockdown);
	report_module(&h, lockdown);
	report_bpf(&h, lockdown);
	report_tracepoints();
	report_probes(&h);
	free(h.mod_probes);
	return 0;
}
