# SPDX-License-Identifier: GPL-2.0
#
# ktrace: the module, the userspace tools, the test kernels and the guests.
#
#   make                 ktrace.ko against KDIR, and the userspace tools
#   make check           every test: host, KUnit and guests on all kernels
#   make fuzz            the long ioctl fuzzer run (FUZZ_SEED=N replays one)
#   make run             block_latency over a real disk workload in a guest
#   make bench           tracing overhead: module, BPF, ftrace, bcc, bpftrace
#   make vm-run KERNEL=stock-6.1 CMD='ktracectl list'
#   make vm-shell KERNEL=test
#   make kernels         build/fetch the test and stock kernels into the cache
#   make install         ktrace.ko, ktracectl, libktrace, the udev rule, the
#                        man page [DESTDIR=... PREFIX=/usr/local KDIR=...]
#   make dkms-install    the module through DKMS, rebuilt for every kernel

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

.PHONY: all module user clean deps kernels payload vm-run vm-shell run check fuzz bench \
	checkpatch install install-module install-user dkms-src dkms-install \
	dkms-remove

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

# The long ioctl fuzzer run (scripts/fuzz.sh), on $(KERNEL): test by default.
fuzz: deps
	$(Q)scripts/fuzz.sh $(KERNEL)

bench: deps
	$(Q)scripts/bench.sh

checkpatch:
	$(Q)scripts/checkpatch.sh

# Installation.  The module goes where the kernel's own make
# modules_install would put an external one; udev reads its rules from
# /lib/udev whatever PREFIX is.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
UDEVDIR ?= /lib/udev
# The release the module is built for (Debian's headers can hold another
# in include/config/kernel.release; utsrelease.h is what vermagic says).
KVER ?= $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	  $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
MODDIR ?= /lib/modules/$(KVER)/extra
DKMS_SRC ?= /usr/src/ktrace-$(VERSION)

install: install-module install-user

install-module: module
	$(Q)test -n "$(KVER)" || { echo "no kernel release in $(KDIR)" >&2; exit 1; }
	$(Q)install -D -m 0644 ktrace.ko $(DESTDIR)$(MODDIR)/ktrace.ko
	$(Q)$(if $(DESTDIR),true,depmod -a $(KVER))

install-user:
	$(Q)$(MAKE) -C user OUT=$(CURDIR)/$(OUT)/host PREFIX=$(PREFIX) \
		DESTDIR=$(DESTDIR) install
	$(Q)install -D -m 0644 udev/60-ktrace.rules \
		$(DESTDIR)$(UDEVDIR)/rules.d/60-ktrace.rules
	$(Q)install -D -m 0644 man/ktracectl.8 $(DESTDIR)$(MANDIR)/man8/ktracectl.8

# The module's sources as DKMS wants them, in /usr/src/ktrace-VERSION.
dkms-src:
	$(Q)rm -rf $(DESTDIR)$(DKMS_SRC)
	$(Q)install -d $(DESTDIR)$(DKMS_SRC)
	$(Q)tar -C $(CURDIR) --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='*.a' \
		-cf - dkms.conf Kbuild module uapi tests/kunit | \
		tar -C $(DESTDIR)$(DKMS_SRC) -xf -

# Root, on the machine itself: add, build and install for the running
# kernel; DKMS then rebuilds the module for each kernel installed later.
dkms-install: dkms-src
	$(Q)dkms add -m ktrace -v $(VERSION)
	$(Q)dkms build -m ktrace -v $(VERSION)
	$(Q)dkms install -m ktrace -v $(VERSION)

dkms-remove:
	$(Q)dkms remove -m ktrace -v $(VERSION) --all
	$(Q)rm -rf $(DKMS_SRC)

clean:
	$(Q)rm -rf $(OUT)
	$(Q)$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
