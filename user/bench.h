/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktracectl bench: what its files share.  The bench measures, for one
 * probe at a time, a workload with no tracing (baseline) and with each
 * tracing path attached in turn, in the same guest boot:
 *
 *   cmd_bench.c      the command: options, the order of runs, the report
 *   bench_work.c     the workloads, in a forked worker process
 *   bench_probes.c   what each probe's paths run (tools, filters, events)
 *   bench_ext.c      external tracers (ktracectl, bcc, bpftrace): start,
 *                    wait until attached, stop, the reader's CPU time
 *   bench_parse.c    their output parsed into one histogram type
 *   bench_tracefs.c  ftrace: the trace_pipe reader and hist triggers
 *   bench_stream.c   the streaming rates (module ring, BPF ring buffer,
 *                    trace_pipe)
 *   bench_ring.c     the minimal reader of ktrace's streamed records
 *   bench_report.c   the table and bench/results.json
 */
#ifndef __KTRACECTL_BENCH_H
#define __KTRACECTL_BENCH_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define BENCH_MAX_REPS		32
/* Buckets of a result: log2 slots, syscall numbers, or one count. */
#define BENCH_BUCKETS		512
#define BENCH_WORKER_COMM	"ktbench"
/*
 * What the exec workload runs by default (--exec), with one argument "0"
 * that /bin/true ignores; its tracers look for the path.
 */
#define BENCH_EXEC_PATH		"/bin/true"

/* ---- results: one type whatever printed them ---- */

/*
 * A histogram as any path reports it.  For latency probes bucket i is the
 * log2 slot bcc prints as [2^i, 2^(i+1)) ("0 -> 1" is slot 0); for
 * syscount it is the syscall number; for execsnoop bucket 0 counts execs.
 */
struct bench_hist {
	unsigned long long b[BENCH_BUCKETS];
	unsigned long long total;
	unsigned long long lost;	/* what the tool said it lost */
	bool lost_known;		/* the tool reports its losses */
};

void bench_hist_add(struct bench_hist *h, unsigned int bucket,
		    unsigned long long n);
/* Adds @src into @dst; losses stay known only if both knew theirs. */
void bench_hist_merge(struct bench_hist *dst, const struct bench_hist *src);
/* The fullest bucket, -1 when empty. */
int bench_hist_mode(const struct bench_hist *h);
/* Same total within 1 % and the same fullest bucket. */
bool bench_hist_agree(const struct bench_hist *ref,
		      const struct bench_hist *h);
/* log2 slot of @v as bcc counts it: 0 and 1 in slot 0. */
unsigned int bench_log2(unsigned long long v);

/* ---- the workloads (bench_work.c) ---- */

enum bench_work {
	WORK_SYSCALL,	/* getppid() loop: one sys_enter + sys_exit per op */
	WORK_BLOCK,	/* random 4 KiB O_DIRECT reads: one request per op */
	WORK_PINGPONG,	/* two threads wake each other over pipes */
	WORK_EXEC,	/* fork + exec + wait of a program (--exec) */
};

/*
 * A worker process named BENCH_WORKER_COMM that runs a workload when told
 * to, so every tracer can filter on its pid (the tgid) or name.
 */
struct bench_worker {
	pid_t pid;
	int cmd_fd;		/* ops to run, 0 to exit */
	int res_fd;		/* ns taken per op, as a double */
	enum bench_work work;
};

struct bench_work_conf {
	enum bench_work work;
	const char *disk;	/* WORK_BLOCK: /dev/vda */
	bool use_fio;		/* WORK_BLOCK: fio when installed */
	const char *exec_path;	/* WORK_EXEC */
	double rate;		/* WORK_SYSCALL: ops per second, 0: flat out */
};

int bench_worker_start(struct bench_worker *w, const struct bench_work_conf *c);
/* Runs @ops ops; *ns_per_op is what they took.  0 or -1. */
int bench_worker_run(struct bench_worker *w, unsigned long ops,
		     double *ns_per_op);
/* Changes the pace of a WORK_SYSCALL worker (0: flat out). */
int bench_worker_pace(struct bench_worker *w, double rate);
void bench_worker_stop(struct bench_worker *w);
/* Whether fio is on $PATH. */
bool bench_have_fio(void);
/* What runs a workload, for the report: "fio randread psync 4k"... */
const char *bench_work_driver(const struct bench_work_conf *c);

/* ---- tracing paths ---- */

