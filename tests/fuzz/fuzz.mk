# SPDX-License-Identifier: GPL-2.0
#
# fuzz.mk - the fuzz harnesses, included by the top-level Makefile (after
# its `all` rule, which stays the default goal).
#
#   make check-fuzz   each harness built natively with ASan and UBSan and run
#                     once over its seed corpus, in seconds: one line each in
#                     $(BUILD)/results/fuzz.txt
#   make fuzz         each harness built with clang's libFuzzer and run for
#                     its FUZZ_SECONDS_NAME (sized from its measured rate:
#                     its time to 10^6 executions, to 10^5 for a device's;
#                     FUZZ_SECONDS, default 60, for one without) from a copy
#                     of its corpus in $(BUILD)/fuzz/corpus-NAME: its
#                     executions and coverage, what it found in
#                     $(BUILD)/fuzz/artifacts/.  FUZZ_SECONDS given (make
#                     fuzz FUZZ_SECONDS=600) is every harness's budget;
#                     FUZZERS=NAME runs that one alone
#   make fuzz-corpus  the seed corpora written again by their generators
#
# The harness for parser NAME is tests/fuzz/fuzz_NAME.c, which defines
# LLVMFuzzerTestOneInput() and says what its inputs are; its seeds are in
# tests/fuzz/corpus/NAME/, written by tests/fuzz/gen_NAME_corpus.c.  A new
# harness is its name in FUZZERS and its sources in FUZZ_SRCS_NAME (the
# libraries it links, -lfdt, in FUZZ_LIBS_NAME).

FUZZERS		+= 9p
FUZZ_SRCS_9p	:= devices/9p.c vmm/log.c
FUZZERS		+= ctl
FUZZ_SRCS_ctl	:= vmm/ctlproto.c
FUZZERS		+= gdb
FUZZ_SRCS_gdb	:= vmm/gdb.c vmm/arm64/gdb.c vmm/log.c

FUZZERS		+= options
# the devices with an option of their own, and what they link against
FUZZ_SRCS_options := vmm/options.c vmm/log.c vmm/seccomp.c vmm/uring.c devices/virtio/blk.c devices/virtio/rng.c \
		     devices/virtio/9p.c devices/virtio/net.c devices/virtio/core.c \
		     devices/virtio/mmio.c devices/virtio/pci.c devices/virtio/passt.c \
		     devices/virtio/vhost.c devices/9p.c vmm/loop.c vmm/mmio.c vmm/pci.c
FUZZ_LIBS_options := -luring -lfdt
FUZZ_SECONDS_options ?= 60
FUZZERS		+= loader
FUZZ_SRCS_loader := vmm/arm64/image.c vmm/gunzip.c vmm/rootfs.c vmm/loader.c vmm/mmio.c \
		    vmm/log.c
FUZZ_LIBS_loader := -lz -lfdt
FUZZ_SECONDS_loader ?= 120
FUZZERS		+= dtb
FUZZ_SRCS_dtb	:= vmm/loader.c vmm/arm64/image.c vmm/gunzip.c vmm/mmio.c vmm/log.c
FUZZ_LIBS_dtb	:= -lfdt -lz
FUZZ_SECONDS_dtb ?= 30
FUZZERS		+= uart
FUZZ_SRCS_uart	:= devices/uart8250.c vmm/mmio.c vmm/console.c vmm/term.c vmm/loop.c vmm/log.c
FUZZ_LIBS_uart	:= -lfdt
FUZZ_SECONDS_uart ?= 120
FUZZERS		+= passt
FUZZ_SRCS_passt	:= devices/virtio/net.c devices/virtio/passt.c devices/virtio/vhost.c \
		   devices/virtio/core.c devices/virtio/mmio.c devices/virtio/pci.c vmm/mmio.c \
		   vmm/pci.c vmm/loop.c vmm/log.c
FUZZ_LIBS_passt	:= -lfdt
FUZZ_SECONDS_passt ?= 60

