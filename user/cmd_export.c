// SPDX-License-Identifier: GPL-2.0
/*
 * ktracectl export: the aggregating probes as a Prometheus exporter.
 *
 *   ktracectl export --listen ADDR:PORT PROBE[:OPTIONS]...
 *
 * enables each probe once and serves GET /metrics in the text exposition
 * format (prom.h): histograms in seconds with cumulative log2 buckets,
 * counters per syscall, disk, process, bpf() command..., and each probe's
 * hits and drops by reason (KTRACE_IOC_STATS).
 *
 * Counters must only grow.  The kernel's keyed tables are small (256 keys
 * for block_latency, 1024 for syscount, in ktrace.ko and in the BPF maps
 * alike): a table that is never cleared stays full once it has seen that
 * many keys, and every later new key is lost for good.  So every
 * --interval, and before answering a scrape, the exporter reads-and-clears
 * each table (atomically: no event is lost or counted twice between reads)
 * and adds the results into its own cumulative series (struct
 * prom_store).  A table then holds the keys of one interval only; what
 * still does not fit shows in ktrace_probe_dropped_total{reason=
 * "table_full"}.  The exporter's store is bounded too (--max-series per
 * probe), its drops counted as well.
 *
 * The data source is the src_* functions alone, over the backend
 * --backend names (backend.h): ktrace.ko, or ktracectl's own eBPF
 * programs with no module loaded.  Both read-and-clear atomically and
 * count the same stats, so the metrics are the same whichever runs.
 *
 * The server is one thread and one poll() loop: at most EXP_MAX_CLIENTS
 * connections, a request of at most EXP_REQ_MAX bytes within
 * EXP_READ_TIMEOUT_MS, the response written within EXP_WRITE_TIMEOUT_MS,
 * one request per connection (Connection: close), GET and HEAD only, 404
 * for any path but /metrics.  A slow or bad client costs one slot until
 * its timeout, never the loop.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "ktracectl.h"
#include "args.h"
#include "backend.h"
#include "bpfwatch.h"
#include "disk.h"
#include "ioflags.h"
#include "prom.h"
#include "syscall_names.h"

#define EXP_MAX_SPECS		8
#define EXP_MAX_CLIENTS		32
#define EXP_REQ_MAX		8192	/* request line and headers */
#define EXP_READ_TIMEOUT_MS	10000	/* to receive the whole request */
#define EXP_WRITE_TIMEOUT_MS	30000	/* to send the whole response */
#define EXP_LINGER_MS		2000	/* to read what follows, then close */
#define EXP_HIST_MAX_SECONDS	60.0	/* the last finite bucket reaches it */
#define EXP_MAX_SERIES		10000
#define EXP_KEY_LABELS		3

static const char export_doc[] =
"Serve the results of aggregating probes as Prometheus metrics.\n"
"\n"
"USAGE: ktracectl export [--help] -l ADDR:PORT [-i SECS] [--max-series N]\n"
"                        PROBE[:OPTIONS]...\n"
"\n"
"Each PROBE is enabled once and GET /metrics on ADDR:PORT answers in the\n"
"Prometheus text format.  OPTIONS are the probe's own command options,\n"
"separated by commas (or spaces, quoted): block_latency:-D,-d,vda.\n"
"\n"
"PROBES AND THEIR OPTIONS:\n"
"    block_latency  -m -Q -D|-F -d DISK -p PID -c COMM\n"
"                   ktrace_block_latency_seconds (-Q: _queued_seconds)\n"
"                   histogram; -D label disk, -F label flags\n"
"    runqlat        -m -P|-L -p PID -c COMM\n"
"                   ktrace_runqlat_seconds histogram; -P labels pid, comm;\n"
"                   -L labels tid, comm\n"
"    funclatency    -m|-u|-n -P|-L -p PID -c COMM FUNCTION\n"
"                   ktrace_funclatency_seconds{function} histogram\n"
"    syscount       -L -x -P|-C -p PID -c COMM\n"
"                   ktrace_syscount_calls_total (-x: _failed_calls_total),\n"
"                   -L ktrace_syscount_seconds_total too; label syscall,\n"
"                   -P labels pid, comm, -C label comm\n"
"    bpfwatch       -p PID -c COMM\n"
"                   ktrace_bpfwatch_calls_total and\n"
"                   ktrace_bpfwatch_failed_calls_total; labels comm, cmd,\n"
"                   prog_type (BPF_PROG_LOAD's, else empty)\n"
"Every probe: ktrace_probe_{hits,filtered,recorded,no_start}_total and\n"
"ktrace_probe_dropped_total{reason}, labelled probe.\n"
"\n"
"ADDR:PORT is numeric: 127.0.0.1:9100, [::1]:9100, or :9100 for every\n"
"address (IPv6 and IPv4).  The probes run in ktrace.ko, or with\n"
"ktracectl --backend bpf export ... as eBPF programs, no module needed.\n"
"\n"
"EXAMPLES:\n"
"    ktracectl export -l :9100 block_latency:-D\n"
"    ktracectl export -l 127.0.0.1:9100 block_latency:-D syscount:-L\n"
"    ktracectl export -l :9100 'runqlat:-P' 'funclatency:-u vfs_read'\n"
"    ktracectl --backend bpf export -l :9100 block_latency:-D runqlat\n"
"    ktracectl export -l :9100 block_latency:--help   # a probe's options";

static const struct argp_option export_opts[] = {
	{ "listen", 'l', "ADDR:PORT", 0, "Serve /metrics on this address (required)", 0 },
	{ "interval", 'i', "SECS", 0, "Read and clear the kernel tables this often (default 1)", 0 },
	{ "max-series", 'S', "N", 0, "Keep at most N series per probe (default 10000)", 0 },
	{},
};

