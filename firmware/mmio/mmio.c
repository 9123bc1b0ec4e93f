// SPDX-License-Identifier: GPL-2.0
/*
 * mmio.c - loads and stores of 1, 2, 4 and 8 bytes completed by the vmm
 * (its test device: run with --testdev), sign and zero extension of loads,
 * and accesses to unbacked IPAs: reads give zero, writes are dropped, and
 * the guest goes on without an exception.
 */
#include "fw.h"

const char fw_name[] = "mmio";

#define TESTDEV_ID		0x00
#define TESTDEV_SCRATCH		0x08
#define TESTDEV_COUNT		0x18
#define TESTDEV_MAGIC		0x544d4d56

static u64 dev;

/*
 * Explicit instructions, so the compiler cannot merge or widen accesses;
 * @insn names the register too ("ldrb %w0": W form, "ldrsb %0": X form).
 */
#define LOAD(insn, type, addr)						\
	({ type __v; asm volatile(insn ", [%1]" : "=r"(__v) : "r"(addr) : "memory"); __v; })
#define STORE(insn, val, addr)						\
	asm volatile(insn ", [%1]" : : "r"(val), "r"(addr) : "memory")

static void test_widths(void)
{
	u64 s = dev + TESTDEV_SCRATCH;
	unsigned int off;

	STORE("str %0", 0x8877665544332211ULL, s);
	check_eq(LOAD("ldr %0", u64, s), 0x8877665544332211ULL, "8-byte load");
	for (off = 0; off < 8; off++)
		check_eq(LOAD("ldrb %w0", u32, s + off), 0x11 * (off + 1),
			 "1-byte load at each offset");
	check_eq(LOAD("ldrh %w0", u32, s + 2), 0x4433, "2-byte load");
	check_eq(LOAD("ldrh %w0", u32, s + 6), 0x8877, "2-byte load at the top");
	check_eq(LOAD("ldr %w0", u32, (u64)s + 4), 0x88776655, "4-byte load");

	STORE("strb %w0", 0xaaU, s + 3);
	check_eq(LOAD("ldr %0", u64, s), 0x88776655aa332211ULL, "1-byte store merges");
	STORE("strh %w0", 0xbbccU, s + 6);
	check_eq(LOAD("ldr %0", u64, s), 0xbbcc6655aa332211ULL, "2-byte store merges");
	STORE("str %w0", 0x01020304U, s);
	check_eq(LOAD("ldr %0", u64, s), 0xbbcc665501020304ULL, "4-byte store merges");
}

/*
 * The hypervisor sign-extends an MMIO load as the data abort's syndrome
 * says (ESR_EL2.ISS.SSE, DDI 0487 D17.2.40).  QEMU 7.2's TCG, the test
 * bed's "hardware", reports SSE as 0, so there no hypervisor can: these
 * checks run and print what they see, marked TODO.
 */
#define SSE_TODO	"QEMU 7.2 TCG reports ISS.SSE=0 for loads"

static void check_sext(const char *insn, u64 got, u64 want)
{
	check_todo(got == want, SSE_TODO, "%s sign-extends: got 0x%llx, expected 0x%llx",
		   insn, (unsigned long long)got, (unsigned long long)want);
}

static void test_extension(void)
{
	u64 s = dev + TESTDEV_SCRATCH;

	STORE("str %0", 0x80008000800080f0ULL, s);
	check_sext("ldrsb", LOAD("ldrsb %0", s64, s), (u64)(s64)(int8_t)0xf0);
	check_sext("ldrsh", LOAD("ldrsh %0", s64, s + 2), (u64)(s64)(int16_t)0x8000);
	check_sext("ldrsw", LOAD("ldrsw %0", s64, s + 4), (u64)(s64)(int32_t)0x80008000);
	check_eq(LOAD("ldrb %w0", u64, s), 0xf0, "ldrb zero-extends");
	check_eq(LOAD("ldrh %w0", u64, s + 2), 0x8000, "ldrh zero-extends");
	/* a W-register load clears the upper 32 bits of the X register */
	check_eq(({ u64 __v = ~0ULL; asm volatile("ldr %w0, [%1]" : "+r"(__v) : "r"(s + 4) : "memory"); __v; }),
		 0x80008000ULL, "32-bit load zero-extends into X");
}

static volatile bool faulted;	/* set by the exception handler */

static bool note_fault(struct exc_frame *f)
{
	faulted = true;
	f->elr += 4;
	return true;
}

static void test_unbacked(void)
{
	u64 ram, ram_size, hole = LAYOUT_FLASH_BASE + 0x1230, above;

	/* the MMIO hole: nothing there */
	faulted = false;
	set_sync_handler(note_fault);
	check_eq(LOAD("ldr %0", u64, hole), 0, "a read of an unbacked MMIO address is zero");
	STORE("str %0", 0x1234ULL, hole);
	check(!faulted, "unbacked MMIO accesses raise no exception in the guest");
	/* above RAM: an IPA with no memory behind it */
	if (dt_reg("/memory", 0, &ram, &ram_size) && ram + ram_size < 0x100000000ULL) {
		above = ram + ram_size + 0x1000;
		check_eq(LOAD("ldr %0", u64, above), 0, "a read above RAM is zero");
		STORE("str %0", 0x5678ULL, above);
		check(!faulted, "accesses above RAM raise no exception in the guest");
	}
	set_sync_handler(NULL);
}

void fw_main(void)
{
	u64 size;

	if (!check(dt_reg("vmm,testdev", 0, &dev, &size), "the test device is in the device tree (run with --testdev)"))
		return;
	check_eq(LOAD("ldr %w0", u32, dev + TESTDEV_ID), TESTDEV_MAGIC, "the test device's ID");
	test_widths();
	test_extension();
	check(LOAD("ldr %0", u64, dev + TESTDEV_COUNT) > 20, "the device counted the accesses");
	test_unbacked();
}
