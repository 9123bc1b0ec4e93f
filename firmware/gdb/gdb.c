// SPDX-License-Identifier: GPL-2.0
/*
 * gdb.c - a target for the vmm's GDB stub (vmm run --gdb): known symbols
 * for a debugger to break, watch and write, and checks that whatever a
 * debugger did left the guest's own view intact.  Alone it passes too.
 *
 * vCPU 0 loads a pattern into V0 (0x0123456789abcdef in D0, the upper half
 * 0xfedcba9876543210: "p $v0", "info registers d0" read it), then runs
 * gdb_iterations rounds (GDB_ITERATIONS, or until a debugger sets the
 * variable lower; with "gdb.forever" in -p, until it does), each calling
 * gdb_target(i), which returns i + 1, and storing that to gdb_watched; then
 * calls gdb_loop_done(), executes its own "brk #0x123" and checks its own
 * handler took it (EC 0x3C, comment 0x123) and resumed past it, as a stub
 * must do with a BRK that is not its breakpoint.  vCPU 1 spins in
 * gdb_spin() meanwhile, counting in gdb_spin_count, so a debugger sees two
 * threads.  At the end gdb_expect must be 0 (no debugger wrote it) or
 * GDB_EXPECT_MAGIC (one did: "set var gdb_expect = 0x1234abcd").  Run with
 * -c 2; the ELF with symbols is build/firmware/gdb.elf (/firmware in L1).
 */
#include "fw.h"

const char fw_name[] = "gdb";

#define GDB_ITERATIONS		5000
#define GDB_EXPECT_MAGIC	0x1234abcdUL
#define GDB_BRK_IMM		0x123
#define V0_LO			0x0123456789abcdefULL
#define V0_HI			0xfedcba9876543210ULL

#define EC_BRK64		0x3c	/* BRK in AArch64 (DDI 0487 D24.2.41) */
#define ESR_ISS_COMMENT(esr)	((esr) & 0xffff)

/* The debugger's handles: global, not static, so that gdb finds them. */
volatile unsigned long gdb_iterations = GDB_ITERATIONS;
volatile unsigned long gdb_watched;
volatile unsigned long gdb_expect;
volatile unsigned long gdb_calls;
volatile unsigned long gdb_spin_count;
volatile unsigned long gdb_spin_stop;

/* noipa: neither inlined nor its result known to the caller */
__attribute__((noipa)) unsigned long gdb_target(unsigned long n);
__attribute__((noipa)) void gdb_loop_done(unsigned long rounds);
__attribute__((noipa)) void gdb_spin(void);

unsigned long gdb_target(unsigned long n)
{
	gdb_calls++;
	return n + 1;
}

/* A place to break once the loop is over, before the checks. */
void gdb_loop_done(unsigned long rounds)
{
	asm volatile("" : : "r"(rounds) : "memory");
}

void gdb_spin(void)
{
	while (!__atomic_load_n(&gdb_spin_stop, __ATOMIC_ACQUIRE))
		gdb_spin_count++;
}

static void spin_entry(void *arg __unused)
{
	gdb_spin();
}

/*
 * The C code is built -mgeneral-regs-only: nothing else touches V0, so
 * the pattern is there whenever a debugger looks, and at the end.
 */
static void v0_load(void)
{
	asm volatile("fmov d0, %0\n\tmov v0.d[1], %1" : : "r"(V0_LO), "r"(V0_HI) : "v0");
}

static void v0_read(u64 *lo, u64 *hi)
{
	asm volatile("fmov %0, d0\n\tmov %1, v0.d[1]" : "=r"(*lo), "=r"(*hi));
}

/* written by the exception handler behind the compiler's back */
static volatile u64 brk_esr;
static volatile unsigned int brks;

static bool note_brk(struct exc_frame *f)
{
	if (ESR_EC(f->esr) != EC_BRK64)
		return false;
	brk_esr = f->esr;
	brks++;
	f->elr += 4;		/* ELR is the BRK itself: resume after it */
	return true;
}

static void test_guest_brk(void)
{
	volatile unsigned int resumed = 0;

	set_sync_handler(note_brk);
	asm volatile("brk %0" : : "i"(GDB_BRK_IMM) : "memory");
	resumed = 1;
	set_sync_handler(NULL);
	check(brks == 1, "the guest's own brk #0x%x reached its handler once (%u)",
	      GDB_BRK_IMM, brks);
	check_eq(ESR_EC(brk_esr), EC_BRK64, "the BRK's ESR_EL1.EC");
	check_eq(ESR_ISS_COMMENT(brk_esr), GDB_BRK_IMM, "the BRK's comment");
	check(resumed, "execution resumed after the BRK");
}

void fw_main(void)
{
	unsigned long i, last = 0;
	bool forever = bootarg("gdb.forever");
	bool spinning;
	u64 lo, hi;

	if (forever)
		gdb_iterations = ~0UL;
	printf("# gdb: gdb_target at 0x%llx, gdb_watched at 0x%llx, gdb_expect at 0x%llx%s\n",
	       (unsigned long long)(u64)gdb_target, (unsigned long long)(u64)&gdb_watched,
	       (unsigned long long)(u64)&gdb_expect,
	       forever ? "; looping until gdb_iterations is set" : "");

	spinning = check(nr_cpus() >= 2, "the device tree lists %u CPUs (run with -c 2)",
			 nr_cpus()) &&
		   check_eq(cpu_start(1, spin_entry, NULL), PSCI_SUCCESS, "CPU_ON of cpu 1 for gdb_spin");
	if (spinning)
		check(spin_until(gdb_spin_count != 0, 2000), "cpu 1 counts in gdb_spin");

	v0_load();
	for (i = 0; i < gdb_iterations; i++) {
		last = gdb_target(i);
		gdb_watched = last;
	}
	gdb_loop_done(i);
	printf("# gdb: %lu rounds\n", i);
	check(gdb_calls == i, "gdb_target ran once a round: %lu calls in %lu rounds",
	      gdb_calls, i);
	check(gdb_watched == i && last == i, "gdb_watched holds the last round's %lu (0x%lx)",
	      i, gdb_watched);

	v0_read(&lo, &hi);
	check(lo == V0_LO && hi == V0_HI, "V0 holds 0x%016llx%016llx (got 0x%016llx%016llx)",
	      V0_HI, V0_LO, (unsigned long long)hi, (unsigned long long)lo);

	test_guest_brk();

	if (spinning) {
		u64 before = gdb_spin_count;

		check(spin_until(gdb_spin_count != before, 2000), "cpu 1 still counts in gdb_spin");
		__atomic_store_n(&gdb_spin_stop, 1, __ATOMIC_RELEASE);
	}

	if (gdb_expect == 0)
		check(true, "gdb_expect untouched (no debugger)");
	else if (gdb_expect == GDB_EXPECT_MAGIC)
		check(true, "gdb_expect set by the debugger (0x%lx)", gdb_expect);
	else
		check(false, "gdb_expect is 0x%lx: neither 0 nor the debugger's 0x%lx",
		      gdb_expect, GDB_EXPECT_MAGIC);
}
