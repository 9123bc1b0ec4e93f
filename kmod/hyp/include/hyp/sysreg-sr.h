/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sysreg-sr.h - save and restore of the guest's EL1 system registers,
 * shared static inline code.  Compiled in VHE mode (hyp/vhe/) the EL1
 * registers are reached from EL2 through their _EL12/_EL02 aliases (DDI
 * 0487 D5.6, "Virtualization Host Extensions"); compiled for nVHE's EL2
 * (hyp/nvhe/, __VMM_NVHE__) through their plain _EL1/_EL0 names, which
 * there are the EL1 registers themselves.  Registers VHE does not alias
 * (SP_EL1, TPIDR_EL1, PAR_EL1, ...) are named directly: EL2 never uses
 * them for itself.
 *
 * nVHE leaves the timers out.  The EL1 physical timer (CNTP_*) is the
 * host kernel's own there (the host is at EL1), so the guest's traps
 * (CNTHCTL_EL2.EL1PCEN clear) and lives in its vCPU.  The virtual timer
 * the host does not use: the guest's stays in the CPU from vCPU load to
 * put, as with VHE, and the host loads it itself (run.c).
 */
#ifndef VMM_HYP_SYSREG_SR_H
#define VMM_HYP_SYSREG_SR_H

#include <asm/sysreg.h>

#include <hyp/context.h>

#ifdef __VMM_NVHE__
#define read_el1(r)	read_sysreg_s(SYS_ ## r ## _EL1)
#define write_el1(v, r)	write_sysreg_s(v, SYS_ ## r ## _EL1)
#define read_el0(r)	read_sysreg_s(SYS_ ## r ## _EL0)
#define write_el0(v, r)	write_sysreg_s(v, SYS_ ## r ## _EL0)
#else
#define read_el1(r)	read_sysreg_s(SYS_ ## r ## _EL12)
#define write_el1(v, r)	write_sysreg_s(v, SYS_ ## r ## _EL12)
#define read_el0(r)	read_sysreg_s(SYS_ ## r ## _EL02)
#define write_el0(v, r)	write_sysreg_s(v, SYS_ ## r ## _EL02)
#endif

static inline void __sysreg_save_el1(u64 *sys)
{
	sys[SCTLR_EL1]	= read_el1(SCTLR);
	sys[CPACR_EL1]	= read_el1(CPACR);
	sys[TTBR0_EL1]	= read_el1(TTBR0);
	sys[TTBR1_EL1]	= read_el1(TTBR1);
	sys[TCR_EL1]	= read_el1(TCR);
	sys[ESR_EL1]	= read_el1(ESR);
	sys[AFSR0_EL1]	= read_el1(AFSR0);
	sys[AFSR1_EL1]	= read_el1(AFSR1);
	sys[FAR_EL1]	= read_el1(FAR);
	sys[MAIR_EL1]	= read_el1(MAIR);
	sys[VBAR_EL1]	= read_el1(VBAR);
	sys[CONTEXTIDR_EL1] = read_el1(CONTEXTIDR);
	sys[AMAIR_EL1]	= read_el1(AMAIR);
	sys[CNTKCTL_EL1] = read_el1(CNTKCTL);
	sys[ELR_EL1]	= read_el1(ELR);
	sys[SPSR_EL1]	= read_el1(SPSR);
	sys[SP_EL1]	= read_sysreg(sp_el1);
	sys[TPIDR_EL1]	= read_sysreg(tpidr_el1);
	sys[CSSELR_EL1]	= read_sysreg(csselr_el1);
#ifndef __VMM_NVHE__
	sys[CNTV_CTL_EL0] = read_el0(CNTV_CTL);
	sys[CNTV_CVAL_EL0] = read_el0(CNTV_CVAL);
	sys[CNTP_CTL_EL0] = read_el0(CNTP_CTL);
	sys[CNTP_CVAL_EL0] = read_el0(CNTP_CVAL);
#endif
}

/*
 * All but SCTLR_EL1 and TCR_EL1, which decide whether and how the CPU may
 * walk the EL1&0 tables: the nVHE switch orders them apart where the CPU
 * speculates AT walks (hyp/nvhe/switch.c).
 */