# the virtio devices, each on both transports under virtio_fuzz.c's guest driver;
# the budgets reach 10^5 executions at their rates with the machine shared (blk
# 197/s: a thread, an io_uring and 1 MiB of requests each input; 9p 557/s,
# net 655/s, console 611/s, rng 1222/s), with room to spare
FUZZ_VIRTIO_SRCS := tests/fuzz/virtio_fuzz.c devices/virtio/core.c devices/virtio/mmio.c \
		    devices/virtio/pci.c vmm/mmio.c vmm/pci.c vmm/loop.c vmm/log.c vmm/seccomp.c
FUZZERS		+= virtio_9p
FUZZ_SRCS_virtio_9p := $(FUZZ_VIRTIO_SRCS) devices/virtio/9p.c devices/9p.c
FUZZ_LIBS_virtio_9p := -lfdt -pthread
FUZZ_SECONDS_virtio_9p ?= 360
FUZZERS		+= virtio_blk
FUZZ_SRCS_virtio_blk := $(FUZZ_VIRTIO_SRCS) devices/virtio/blk.c vmm/uring.c
FUZZ_LIBS_virtio_blk := -luring -lfdt -pthread
FUZZ_SECONDS_virtio_blk ?= 900
FUZZERS		+= virtio_console
FUZZ_SRCS_virtio_console := $(FUZZ_VIRTIO_SRCS) devices/virtio/console.c vmm/console.c \
		    vmm/term.c
FUZZ_LIBS_virtio_console := -lfdt -pthread
FUZZ_SECONDS_virtio_console ?= 300
FUZZERS		+= virtio_net
FUZZ_SRCS_virtio_net := $(FUZZ_VIRTIO_SRCS) devices/virtio/net.c devices/virtio/passt.c \
		    devices/virtio/vhost.c
FUZZ_LIBS_virtio_net := -lfdt -pthread
FUZZ_SECONDS_virtio_net ?= 300
FUZZERS		+= virtio_rng
FUZZ_SRCS_virtio_rng := $(FUZZ_VIRTIO_SRCS) devices/virtio/rng.c
FUZZ_LIBS_virtio_rng := -lfdt -pthread
FUZZ_SECONDS_virtio_rng ?= 150
# their seed generators share an encoder
$(patsubst %,$(BUILD)/fuzz-gen/gen_%_corpus,$(filter virtio_%,$(FUZZERS))): tests/fuzz/gen_virtio.h

FUZZ_SECONDS	?= 60
FUZZ_CLANG	?= clang
# more libFuzzer options for make fuzz (-jobs=2, -dict=...)
FUZZ_OPTS	?=
# where the harnesses make their scratch trees (a directory of their own
# each run, removed after it): a tmpfs, as they make and remove files for
# every input, three times as fast as on ext4; mktemp's default without one
FUZZ_TMPDIR	?= /dev/shm

FUZZ_SAN	:= address,undefined
# the project's flags and warnings, at -O1: sanitized code runs faster,
# and reports from -O1 code still point at the right lines
FUZZ_BASE_CFLAGS := $(filter-out -O2,$(COMMON_CFLAGS)) -O1 -fno-omit-frame-pointer \
		    -fno-sanitize-recover=all
FUZZ_SAN_CFLAGS	:= $(FUZZ_BASE_CFLAGS) -fsanitize=$(FUZZ_SAN)
# libFuzzer's coverage, for the code under test only: a new path through
# a harness's own checks is no progress
FUZZ_COV_CFLAGS	:= $(FUZZ_BASE_CFLAGS) -fsanitize=fuzzer-no-link,$(FUZZ_SAN)
FUZZ_ENV	:= UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
FUZZ_MKTEMP	:= mktemp -d $(FUZZ_TMPDIR)/vmm-fuzz.XXXXXX 2> /dev/null || mktemp -d
# an input may have left directories without permissions (not for root)
FUZZ_RMTEMP	:= chmod -R u+rwx $$tmp 2> /dev/null; rm -rf $$tmp

