// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libktrace: /dev/ktrace from userspace.  See libktrace.h for the API and
 * uapi/ktrace.h for the ABI it wraps.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "libktrace.h"

/*
 * The library is built against one version of the header; these pin the
 * layout of every struct the module reads, so a careless edit of the uapi
 * fails here rather than as EINVAL at runtime.
 */
_Static_assert(sizeof(struct ktrace_handshake) == KTRACE_HANDSHAKE_SIZE_VER0,
	       "ktrace_handshake layout");
_Static_assert(sizeof(struct ktrace_probe_info) == KTRACE_PROBE_INFO_SIZE_VER0,
	       "ktrace_probe_info layout");
_Static_assert(sizeof(struct ktrace_probe_list) == KTRACE_PROBE_LIST_SIZE_VER0,
	       "ktrace_probe_list layout");
_Static_assert(sizeof(struct ktrace_enable) == KTRACE_ENABLE_SIZE_VER0,
	       "ktrace_enable layout");
_Static_assert(sizeof(struct ktrace_disable) == KTRACE_DISABLE_SIZE_VER1,
	       "ktrace_disable layout");
_Static_assert(sizeof(struct ktrace_status) == KTRACE_STATUS_SIZE_VER0,
	       "ktrace_status layout");
_Static_assert(sizeof(struct ktrace_status_entry) ==
	       KTRACE_STATUS_ENTRY_SIZE_VER0, "ktrace_status_entry layout");
_Static_assert(sizeof(struct ktrace_read) == KTRACE_READ_SIZE_VER0,
	       "ktrace_read layout");
_Static_assert(sizeof(struct ktrace_stats) == KTRACE_STATS_SIZE_VER0,
	       "ktrace_stats layout");
_Static_assert(sizeof(struct ktrace_ring_setup) == KTRACE_RING_SETUP_SIZE_VER0,
	       "ktrace_ring_setup layout");
_Static_assert(sizeof(struct ktrace_rec) == 24, "ktrace_rec layout");
_Static_assert(sizeof(struct ktrace_rec_lost) == 48, "ktrace_rec_lost layout");
_Static_assert(sizeof(struct ktrace_rec_syscall) == 104,
	       "ktrace_rec_syscall layout");
_Static_assert(sizeof(struct ktrace_agg_entry) == 32, "ktrace_agg_entry layout");

/* What READ needs for an instance: ENABLE's answer, kept per id. */
struct kt_inst {
	__u32 id;
	__u32 max_entries;
	__u32 entry_size;
};

struct kt_cpu_ring {
	struct ktrace_ring_consumer *cons;	/* RW page */
	struct ktrace_ring_control *ctl;	/* RO: control page, then data */
	const void *data;
};

struct kt {
	int fd;
	struct ktrace_handshake hs;
	struct kt_inst *insts;
	unsigned int nr_insts, cap_insts;
	struct ktrace_ring_setup rs;
	struct kt_cpu_ring *rings;
	unsigned int nr_rings;
	size_t page_size;
	int epfd;		/* kt_ring_poll()'s, made on first use; -1 */
};

static int kt_ioctl(struct kt *kt, unsigned long cmd, void *arg)
{
	return ioctl(kt->fd, cmd, arg) < 0 ? -errno : 0;
}

int kt_open_path(const char *path, struct kt **ktp)
{
	struct kt *kt;
	int err;

	kt = calloc(1, sizeof(*kt));
	if (!kt)
		return -ENOMEM;
	kt->epfd = -1;
	kt->fd = open(path ? path : KTRACE_DEVICE, O_RDWR | O_CLOEXEC);
	if (kt->fd < 0) {
		err = -errno;
		free(kt);
		return err;
	}
	kt->hs.size = sizeof(kt->hs);
	kt->hs.abi_major = KTRACE_ABI_MAJOR;
	err = kt_ioctl(kt, KTRACE_IOC_HANDSHAKE, &kt->hs);
	if (err) {
		close(kt->fd);
		free(kt);
		return err;
	}
	kt->page_size = kt->hs.page_size ? kt->hs.page_size :
			(size_t)sysconf(_SC_PAGESIZE);
	*ktp = kt;
	return 0;
}

int kt_open(struct kt **ktp)
{
	return kt_open_path(NULL, ktp);
}

static void kt_ring_unmap(struct kt *kt)
{
	unsigned int i;

	for (i = 0; i < kt->nr_rings; i++) {
		if (kt->rings[i].cons)
			munmap(kt->rings[i].cons, kt->page_size);
		if (kt->rings[i].ctl)
			munmap(kt->rings[i].ctl,
			       kt->page_size + kt->rs.data_size);
	}
	free(kt->rings);
	kt->rings = NULL;
	kt->nr_rings = 0;
}