enum bench_path {
	PATH_FLOOR,
	PATH_MODULE,
	PATH_BPF,
	PATH_TRACE_PIPE,
	PATH_HIST_TRIGGER,
	PATH_BCC,
	PATH_BPFTRACE,
	PATH_NR,
};

extern const char *const bench_path_names[PATH_NR];

/* What the paths of a probe need to know about this run. */
struct bench_ctx {
	pid_t pid;		/* the worker's */
	unsigned int dev_major, dev_minor;	/* the disk, WORK_BLOCK */
	const char *disk;	/* "vda" */
	const char *exec_path;	/* WORK_EXEC's program */
	const char *self;	/* this ktracectl, to run it as a tracer */
};

/* How an external tracer's output becomes a bench_hist. */
enum bench_parse {
	PARSE_LOG2,		/* bcc's "usecs : count distribution" */
	PARSE_BPFTRACE_LOG2,	/* bpftrace's hist(): "[4, 8)  12 |@@|" */
	PARSE_SYSCALL_NAMES,	/* "getppid   123" lines, bcc syscount */
	PARSE_BPFTRACE_KEYED,	/* "@[110]: 123" */
	PARSE_LINES,		/* lines holding ->match, one event each */
};

#define BENCH_ARGS	24

/* An external tracer: the command line, how it says it is ready. */
struct bench_ext {
	char *argv[BENCH_ARGS];
	char strs[4096];	/* the strings argv points into */
	size_t used;
	const char *ready;	/* printed once attached */
	double settle_s;	/* then wait this long */
	enum bench_parse parse;
	const char *match;	/* PARSE_LINES */
	bool lost_known;	/* the tool reports what it lost */
	/* Set by bench_ext_start(). */
	pid_t pid;
	char out_path[64];	/* stdout and stderr */
	unsigned long long cpu_ticks0;
	double wall0;
};

