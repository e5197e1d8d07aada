# SPDX-License-Identifier: GPL-2.0
#
# ktrace: the module, the userspace tools, the test kernels and the guests.
#
#   make                 ktrace.ko against KDIR, and the userspace tools
#   make check           every test: host, KUnit and guests on all kernels
#   make run             block_latency over a real disk workload in a guest
#   make vm-run KERNEL=stock-6.1 CMD='ktracectl list'
#   make vm-shell KERNEL=test
#   make kernels         build/fetch the test and stock kernels into the cache

KTRACE_CACHE ?= $(HOME)/.cache/ktrace
export KTRACE_CACHE

RUNNING_KDIR := /lib/modules/$(shell uname -r)/build
KDIR ?= $(if $(wildcard $(RUNNING_KDIR)/Makefile),$(RUNNING_KDIR),$(shell scripts/kernel-test.sh --print-dir)/build)
KERNEL ?= test
CMD ?= ktracectl list
OUT := build

ifeq ($(V),1)
Q :=
else
Q := @
endif

.PHONY: all module user clean deps kernels payload vm-run vm-shell run check \
	checkpatch

all: module user

module:
	$(Q)test -f $(KDIR)/Makefile || { scripts/deps.sh && scripts/kernel-test.sh >/dev/null; }
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) modules

user:
	$(Q)$(MAKE) -C user OUT=$(CURDIR)/$(OUT)/host

deps:
	$(Q)scripts/deps.sh

kernels: deps
	$(Q)scripts/kernel-test.sh >/dev/null
	$(Q)scripts/kernel-stock.sh 6.1 >/dev/null
	$(Q)scripts/kernel-stock.sh 6.12 >/dev/null

# Everything a guest of $(KERNEL) runs, in $(OUT)/$(KERNEL)/payload.
payload: deps
	$(Q)scripts/payload.sh $(KERNEL)

vm-run: payload
	$(Q)tests/vm/run.sh -k $(KERNEL) -p $(OUT)/$(KERNEL)/payload -- '$(CMD)'

vm-shell: payload
	$(Q)tests/vm/run.sh -k $(KERNEL) -p $(OUT)/$(KERNEL)/payload -i

run: deps
	$(Q)scripts/run.sh

check: deps
	$(Q)scripts/check.sh

checkpatch:
	$(Q)scripts/checkpatch.sh

clean:
	$(Q)rm -rf $(OUT)
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