void kt_close(struct kt *kt)
{
	if (!kt)
		return;
	kt_ring_unmap(kt);
	if (kt->epfd >= 0)
		close(kt->epfd);
	close(kt->fd);
	free(kt->insts);
	free(kt);
}

int kt_fd(const struct kt *kt)
{
	return kt->fd;
}

const struct ktrace_handshake *kt_handshake(const struct kt *kt)
{
	return &kt->hs;
}

int kt_probe_list(struct kt *kt, struct ktrace_probe_info **infos)
{
	struct ktrace_probe_list pl;
	struct ktrace_probe_info *arr = NULL, *tmp;
	__u32 want = kt->hs.nr_probes;
	int err;

	/* Probes could in principle appear between two calls: retry. */
	for (;;) {
		tmp = realloc(arr, (want ? want : 1) * sizeof(*arr));
		if (!tmp) {
			free(arr);
			return -ENOMEM;
		}
		arr = tmp;
		memset(arr, 0, (want ? want : 1) * sizeof(*arr));
		memset(&pl, 0, sizeof(pl));
		pl.size = sizeof(pl);
		pl.count = want;
		pl.entry_size = sizeof(*arr);
		pl.entries = (__u64)(unsigned long)arr;
		err = kt_ioctl(kt, KTRACE_IOC_PROBE_LIST, &pl);
		if (err) {
			free(arr);
			return err;
		}
		if (pl.count <= want)
			break;
		want = pl.count;
	}
	*infos = arr;
	return (int)pl.count;
}

int kt_status(struct kt *kt, struct ktrace_status_entry **ents,
	      __u32 *nr_sessions)
{
	struct ktrace_status_entry *arr = NULL, *tmp;
	struct ktrace_status st;
	__u32 want = 16;
	int err;

	/* Instances come and go between two calls: grow until all fit. */
	for (;;) {
		tmp = realloc(arr, want * sizeof(*arr));
		if (!tmp) {
			free(arr);
			return -ENOMEM;
		}
		arr = tmp;
		memset(arr, 0, want * sizeof(*arr));
		memset(&st, 0, sizeof(st));
		st.size = sizeof(st);
		st.count = want;
		st.entry_size = sizeof(*arr);
		st.entries = (__u64)(unsigned long)arr;
		err = kt_ioctl(kt, KTRACE_IOC_STATUS, &st);
		if (err) {
			free(arr);
			return err;
		}
		if (st.count <= want)
			break;
		want = st.count;
	}
	*ents = arr;
	if (nr_sessions)
		*nr_sessions = st.nr_sessions;
	return (int)st.count;
}

int kt_disable_session(struct kt *kt, __u32 session, __u32 id)
{
	struct ktrace_disable dis = {
		.size = sizeof(dis),
		.id = id,
		.flags = KTRACE_DISABLE_SESSION,
		.session = session,
	};

	return kt_ioctl(kt, KTRACE_IOC_DISABLE, &dis);
}

static struct kt_inst *kt_inst_find(struct kt *kt, __u32 id)
{
	unsigned int i;

	for (i = 0; i < kt->nr_insts; i++)
		if (kt->insts[i].id == id)
			return &kt->insts[i];
	return NULL;
}

int kt_enable(struct kt *kt, struct ktrace_enable *en)
{
	struct kt_inst *inst;
	int err;

	en->size = sizeof(*en);
	err = kt_ioctl(kt, KTRACE_IOC_ENABLE, en);
	if (err)
		return err;

	if (kt->nr_insts == kt->cap_insts) {
		unsigned int cap = kt->cap_insts ? kt->cap_insts * 2 : 8;
		struct kt_inst *n = realloc(kt->insts, cap * sizeof(*n));

		if (!n) {
			struct ktrace_disable dis = {
				.size = sizeof(dis), .id = en->id,
			};

			kt_ioctl(kt, KTRACE_IOC_DISABLE, &dis);
			return -ENOMEM;
		}
		kt->insts = n;
		kt->cap_insts = cap;
	}
	inst = &kt->insts[kt->nr_insts++];
	inst->id = en->id;
	inst->max_entries = en->max_entries;
	inst->entry_size = en->entry_size;
	return (int)en->id;
}

int kt_disable(struct kt *kt, __u32 id)
{
	struct ktrace_disable dis = { .size = sizeof(dis), .id = id };
	struct kt_inst *inst;
	int err;

	err = kt_ioctl(kt, KTRACE_IOC_DISABLE, &dis);
	if (err)
		return err;
	inst = kt_inst_find(kt, id);
	if (inst)
		*inst = kt->insts[--kt->nr_insts];
	return 0;
}

int kt_stats(struct kt *kt, __u32 id, struct ktrace_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	st->id = id;
	return kt_ioctl(kt, KTRACE_IOC_STATS, st);
}

