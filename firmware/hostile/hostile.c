// SPDX-License-Identifier: GPL-2.0
/*
 * hostile.c - a guest that does what a hostile or broken one does, and
 * checks that the hypervisor answers as the architecture says while the
 * vmm keeps running.  So far: an instruction fetch from an IPA outside
 * every memory slot is a synchronous external abort taken to the guest
 * (KVM's inject_abt64()), not the end of the VM, and so is a stage-1 table
 * walk there; cache maintenance by set and way; PAN cleared by the guest
 * across an exit; the RAS error records read as none; the debug
 * registers as Linux's boot uses them.
 */
#include "fw.h"

const char fw_name[] = "hostile";

#define FSC_EXTABT		0x10	/* synchronous external abort */

/* written by the exception handler behind the compiler's back */
static volatile u64 abort_esr, abort_far;
static volatile unsigned int aborts;

/* the branch's link register is where execution goes on */
static bool note_abort(struct exc_frame *f)
{
	abort_esr = f->esr;
	abort_far = f->far;
	aborts++;
	f->elr = f->regs[30];
	return true;
}

/*
 * Branch to @addr: RAM's gigabyte of the identity map is executable, so
 * the fetch reaches stage 2, where no memory slot holds @addr.
 */
static void test_fetch_outside_memory(u64 addr)
{
	set_sync_handler(note_abort);
	aborts = 0;
	asm volatile("blr %0" : : "r"(addr) : "x30", "memory");
	set_sync_handler(NULL);
	check(aborts == 1, "a fetch from IPA 0x%llx outside RAM is one abort (%u)",
	      (unsigned long long)addr, aborts);
	check_eq(ESR_EC(abort_esr), EC_IABT_CUR, "the abort's ESR_EL1.EC");
	check_eq(abort_esr & 0x3f, FSC_EXTABT, "its IFSC");
	check_eq(abort_far, addr, "its FAR_EL1");
}

/* PSTATE.PAN: MSR PAN, #imm and the PAN register (ARMv8.1), raw encodings */
#define SET_PAN(x)	".inst 0xd500409f | ((" #x ") << 8)\n"
#define MMFR1_PAN(r)	(((r) >> 20) & 0xf)

static u64 read_pan(void)
{
	u64 v;

	asm volatile("mrs %0, s3_0_c4_c2_3" : "=r"(v));
	return v & (1ULL << 22);
}

/*
 * A guest that clears PAN and exits: its own PAN comes back cleared (its
 * PSTATE is its own), while the hypervisor sets the host's again on the
 * way out (KVM's __guest_exit does; so does vmm.ko's).  The host's side
 * cannot be read from here: this shows the guest's side is kept.
 */
static void test_pan_across_exit(void)
{
	s64 version;

	if (!MMFR1_PAN(read_sysreg(id_aa64mmfr1_el1))) {
		printf("# hostile: the CPU has no PAN: nothing to try\n");
		return;
	}
	asm volatile(SET_PAN(0) ::: "memory");
	version = hvc_call(PSCI_VERSION, 0, 0, 0);	/* an exit */
	check(version > 0, "PSCI_VERSION answered with PAN clear (0x%llx)",
	      (unsigned long long)version);
	check(!read_pan(), "PAN is still clear in the guest after an exit");
	asm volatile(SET_PAN(1) ::: "memory");
	check(read_pan(), "PAN set again reads set");
}

/* ID_AA64PFR0_EL1.RAS */
#define PFR0_RAS(r)	(((r) >> 28) & 0xf)

/*
 * The RAS error record registers: a guest sees no records (ERRIDR_EL1
 * reads 0), never the host's, and the read does not fault.  KVM makes the
 * record registers RAZ/WI; vmm.ko traps them (HCR_EL2.TERR) and does the
 * same.  Only ERRIDR_EL1 is tried: QEMU 7.2's minimal RAS has no records,
 * so ERRSELR_EL1 and ERX* are UNDEFINED there before any trap.
 */
