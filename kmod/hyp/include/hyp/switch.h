/* SPDX-License-Identifier: GPL-2.0 */
/*
 * switch.h - what the VHE and nVHE world switches share: the guest's trap
 * configuration, and when its self-hosted debug goes into the CPU.
 */
#ifndef VMM_HYP_SWITCH_H
#define VMM_HYP_SWITCH_H

#include <asm/debug-monitors.h>
#include <asm/kvm_arm.h>

#include <hyp/context.h>

/*
 * The guest's HCR_EL2 in either mode: stage 2 on; physical interrupts
 * and SErrors to EL2; trap SMC, set/way cache maintenance, ACTLR,
 * IMPLEMENTATION DEFINED registers, ID group 3 (we sanitise ID
 * registers), WFI/WFE, LORegions; AArch64 EL1; TGE clear.  VHE adds E2H.
 * Pointer authentication (API, APK) and MTE (ATA) stay clear: the guest's
 * uses trap, and it never reads the host's keys.
 */
#define VMM_HCR_GUEST_FLAGS	(HCR_VM | HCR_SWIO | HCR_PTW | HCR_FB | HCR_BSU_IS | \
			 HCR_FMO | HCR_IMO | HCR_AMO | HCR_TSC | HCR_TSW | \
			 HCR_TACR | HCR_TIDCP | HCR_TID3 | HCR_TWI | HCR_TWE | \
			 HCR_TLOR | HCR_RW)

/*
 * Trap the PMU registers (the guest has no PMU: they UNDEF) and the debug
 * registers (the guest's are kept in its vCPU, sys_regs.c, and go into
 * the CPU only around a run with its debug on, debug-sr.h).
 */
#define MDCR_GUEST_TRAPS	(MDCR_EL2_TPM | MDCR_EL2_TPMCR | MDCR_EL2_TDA | \
				 MDCR_EL2_TDOSA | MDCR_EL2_TDRA | MDCR_EL2_TTRF | \
				 MDCR_EL2_TPMS)

/*
 * The guest's self-hosted debug is on: its breakpoints, watchpoints and
 * MDSCR_EL1 go into the CPU for the run (debug-sr.h).  With its OS lock
 * set, debug exceptions are off for it whatever MDSCR says.
 */
static inline bool guest_debug_active(const u64 *sys, bool oslk)
{
	return !oslk && (sys[MDSCR_EL1] & (DBG_MDSCR_MDE | DBG_MDSCR_KDE | DBG_MDSCR_SS));
}

/*
 * With the guest's debug off, MDSCR_EL1 is 0 while it runs: the host's
 * (its MDE and KDE, with its hardware breakpoints and watchpoints still in
 * the registers) must not raise debug exceptions in the guest.  With it
 * on, debug-sr.h puts the guest's in.  Returns what to put back.
 */
static inline u64 __mdscr_quiet(void)
{
	u64 mdscr = read_sysreg(mdscr_el1);

	write_sysreg(0, mdscr_el1);
	return mdscr;
}

#endif