static inline void __sysreg_restore_el1_nommu(const u64 *sys)
{
	write_el1(sys[CPACR_EL1], CPACR);
	write_el1(sys[TTBR0_EL1], TTBR0);
	write_el1(sys[TTBR1_EL1], TTBR1);
	write_el1(sys[ESR_EL1], ESR);
	write_el1(sys[AFSR0_EL1], AFSR0);
	write_el1(sys[AFSR1_EL1], AFSR1);
	write_el1(sys[FAR_EL1], FAR);
	write_el1(sys[MAIR_EL1], MAIR);
	write_el1(sys[VBAR_EL1], VBAR);
	write_el1(sys[CONTEXTIDR_EL1], CONTEXTIDR);
	write_el1(sys[AMAIR_EL1], AMAIR);
	write_el1(sys[CNTKCTL_EL1], CNTKCTL);
	write_el1(sys[ELR_EL1], ELR);
	write_el1(sys[SPSR_EL1], SPSR);
	write_sysreg(sys[SP_EL1], sp_el1);
	write_sysreg(sys[TPIDR_EL1], tpidr_el1);
	write_sysreg(sys[CSSELR_EL1], csselr_el1);
#ifndef __VMM_NVHE__
	write_el0(sys[CNTV_CVAL_EL0], CNTV_CVAL);
	write_el0(sys[CNTV_CTL_EL0], CNTV_CTL);
	write_el0(sys[CNTP_CVAL_EL0], CNTP_CVAL);
	write_el0(sys[CNTP_CTL_EL0], CNTP_CTL);
#endif
}

static inline void __sysreg_restore_el1(const u64 *sys)
{
	write_el1(sys[SCTLR_EL1], SCTLR);
	write_el1(sys[TCR_EL1], TCR);
	__sysreg_restore_el1_nommu(sys);
}

/*
 * One register of the guest's EL1 state, in the CPU between load and put;
 * false for MDSCR_EL1, which never is (below).  For the accessors in
 * sys_regs.c.
 */
static inline bool __sysreg_read_cpu(enum vmm_sysreg reg, u64 *val)
{
	switch (reg) {
	case SCTLR_EL1:		*val = read_el1(SCTLR);		break;
	case CPACR_EL1:		*val = read_el1(CPACR);		break;
	case TTBR0_EL1:		*val = read_el1(TTBR0);		break;
	case TTBR1_EL1:		*val = read_el1(TTBR1);		break;
	case TCR_EL1:		*val = read_el1(TCR);		break;
	case ESR_EL1:		*val = read_el1(ESR);		break;
	case AFSR0_EL1:		*val = read_el1(AFSR0);		break;
	case AFSR1_EL1:		*val = read_el1(AFSR1);		break;
	case FAR_EL1:		*val = read_el1(FAR);		break;
	case MAIR_EL1:		*val = read_el1(MAIR);		break;
	case VBAR_EL1:		*val = read_el1(VBAR);		break;
	case CONTEXTIDR_EL1:	*val = read_el1(CONTEXTIDR);	break;
	case AMAIR_EL1:		*val = read_el1(AMAIR);		break;
	case CNTKCTL_EL1:	*val = read_el1(CNTKCTL);	break;
	case ELR_EL1:		*val = read_el1(ELR);		break;
	case SPSR_EL1:		*val = read_el1(SPSR);		break;
	case SP_EL1:		*val = read_sysreg(sp_el1);	break;
	case TPIDR_EL1:		*val = read_sysreg(tpidr_el1);	break;
	case PAR_EL1:		*val = read_sysreg(par_el1);	break;
	case CSSELR_EL1:	*val = read_sysreg(csselr_el1);	break;
	case TPIDR_EL0:		*val = read_sysreg(tpidr_el0);	break;
	case TPIDRRO_EL0:	*val = read_sysreg(tpidrro_el0); break;
	case CNTV_CTL_EL0:	*val = read_sysreg_s(SYS_CNTV_CTL_EL02); break;
	case CNTV_CVAL_EL0:	*val = read_sysreg_s(SYS_CNTV_CVAL_EL02); break;
	case CNTP_CTL_EL0:	*val = read_sysreg_s(SYS_CNTP_CTL_EL02); break;
	case CNTP_CVAL_EL0:	*val = read_sysreg_s(SYS_CNTP_CVAL_EL02); break;
	default:
		return false;
	}
	return true;
}

