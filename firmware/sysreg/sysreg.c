// SPDX-License-Identifier: GPL-2.0
/*
 * sysreg.c - what the hypervisor shows of the CPU: ID registers hold sane
 * values and hide EL2, MPIDR matches the device tree, accesses to EL2 and
 * to trapped registers the hypervisor does not emulate are UNDEFINED in the
 * guest (EC 0), and the virtual counter is monotonic.  Run without --pmu.
 */
#include "fw.h"

const char fw_name[] = "sysreg";

/* written by the exception handler behind the compiler's back */
static volatile u64 undef_esr;
static volatile unsigned int undefs;

static bool note_undef(struct exc_frame *f)
{
	undef_esr = f->esr;
	undefs++;
	f->elr += 4;		/* skip the MRS/MSR */
	return true;
}

#define FIELD(v, shift)		(((v) >> (shift)) & 0xf)

static void test_id_registers(void)
{
	u64 pfr0 = read_sysreg(id_aa64pfr0_el1);
	u64 mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	u64 midr = read_sysreg(midr_el1);
	u64 mpidr = read_sysreg(mpidr_el1);

	check(midr != 0, "MIDR_EL1 0x%llx is not zero", (unsigned long long)midr);
	check(FIELD(pfr0, 0) == 1 || FIELD(pfr0, 0) == 2, "ID_AA64PFR0_EL1.EL0 is AArch64 (%llu)",
	      (unsigned long long)FIELD(pfr0, 0));
	check(FIELD(pfr0, 4) == 1 || FIELD(pfr0, 4) == 2, "ID_AA64PFR0_EL1.EL1 is AArch64 (%llu)",
	      (unsigned long long)FIELD(pfr0, 4));
	/* Linux 6.1's KVM shows the host's EL2/EL3 fields; only sanity here */
	check(FIELD(pfr0, 8) <= 2, "ID_AA64PFR0_EL1.EL2 %llu is a defined value",
	      (unsigned long long)FIELD(pfr0, 8));
	check(FIELD(pfr0, 12) <= 2, "ID_AA64PFR0_EL1.EL3 %llu is a defined value",
	      (unsigned long long)FIELD(pfr0, 12));
	check(FIELD(mmfr0, 0) <= 6, "ID_AA64MMFR0_EL1.PARange %llu is a defined value",
	      (unsigned long long)FIELD(mmfr0, 0));
	check(FIELD(mmfr0, 28) != 0xf, "ID_AA64MMFR0_EL1 has the 4K granule the payload uses");
	check(mpidr & (1ULL << 31), "MPIDR_EL1 bit 31 (RES1) is set");
	check_eq(mpidr & 0xff00ffffffULL, cpu_mpidr(0), "MPIDR_EL1 affinity matches the DT's cpu 0");
	check(read_sysreg(cntfrq_el0) != 0, "CNTFRQ_EL0 is set");
}

static void test_undef(void)
{
	u64 val;	/* never written: the access is skipped */

	set_sync_handler(note_undef);

	undefs = 0;
	asm volatile("mrs %0, hcr_el2" : "=r"(val) : : "memory");
	check(undefs == 1 && ESR_EC(undef_esr) == EC_UNKNOWN,
	      "MRS of HCR_EL2 at EL1 is UNDEFINED (EC 0x%llx)", (unsigned long long)ESR_EC(undef_esr));

	undefs = 0;
	asm volatile("msr vbar_el2, %0" : : "r"(0UL) : "memory");
	check(undefs == 1 && ESR_EC(undef_esr) == EC_UNKNOWN,
	      "MSR to VBAR_EL2 at EL1 is UNDEFINED (EC 0x%llx)", (unsigned long long)ESR_EC(undef_esr));

	/* without a vPMU, KVM traps the PMU registers and injects UNDEF */
	undefs = 0;
	asm volatile("mrs %0, pmcr_el0" : "=r"(val) : : "memory");
	check(undefs == 1 && ESR_EC(undef_esr) == EC_UNKNOWN,
	      "MRS of PMCR_EL0 with no vPMU is UNDEFINED (EC 0x%llx)", (unsigned long long)ESR_EC(undef_esr));

	/* the EL1 physical timer: KVM emulates it, vmm.ko traps it to UNDEF;
	 * either way a write must not fault the hypervisor, and CNTPCT reads */
	undefs = 0;
	asm volatile("msr cntp_ctl_el0, %0" : : "r"(0UL) : "memory");
	check(undefs <= 1, "CNTP_CTL_EL0 write is emulated or UNDEFINED (%u UNDEFs)", undefs);
	undefs = 0;
	asm volatile("mrs %0, cntpct_el0" : "=r"(val) : : "memory");
	check(undefs == 0 && val != 0, "CNTPCT_EL0 reads (0x%llx)", (unsigned long long)val);

	set_sync_handler(NULL);
}

static void test_counter(void)
{
	u64 prev = counter(), now;
	unsigned int i, backwards = 0;

	for (i = 0; i < 10000; i++) {
		now = counter();
		if (now < prev)
			backwards++;
		prev = now;
	}
	check_eq(backwards, 0, "CNTVCT_EL0 never goes backwards over 10000 reads");
	check(prev > 0, "CNTVCT_EL0 counts");
}

void fw_main(void)
{
	test_id_registers();
	test_undef();
	test_counter();
}