struct exp_spec;

struct exp_probe {
	const char *name;
	const struct argp *argp;
	/* Sets ->en (key, unit, filters) and what is exported. */
	void (*setup)(struct exp_spec *s, const struct ktrace_probe_info *info);
	/* The label values of a new key; NULL: by ->en.key (key_values()). */
	void (*key_values)(const __u64 key[2], char *values[]);
};

struct exp_spec {
	const struct exp_probe *probe;
	const char *text;		/* PROBE[:OPTIONS] as given */
	char *words;			/* its copy the options point into */

	/* The options, as the probe's own command names them. */
	bool msecs, queued, per_disk, per_flag, per_pid, per_tid;
	bool latency, failures, per_comm;
	__u32 unit;
	int nr_units;
	__u32 dev;
	__u32 pid;
	const char *comm;
	const char *func;

	/* What it exports. */
	bool hist;
	const char *family;		/* the histogram, or the calls counter */
	const char *help;
	const char *sum_family;		/* a time counter from the sums */
	const char *sum_help;
	bool sum_is_count;		/* ...or a count: sum as it is */
	const char *key_labels[EXP_KEY_LABELS];
	int nr_key_labels;
	struct prom_label const_label;	/* funclatency's function */
	double per_sec;			/* units per second */
	int nr_buckets;

	struct backend *be;		/* where it runs: the module or BPF */
	struct ktrace_enable en;
	__u32 id;
	struct prom_store store;
};

/* Per-probe option parsers: the letters of the probe's own command. */