static void test_ras_records(void)
{
	u64 v = ~0ULL;

	if (!PFR0_RAS(read_sysreg(id_aa64pfr0_el1))) {
		printf("# hostile: the CPU has no RAS: nothing to try\n");
		return;
	}
	set_sync_handler(NULL);		/* a fault is a failure */
	asm volatile("mrs %0, s3_0_c5_c3_0" : "=r"(v) : : "memory");	/* ERRIDR_EL1 */
	check_eq(v, 0, "ERRIDR_EL1 (no error records for a guest)");
}

/*
 * What Linux's boot does with the debug registers, and a little more: a
 * hypervisor that traps them must still let a guest set MDSCR_EL1 and read
 * it back, clear the OS lock and see it clear, and touch the double-lock
 * and a breakpoint control register without a fault.  MDSCR.TDCC (bit 12)
 * only traps EL0's debug comms channel: harmless to set here.
 */
#define MDSCR_TDCC	(1UL << 12)
#define OSLSR_OSLM1	(1UL << 3)
#define OSLSR_OSLK	(1UL << 1)

static void test_debug_registers(void)
{
	u64 v;

	set_sync_handler(NULL);		/* a fault is a failure */
	asm volatile("msr mdscr_el1, %0; isb" : : "r"(MDSCR_TDCC) : "memory");
	asm volatile("mrs %0, mdscr_el1" : "=r"(v));
	check_eq(v & MDSCR_TDCC, MDSCR_TDCC, "MDSCR_EL1 reads back what the guest wrote");
	asm volatile("msr mdscr_el1, %0; isb" : : "r"(0UL) : "memory");
	asm volatile("msr oslar_el1, %0; isb" : : "r"(0UL) : "memory");
	asm volatile("mrs %0, oslsr_el1" : "=r"(v));
	check((v & OSLSR_OSLM1) && !(v & OSLSR_OSLK),
	      "OSLSR_EL1 0x%llx: an OS lock, clear after OSLAR_EL1 = 0", (unsigned long long)v);
	asm volatile("msr osdlr_el1, %0; isb" : : "r"(0UL) : "memory");
	asm volatile("mrs %0, dbgbcr0_el1" : "=r"(v));
	check(true, "OSDLR_EL1 and DBGBCR0_EL1 accessed without a fault");
}

/*
 * A stage-1 table walk that leaves RAM: the fourth gigabyte's level-1
 * entry made a table descriptor pointing at @table, an IPA no memory slot
 * holds, then a load through it.  The walk's read faults at stage 2
 * (S1PTW); the hypervisor has nothing to emulate (no data, no syndrome)
 * and gives the guest a synchronous external abort on the load's VA, as
 * KVM's kvm_handle_guest_abort() does, instead of ending the VM.
 */
#define PTE_TABLE	3ULL
#define VA_4TH_GB	0xc0000000ULL

static void test_walk_outside_memory(u64 table)
{
	u64 *l1 = (u64 *)(read_sysreg(ttbr0_el1) & ~0xfffULL), saved = l1[3], v;

	set_sync_handler(note_abort);
	aborts = 0;
	l1[3] = table | PTE_TABLE;
	asm volatile("dsb ishst; tlbi vmalle1; dsb ish; isb" ::: "memory");
	asm volatile("adr x30, 1f; ldr %0, [%1]; 1:"
		     : "=&r"(v) : "r"(VA_4TH_GB + 0x40) : "x30", "memory");
	l1[3] = saved;
	asm volatile("dsb ishst; tlbi vmalle1; dsb ish; isb" ::: "memory");
	set_sync_handler(NULL);
	check(aborts == 1, "a walk through a table at IPA 0x%llx outside RAM is one abort (%u)",
	      (unsigned long long)table, aborts);
	check_eq(ESR_EC(abort_esr), EC_DABT_CUR, "the abort's ESR_EL1.EC");
	check_eq(abort_esr & 0x3f, FSC_EXTABT, "its DFSC");
	check_eq(abort_far, VA_4TH_GB + 0x40, "its FAR_EL1");
}