FUZZ_BINS	:= $(addprefix $(BUILD)/fuzz/fuzz_,$(FUZZERS))
FUZZ_GENS	:= $(patsubst %,$(BUILD)/fuzz-gen/gen_%_corpus,$(FUZZERS))
FUZZ_ALL_SRCS	:= tests/fuzz/replay.c \
		   $(foreach f,$(FUZZERS),tests/fuzz/fuzz_$(f).c $(FUZZ_SRCS_$(f)))

.PHONY: check-fuzz fuzz fuzz-corpus fuzz-have-clang
.PRECIOUS: $(BUILD)/fuzz-replay/%.o $(BUILD)/fuzz/%.o

# ---- replay: gcc, ASan, UBSan, the seeds once -------------------------------

.SECONDEXPANSION:
$(BUILD)/fuzz-replay/fuzz_%: $(BUILD)/fuzz-replay/tests/fuzz/fuzz_%.o \
		$(BUILD)/fuzz-replay/tests/fuzz/replay.o \
		$$(addprefix $(BUILD)/fuzz-replay/,$$(addsuffix .o,$$(basename $$(FUZZ_SRCS_$$*))))
	$(msg) HOSTLD $@
	$(Q)$(HOSTCC) $(filter-out -MMD -MP,$(FUZZ_SAN_CFLAGS)) -o $@ $^ $(FUZZ_LIBS_$*)

$(BUILD)/fuzz-replay/%.o: %.c | $(BUILD)/.provisioned
	$(msg) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(FUZZ_SAN_CFLAGS) -c -o $@ $<

# Each harness gets its line, PASS or FAIL with the input that failed and
# the first line of the report (the whole log beside the binary).  Built
# by a make of its own, so that a harness that does not build is a FAIL
# line too.
check-fuzz:
	$(Q)mkdir -p $(BUILD)/results
	$(Q)rm -f $(BUILD)/results/fuzz.txt
	$(Q)status=0; for f in $(FUZZERS); do \
		bin=$(BUILD)/fuzz-replay/fuzz_$$f; log=$$bin.log; \
		if ! $(MAKE) --no-print-directory -f $(firstword $(MAKEFILE_LIST)) $$bin; then \
			line="FAIL fuzz/$$f-replay: the harness did not build"; \
		else \
			tmp=$$($(FUZZ_MKTEMP)); \
			TMPDIR=$$tmp $(FUZZ_ENV) $$bin tests/fuzz/corpus/$$f > $$log 2>&1; rc=$$?; \
			$(FUZZ_RMTEMP); \
			if [ $$rc = 0 ]; then \
				line="PASS fuzz/$$f-replay"; \
				printf '  %-8s %s: %s\n' FUZZ $$f "$$(tail -n 1 $$log)"; \
			else \
				input=$$(sed -n 's/^Running: //p' $$log | tail -n 1); \
				why=$$(grep -m 1 -o -E '(fuzz_[a-z0-9]+: |ERROR: |runtime error: ).*' $$log | \
				       sed 's/ on address .*//' | cut -c 1-120); \
				where=$$(grep -o -E ' in [A-Za-z_0-9]+ [^ ]+\.c:[0-9]+' $$log | \
					 grep -m 1 -v tests/fuzz/); \
				line="FAIL fuzz/$$f-replay: $$input: $${why:-exit status $$rc}$$where"; \
				tail -n 40 $$log; echo "$$line"; status=1; \
			fi; \
		fi; \
		echo "$$line" >> $(BUILD)/results/fuzz.txt; \
	done; exit $$status

# ---- fuzz: clang's libFuzzer, FUZZ_SECONDS each ------------------------------

fuzz-have-clang:
	@command -v $(FUZZ_CLANG) > /dev/null || \
		{ echo "make fuzz: no $(FUZZ_CLANG) on PATH:" \
		       "apt-get install clang (libFuzzer comes with it)"; exit 1; }

