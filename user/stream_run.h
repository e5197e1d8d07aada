/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the streaming commands (sys_enter, execsnoop, opensnoop, tcplife)
 * share: the event ring, the poll loop, LOST records, and the account at
 * exit that every record the probe kept was seen: seen = delivered +
 * dropped.  With --json, LOST records and the account are JSON lines
 * too.  A command fills in its probe, record type and handler, sets its
 * filters in ->en between stream_open() and stream_enable(), prints its
 * header and calls stream_poll().
 */
#ifndef __KTRACECTL_STREAM_RUN_H
#define __KTRACECTL_STREAM_RUN_H

#include <stdbool.h>
#include "json.h"
#include "ledger.h"
#include "libktrace.h"

#define DEFAULT_PAGES	64
/* Into a pipe or file, the longest a record waits to be printed. */
#define STREAM_BATCH_MS	100

struct stream_run {
	/* Set by the command. */
	const char *probe;
	__u16 rec_type;		/* the records this probe writes */
	/*
	 * Called for each of this instance's records: prints it (or filters
	 * it out); -EBADMSG when it is too short to read, then skipped.
	 */
	int (*handle)(struct stream_run *s, const struct ktrace_rec *rec);
	void *ctx;
	/*
	 * tcplife as bcc: "WARNING: N sessions lost" without the breakdown,
	 * and the totals line only when something was lost or with -v.
	 */
	const char *terse_noun;
	bool done;		/* set by ->handle to stop early */

	/* Set by stream_open() and stream_enable(). */
	struct backend *be;	/* the module or BPF (backend.h) */
	struct kt *kt;		/* the module's file; NULL with BPF */
	struct ktrace_probe_info info;
	struct ktrace_enable en;	/* zeroed, probe named */
	__u32 id;
	bool batch;		/* stdout is no terminal: wake by watermark */
	__u64 start_ns;		/* CLOCK_MONOTONIC when enabled */
	__s64 wall_off_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	unsigned long long delivered, dropped, malformed;
	struct ledger ledger;	/* per CPU, printed at exit with -v */
};

/*
 * Opens the device, finds the probe and maps @pages of ring per CPU;
 * @check_schema warns when the module writes another record schema.
 * Returns 0, or -1 having said why.
 */
int stream_open(struct stream_run *s, unsigned long pages, bool check_schema);
/* Enables s->en; 0, or -1 having said why. */
int stream_enable(struct stream_run *s);
/*
 * Prints records until Ctrl-C (or ->done), then disables, drains and
 * prints the totals, and with -v the ledger of each CPU that saw
 * anything.  Returns the exit status.
 */
int stream_poll(struct stream_run *s);
void stream_close(struct stream_run *s);

/*
 * --json: begins @rec's line, {"type":"event","probe":...,"time":...
 * (ISO-8601 UTC),"ts":... (seconds since enabled),"cpu":...; the handler
 * adds the record's fields and ends it with json_line_end().
 */
void stream_json_event(const struct stream_run *s, struct json *j,
		       const struct ktrace_rec *rec);

#endif /* __KTRACECTL_STREAM_RUN_H */
