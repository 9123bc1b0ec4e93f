# SPDX-License-Identifier: GPL-2.0
#
# vmm - an arm64 virtual machine monitor and its hypervisor module.
#
#   make                  build/vmm (static aarch64), build/vmm.ko, build/firmware/
#   make check            unit tests, the install checks, the fuzz corpora, then
#                         integration tests in the test bed
#   make check-unit       unit tests only (native, seconds)
#   make check-fuzz       the fuzz harnesses over their seed corpora (ASan, UBSan)
#   make fuzz             the fuzz harnesses with libFuzzer, FUZZ_SECONDS each (clang)
#   make check-integration  integration tests only (emulated arm64 host)
#   make run              boot the default guest (see README.md)
#   make shell            an interactive shell in the emulated arm64 host
#   make bench            micro-benchmarks (instruction counts); BENCH=fw,boot,blk,net,9p
#                         picks some
#   make install          vmm, its man pages, bash completion and the udev rule
#                         for /dev/vmm under DESTDIR and PREFIX (default
#                         /usr/local); DKMS=1 the module's source for DKMS too
#   make uninstall        what install installed (same DESTDIR, PREFIX)
#   make dkms-install     vmm.ko's source into /usr/src/vmm-VERSION, built and
#                         installed by DKMS for the running kernel (as root)
#   make dkms-remove      vmm.ko out of DKMS, and its source
#   make check-install    make install into a scratch directory, checked
#   make version          the version (vmm/vmm.h's VMM_VERSION)
#   make clean
#
# Knobs: V=1 (show commands), WERROR=0 (warnings are not errors),
# CROSS_COMPILE (default aarch64-linux-gnu- on a non-arm64 host),
# VMM_CACHE (provisioned downloads, default .cache), KDIR (kernel headers
# for vmm.ko, default the test bed's), MODES (test-bed modes for check).

# ---- configuration ----------------------------------------------------------

BUILD		:= build
VMM_CACHE	?= $(CURDIR)/.cache
PREFIX		?= /usr/local
DESTDIR		?=
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man
BASHCOMPDIR	?= $(PREFIX)/share/bash-completion/completions
UDEVRULESDIR	?= $(PREFIX)/lib/udev/rules.d
# The version, from its one place: vmm/vmm.h's VMM_VERSION (`vmm version`).
VERSION		:= $(shell sed -n 's/^[#]define VMM_VERSION[[:space:]]*"\(.*\)"/\1/p' vmm/vmm.h)
# DKMS reads its sources from /usr/src whatever the PREFIX.
DKMSSRCDIR	:= /usr/src/vmm-$(VERSION)
WERROR		?= 1
MODES		?= vhe nvhe vhe-none nvhe-none a72-none vhe-gicv2
export VMM_CACHE

HOST_ARCH	:= $(shell uname -m)
ifeq ($(HOST_ARCH),aarch64)
CROSS_COMPILE	?=
SYSROOT		:=
else
CROSS_COMPILE	?= aarch64-linux-gnu-
SYSROOT		:= $(VMM_CACHE)/sysroot-arm64
endif

CC		:= $(CROSS_COMPILE)gcc
HOSTCC		?= gcc

ifeq ($(V),1)
Q :=
msg := @true
else
Q := @
msg := @printf '  %-8s %s\n'
endif

WARNINGS	:= -Wall -Wextra -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
		   -Wpointer-arith -Wformat=2 -Wundef -Wvla -Wwrite-strings \
		   -Wmissing-declarations -Wold-style-definition
ifeq ($(WERROR),1)
WARNINGS	+= -Werror
endif