int kt_read(struct kt *kt, __u32 id, bool clear, struct kt_result *res)
{
	struct kt_inst *inst = kt_inst_find(kt, id);
	size_t size;
	int err;

	memset(res, 0, sizeof(*res));
	/* An id this library did not enable: let the module say ENOENT. */
	size = inst ? (size_t)inst->max_entries * inst->entry_size : 0;
	if (size > UINT32_MAX)
		return -E2BIG;
	res->buf = calloc(1, size ? size : 1);
	if (!res->buf)
		return -ENOMEM;
	res->rd.size = sizeof(res->rd);
	res->rd.flags = clear ? KTRACE_READ_CLEAR : 0;
	res->rd.id = id;
	res->rd.buf_size = (__u32)size;
	res->rd.buf = (__u64)(unsigned long)res->buf;
	err = kt_ioctl(kt, KTRACE_IOC_READ, &res->rd);
	if (err) {
		kt_result_free(res);
		return err;
	}
	return 0;
}

void kt_result_free(struct kt_result *res)
{
	free(res->buf);
	res->buf = NULL;
}

int kt_ring_setup(struct kt *kt, __u32 data_pages, __u32 watermark)
{
	struct ktrace_ring_setup rs;
	unsigned int cpu;
	void *p;
	int err;

	if (kt->rings)
		return -EBUSY;
	memset(&rs, 0, sizeof(rs));
	rs.size = sizeof(rs);
	rs.data_pages = data_pages;
	rs.watermark = watermark;
	err = kt_ioctl(kt, KTRACE_IOC_RING_SETUP, &rs);
	if (err)
		return err;
	kt->rs = rs;

	kt->rings = calloc(kt->hs.nr_cpus ? kt->hs.nr_cpus : 1,
			   sizeof(*kt->rings));
	if (!kt->rings)
		return -ENOMEM;
	kt->nr_rings = kt->hs.nr_cpus;
	for (cpu = 0; cpu < kt->nr_rings; cpu++) {
		off_t base = (off_t)(cpu * rs.mmap_stride);

		p = mmap(NULL, kt->page_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, kt->fd, base);
		/* A hole in the possible CPUs has no ring: skip it. */
		if (p == MAP_FAILED && errno == EINVAL && cpu > 0)
			continue;
		if (p == MAP_FAILED)
			goto fail;
		kt->rings[cpu].cons = p;
		/* Read-only: the module refuses PROT_WRITE here (EPERM). */
		p = mmap(NULL, kt->page_size + rs.data_size, PROT_READ,
			 MAP_SHARED, kt->fd, base + (off_t)kt->page_size);
		if (p == MAP_FAILED)
			goto fail;
		kt->rings[cpu].ctl = p;
		kt->rings[cpu].data = (const char *)p +
				      kt->rings[cpu].ctl->data_offset;
		if (kt->rings[cpu].ctl->data_offset < sizeof(struct ktrace_ring_control) ||
		    kt->rings[cpu].ctl->data_offset + rs.data_size >
		    kt->page_size + rs.data_size) {
			errno = EPROTO;
			goto fail;
		}
	}
	return 0;
fail:
	err = -errno;
	kt_ring_unmap(kt);
	return err;
}

unsigned int kt_ring_count(const struct kt *kt)
{
	return kt->nr_rings;
}

const struct ktrace_ring_setup *kt_ring_info(const struct kt *kt)
{
	return kt->rings ? &kt->rs : NULL;
}

const struct ktrace_ring_control *kt_ring_control(const struct kt *kt,
						  unsigned int cpu)
{
	return cpu < kt->nr_rings ? kt->rings[cpu].ctl : NULL;
}

int kt_ring_drain(struct ktrace_ring_consumer *cons,
		  const struct ktrace_ring_control *ctl, const void *data,
		  __u64 data_size, kt_rec_cb cb, void *ctx)
{
	const __u8 *base = data;
	__u64 cons_pos, prod_pos, off, size;
	const struct ktrace_rec *rec;
	int n = 0, ret;

	/* Only this reader writes consumer_pos: a plain load is enough. */
	cons_pos = __atomic_load_n(&cons->consumer_pos, __ATOMIC_RELAXED);
	/* Pairs with the kernel's store-release after writing records. */
	prod_pos = __atomic_load_n(&ctl->producer_pos, __ATOMIC_ACQUIRE);
	if (prod_pos - cons_pos > data_size)
		return -EBADMSG;

	while (cons_pos != prod_pos) {
		off = cons_pos & (data_size - 1);
		if ((off & 7) || prod_pos - cons_pos < 8)
			return -EBADMSG;
		rec = (const struct ktrace_rec *)(base + off);
		size = kt_rec_size(rec->len);
		/* A record never wraps and never crosses producer_pos. */
		if (!size || size > data_size - off ||
		    size > prod_pos - cons_pos)
			return -EBADMSG;
		if (rec->type != KTRACE_REC_PAD &&
		    (rec->len < sizeof(*rec) ||
		     (rec->type == KTRACE_REC_LOST &&
		      rec->len < sizeof(struct ktrace_rec_lost))))
			return -EBADMSG;

		cons_pos += size;
		if (rec->type == KTRACE_REC_PAD)
			continue;
		ret = cb ? cb(ctx, rec) : 0;
		n++;
		if (ret < 0) {
			__atomic_store_n(&cons->consumer_pos, cons_pos,
					 __ATOMIC_RELEASE);
			return ret;
		}
	}
	/*
	 * The release orders our reads of the records before the kernel
	 * may see their space as free and overwrite it.
	 */
	__atomic_store_n(&cons->consumer_pos, cons_pos, __ATOMIC_RELEASE);
	return n;
}