/* Appends one argument (printf-style) to @e->argv. */
void bench_ext_arg(struct bench_ext *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Starts @e and waits up to @timeout_s for its ready line.  0, or -1 with
 * @why filled (the tool's last line, if it died).
 */
int bench_ext_start(struct bench_ext *e, double timeout_s, char *why,
		    size_t why_size);
/* Marks the start of the measured window, for the reader's CPU. */
void bench_ext_mark(struct bench_ext *e);
/* CPU % the tracer's process used since the mark. */
double bench_ext_cpu_pct(struct bench_ext *e);
/*
 * SIGINT, waits, parses its output into @h.  0, or -1 when it had to be
 * killed (its output then ends with a line saying so).
 */
int bench_ext_stop(struct bench_ext *e, struct bench_hist *h);
/* The last line of its output, for the report when it failed. */
void bench_ext_last_line(const struct bench_ext *e, char *buf, size_t size);

/* The last non-empty line of file @path, or "no output". */
void bench_last_line(const char *path, char *buf, size_t size);
/* CPU time of @pid (all threads) in clock ticks; 0 when gone. */
unsigned long long bench_proc_ticks(pid_t pid);
double bench_now(void);
void bench_sleep(double s);

/* ---- output parsers (bench_parse.c) ---- */

int bench_parse_file(const char *path, enum bench_parse how,
		     const char *match, struct bench_hist *h);
/* The "delivered" of ktracectl's "seen N delivered N dropped N" line. */
bool bench_parse_seen(const char *path, unsigned long long *delivered);

/* ---- ftrace (bench_tracefs.c) ---- */

/* The tracefs mount, "" when there is none. */
const char *bench_tracefs(void);
/* Writes @s to tracefs file @rel; 0 or -errno. */
int bench_tracefs_write(const char *rel, const char *s, bool append);
/*
 * Sets buffer_size_kb to @kb (nothing when empty), the old value into
 * @old first when @old is not NULL.
 */
void bench_tracefs_size(char *old, size_t old_size, const char *kb);
/* Overruns over all CPUs' per_cpu/cpuN/stats so far. */
unsigned long long bench_tracefs_overrun(void);

enum bench_tp_job {
	TPJOB_SYSCALLS,		/* raw_syscalls:sys_exit, per syscall nr */
	TPJOB_BLOCK,		/* block_rq_issue -> complete latency */
	TPJOB_RUNQ,		/* sched_wakeup/switch run queue latency */
	TPJOB_EXEC,		/* sched_process_exec count */
	TPJOB_SYS_ENTER,	/* raw_syscalls:sys_enter lines (streaming) */
};

/* A forked reader of trace_pipe building a bench_hist from the text. */
struct bench_pipe_reader {
	pid_t pid;
	int res_fd;		/* the bench_hist, when stopped */
	enum bench_tp_job job;
	unsigned long long overrun0;
	unsigned long long cpu_ticks0;
	double wall0;
};

int bench_pipe_start(struct bench_pipe_reader *r, enum bench_tp_job job,
		     const struct bench_ctx *c, char *why, size_t why_size);
void bench_pipe_mark(struct bench_pipe_reader *r);
double bench_pipe_cpu_pct(struct bench_pipe_reader *r);
/* Disables the events, lets the reader drain and collects its result. */
int bench_pipe_stop(struct bench_pipe_reader *r, struct bench_hist *h);

/* Hist triggers doing the same job in the kernel, where they can. */
int bench_trigger_start(enum bench_tp_job job, const struct bench_ctx *c,
			char *why, size_t why_size);
/* Reads the result and removes the triggers. */
int bench_trigger_stop(enum bench_tp_job job, struct bench_hist *h);

/* ---- ktrace's streamed records, read by a minimal consumer ---- */

struct bench_ring_reader {
	pid_t pid;
	int res_fd;
	char err_path[64];	/* the reader's stderr */
	unsigned long long cpu_ticks0;
	double wall0;
};

/* sys_enter of @tgid through the module's ring, or with @bpf the BPF's. */
int bench_ring_start(struct bench_ring_reader *r, bool bpf, pid_t tgid,
		     unsigned int pages, char *why, size_t why_size);
void bench_ring_mark(struct bench_ring_reader *r);
double bench_ring_cpu_pct(struct bench_ring_reader *r);
int bench_ring_stop(struct bench_ring_reader *r, unsigned long long *delivered,
		    unsigned long long *lost);

/* ---- probes (bench_probes.c) ---- */

struct bench_probe {
	const char *name;		/* the ktrace probe */
	const char *what;		/* the workload, for the report */
	const char *event;		/* what one event is */
	enum bench_work work;
	enum bench_tp_job tp_job;
	bool tp_trigger;		/* a hist trigger can do the job */
	const char *no_trigger;		/* why not, otherwise */
	/*
	 * Fills @e for an external path (module, bpf, bcc, bpftrace); -1
	 * with @why when the path cannot do this probe's job.
	 */
	int (*ext)(enum bench_path p, const struct bench_ctx *c,
		   struct bench_ext *e, char *why, size_t why_size);
};

extern const struct bench_probe bench_probes[];
extern const unsigned int bench_nr_probes;
const struct bench_probe *bench_probe_find(const char *name);

/* ---- results and report (bench_report.c) ---- */

struct bench_stat {
	double median, min, max;
};

void bench_stat_of(const double *v, int n, struct bench_stat *s);

struct bench_path_res {
	bool available;
	char reason[160];
	int nreps;
	bool in_rounds;				/* baselines around each rep */
	double added_ns[BENCH_MAX_REPS];	/* per event, per rep */
	struct bench_stat added;
	double base_ns;		/* median of its own baselines, per op */
	double slowdown_pct;			/* of the median */
	double reader_cpu_pct;			/* < 0: not measured */
	long long lost;				/* < 0: not reported */
	int agrees;				/* -1: nothing to compare */
	struct bench_hist hist;
};

struct bench_probe_res {
	const struct bench_probe *probe;
	char driver[96];
	unsigned long ops;			/* per repetition */
	double events_per_op;
	struct bench_stat base_ns;		/* per op */
	struct bench_path_res path[PATH_NR];
};

enum bench_stream_path {
	STREAM_MODULE_RING,
	STREAM_BPF_RINGBUF,
	STREAM_TRACE_PIPE,
	STREAM_NR,
};

extern const char *const bench_stream_names[STREAM_NR];

struct bench_stream_res {
	bool available;
	char reason[160];
	double lossless_rate;		/* events/s, 0 when never lossless */
	double offered_rate;		/* flat-out producer rate */
	bool producer_bound;		/* lossless flat out: a lower bound */
	unsigned long long lost;	/* at the fastest lossy try */
	double reader_cpu_pct;
};

struct bench_run {
	char kernel[128];
	char cpu[128];
	int reps;
	bool quick;
	unsigned int nr;
	struct bench_probe_res probes[8];
	bool streaming;
	struct bench_stream_res stream[STREAM_NR];
};

void bench_print_table(FILE *f, const struct bench_run *run);
int bench_write_json(const char *path, const struct bench_run *run);

/* ---- streaming (bench_stream.c) ---- */

void bench_streaming(struct bench_run *run, const struct bench_ctx *base,
		     double seconds);

#endif /* __KTRACECTL_BENCH_H */