COMMON_CFLAGS	:= -std=gnu11 -O2 -g -D_GNU_SOURCE -Iinclude $(WARNINGS) -MMD -MP
CFLAGS		?=
CFLAGS		+= $(COMMON_CFLAGS)
# glibc's checked string and I/O calls, and unchecked results warned of,
# in the program that faces the guest (as Debian's build flags ask),
# unless the flags given choose a level already
ifeq ($(filter -D_FORTIFY_SOURCE%,$(CFLAGS) $(CPPFLAGS)),)
CFLAGS		+= -D_FORTIFY_SOURCE=2
endif
ifneq ($(SYSROOT),)
CFLAGS		+= -isystem $(SYSROOT)/usr/include
LDFLAGS		+= -L$(SYSROOT)/usr/lib/aarch64-linux-gnu
endif
LDFLAGS		+= -static -pthread
LDLIBS		:= -lfdt -luring -lz -lcap

# check is a package that provisioning installs, so its flags are resolved
# by the recipe's shell when it runs (after the .provisioned stamp), never
# when make parses this file: on a fresh machine that is before provisioning.
HOST_CFLAGS	:= $(COMMON_CFLAGS) $$(pkg-config --cflags check)
HOST_LDLIBS	:= -lfdt -luring -lz $$(pkg-config --libs check) -pthread

# ---- sources ----------------------------------------------------------------

# Portable: built for arm64 into vmm, and natively for the unit tests.
PORTABLE_OBJS	+= vmm/options.o
PORTABLE_OBJS	+= vmm/log.o
PORTABLE_OBJS	+= vmm/mmio.o
PORTABLE_OBJS	+= vmm/pci.o
PORTABLE_OBJS	+= vmm/term.o
PORTABLE_OBJS	+= vmm/loop.o
PORTABLE_OBJS	+= vmm/console.o
PORTABLE_OBJS	+= vmm/ctlproto.o
PORTABLE_OBJS	+= vmm/gunzip.o
PORTABLE_OBJS	+= vmm/loader.o
PORTABLE_OBJS	+= vmm/rootfs.o
PORTABLE_OBJS	+= vmm/gdb.o
PORTABLE_OBJS	+= vmm/seccomp.o
PORTABLE_OBJS	+= vmm/uring.o
PORTABLE_OBJS	+= vmm/arm64/image.o
PORTABLE_OBJS	+= vmm/arm64/fdt.o
PORTABLE_OBJS	+= vmm/arm64/gdb.o
PORTABLE_OBJS	+= devices/devices.o
PORTABLE_OBJS	+= devices/uart8250.o
PORTABLE_OBJS	+= devices/testdev.o
PORTABLE_OBJS	+= devices/pl061.o
PORTABLE_OBJS	+= devices/cfi_flash.o
PORTABLE_OBJS	+= devices/9p.o
PORTABLE_OBJS	+= devices/virtio/core.o
PORTABLE_OBJS	+= devices/virtio/mmio.o
PORTABLE_OBJS	+= devices/virtio/pci.o
PORTABLE_OBJS	+= devices/virtio/rng.o
PORTABLE_OBJS	+= devices/virtio/blk.o
PORTABLE_OBJS	+= devices/virtio/console.o
PORTABLE_OBJS	+= devices/virtio/net.o
PORTABLE_OBJS	+= devices/virtio/passt.o
PORTABLE_OBJS	+= devices/virtio/vhost.o
PORTABLE_OBJS	+= devices/virtio/9p.o

# arm64 only: the KVM ioctls with arm64 structures, and the program.
VMM_OBJS	+= $(PORTABLE_OBJS)
VMM_OBJS	+= vmm/vm.o
VMM_OBJS	+= vmm/memslot.o
VMM_OBJS	+= vmm/eventfd.o
VMM_OBJS	+= vmm/arm64/kvm.o
VMM_OBJS	+= vmm/rootfs-init.o
VMM_OBJS	+= vmm/control.o
VMM_OBJS	+= vmm/gdb-vm.o
VMM_OBJS	+= vmm/sandbox.o
VMM_OBJS	+= vmm/arm64/syscall-names.o
VMM_OBJS	+= vmm/main.o