int kt_ring_consume(struct kt *kt, kt_rec_cb cb, void *ctx)
{
	unsigned int cpu;
	int n = 0, ret;

	if (!kt->rings)
		return -ENXIO;
	for (cpu = 0; cpu < kt->nr_rings; cpu++) {
		struct kt_cpu_ring *r = &kt->rings[cpu];

		if (!r->ctl)
			continue;
		ret = kt_ring_drain(r->cons, r->ctl, r->data, kt->rs.data_size,
				    cb, ctx);
		if (ret < 0)
			return ret;
		n += ret;
	}
	return n;
}

/*
 * The wait goes through an epoll instance kept for the file: poll() would
 * add and remove its wait-queue entry on every call, and a reader that
 * keeps up calls once per wakeup, which is once per burst of records.
 */
static int kt_ring_wait(struct kt *kt, int timeout_ms)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int epfd, err;

	if (kt->epfd < 0) {
		epfd = epoll_create1(EPOLL_CLOEXEC);
		if (epfd < 0)
			return -errno;
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, kt->fd, &ev)) {
			err = -errno;
			close(epfd);
			return err;
		}
		kt->epfd = epfd;
	}
	return epoll_wait(kt->epfd, &ev, 1, timeout_ms) < 0 ? -errno : 0;
}

int kt_ring_poll(struct kt *kt, int timeout_ms, kt_rec_cb cb, void *ctx)
{
	int err;

	if (!kt->rings)
		return -ENXIO;
	err = kt_ring_wait(kt, timeout_ms);
	if (err)
		return err;
	/* Drain even on timeout: records below the watermark wait otherwise. */
	return kt_ring_consume(kt, cb, ctx);
}

int kt_ring_pending_lost(const struct kt *kt, unsigned int cpu,
			 struct kt_lost *lost)
{
	const struct ktrace_ring_control *ctl = kt_ring_control(kt, cpu);

	if (!ctl)
		return -EINVAL;
	/*
	 * Read the reported_* counts first: the kernel raises lost_* before it
	 * reports them, so this order never yields a negative difference.
	 */
	__u64 rf = __atomic_load_n(&ctl->reported_full, __ATOMIC_ACQUIRE);
	__u64 rt = __atomic_load_n(&ctl->reported_too_big, __ATOMIC_ACQUIRE);
	__u64 rr = __atomic_load_n(&ctl->reported_reentrant, __ATOMIC_ACQUIRE);

	lost->full = __atomic_load_n(&ctl->lost_full, __ATOMIC_ACQUIRE) - rf;
	lost->too_big = __atomic_load_n(&ctl->lost_too_big,
					__ATOMIC_ACQUIRE) - rt;
	lost->reentrant = __atomic_load_n(&ctl->lost_reentrant,
					  __ATOMIC_ACQUIRE) - rr;
	return 0;
}

const char *kt_strerror(int err)
{
	switch (err < 0 ? -err : err) {
	case ENOTTY:
		return "unknown ktrace command (is this /dev/ktrace?)";
	case EPROTO:
		return "ktrace module speaks another ABI major version";
	case E2BIG:
		return "argument larger than the module knows, with a non-zero tail";
	case ENOENT:
		return "no such probe, symbol or instance";
	case EOPNOTSUPP:
		return "the probe does not take this filter, option or key";
	case ENXIO:
		return "no event ring: a streaming probe needs ring setup first";
	case ENOSPC:
		return "too many instances, or result buffer too small";
	case EBUSY:
		return "the event ring already exists";
	case EBADF:
		return "not a cgroup v2 directory";
	case EBADMSG:
		return "corrupt event ring";
	case EPERM:
	case EACCES:
		return "permission denied (needs CAP_PERFMON or CAP_SYS_ADMIN)";
	default:
		return strerror(err < 0 ? -err : err);
	}
}
