/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * libktrace: a thin C library over the /dev/ktrace ABI (uapi/ktrace.h).
 *
 * Every function returning int returns 0 (or a non-negative count or id)
 * on success and -errno on failure; kt_strerror() explains an error in the
 * terms of the ABI.  A struct kt is one open file of /dev/ktrace: its
 * instances, results and rings belong to it alone.
 */
#ifndef __LIBKTRACE_H
#define __LIBKTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include "ktrace.h"

#ifdef __cplusplus
extern "C" {
#endif

struct kt;

/* Opens /dev/ktrace (or @path if not NULL) and performs the handshake. */
int kt_open(struct kt **ktp);
int kt_open_path(const char *path, struct kt **ktp);
void kt_close(struct kt *kt);

int kt_fd(const struct kt *kt);
/* What the module answered to the handshake. */
const struct ktrace_handshake *kt_handshake(const struct kt *kt);

/*
 * Lists the probes.  On success *infos is a malloc'd array of the returned
 * count (free() it); entries the module did not fill are zero.
 */
int kt_probe_list(struct kt *kt, struct ktrace_probe_info **infos);

/* Fills en->size; returns the instance id (> 0). */
int kt_enable(struct kt *kt, struct ktrace_enable *en);
int kt_disable(struct kt *kt, __u32 id);
int kt_stats(struct kt *kt, __u32 id, struct ktrace_stats *st);

/*
 * Every instance of every open file of the device (ABI 1.2).  On success
 * *ents is a malloc'd array of the returned count (free() it), ordered by
 * session then id; *nr_sessions (if not NULL) the number of open files.
 */
int kt_status(struct kt *kt, struct ktrace_status_entry **ents,
	      __u32 *nr_sessions);
/*
 * Ends instance @id of the file numbered @session, which may belong to
 * another process (ABI 1.2); see KTRACE_DISABLE_SESSION.
 */
int kt_disable_session(struct kt *kt, __u32 session, __u32 id);

/* Results of one KTRACE_IOC_READ. */
struct kt_result {
	struct ktrace_read rd;	/* as the module returned it */
	void *buf;		/* rd.nr_entries entries of rd.entry_size */
};

/*
 * Reads an instance's results into a buffer sized as ENABLE asked
 * (max_entries * entry_size), read-and-clear with @clear.  Release with
 * kt_result_free().
 */
int kt_read(struct kt *kt, __u32 id, bool clear, struct kt_result *res);
void kt_result_free(struct kt_result *res);

static inline const struct ktrace_agg_entry *
kt_result_entry(const struct kt_result *res, __u32 i)
{
	return (const struct ktrace_agg_entry *)
		((const char *)res->buf + (size_t)i * res->rd.entry_size);
}

/*
 * Event ring.  kt_ring_setup() creates the rings and maps every CPU's;
 * kt_ring_poll() waits up to @timeout_ms (-1: forever) for data then
 * drains every ring; kt_ring_consume() drains without waiting.  @cb sees
 * every record but PAD, LOST included; a negative return stops the drain
 * (the record counts as consumed) and is returned.  Otherwise both return
 * the number of records delivered.
 */
typedef int (*kt_rec_cb)(void *ctx, const struct ktrace_rec *rec);

int kt_ring_setup(struct kt *kt, __u32 data_pages, __u32 watermark);
int kt_ring_poll(struct kt *kt, int timeout_ms, kt_rec_cb cb, void *ctx);
int kt_ring_consume(struct kt *kt, kt_rec_cb cb, void *ctx);
unsigned int kt_ring_count(const struct kt *kt);
const struct ktrace_ring_setup *kt_ring_info(const struct kt *kt);

/* Drops counted by the kernel that no LOST record has reported yet. */
struct kt_lost {
	__u64 full;
	__u64 too_big;
	__u64 reentrant;
};
int kt_ring_pending_lost(const struct kt *kt, unsigned int cpu,
			 struct kt_lost *lost);
/* A CPU's control page; NULL past nr_cpus or for a CPU without a ring. */
const struct ktrace_ring_control *kt_ring_control(const struct kt *kt,
						  unsigned int cpu);

/*
 * Drains one ring given its three parts, without any syscall: what
 * kt_ring_consume() does for each CPU.  Exposed so the walk can be tested
 * over memory.  Returns the records delivered, a callback's negative
 * value, or -EBADMSG when the ring's contents break the protocol.
 */
int kt_ring_drain(struct ktrace_ring_consumer *cons,
		  const struct ktrace_ring_control *ctl, const void *data,
		  __u64 data_size, kt_rec_cb cb, void *ctx);

/* Bytes a record of @len takes in the ring. */
static inline __u64 kt_rec_size(__u32 len)
{
	return ((__u64)len + 7) & ~7ULL;
}

/* A message for @err (negative or positive errno) in the ABI's terms. */
const char *kt_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* __LIBKTRACE_H */