/* DC ISW/CSW/CISW on one set and way: Xt = way << (32 - A) | set << L | level << 1 */
#define DC_SW(op, x)	asm volatile("dc " op ", %0" : : "r"(x) : "memory")
#define SCTLR_C		(1ULL << 2)

/*
 * Cache maintenance by set and way, as firmware and boot loaders do it:
 * every set and way of the first data cache, with each of the three
 * operations.  A hypervisor must not UNDEF them (Linux does not use them,
 * so it never notices), nor run them on the physical caches: KVM and
 * vmm.ko clean the VM's memory on the first and then trap the VM
 * registers (HCR_EL2.TVM) until the caches are toggled.  So the same
 * loop checks that trapped writes to those registers land: SCTLR_EL1's
 * C bit off and on again (two toggles, each a flush), TTBR0_EL1 and
 * MAIR_EL1 written back with what they hold, each read back.
 */
static void test_set_way(void)
{
	u64 ccsidr, sets, ways, shift, set, way, sctlr, ttbr0, mair;

	set_sync_handler(NULL);		/* a fault is a failure */
	write_sysreg(0, csselr_el1);	/* level 1, data */
	asm volatile("isb");
	ccsidr = read_sysreg(ccsidr_el1);
	sets = ((ccsidr >> 13) & 0x7fff) + 1;
	ways = ((ccsidr >> 3) & 0x3ff) + 1;
	shift = ways > 1 ? __builtin_clzl(ways - 1) : 0;	/* 64 - A; way at bit 32 - A */
	for (way = 0; way < ways; way++) {
		for (set = 0; set < sets; set++) {
			u64 x = (ways > 1 ? way << (shift - 32) : 0) |
				set << ((ccsidr & 7) + 4);

			DC_SW("cisw", x);
			DC_SW("csw", x);
			DC_SW("isw", x);
		}
	}
	asm volatile("dsb sy; isb" ::: "memory");
	check(true, "DC CISW, CSW and ISW over %llu sets x %llu ways without a fault",
	      (unsigned long long)sets, (unsigned long long)ways);

	ttbr0 = read_sysreg(ttbr0_el1);
	write_sysreg(ttbr0, ttbr0_el1);
	mair = read_sysreg(mair_el1);
	write_sysreg(mair, mair_el1);
	asm volatile("isb");
	check_eq(read_sysreg(ttbr0_el1), ttbr0, "TTBR0_EL1 written after set/way reads back");
	check_eq(read_sysreg(mair_el1), mair, "MAIR_EL1 written after set/way reads back");
	sctlr = read_sysreg(sctlr_el1);
	write_sysreg(sctlr & ~SCTLR_C, sctlr_el1);
	asm volatile("isb");
	check_eq(read_sysreg(sctlr_el1), sctlr & ~SCTLR_C, "SCTLR_EL1 with the D-cache off");
	write_sysreg(sctlr, sctlr_el1);
	asm volatile("isb");
	check_eq(read_sysreg(sctlr_el1), sctlr, "SCTLR_EL1 with the D-cache on again");
}

/*
 * Self-hosted debug as a guest uses it (a debugger inside the VM): a
 * hardware breakpoint on an instruction and a watchpoint on a variable,
 * each taken as a debug exception at the guest's EL1 once MDSCR_EL1.MDE
 * and KDE are set and PSTATE.D is clear.  The handler disarms the one
 * that fired and returns to the instruction, which then runs.  With the
 * OS lock set, the same breakpoint does not fire.
 */