$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/tests/fuzz/fuzz_%.o \
		$$(addprefix $(BUILD)/fuzz/,$$(addsuffix .o,$$(basename $$(FUZZ_SRCS_$$*)))) \
		| fuzz-have-clang
	$(msg) CLANGLD $@
	$(Q)$(FUZZ_CLANG) $(filter-out -MMD -MP,$(FUZZ_BASE_CFLAGS)) -fsanitize=fuzzer,$(FUZZ_SAN) \
		-o $@ $^ $(FUZZ_LIBS_$*)

$(BUILD)/fuzz/%.o: %.c | fuzz-have-clang
	$(msg) CLANG $@
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CLANG) $(FUZZ_COV_CFLAGS) -c -o $@ $<

$(BUILD)/fuzz/tests/fuzz/%.o: tests/fuzz/%.c | fuzz-have-clang
	$(msg) CLANG $@
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CLANG) $(FUZZ_SAN_CFLAGS) -c -o $@ $<

# A harness's budget: FUZZ_SECONDS if it was given, else its own.
fuzz_seconds = $(if $(filter-out file default undefined,$(origin FUZZ_SECONDS)),$(FUZZ_SECONDS),$(or $(FUZZ_SECONDS_$(1)),$(FUZZ_SECONDS)))

# The seeds are copied in and the fuzzer's finds stay in the build tree:
# a later run goes on from them, and nothing new lands in tests/.
fuzz: $(FUZZ_BINS)
	$(Q)mkdir -p $(BUILD)/fuzz/artifacts
	$(Q)status=0; for fs in $(foreach f,$(FUZZERS),$(f):$(call fuzz_seconds,$(f))); do \
		f=$${fs%:*}; secs=$${fs#*:}; \
		corpus=$(BUILD)/fuzz/corpus-$$f; log=$(BUILD)/fuzz/fuzz_$$f.log; \
		mkdir -p $$corpus && cp tests/fuzz/corpus/$$f/* $$corpus/ || exit 1; \
		printf '  %-8s %s for %s s (log: %s)\n' FUZZ $$f $$secs $$log; \
		tmp=$$($(FUZZ_MKTEMP)); \
		TMPDIR=$$tmp $(FUZZ_ENV) $(BUILD)/fuzz/fuzz_$$f -max_total_time=$$secs \
			-timeout=10 -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/artifacts/$$f- $(FUZZ_OPTS) \
			$$corpus > $$log 2>&1; rc=$$?; \
		$(FUZZ_RMTEMP); \
		if [ $$rc = 0 ]; then \
			grep -E '^#[0-9]+[[:space:]]+DONE' $$log | tail -n 1 | sed "s|^|fuzz/$$f: |"; \
			grep -E '^Done [0-9]+ runs' $$log | sed "s|^|fuzz/$$f: |"; \
		else \
			status=1; \
			grep -m 1 -E '(fuzz_[a-z0-9]+: |ERROR: |runtime error: )' $$log | \
				sed "s|^|fuzz/$$f: found: |"; \
			sed -n "s|.*Test unit written to |fuzz/$$f: input: |p" $$log; \
			echo "fuzz/$$f: the report is in $$log"; \
		fi; \
	done; exit $$status

# ---- the seed corpora -------------------------------------------------------

$(BUILD)/fuzz-gen/gen_%_corpus: tests/fuzz/gen_%_corpus.c
	$(msg) HOSTCC $@
	$(Q)mkdir -p $(@D)
	$(Q)$(HOSTCC) $(filter-out -MMD -MP,$(COMMON_CFLAGS)) -o $@ $< $(FUZZ_LIBS_$*)

fuzz-corpus: $(FUZZ_GENS)
	$(Q)for f in $(FUZZERS); do \
		mkdir -p tests/fuzz/corpus/$$f && \
		$(BUILD)/fuzz-gen/gen_$${f}_corpus tests/fuzz/corpus/$$f || exit 1; \
	done

-include $(patsubst %.c,$(BUILD)/fuzz-replay/%.d,$(FUZZ_ALL_SRCS)) \
	 $(patsubst %.c,$(BUILD)/fuzz/%.d,$(FUZZ_ALL_SRCS))
