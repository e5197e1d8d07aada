// SPDX-License-Identifier: GPL-2.0
/*
 * ktrace filters: task (pid, tgid, comm, cgroup v2 subtree) and device.
 * Pids are those of the initial pid namespace.
 */
#include <linux/cgroup.h>
#include <linux/err.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include "filter.h"
#include "kunit_export.h"

/* The pid and tgid filters as kt_filter_task_ids() applies them. */
static void kt_filter_init_ids(struct kt_filter *f)
{
	struct kt_task_ids ids = { .pid = f->pid, .tgid = f->tgid };
	struct kt_task_ids mask = {
		.pid = f->flags & KTRACE_ENABLE_PID ? -1 : 0,
		.tgid = f->flags & KTRACE_ENABLE_TGID ? -1 : 0,
	};

	BUILD_BUG_ON(sizeof(ids) != sizeof(f->ids));
	memcpy(&f->ids, &ids, sizeof(f->ids));
	memcpy(&f->ids_mask, &mask, sizeof(f->ids_mask));
}

int kt_filter_init(struct kt_filter *f, const struct ktrace_enable *en)
{
	memset(f, 0, sizeof(*f));
	f->flags = en->flags & KT_FILTER_FLAGS;
	f->pid = en->pid;
	f->tgid = en->tgid;
	kt_filter_init_ids(f);
	f->dev = en->dev;
	strscpy(f->comm, en->comm, sizeof(f->comm));
	if (f->flags & KTRACE_ENABLE_CGROUP) {
		f->cgrp = cgroup_get_from_fd(en->cgroup_fd);
		if (IS_ERR(f->cgrp)) {
			f->cgrp = NULL;
			return -EBADF;
		}
	}
	return 0;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_filter_init);

void kt_filter_fini(struct kt_filter *f)
{
	if (f->cgrp)
		cgroup_put(f->cgrp);
	f->cgrp = NULL;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_filter_fini);

bool kt_filter_task_named(const struct kt_filter *f, struct task_struct *task)
{
	bool under;

	if ((f->flags & KTRACE_ENABLE_COMM) &&
	    strncmp(task->comm, f->comm, sizeof(f->comm)))
		return false;
	if (f->flags & KTRACE_ENABLE_CGROUP) {
		rcu_read_lock();
		under = task_under_cgroup_hierarchy(task, f->cgrp);
		rcu_read_unlock();
		if (!under)
			return false;
	}
	return true;
}
EXPORT_SYMBOL_FOR_KUNIT(kt_filter_task_named);