#define EC_BREAKPT_CUR		0x31
#define EC_WATCHPT_CUR		0x35
#define MDSCR_KDE		(1UL << 13)
#define MDSCR_MDE		(1UL << 15)
#define DBGBCR_EL1_ANY		((0xfUL << 5) | (3UL << 1) | 1)	/* BAS all, EL1&0, enabled */
#define DBGWCR_RW_8		((0xffUL << 5) | (3UL << 3) | (3UL << 1) | 1)

static volatile u64 debug_esr, debug_far;
static volatile unsigned int debug_hits;
static volatile u64 watched __attribute__((aligned(8)));

static bool note_debug(struct exc_frame *f)
{
	debug_esr = f->esr;
	debug_far = f->far;
	debug_hits++;
	asm volatile("msr dbgbcr0_el1, xzr; msr dbgwcr0_el1, xzr; isb" ::: "memory");
	return true;		/* back to the instruction, disarmed */
}

/* Arm breakpoint 0 at the nop, run it; returns how many exceptions came. */
static unsigned int run_breakpoint(void)
{
	debug_hits = 0;
	asm volatile("adr x9, 1f\n"
		     "msr dbgbvr0_el1, x9\n"
		     "msr dbgbcr0_el1, %0\n"
		     "isb\n"
		     "1: nop\n"
		     "msr dbgbcr0_el1, xzr\n"
		     "isb"
		     : : "r"(DBGBCR_EL1_ANY) : "x9", "memory");
	return debug_hits;
}

static void test_hw_debug(void)
{
	u64 mdscr = read_sysreg(mdscr_el1), v;

	set_sync_handler(note_debug);
	write_sysreg(mdscr | MDSCR_MDE | MDSCR_KDE, mdscr_el1);
	asm volatile("isb; msr daifclr, #8" ::: "memory");	/* PSTATE.D clear */

	check(run_breakpoint() == 1, "a hardware breakpoint fires once (%u)", debug_hits);
	check_eq(ESR_EC(debug_esr), EC_BREAKPT_CUR, "its ESR_EL1.EC");

	debug_hits = 0;
	write_sysreg((u64)&watched, dbgwvr0_el1);
	write_sysreg(DBGWCR_RW_8, dbgwcr0_el1);
	asm volatile("isb" ::: "memory");
	v = watched;
	write_sysreg(0, dbgwcr0_el1);
	asm volatile("isb" ::: "memory");
	check(debug_hits == 1, "a watchpoint on a load fires once (%u)", debug_hits);
	check_eq(ESR_EC(debug_esr), EC_WATCHPT_CUR, "its ESR_EL1.EC");
	check_eq(debug_far, (u64)&watched, "its FAR_EL1");

	write_sysreg(1, oslar_el1);		/* OS lock on: debug exceptions off */
	asm volatile("isb" ::: "memory");
	check((read_sysreg(oslsr_el1) & OSLSR_OSLK) != 0, "OSLSR_EL1.OSLK set by OSLAR_EL1 = 1");
	check(run_breakpoint() == 0, "no breakpoint fires with the OS lock set (%u)", debug_hits);
	write_sysreg(0, oslar_el1);
	asm volatile("isb; msr daifset, #8" ::: "memory");
	write_sysreg(mdscr, mdscr_el1);
	asm volatile("isb" ::: "memory");
	set_sync_handler(NULL);
	(void)v;
}

void fw_main(void)
{
	u64 ram, size;

	if (!check(dt_reg("/memory", 0, &ram, &size), "RAM is in the device tree"))
		return;
	/* past RAM, in its (executable) gigabyte of the identity map */
	if (!check(((ram + size) >> 30) == (ram >> 30) && (ram + size) % (1ULL << 30),
		   "RAM (%llu MiB) ends inside its first gigabyte: run with -m below 1G",
		   (unsigned long long)(size >> 20)))
		return;
	test_fetch_outside_memory(ram + size + 0x1000);
	test_walk_outside_memory(ram + size + 0x2000);
	test_set_way();
	test_pan_across_exit();
	test_ras_records();
	test_debug_registers();
	test_hw_debug();
}