UNIT_OBJS	+= $(PORTABLE_OBJS)
UNIT_OBJS	+= tests/unit/main.o
UNIT_OBJS	+= tests/unit/test_options.o
UNIT_OBJS	+= tests/unit/test_image.o
UNIT_OBJS	+= tests/unit/test_fdt.o
UNIT_OBJS	+= tests/unit/test_mmio.o
UNIT_OBJS	+= tests/unit/test_uart.o
UNIT_OBJS	+= tests/unit/test_term.o
UNIT_OBJS	+= tests/unit/test_gunzip.o
UNIT_OBJS	+= tests/unit/test_rootfs.o
UNIT_OBJS	+= tests/unit/test_loader.o
UNIT_OBJS	+= tests/unit/test_cfi_flash.o
UNIT_OBJS	+= tests/unit/test_virtio.o
UNIT_OBJS	+= tests/unit/test_virtio_devices.o
UNIT_OBJS	+= tests/unit/test_virtio_net.o
UNIT_OBJS	+= tests/unit/test_pci.o
UNIT_OBJS	+= tests/unit/test_passt.o
UNIT_OBJS	+= tests/unit/test_9p.o
UNIT_OBJS	+= tests/unit/test_ctlproto.o
UNIT_OBJS	+= tests/unit/test_seccomp.o
UNIT_OBJS	+= tests/unit/test_gdb.o
UNIT_OBJS	+= tests/unit/test_help.o
UNIT_OBJS	+= tests/unit/virtio_driver.o

ARM_OBJS	:= $(addprefix $(BUILD)/arm64/,$(VMM_OBJS))
HOST_OBJS	:= $(addprefix $(BUILD)/host/,$(UNIT_OBJS))

# Firmware payloads: firmware/<name>/<name>.c on the runtime in firmware/lib,
# each built to build/firmware/<name>.img (an arm64 Image).
FW_LIB_OBJS	+= firmware/lib/head.o
FW_LIB_OBJS	+= firmware/lib/lib.o
FW_LIB_OBJS	+= firmware/lib/dt.o
FW_LIB_OBJS	+= firmware/lib/gic.o

FIRMWARE	+= psci
FIRMWARE	+= mmio
FIRMWARE	+= sysreg
FIRMWARE	+= memory
FIRMWARE	+= fpsimd
FIRMWARE	+= timer
FIRMWARE	+= gic
FIRMWARE	+= bench
FIRMWARE	+= idle
FIRMWARE	+= its
FIRMWARE	+= flash
FIRMWARE	+= hostile
FIRMWARE	+= irqstorm
FIRMWARE	+= gdb
FIRMWARE	+= abuse

# A payload of more than one file: its other objects, FW_OBJS_<name>.
FW_OBJS_abuse	+= firmware/abuse/hyp.o
FW_OBJS_abuse	+= firmware/abuse/virtio.o
FW_OBJS_abuse	+= firmware/abuse/pci.o



# Raw builds of payloads: no Image header, linked at RAM + 0x80000 where
# lkvm and vmm load a raw binary; build/firmware/<name>.bin.
FIRMWARE_RAW	+= psci

FW_CFLAGS	:= -std=gnu11 -O2 -g -ffreestanding -fno-pic -fno-pie \
		   -fno-stack-protector -mgeneral-regs-only -mstrict-align \
		   -mno-outline-atomics -fno-asynchronous-unwind-tables \
		   -Iinclude -Ifirmware/lib -I$(BUILD)/firmware $(WARNINGS) -MMD -MP
FW_LDFLAGS	:= -nostdlib -static -no-pie -Wl,--build-id=none \
		   -Wl,--no-warn-rwx-segments
FW_IMAGES	:= $(addprefix $(BUILD)/firmware/,$(addsuffix .img,$(FIRMWARE)))
FW_OBJS		:= $(addprefix $(BUILD)/fw/,$(FW_LIB_OBJS))
FW_RAW_IMAGES	:= $(addprefix $(BUILD)/firmware/,$(addsuffix .bin,$(FIRMWARE_RAW)))
FW_RAW_OBJS	:= $(BUILD)/fw-raw/head.o $(filter-out %/head.o,$(FW_OBJS))

