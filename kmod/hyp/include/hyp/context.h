/* SPDX-License-Identifier: GPL-2.0 */
/*
 * context.h - a vCPU's CPU state as the world switch sees it.  The
 * assembly in hyp/entry.S reaches these fields only through offsets
 * generated from this layout (asm-offsets.c).
 */
#ifndef VMM_HYP_CONTEXT_H
#define VMM_HYP_CONTEXT_H

/* Exit codes of __vmm_guest_enter: which vector the guest left through. */
#define VMM_EXIT_SYNC	0
#define VMM_EXIT_IRQ	1
#define VMM_EXIT_FIQ	2
#define VMM_EXIT_SERROR	3
/* ORed in: an SError was pending at the exit; ctxt->serror has it */
#define VMM_EXIT_WITH_SERROR	(1 << 4)
/* nVHE: the guest did not run: this CPU's EL2 is not the module's (nvhe.c) */
#define VMM_EXIT_NOT_RUN	(1 << 5)
#define VMM_EXIT_CODE(x)	((x) & 3)

#ifndef __ASSEMBLY__

#include <linux/types.h>

struct vmm_gp_regs {
	u64	x[31];
	u64	sp_el0;
	u64	pc;		/* ELR_EL2 at exit */
	u64	pstate;		/* SPSR_EL2 at exit */
};

/* The guest's EL1 system registers, live in the CPU between load and put. */
enum vmm_sysreg {
	SCTLR_EL1, CPACR_EL1, TTBR0_EL1, TTBR1_EL1, TCR_EL1, ESR_EL1,
	AFSR0_EL1, AFSR1_EL1, FAR_EL1, MAIR_EL1, VBAR_EL1, CONTEXTIDR_EL1,
	AMAIR_EL1, CNTKCTL_EL1, ELR_EL1, SPSR_EL1, SP_EL1, TPIDR_EL1,
	PAR_EL1, CSSELR_EL1, MDSCR_EL1, TPIDR_EL0, TPIDRRO_EL0,
	CNTV_CTL_EL0, CNTV_CVAL_EL0, CNTP_CTL_EL0, CNTP_CVAL_EL0,
	NR_VMM_SYSREGS
};

struct vmm_fp_regs {
	__uint128_t	v[32];
	u32		fpsr;
	u32		fpcr;
};

struct vmm_cpu_context {
	struct vmm_gp_regs	gp;
	u64			sys[NR_VMM_SYSREGS];
	struct vmm_fp_regs	fp;
	/*
	 * With VMM_EXIT_WITH_SERROR, the SError the exit found pending:
	 * DISR_EL1 where the CPU has RAS, its ESR_EL2 where it does not.
	 */
	u64			serror;
};

/*
 * What __vmm_hyp_panic needs to give the host back its own EL2 before it
 * panics, per CPU, set whenever a vCPU is loaded there.
 */
struct vmm_hyp_host {
	u64	sp_el0;		/* the host's `current` */
	u64	x18;		/* its shadow call stack */
	u64	vbar, hcr, cptr;
	/* Spectre-BHB on exit (spectre.c): this CPU's sequence */
	u64	bhb_loop;	/* branches to take; 0: none */
	u64	bhb_clear_insn;	/* clearbhb */
	u64	fw_call;	/* SMCCC_ARCH_WORKAROUND_3 or _1; 0: none */
	u64	bhb_known;	/* the above are decided */
	u32	v2_state, bhb_state;	/* VMM_SPECTRE_*, for the guest's SMCCC */
};

/* What a CPU's exits do against a Spectre variant (spectre.c) */
enum { VMM_SPECTRE_UNAFFECTED, VMM_SPECTRE_MITIGATED, VMM_SPECTRE_VULNERABLE };

/* The breakpoint and watchpoint registers, and MDSCR_EL1 (debug-sr.h). */
struct vmm_debug_regs {
	u64	bcr[16], bvr[16], wcr[16], wvr[16];
	u64	mdscr;
};

/*
 * The host state the world switch keeps across a guest run: with VHE, in
 * the vCPU from load to put, @sys only the registers the host shares with
 * the guest; with nVHE, per CPU at EL2 for one run, @sys all of the
 * host's EL1 registers the guest's displace.
 */
struct vmm_host_state {
	u64	sys[NR_VMM_SYSREGS];
	u64	hcr, vbar, cptr, mdcr, vttbr, vtcr, cnthctl, vmcr;
	u32	ap0r[4], ap1r[4];
	struct vmm_debug_regs debug;	/* while the guest's are in */
};

/* Run the guest in @ctxt until it exits; returns a VMM_EXIT_* code. */
u64 __vmm_guest_enter(struct vmm_cpu_context *ctxt);
extern char __vmm_hyp_vectors[];
void __noreturn vmm_hyp_panic(u64 esr, u64 elr, u64 far, u64 spsr);
void __vmm_fpsimd_save(struct vmm_fp_regs *fp);
void __vmm_fpsimd_restore(const struct vmm_fp_regs *fp);

#endif /* __ASSEMBLY__ */
#endif