static inline bool __sysreg_write_cpu(enum vmm_sysreg reg, u64 val)
{
	switch (reg) {
	case SCTLR_EL1:		write_el1(val, SCTLR);		break;
	case CPACR_EL1:		write_el1(val, CPACR);		break;
	case TTBR0_EL1:		write_el1(val, TTBR0);		break;
	case TTBR1_EL1:		write_el1(val, TTBR1);		break;
	case TCR_EL1:		write_el1(val, TCR);		break;
	case ESR_EL1:		write_el1(val, ESR);		break;
	case AFSR0_EL1:		write_el1(val, AFSR0);		break;
	case AFSR1_EL1:		write_el1(val, AFSR1);		break;
	case FAR_EL1:		write_el1(val, FAR);		break;
	case MAIR_EL1:		write_el1(val, MAIR);		break;
	case VBAR_EL1:		write_el1(val, VBAR);		break;
	case CONTEXTIDR_EL1:	write_el1(val, CONTEXTIDR);	break;
	case AMAIR_EL1:		write_el1(val, AMAIR);		break;
	case CNTKCTL_EL1:	write_el1(val, CNTKCTL);	break;
	case ELR_EL1:		write_el1(val, ELR);		break;
	case SPSR_EL1:		write_el1(val, SPSR);		break;
	case SP_EL1:		write_sysreg(val, sp_el1);	break;
	case TPIDR_EL1:		write_sysreg(val, tpidr_el1);	break;
	case PAR_EL1:		write_sysreg(val, par_el1);	break;
	case CSSELR_EL1:	write_sysreg(val, csselr_el1);	break;
	case TPIDR_EL0:		write_sysreg(val, tpidr_el0);	break;
	case TPIDRRO_EL0:	write_sysreg(val, tpidrro_el0);	break;
	case CNTV_CTL_EL0:	write_sysreg_s(val, SYS_CNTV_CTL_EL02); break;
	case CNTV_CVAL_EL0:	write_sysreg_s(val, SYS_CNTV_CVAL_EL02); break;
	case CNTP_CTL_EL0:	write_sysreg_s(val, SYS_CNTP_CTL_EL02); break;
	case CNTP_CVAL_EL0:	write_sysreg_s(val, SYS_CNTP_CVAL_EL02); break;
	default:
		return false;
	}
	return true;
}

/*
 * Registers the host shares with the guest: swapped at load and put.
 *
 * Not MDSCR_EL1.  Swapped here, the host ran on the guest's value from
 * load to put, between exits: KDE|SS (0x2001, settable through ONE_REG)
 * made the host single-step itself and hung it.  The guest never needs
 * it in the CPU either: MDCR_EL2.TDA traps its debug register accesses,
 * MDSCR_EL1's among them, and sys_regs.c emulates them against the value kept
 * here (for the guest and for ONE_REG).  When the guest's debug is on,
 * MDSCR_EL1 and its breakpoints go into the CPU around each run only
 * (debug-sr.h), as KVM's __debug_switch_*().
 */
static inline void __sysreg_save_shared(u64 *sys)
{
	sys[PAR_EL1]	= read_sysreg(par_el1);
	sys[TPIDR_EL0]	= read_sysreg(tpidr_el0);
	sys[TPIDRRO_EL0] = read_sysreg(tpidrro_el0);
}

static inline void __sysreg_restore_shared(const u64 *sys)
{
	write_sysreg(sys[PAR_EL1], par_el1);
	write_sysreg(sys[TPIDR_EL0], tpidr_el0);
	write_sysreg(sys[TPIDRRO_EL0], tpidrro_el0);
}

#endif