# ---- build ------------------------------------------------------------------

# The test bed's own tools, one file each in tests/tools/: dm-log (the
# device-mapper log-writes target for the durability test), dns-stub (L1's
# resolver for the user-networking test), tcp-bench (TCP request/response
# and send rate, in the guest and L1), powerkey (the guest's power-button
# handler for a graceful vmm stop), ctl-raw (raw bytes to the control
# socket), rsp (a scripted GDB remote-protocol client), runas (a program
# as another uid), ioctl-fuzz (random KVM ioctls against vmm.ko and KVM).
TOOLS		:= dm-log dns-stub tcp-bench powerkey ctl-raw rsp runas ioctl-fuzz

.PHONY: all check check-unit check-integration run shell bench install clean \
	provision provision-kernel uninstall install-dkms-src dkms-install \
	dkms-remove check-install version

all: $(BUILD)/vmm $(FW_IMAGES) $(FW_RAW_IMAGES) $(BUILD)/vmm.ko $(BUILD)/kmod-test \
	$(addprefix $(BUILD)/,$(TOOLS))

$(BUILD)/.provisioned: scripts/provision.sh
	$(Q)scripts/provision.sh packages
	$(Q)scripts/provision.sh sysroot
	$(Q)mkdir -p $(@D) && touch $@

provision: $(BUILD)/.provisioned

provision-kernel: provision
	$(Q)scripts/provision.sh kernel

$(BUILD)/vmm: $(ARM_OBJS)
	$(msg) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/arm64/%.o: %.c | $(BUILD)/.provisioned
	$(msg) CC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/host/%.o: %.c | $(BUILD)/.provisioned
	$(msg) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -c -o $@ $<

$(BUILD)/unit-tests: $(HOST_OBJS)
	$(msg) HOSTLD $@
	$(Q)$(HOSTCC) -o $@ $^ $(HOST_LDLIBS)

