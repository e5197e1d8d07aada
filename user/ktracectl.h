/* SPDX-License-Identifier: GPL-2.0 */
/* ktracectl: what the command files share. */
#ifndef __KTRACECTL_H
#define __KTRACECTL_H

#include <argp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include "libktrace.h"

/* Exit statuses: runtime failures and command-line mistakes differ. */
#define EXIT_FAIL	1
#define EXIT_USAGE	2

struct ktracectl_env {
	bool verbose;
	bool json;	/* -j: JSON Lines on stdout (json.h) */
	int backend;	/* --backend: enum backend_kind (backend.h) */
};
extern struct ktracectl_env env;
/*
 * Where banners and column headers go: stdout, or stderr with --json so
 * that stdout holds only JSON objects.
 */
FILE *banner_out(void);

/* Set by SIGINT/SIGTERM: loops finish their current step and print. */
extern volatile sig_atomic_t exiting;
void setup_signals(void);

/* -v and -j, shared by every command's argp as a child parser. */
extern const struct argp verbose_argp;
/* --backend module|bpf|auto, a global option (backend.c). */
extern const struct argp backend_argp;

/* "prog: message" then the usage lines; exits with EXIT_USAGE. */
void usage_error(const struct argp_state *state, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/*
 * Runs @argp over argv[0..argc) with argv[0] shown as "ktracectl WORDS",
 * so help and usage lines name the full command.
 */
int parse_subcommand(const struct argp *argp, int argc, char **argv,
		     const char *words, void *input);

/* Parses a positive integer argument or exits through usage_error(). */
unsigned long parse_ulong(const struct argp_state *state, const char *what,
			  const char *arg, unsigned long max);

/* Opens /dev/ktrace; prints why not and returns NULL on failure. */
struct kt *open_ktrace(void);
/* The probe's description; -ENOENT when the module has none of that name. */
int find_probe(struct kt *kt, const char *name, struct ktrace_probe_info *out);
/*
 * Filters on a process: KTRACE_ENABLE_TGID when the probe takes it, the
 * task filter KTRACE_ENABLE_PID otherwise.
 */
void set_pid_filter(struct ktrace_enable *en,
		    const struct ktrace_probe_info *info, __u32 pid);
/* "ktracectl: what: reason" on stderr, with the ABI meaning of @err. */
void warn_err(const char *what, int err);

int cmd_list(int argc, char **argv);
int cmd_enable(int argc, char **argv);
int cmd_stream(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_disable(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_block_latency(int argc, char **argv);
int cmd_funclatency(int argc, char **argv);
int cmd_execsnoop(int argc, char **argv);
int cmd_opensnoop(int argc, char **argv);
int cmd_runqlat(int argc, char **argv);
int cmd_syscount(int argc, char **argv);
int cmd_sys_enter(int argc, char **argv);
int cmd_tcplife(int argc, char **argv);
int cmd_funccount(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_stackcount(int argc, char **argv);
int cmd_offcputime(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_tpcount(int argc, char **argv);
int cmd_bpfwatch(int argc, char **argv);
int cmd_ufunclatency(int argc, char **argv);
int cmd_ufunccount(int argc, char **argv);
int cmd_netsize(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_bench(int argc, char **argv);

#endif /* __KTRACECTL_H */