static error_t parse_common(struct exp_spec *s, int key, char *arg,
			    struct argp_state *state)
{
	switch (key) {
	case 'p':
		s->pid = (__u32)parse_ulong(state, "PID", arg, INT_MAX);
		return 0;
	case 'c':
		s->comm = parse_comm(state, arg);
		return 0;
	case ARGP_KEY_ARG:
		usage_error(state, "unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp_option bl_opts[] = {
	{ "milliseconds", 'm', NULL, 0, "Millisecond resolution in the kernel", 0 },
	{ "queued", 'Q', NULL, 0, "Include OS queued time in I/O time", 0 },
	{ "per-disk", 'D', NULL, 0, "A histogram per disk (label disk)", 0 },
	{ "per-flag", 'F', NULL, 0, "A histogram per set of I/O flags (label flags)", 0 },
	{ "disk", 'd', "DISK", 0, "Trace this disk only", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{},
};

static error_t parse_bl(int key, char *arg, struct argp_state *state)
{
	struct exp_spec *s = state->input;
	int err;

	switch (key) {
	case 'm':
		s->msecs = true;
		break;
	case 'Q':
		s->queued = true;
		break;
	case 'D':
		s->per_disk = true;
		break;
	case 'F':
		s->per_flag = true;
		break;
	case 'd':
		err = disk_to_dev(arg, &s->dev);
		if (err)
			usage_error(state, "invalid disk '%s': %s", arg,
				    strerror(-err));
		break;
	case ARGP_KEY_END:
		if (s->per_disk && s->per_flag)
			usage_error(state, "-D and -F cannot be combined");
		break;
	default:
		return parse_common(s, key, arg, state);
	}
	return 0;
}

static const struct argp bl_argp = {
	.options = bl_opts,
	.parser = parse_bl,
	.doc = "block_latency for ktracectl export: block I/O latency in seconds.",
};

static const struct argp_option rq_opts[] = {
	{ "milliseconds", 'm', NULL, 0, "Millisecond resolution in the kernel", 0 },
	{ "pids", 'P', NULL, 0, "A histogram per process (labels pid, comm)", 0 },
	{ "tids", 'L', NULL, 0, "A histogram per thread (labels tid, comm)", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{},
};

static error_t parse_rq(int key, char *arg, struct argp_state *state)
{
	struct exp_spec *s = state->input;

	switch (key) {
	case 'm':
		s->msecs = true;
		break;
	case 'P':
		s->per_pid = true;
		break;
	case 'L':
		s->per_tid = true;
		break;
	case ARGP_KEY_END:
		if (s->per_pid && s->per_tid)
			usage_error(state, "-P and -L cannot be combined");
		break;
	default:
		return parse_common(s, key, arg, state);
	}
	return 0;
}

static const struct argp rq_argp = {
	.options = rq_opts,
	.parser = parse_rq,
	.doc = "runqlat for ktracectl export: run queue latency in seconds.",
};

static const struct argp_option fl_opts[] = {
	{ "milliseconds", 'm', NULL, 0, "Millisecond resolution in the kernel", 0 },
	{ "microseconds", 'u', NULL, 0, "Microsecond resolution in the kernel", 0 },
	{ "nanoseconds", 'n', NULL, 0, "Nanosecond resolution (default)", 0 },
	{ "pids", 'P', NULL, 0, "A histogram per process (labels pid, comm)", 0 },
	{ "tids", 'L', NULL, 0, "A histogram per thread (labels tid, comm)", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{},
};

static error_t parse_fl(int key, char *arg, struct argp_state *state)
{
	struct exp_spec *s = state->input;

	switch (key) {
	case 'm':
	case 'u':
	case 'n':
		s->unit = key == 'm' ? KTRACE_UNIT_MSEC :
			  key == 'u' ? KTRACE_UNIT_USEC : KTRACE_UNIT_NSEC;
		s->nr_units++;
		break;
	case 'P':
		s->per_pid = true;
		break;
	case 'L':
		s->per_tid = true;
		break;
	case ARGP_KEY_ARG:
		if (s->func)
			usage_error(state, "only one FUNCTION can be traced, got '%s' and '%s'",
				    s->func, arg);
		if (strlen(arg) >= KTRACE_SYMBOL_LEN)
			usage_error(state, "FUNCTION longer than %d characters: '%s'",
				    KTRACE_SYMBOL_LEN - 1, arg);
		s->func = arg;
		break;
	case ARGP_KEY_END:
		if (!s->func)
			usage_error(state, "no FUNCTION given (funclatency:vfs_read)");
		if (s->nr_units > 1)
			usage_error(state, "-m, -u and -n cannot be combined");
		if (s->per_pid && s->per_tid)
			usage_error(state, "-P and -L cannot be combined");
		break;
	default:
		return parse_common(s, key, arg, state);
	}
	return 0;
}

static const struct argp fl_argp = {
	.options = fl_opts,
	.parser = parse_fl,
	.args_doc = "FUNCTION",
	.doc = "funclatency for ktracectl export: a kernel function's latency in seconds.",
};

static const struct argp_option sc_opts[] = {
	{ "latency", 'L', NULL, 0, "Export the time spent too (ktrace_syscount_seconds_total)", 0 },
	{ "failures", 'x', NULL, 0, "Count only failed syscalls (return < 0)", 0 },
	{ "process", 'P', NULL, 0, "Count by process (labels pid, comm), not syscall", 0 },
	{ "per-comm", 'C', NULL, 0, "Count by command name (label comm), not syscall", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{},
};

static error_t parse_sc(int key, char *arg, struct argp_state *state)
{
	struct exp_spec *s = state->input;

	switch (key) {
	case 'L':
		s->latency = true;
		break;
	case 'x':
		s->failures = true;
		break;
	case 'P':
		s->per_pid = true;
		break;
	case 'C':
		s->per_comm = true;
		break;
	case ARGP_KEY_END:
		if (s->per_pid && s->per_comm)
			usage_error(state, "-P and -C cannot be combined");
		break;
	default:
		return parse_common(s, key, arg, state);
	}
	return 0;
}

static const struct argp sc_argp = {
	.options = sc_opts,
	.parser = parse_sc,
	.doc = "syscount for ktracectl export: system calls counted, and their time.",
};

static const struct argp_option bw_opts[] = {
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "comm", 'c', "COMM", 0, "Trace tasks of this name only", 0 },
	{},
};

static error_t parse_bw(int key, char *arg, struct argp_state *state)
{
	return parse_common(state->input, key, arg, state);
}

static const struct argp bw_argp = {
	.options = bw_opts,
	.parser = parse_bw,
	.doc = "bpfwatch for ktracectl export: bpf() calls by process name, command and program type.",
};

/* Labels of a process or thread key: the id and its name when first seen. */
static void set_task_key(struct exp_spec *s, bool per_pid, bool per_tid)
{
	s->en.key = per_pid ? KTRACE_KEY_TGID :
		    per_tid ? KTRACE_KEY_PID : KTRACE_KEY_NONE;
	if (per_pid || per_tid) {
		s->key_labels[0] = per_pid ? "pid" : "tid";
		s->key_labels[1] = "comm";
		s->nr_key_labels = 2;
	}
}

static double unit_per_sec(__u32 unit)
{
	return unit == KTRACE_UNIT_MSEC ? 1e3 :
	       unit == KTRACE_UNIT_USEC ? 1e6 : 1e9;
}

static void setup_hist(struct exp_spec *s)
{
	s->hist = true;
	s->per_sec = unit_per_sec(s->en.unit);
	s->nr_buckets = prom_log2_buckets(s->per_sec, EXP_HIST_MAX_SECONDS,
					  KTRACE_LOG2_SLOTS);
}

static void setup_bl(struct exp_spec *s, const struct ktrace_probe_info *info)
{
	s->en.unit = s->msecs ? KTRACE_UNIT_MSEC : KTRACE_UNIT_USEC;
	s->en.key = s->per_disk ? KTRACE_KEY_DEV :
		    s->per_flag ? KTRACE_KEY_FLAGS : KTRACE_KEY_NONE;
	if (s->queued)
		s->en.opts |= KTRACE_BLOCK_LATENCY_QUEUED;
	if (s->dev) {
		s->en.flags |= KTRACE_ENABLE_DEV;
		s->en.dev = s->dev;
	}
	set_task_filters(&s->en, info, s->pid, s->comm);
	if (s->per_disk || s->per_flag) {
		s->key_labels[0] = s->per_disk ? "disk" : "flags";
		s->nr_key_labels = 1;
	}
	s->family = s->queued ? "ktrace_block_latency_queued_seconds" :
		    "ktrace_block_latency_seconds";
	s->help = s->queued ?
		"Block I/O latency from insertion (OS queue included) to completion." :
		"Block I/O latency from issue to the device to completion.";
	setup_hist(s);
}

static void setup_rq(struct exp_spec *s, const struct ktrace_probe_info *info)
{
	s->en.unit = s->msecs ? KTRACE_UNIT_MSEC : KTRACE_UNIT_USEC;
	set_task_key(s, s->per_pid, s->per_tid);
	set_task_filters(&s->en, info, s->pid, s->comm);
	s->family = "ktrace_runqlat_seconds";
	s->help = "Run queue latency: time a runnable task waited for a CPU.";
	setup_hist(s);
}

static void setup_fl(struct exp_spec *s, const struct ktrace_probe_info *info)
{
	s->en.unit = s->unit;
	s->en.flags |= KTRACE_ENABLE_SYMBOL;
	snprintf(s->en.symbol, sizeof(s->en.symbol), "%s", s->func);
	set_task_key(s, s->per_pid, s->per_tid);
	set_task_filters(&s->en, info, s->pid, s->comm);
	s->const_label.name = "function";
	s->const_label.value = s->func;
	s->family = "ktrace_funclatency_seconds";
	s->help = "Kernel function latency, entry to return.";
	setup_hist(s);
}

static void setup_sc(struct exp_spec *s, const struct ktrace_probe_info *info)
{
	s->en.unit = KTRACE_UNIT_NSEC;
	s->per_sec = 1e9;
	if (s->per_pid) {
		set_task_key(s, true, false);
	} else if (s->per_comm) {
		s->en.key = KTRACE_KEY_COMM;
		s->key_labels[0] = "comm";
		s->nr_key_labels = 1;
	} else {
		s->en.key = KTRACE_KEY_SYSCALL;
		s->key_labels[0] = "syscall";
		s->nr_key_labels = 1;
	}
	if (s->failures)
		s->en.opts |= KTRACE_SYSCOUNT_FAILED;
	set_task_filters(&s->en, info, s->pid, s->comm);
	s->family = s->failures ? "ktrace_syscount_failed_calls_total" :
		    "ktrace_syscount_calls_total";
	s->help = s->failures ? "System calls that returned an error." :
		  "System calls, counted at their return.";
	if (s->latency) {
		s->sum_family = s->failures ?
			"ktrace_syscount_failed_seconds_total" :
			"ktrace_syscount_seconds_total";
		s->sum_help = s->failures ?
			"Time spent in system calls that returned an error." :
			"Time spent in system calls, entry to return.";
	}
}

static void setup_bw(struct exp_spec *s, const struct ktrace_probe_info *info)
{
	s->en.key = KTRACE_KEY_COMM;
	set_task_filters(&s->en, info, s->pid, s->comm);
	s->key_labels[0] = "comm";
	s->key_labels[1] = "cmd";
	s->key_labels[2] = "prog_type";
	s->nr_key_labels = 3;
	s->family = "ktrace_bpfwatch_calls_total";
	s->help = "bpf() system calls, by process name, command and program type.";
	s->sum_family = "ktrace_bpfwatch_failed_calls_total";
	s->sum_help = "bpf() system calls that returned an error.";
	s->sum_is_count = true;
}

static void bw_key_values(const __u64 key[2], char *values[])
{
	struct bpfwatch_names bn;

	bpfwatch_names(key, &bn);
	values[0] = strdup(bn.comm);
	values[1] = strdup(bn.cmd);
	values[2] = strdup(bn.prog_type);
}

static const struct exp_probe exp_probes[] = {
	{ "block_latency", &bl_argp, setup_bl, NULL },
	{ "runqlat", &rq_argp, setup_rq, NULL },
	{ "funclatency", &fl_argp, setup_fl, NULL },
	{ "syscount", &sc_argp, setup_sc, NULL },
	{ "bpfwatch", &bw_argp, setup_bw, bw_key_values },
};

/* "comm" of a process or thread for its label, "[unknown]" once gone. */
static void task_comm(unsigned long long id, char *buf, size_t size)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%llu/comm", id);
	snprintf(buf, size, "[unknown]");
	f = fopen(path, "re");
	if (!f)
		return;
	if (!fgets(buf, (int)size, f))
		snprintf(buf, size, "[unknown]");
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/*
 * The label values of a new key, named as the probe's text command prints
 * them, resolved once: a series keeps its labels for its whole life.
 */
static void key_values(const struct exp_spec *s, const __u64 key[2],
		       char *values[])
{
	char a[96], b[KTRACE_COMM_LEN + 1];

	if (s->probe->key_values) {
		s->probe->key_values(key, values);
		return;
	}
	switch (s->en.key) {
	case KTRACE_KEY_DEV:
		values[0] = strdup(disk_name((__u32)key[0], a, sizeof(a)));
		break;
	case KTRACE_KEY_FLAGS:
		values[0] = strdup(io_flags_str(key[0], a, sizeof(a)));
		break;
	case KTRACE_KEY_TGID:
	case KTRACE_KEY_PID:
		snprintf(a, sizeof(a), "%llu", (unsigned long long)key[0]);
		values[0] = strdup(a);
		task_comm(key[0], b, sizeof(b));
		values[1] = strdup(b);
		break;
	case KTRACE_KEY_SYSCALL:
		values[0] = strdup(syscall_name_str((long long)key[0], a,
						    sizeof(a)));
		break;
	case KTRACE_KEY_COMM:
		memcpy(b, key, KTRACE_COMM_LEN);
		b[KTRACE_COMM_LEN] = '\0';
		values[0] = strdup(b);
		break;
	}
}

/* Adds one entry read from the kernel into the probe's cumulative series. */
static void add_entry(struct exp_spec *s, const __u64 key[2], __u64 count,
		      __u64 sum, const __u64 *slots, unsigned int nr_slots)
{
	struct prom_series *ser;
	bool created;

	ser = prom_store_add(&s->store, key, count, sum, slots, nr_slots,
			     &created);
	if (ser && created)
		key_values(s, key, ser->values);
}

/*
 * The data source: the only calls that reach the tracer, through the
 * backend --backend names (backend.h).  Each probe has a backend of its
 * own, as the BPF one runs one probe: ktrace.ko then has a file per
 * probe, BPF a set of programs and maps per probe, and the rest of the
 * exporter does not know which ran.
 */

/* Opens @s's backend, sets @s up and enables it; 0, or -1 having said why. */
static int src_enable(struct exp_spec *s)
{
	struct ktrace_probe_info info;
	const char *name = s->probe->name;
	int err, id;

	s->be = backend_open(name);
	if (!s->be)
		return -1;
	err = be_probe_info(s->be, name, &info);
	if (err == -ENOENT) {
		fprintf(stderr,
			"ktracectl: export: the loaded ktrace.ko has no %s probe (ktracectl list shows its probes)\n",
			name);
		return -1;
	}
	if (err) {
		warn_err("probe list", err);
		return -1;
	}
	memset(&s->en, 0, sizeof(s->en));
	snprintf(s->en.probe, sizeof(s->en.probe), "%s", name);
	s->probe->setup(s, &info);
	id = be_enable(s->be, &s->en);
	if (id == -ENOENT && s->func) {
		fprintf(stderr, "ktracectl: export: no kernel function '%s'\n",
			s->func);
		return -1;
	}
	/* The BPF backend said itself what its version of the probe lacks. */
	if (id == -EOPNOTSUPP && !s->be->kt)
		return -1;
	if (id < 0) {
		fprintf(stderr, "ktracectl: export: enable %s: %s\n", s->text,
			kt_strerror(id));
		return -1;
	}
	s->id = (__u32)id;
	if (env.verbose)
		fprintf(stderr, "ktracectl: export: %s: %s backend, instance %d, %u entries\n",
			s->text, s->be->ops->name, id, s->en.max_entries);
	return 0;
}

/* Reads-and-clears @s's results into add_entry(). */
static int src_drain(struct exp_spec *s)
{
	const struct ktrace_agg_entry *e;
	struct kt_result res;
	bool log2;
	__u32 i;
	int err;

	err = be_read(s->be, s->id, true, &res);
	if (err) {
		fprintf(stderr, "ktracectl: export: read %s: %s\n", s->text,
			kt_strerror(err));
		return err;
	}
	/* BPF counts slots for every probe: a counter takes none. */
	log2 = s->hist && res.rd.hist == KTRACE_HIST_LOG2;
	for (i = 0; i < res.rd.nr_entries; i++) {
		e = kt_result_entry(&res, i);
		add_entry(s, e->key, e->count, e->sum, log2 ? e->slots : NULL,
			  log2 ? res.rd.nr_slots : 0);
	}
	kt_result_free(&res);
	return 0;
}

/* The instance's counters since it was enabled: they only grow. */
static int src_stats(struct exp_spec *s, struct ktrace_stats *st)
{
	return be_stats(s->be, s->id, st);
}

/* Disables @s (no handler runs after) and closes its backend. */
static void src_close(struct exp_spec *s)
{
	if (!s->be)
		return;
	if (s->id)
		be_disable(s->be, s->id);
	backend_close(s->be);
	s->be = NULL;
	s->id = 0;
}

enum exp_state {
	EXP_READING,		/* the request */
	EXP_WRITING,		/* the response */
	/*
	 * Response sent and our side shut: read and drop whatever the client
	 * still sends until it closes.  Closing with unread data would send
	 * a reset, which can destroy the response before the client reads
	 * it (a 431 to an oversized request, say).
	 */
	EXP_LINGERING,
};

struct exp_client {
	int fd;			/* -1: a free slot */
	enum exp_state state;
	char peer[64];
	char req[EXP_REQ_MAX];
	size_t req_len;
	struct prom_buf resp;
	size_t sent;
	long long deadline;	/* ms, CLOCK_MONOTONIC */
};

struct exp {
	struct exp_spec specs[EXP_MAX_SPECS];
	int nr_specs;
	const char *listen;
	unsigned long interval;
	unsigned long max_series;
	struct exp_client clients[EXP_MAX_CLIENTS];
	int nr_clients;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void drain_all(struct exp *x)
{
	int i;

	for (i = 0; i < x->nr_specs; i++)
		src_drain(&x->specs[i]);
}

/* The labels of series @ser of @s: the constant one, then the key's. */
static int series_labels(const struct exp_spec *s,
			 const struct prom_series *ser, struct prom_label *l)
{
	int n = 0, i;

	if (s->const_label.name)
		l[n++] = s->const_label;
	for (i = 0; i < s->nr_key_labels; i++) {
		l[n].name = s->key_labels[i];
		l[n++].value = ser->values[i] ? ser->values[i] : "";
	}
	return n;
}

static void render_probe(struct prom_buf *b, const struct exp_spec *s)
{
	struct prom_label l[PROM_MAX_LABELS];
	const struct prom_series *ser;
	size_t i;
	int n;

	prom_family(b, s->family, s->hist ? "histogram" : "counter", s->help);
	for (i = 0; i < s->store.nr; i++) {
		ser = &s->store.series[i];
		n = series_labels(s, ser, l);
		if (s->hist)
			prom_log2_hist(b, s->family, l, n, ser->slots,
				       (int)s->store.nr_slots, s->nr_buckets,
				       s->per_sec, ser->sum);
		else
			prom_sample_u64(b, s->family, l, n, ser->count);
	}
	if (!s->sum_family)
		return;
	prom_family(b, s->sum_family, "counter", s->sum_help);
	for (i = 0; i < s->store.nr; i++) {
		ser = &s->store.series[i];
		n = series_labels(s, ser, l);
		if (s->sum_is_count)
			prom_sample_u64(b, s->sum_family, l, n, ser->sum);
		else
			prom_sample_double(b, s->sum_family, l, n,
					   (double)ser->sum / s->per_sec);
	}
}

/* One counter family over every probe, from the field at @off of stats. */
struct stat_family {
	const char *name;
	const char *help;
	const char *reason;	/* for ktrace_probe_dropped_total */
	size_t off;
};

#define STAT(name, help, reason, field) \
	{ name, help, reason, offsetof(struct ktrace_stats, field) }

static const struct stat_family stat_families[] = {
	STAT("ktrace_probe_hits_total",
	     "Handler calls of the probe instance: filtered + recorded + dropped.",
	     NULL, hits),
	STAT("ktrace_probe_filtered_total",
	     "Hits the instance's filters rejected.", NULL, filtered),
	STAT("ktrace_probe_recorded_total",
	     "Hits aggregated into the instance's table.", NULL, recorded),
	STAT("ktrace_probe_no_start_total",
	     "Ends seen without their start (begun before the probe was enabled): not a loss.",
	     NULL, drop_no_start),
	STAT("ktrace_probe_dropped_total",
	     "Events lost, by reason.", "table_full", drop_table_full),
	STAT(NULL, NULL, "inflight_full", drop_inflight_full),
	STAT(NULL, NULL, "ring_full", drop_ring_full),
	STAT(NULL, NULL, "too_big", drop_too_big),
	STAT(NULL, NULL, "reentrant", drop_reentrant),
	STAT(NULL, NULL, "missed", missed),
};

static void render_stats(struct exp *x, struct prom_buf *b)
{
	struct ktrace_stats st[EXP_MAX_SPECS];
	bool ok[EXP_MAX_SPECS];
	const char *family = NULL;
	struct prom_label l[2];
	size_t f;
	int i;

	for (i = 0; i < x->nr_specs; i++)
		ok[i] = !src_stats(&x->specs[i], &st[i]);
	for (f = 0; f < sizeof(stat_families) / sizeof(stat_families[0]); f++) {
		const struct stat_family *sf = &stat_families[f];

		if (sf->name) {
			family = sf->name;
			prom_family(b, family, "counter", sf->help);
		}
		for (i = 0; i < x->nr_specs; i++) {
			if (!ok[i])
				continue;
			l[0].name = "probe";
			l[0].value = x->specs[i].probe->name;
			l[1].name = "reason";
			l[1].value = sf->reason;
			prom_sample_u64(b, family, l, sf->reason ? 2 : 1,
					*(const __u64 *)((const char *)&st[i] +
							 sf->off));
		}
	}
	prom_family(b, "ktrace_exporter_dropped_total", "counter",
		    "Events not exported: their key would pass --max-series.");
	for (i = 0; i < x->nr_specs; i++) {
		l[0].name = "probe";
		l[0].value = x->specs[i].probe->name;
		prom_sample_u64(b, "ktrace_exporter_dropped_total", l, 1,
				x->specs[i].store.dropped);
	}
}

static void render_metrics(struct exp *x, struct prom_buf *b)
{
	int i;

	for (i = 0; i < x->nr_specs; i++)
		render_probe(b, &x->specs[i]);
	render_stats(x, b);
}

static void client_close(struct exp *x, struct exp_client *c)
{
	close(c->fd);
	c->fd = -1;
	prom_buf_free(&c->resp);
	x->nr_clients--;
}

/* Sends what the socket takes; then shuts our side and lingers. */
static void client_write(struct exp *x, struct exp_client *c)
{
	ssize_t n;

	while (c->sent < c->resp.len) {
		n = send(c->fd, c->resp.s + c->sent, c->resp.len - c->sent,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			client_close(x, c);
			return;
		}
		c->sent += (size_t)n;
	}
	prom_buf_free(&c->resp);
	shutdown(c->fd, SHUT_WR);
	c->state = EXP_LINGERING;
	c->deadline = now_ms() + EXP_LINGER_MS;
}

/* Drops what the client still sends; closes at its end of file. */
static void client_linger(struct exp *x, struct exp_client *c)
{
	ssize_t n;

	n = recv(c->fd, c->req, sizeof(c->req), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		      errno == EINTR))
		return;
	if (n <= 0)
		client_close(x, c);
}

/* The request line, printable, for -v. */
static void request_line(const struct exp_client *c, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size && i < c->req_len; i++) {
		unsigned char ch = (unsigned char)c->req[i];

		if (ch == '\r' || ch == '\n')
			break;
		buf[i] = isprint(ch) ? (char)ch : '?';
	}
	buf[i] = '\0';
}

static void client_respond(struct exp *x, struct exp_client *c, int status,
			   bool head)
{
	struct prom_buf body;
	char line[96];

	prom_buf_init(&body);
	if (status == 200) {
		drain_all(x);
		render_metrics(x, &body);
		if (body.failed) {
			prom_buf_free(&body);
			status = 500;
		}
	}
	if (status != 200)
		prom_printf(&body, "%d %s\n", status, prom_http_reason(status));
	prom_printf(&c->resp,
		    "HTTP/1.1 %d %s\r\n"
		    "Content-Type: %s\r\n"
		    "Content-Length: %zu\r\n"
		    "%s"
		    "Connection: close\r\n"
		    "\r\n",
		    status, prom_http_reason(status),
		    status == 200 ? "text/plain; version=0.0.4; charset=utf-8" :
				    "text/plain; charset=utf-8",
		    body.len, status == 405 ? "Allow: GET, HEAD\r\n" : "");
	if (!head && body.len)
		prom_buf_add(&c->resp, body.s, body.len);
	prom_buf_free(&body);
	if (env.verbose) {
		request_line(c, line, sizeof(line));
		fprintf(stderr, "ktracectl: export: %s \"%s\" %d %zu\n",
			c->peer, line, status, c->resp.len);
	}
	if (c->resp.failed) {
		client_close(x, c);
		return;
	}
	c->state = EXP_WRITING;
	c->sent = 0;
	c->deadline = now_ms() + EXP_WRITE_TIMEOUT_MS;
	client_write(x, c);
}

static void client_read(struct exp *x, struct exp_client *c)
{
	ssize_t n;
	bool head;
	int status;

	n = recv(c->fd, c->req + c->req_len, EXP_REQ_MAX - c->req_len,
		 MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		      errno == EINTR))
		return;
	if (n <= 0) {
		/* Gone, or closed its side before a whole request. */
		client_close(x, c);
		return;
	}
	c->req_len += (size_t)n;
	status = prom_http_parse(c->req, c->req_len, &head);
	if (!status && c->req_len == EXP_REQ_MAX)
		status = 431;
	if (status)
		client_respond(x, c, status, head);
}

static void peer_name(const struct sockaddr_storage *ss, char *buf,
		      size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned int port = 0;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)ss;

		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		port = ntohs(in->sin_port);
		snprintf(buf, size, "%s:%u", host, port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		port = ntohs(in6->sin6_port);
		snprintf(buf, size, "[%s]:%u", host, port);
	} else {
		snprintf(buf, size, "?");
	}
}

static void accept_clients(struct exp *x, int lfd)
{
	struct sockaddr_storage ss;
	struct exp_client *c;
	socklen_t len;
	int fd, i;

	while (x->nr_clients < EXP_MAX_CLIENTS) {
		len = sizeof(ss);
		fd = accept4(lfd, (struct sockaddr *)&ss, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			/* EAGAIN: none left; EMFILE...: try at the next poll. */
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    env.verbose)
				fprintf(stderr, "ktracectl: export: accept: %s\n",
					strerror(errno));
			return;
		}
		for (i = 0; x->clients[i].fd >= 0; i++)
			;
		c = &x->clients[i];
		c->fd = fd;
		c->req_len = 0;
		c->sent = 0;
		c->state = EXP_READING;
		prom_buf_init(&c->resp);
		c->deadline = now_ms() + EXP_READ_TIMEOUT_MS;
		peer_name(&ss, c->peer, sizeof(c->peer));
		x->nr_clients++;
	}
}

/*
 * ADDR:PORT as a socket address: "127.0.0.1:9100", "[::1]:9100", or
 * ":9100" for every address (*@any: IPv6 made dual-stack).  Numeric only:
 * a static binary cannot resolve names.  False when malformed.
 */
static bool parse_listen(const char *spec, struct sockaddr_storage *ss,
			 socklen_t *len, bool *any)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 1];
	const char *port, *end;
	unsigned long p;
	size_t hlen;
	char *pend;

	if (spec[0] == '[') {
		end = strchr(spec, ']');
		if (!end || end[1] != ':')
			return false;
		hlen = (size_t)(end - spec - 1);
		spec++;
		port = end + 2;
	} else {
		end = strrchr(spec, ':');
		if (!end)
			return false;
		hlen = (size_t)(end - spec);
		port = end + 1;
	}
	if (hlen >= sizeof(host) || !isdigit((unsigned char)port[0]))
		return false;
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	errno = 0;
	p = strtoul(port, &pend, 10);
	if (*pend || errno || p > 65535)
		return false;

	memset(ss, 0, sizeof(*ss));
	*any = !hlen;
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)p);
		*len = sizeof(*in);
		return true;
	}
	if (hlen && inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
		return false;
	in6->sin6_family = AF_INET6;	/* "" leaves in6addr_any */
	in6->sin6_port = htons((uint16_t)p);
	*len = sizeof(*in6);
	return true;
}