# vmm.ko, built out of tree in $(BUILD)/kmod against the test bed's kernel
# headers (KDIR= another arm64 kernel's; or make -C kmod KDIR=... directly).
KMOD_SRCS	:= $(wildcard kmod/*.c kmod/*.h kmod/hyp/*.S kmod/hyp/*/*.c kmod/hyp/*/*.S \
		     kmod/hyp/nvhe/hyp.lds kmod/hyp/nvhe/*.sh \
		     kmod/hyp/include/hyp/*.h) kmod/Kbuild
# The recipe resolves the headers in its shell, after provisioning: make
# expands a whole recipe before its first line runs.
$(BUILD)/vmm.ko: $(KMOD_SRCS) | $(BUILD)/.provisioned
	$(Q)scripts/provision.sh kernel
	$(msg) KBUILD $@
	$(Q)mkdir -p $(BUILD)/kmod && cd kmod && cp --parents $(KMOD_SRCS:kmod/%=%) Makefile $(CURDIR)/$(BUILD)/kmod/
	$(Q)kdir="$(KDIR)"; \
	[ -n "$$kdir" ] || kdir=$$(scripts/provision.sh env | sed -n 's/^KDIR=//p'); \
	[ -d "$$kdir" ] || { echo "vmm.ko: no kernel headers at '$$kdir': set KDIR"; exit 1; }; \
	$(MAKE) --no-print-directory -C $(BUILD)/kmod KDIR="$$kdir" $(if $(V),,-s) \
		> $(BUILD)/kmod/build.log 2>&1 || { cat $(BUILD)/kmod/build.log; exit 1; }
	$(Q)cp $(BUILD)/kmod/vmm.ko $@

# kmod-test: a small program that drives /dev/vmm's ioctls in the test bed.
$(BUILD)/kmod-test: tests/kmod/kmod-test.c | $(BUILD)/.provisioned
	$(msg) CC $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

# The tools (TOOLS above): static arm64 programs for L1 and the guest.
$(addprefix $(BUILD)/,$(TOOLS)): $(BUILD)/%: tests/tools/%.c | $(BUILD)/.provisioned
	$(msg) CC $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $<

# asm-offsets.h: structure layouts for head.S, generated from C.
$(BUILD)/firmware/asm-offsets.h: firmware/lib/asm-offsets.c firmware/lib/fw.h | $(BUILD)/.provisioned
	$(msg) GEN $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(FW_CFLAGS) -MF /dev/null -S -o - $< | \
		sed -n 's/.*->\([A-Za-z_0-9]*\) #\{0,1\}\([0-9]*\).*/#define \1 \2/p' > $@.tmp
	$(Q)mv $@.tmp $@

$(BUILD)/fw/%.o: %.c | $(BUILD)/.provisioned
	$(msg) FWCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(FW_CFLAGS) -c -o $@ $<

$(BUILD)/fw/%.o: %.S $(BUILD)/firmware/asm-offsets.h | $(BUILD)/.provisioned
	$(msg) FWAS $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(FW_CFLAGS) -c -o $@ $<

.SECONDEXPANSION:
$(BUILD)/firmware/%.elf: $(FW_OBJS) $(BUILD)/fw/firmware/$$*/$$*.o \
		$$(addprefix $(BUILD)/fw/,$$(FW_OBJS_$$*)) firmware/lib/image.lds
	$(msg) FWLD $@
	$(Q)$(CC) $(FW_CFLAGS) $(FW_LDFLAGS) -Wl,-T,firmware/lib/image.lds \
		-o $@ $(filter %.o,$^)

$(BUILD)/firmware/%.img: $(BUILD)/firmware/%.elf
	$(msg) OBJCOPY $@
	$(Q)$(CROSS_COMPILE)objcopy -O binary $< $@

$(BUILD)/fw-raw/head.o: firmware/lib/head.S $(BUILD)/firmware/asm-offsets.h | $(BUILD)/.provisioned
	$(msg) FWAS $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(FW_CFLAGS) -DFW_RAW -c -o $@ $<

$(BUILD)/firmware-raw/%.elf: $(FW_RAW_OBJS) $(BUILD)/fw/firmware/$$*/$$*.o \
		firmware/lib/image.lds firmware/lib/image-raw.lds
	$(msg) FWLD $@
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(FW_CFLAGS) $(FW_LDFLAGS) -Wl,-T,firmware/lib/image-raw.lds \
		-o $@ $(filter %.o,$^)

$(BUILD)/firmware/%.bin: $(BUILD)/firmware-raw/%.elf
	$(msg) OBJCOPY $@
	$(Q)$(CROSS_COMPILE)objcopy -O binary $< $@

.PRECIOUS: $(BUILD)/firmware/%.elf $(BUILD)/firmware-raw/%.elf $(BUILD)/fw/%.o

-include $(ARM_OBJS:.o=.d) $(HOST_OBJS:.o=.d) $(FW_OBJS:.o=.d) $(FW_RAW_OBJS:.o=.d)
-include $(foreach p,$(FIRMWARE),$(BUILD)/fw/firmware/$(p)/$(p).d \
	   $(addprefix $(BUILD)/fw/,$(FW_OBJS_$(p):.o=.d)))

# ---- tests ------------------------------------------------------------------

# Each stage records one line per test in $(BUILD)/results/; the summary
# names every failure and ends with "N passed, N failed".
check:
	$(Q)rm -rf $(BUILD)/results
	-$(Q)$(MAKE) --no-print-directory check-unit
	-$(Q)$(MAKE) --no-print-directory check-install
	-$(Q)$(MAKE) --no-print-directory check-fuzz
	-$(Q)$(MAKE) --no-print-directory check-integration
	$(Q)scripts/summary.sh $(BUILD)/results

check-unit:
	$(Q)mkdir -p $(BUILD)/results
	$(Q)if $(MAKE) --no-print-directory $(BUILD)/unit-tests; then \
		$(BUILD)/unit-tests $(BUILD)/results/unit.txt; \
	else \
		echo "FAIL unit-build: the unit tests did not build" > $(BUILD)/results/unit.txt; false; \
	fi

check-integration:
	$(Q)mkdir -p $(BUILD)/results
	$(Q)if $(MAKE) --no-print-directory all provision-kernel; then \
		scripts/testbed.sh check --results $(BUILD)/results/integration.txt $(MODES); \
	else \
		echo "FAIL integration-build: vmm or the test bed did not build" > $(BUILD)/results/integration.txt; false; \
	fi

run: all provision-kernel
	$(Q)scripts/testbed.sh run

shell: all provision-kernel
	$(Q)scripts/testbed.sh shell $(MODE)

bench: all provision-kernel
	$(Q)BENCH="$(BENCH)" scripts/testbed.sh bench

# The fuzz harnesses: check-fuzz (their seeds, replayed under ASan and
# UBSan; part of check), fuzz (libFuzzer, FUZZ_SECONDS each).
include tests/fuzz/fuzz.mk

# ---- install and clean ------------------------------------------------------

# What install installs, each file under its directory (uninstall's list).
INSTALLED	:= $(BINDIR)/vmm $(MANDIR)/man1/vmm.1 $(MANDIR)/man4/vmm.4 \
		   $(BASHCOMPDIR)/vmm $(UDEVRULESDIR)/65-vmm.rules
# vmm.ko's source as DKMS builds it: kmod/ as the Makefile builds it.
DKMS_SRCS	:= $(filter-out kmod/%.mod.c,$(KMOD_SRCS)) kmod/Makefile

install: $(BUILD)/vmm $(if $(filter 1,$(DKMS)),install-dkms-src)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man4 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(UDEVRULESDIR)
	install -m 0755 $(BUILD)/vmm $(DESTDIR)$(BINDIR)/vmm
	install -m 0644 man/vmm.1 $(DESTDIR)$(MANDIR)/man1/vmm.1
	install -m 0644 man/vmm.4 $(DESTDIR)$(MANDIR)/man4/vmm.4
	install -m 0644 completion/vmm.bash $(DESTDIR)$(BASHCOMPDIR)/vmm
	install -m 0644 kmod/65-vmm.rules $(DESTDIR)$(UDEVRULESDIR)/65-vmm.rules

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
ifeq ($(DKMS),1)
	rm -rf $(DESTDIR)$(DKMSSRCDIR)
endif

# The module's source and dkms.conf, its version filled in, for DKMS.
install-dkms-src:
	install -d $(DESTDIR)$(DKMSSRCDIR)
	for f in $(DKMS_SRCS); do \
		install -D -m 0644 $$f $(DESTDIR)$(DKMSSRCDIR)/$${f#kmod/} || exit; \
	done
	sed 's/#MODULE_VERSION#/$(VERSION)/' kmod/dkms.conf > $(DESTDIR)$(DKMSSRCDIR)/dkms.conf

# DKMS builds vmm.ko for the running kernel now and for each one installed
# later (the kernel's headers must be installed: linux-headers-arm64).
dkms-install: install-dkms-src
	dkms install vmm/$(VERSION)

dkms-remove:
	-dkms remove vmm/$(VERSION) --all
	rm -rf $(DESTDIR)$(DKMSSRCDIR)

# make install into a scratch directory, checked (tests/install.sh); one
# result line per check in $(BUILD)/results/install.txt.
check-install:
	$(Q)mkdir -p $(BUILD)/results
	$(Q)if $(MAKE) --no-print-directory $(BUILD)/vmm provision-kernel; then \
		tests/install.sh $(BUILD) $(BUILD)/results/install.txt; \
	else \
		echo "FAIL install-build: vmm did not build" > $(BUILD)/results/install.txt; false; \
	fi

version:
	@echo $(VERSION)

clean:
	rm -rf $(BUILD)