/* A listening socket on @spec; its address in @shown.  -1 having said why. */
static int listen_on(const char *spec, char *shown, size_t size)
{
	struct sockaddr_storage ss;
	int fd, on = 1, off = 0;
	socklen_t len;
	bool any;

	if (!parse_listen(spec, &ss, &len, &any))
		return -1;	/* checked when parsing */
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0 && any && errno == EAFNOSUPPORT) {
		/* A kernel without IPv6: every IPv4 address then. */
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		__u16 port = ((struct sockaddr_in6 *)&ss)->sin6_port;

		memset(&ss, 0, sizeof(ss));
		in->sin_family = AF_INET;
		in->sin_port = port;
		len = sizeof(*in);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    0);
	}
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (any && ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 64))
		goto fail;
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		snprintf(shown, size, "%s", spec);
	else
		peer_name(&ss, shown, size);
	return fd;
fail:
	fprintf(stderr, "ktracectl: export: cannot listen on %s: %s\n", spec,
		strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int serve(struct exp *x, int lfd)
{
	struct pollfd pfd[1 + EXP_MAX_CLIENTS];
	int who[1 + EXP_MAX_CLIENTS];
	long long now, next_drain, wait;
	struct exp_client *c;
	int i, n, r;

	next_drain = now_ms() + (long long)x->interval * 1000;
	while (!exiting) {
		now = now_ms();
		wait = next_drain - now;
		n = 0;
		if (x->nr_clients < EXP_MAX_CLIENTS) {
			pfd[n].fd = lfd;
			pfd[n].events = POLLIN;
			who[n++] = -1;
		}
		for (i = 0; i < EXP_MAX_CLIENTS; i++) {
			c = &x->clients[i];
			if (c->fd < 0)
				continue;
			pfd[n].fd = c->fd;
			pfd[n].events = c->state == EXP_WRITING ? POLLOUT :
								   POLLIN;
			who[n++] = i;
			if (c->deadline - now < wait)
				wait = c->deadline - now;
		}
		r = poll(pfd, (nfds_t)n, wait > 0 ? (int)wait : 0);
		if (r < 0 && errno != EINTR) {
			fprintf(stderr, "ktracectl: export: poll: %s\n",
				strerror(errno));
			return EXIT_FAIL;
		}
		for (i = 0; r > 0 && i < n; i++) {
			if (!pfd[i].revents)
				continue;
			if (who[i] < 0) {
				accept_clients(x, lfd);
				continue;
			}
			c = &x->clients[who[i]];
			if (c->state == EXP_WRITING)
				client_write(x, c);
			else if (c->state == EXP_LINGERING)
				client_linger(x, c);
			else
				client_read(x, c);
		}
		now = now_ms();
		for (i = 0; i < EXP_MAX_CLIENTS; i++) {
			c = &x->clients[i];
			if (c->fd >= 0 && now >= c->deadline) {
				if (env.verbose && c->state != EXP_LINGERING)
					fprintf(stderr, "ktracectl: export: %s timed out\n",
						c->peer);
				client_close(x, c);
			}
		}
		if (now >= next_drain) {
			drain_all(x);
			next_drain = now + (long long)x->interval * 1000;
		}
	}
	return 0;
}

/* "PROBE[:OPTIONS]" into @s, through the probe's own argp; exits on error. */
static void parse_spec(struct exp *x, struct exp_spec *s, const char *text,
		       const struct argp_state *state)
{
	char *copy, *opts, *tok, *save, *argv[64], words[64];
	size_t i, len;
	int argc = 0, j;

	len = strcspn(text, ":");
	for (i = 0; i < sizeof(exp_probes) / sizeof(exp_probes[0]); i++)
		if (strlen(exp_probes[i].name) == len &&
		    !strncmp(exp_probes[i].name, text, len))
			break;
	if (i == sizeof(exp_probes) / sizeof(exp_probes[0]))
		usage_error(state, "unknown probe in '%s' (export takes block_latency, runqlat, funclatency, syscount, bpfwatch)",
			    text);
	for (j = 0; j < x->nr_specs; j++)
		if (x->specs[j].probe == &exp_probes[i])
			usage_error(state, "%s given twice: each probe is exported once",
				    exp_probes[i].name);
	s->probe = &exp_probes[i];
	s->text = text;
	s->unit = KTRACE_UNIT_NSEC;

	/* The copy stays for the whole run: options point into it. */
	copy = strdup(text);
	if (!copy) {
		fprintf(stderr, "ktracectl: out of memory\n");
		exit(EXIT_FAIL);
	}
	opts = copy[len] ? copy + len + 1 : copy + len;
	argv[argc++] = (char *)s->probe->name;
	for (tok = strtok_r(opts, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		if (argc == (int)(sizeof(argv) / sizeof(argv[0])) - 1)
			usage_error(state, "too many options in '%s'", text);
		argv[argc++] = tok;
	}
	argv[argc] = NULL;
	s->words = copy;
	snprintf(words, sizeof(words), "export %s", s->probe->name);
	if (parse_subcommand(s->probe->argp, argc, argv, words, s))
		exit(EXIT_USAGE);
}

struct export_args {
	struct exp *x;
};

static error_t parse_export(int key, char *arg, struct argp_state *state)
{
	struct export_args *a = state->input;
	struct sockaddr_storage ss;
	socklen_t len;
	bool any;

	switch (key) {
	case 'l':
		if (!parse_listen(arg, &ss, &len, &any))
			usage_error(state, "invalid ADDR:PORT '%s' (127.0.0.1:9100, [::1]:9100, :9100)",
				    arg);
		a->x->listen = arg;
		break;
	case 'i':
		a->x->interval = parse_ulong(state, "interval", arg, 3600);
		break;
	case 'S':
		a->x->max_series = parse_ulong(state, "max-series", arg,
					       10000000);
		break;
	case ARGP_KEY_ARG:
		if (a->x->nr_specs == EXP_MAX_SPECS)
			usage_error(state, "at most %d probes", EXP_MAX_SPECS);
		/* glibc's argp is re-entrant: the probe's parser runs here. */
		parse_spec(a->x, &a->x->specs[a->x->nr_specs], arg, state);
		a->x->nr_specs++;
		break;
	case ARGP_KEY_END:
		if (!a->x->listen)
			usage_error(state, "no --listen ADDR:PORT given");
		if (!a->x->nr_specs)
			usage_error(state, "no probe given");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int cmd_export(int argc, char **argv)
{
	static const struct argp argp = {
		.options = export_opts,
		.parser = parse_export,
		.args_doc = "PROBE[:OPTIONS]...",
		.doc = export_doc,
		.children = verbose_children,
	};
	static struct exp x;
	struct export_args a = { .x = &x };
	char shown[128];
	int i, lfd = -1, ret = EXIT_FAIL;

	x.interval = 1;
	x.max_series = EXP_MAX_SERIES;
	for (i = 0; i < EXP_MAX_CLIENTS; i++)
		x.clients[i].fd = -1;
	if (parse_subcommand(&argp, argc, argv, "export", &a))
		return EXIT_USAGE;

	setup_signals();
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < x.nr_specs; i++) {
		struct exp_spec *s = &x.specs[i];

		if (src_enable(s))
			goto out;
		prom_store_init(&s->store, s->hist ? KTRACE_LOG2_SLOTS : 0,
				x.max_series);
		/* Unkeyed: the one series exists, at zero, from the start. */
		if (s->en.key == KTRACE_KEY_NONE)
			add_entry(s, (const __u64[2]){ 0, 0 }, 0, 0, NULL, 0);
	}
	lfd = listen_on(x.listen, shown, sizeof(shown));
	if (lfd < 0)
		goto out;
	printf("Exporting");
	for (i = 0; i < x.nr_specs; i++)
		printf("%s %s", i ? "," : "", x.specs[i].probe->name);
	printf(" on http://%s/metrics... Hit Ctrl-C to end.\n", shown);
	fflush(stdout);
	ret = serve(&x, lfd);
out:
	for (i = 0; i < EXP_MAX_CLIENTS; i++)
		if (x.clients[i].fd >= 0)
			client_close(&x, &x.clients[i]);
	if (lfd >= 0)
		close(lfd);
	for (i = 0; i < x.nr_specs; i++) {
		src_close(&x.specs[i]);
		prom_store_free(&x.specs[i].store);
		free(x.specs[i].words);
	}
	return ret;
}
