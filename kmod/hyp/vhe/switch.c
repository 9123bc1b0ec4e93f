// SPDX-License-Identifier: GPL-2.0
/*
 * switch.c - the VHE world switch.  The host kernel runs at EL2, so
 * entering the guest is a function call: swap the trap configuration and
 * the vectors, eret, and come back through __vmm_hyp_vectors.  The guest's
 * EL1 system registers stay in the CPU from vcpu_load to vcpu_put (the host
 * at EL2 does not use them), so an exit handled in the kernel costs only
 * the general registers: the point of VHE (LCA'15, "lazy save/restore").
 */
#include <linux/kprobes.h>
#include <linux/kvm.h>
#include <linux/percpu.h>
#include <linux/sched.h>

#include <asm/alternative.h>

#include <asm/kvm_arm.h>
#include <asm/sysreg.h>

#include <asm/debug-monitors.h>

#include <linux/irqchip/arm-gic-v3.h>

#include <hyp/debug-sr.h>
#include <hyp/switch.h>
#include <hyp/sysreg-sr.h>
#include <hyp/vgic-sr.h>
#include "../../vmm_drv.h"

/* The guest's HCR_EL2 (hyp/switch.h) with E2H, which VHE keeps set (D13.2.46). */
#define HCR_GUEST_VHE	(VMM_HCR_GUEST_FLAGS | HCR_E2H)

/*
 * With RAS, as KVM's vcpu_reset_hcr(): trap the error record registers
 * (TERR): the host's error records are not the guest's to read or clear;
 * sys_regs.c makes them RAZ/WI.  And route the guest's synchronous
 * external aborts to EL2 (TEA): the error is the host's to know of first;
 * mmio.c gives the guest a virtual SError for it.  (Both RES0 without RAS.)
 */
static inline u64 guest_hcr_ras(void)
{
	return cpus_have_const_cap(ARM64_HAS_RAS_EXTN) ? HCR_TERR | HCR_TEA : 0;
}

/*
 * CNTHCTL_EL2 with E2H (D13.8.3): the guest reads the physical counter
 * (EL1PCTEN) and uses the EL1 physical timer itself (EL1PTEN): with VHE
 * the host's own timer is the EL2 one, so the EL1 physical timer is free
 * and switched with the vCPU like the virtual one (as KVM 6.1's VHE
 * "direct" physical timer).  Its count has no offset.
 */
#define CNTHCTL_E2H_EL1PCTEN	BIT(10)
#define CNTHCTL_E2H_EL1PTEN	BIT(11)

/*
 * CPTR_EL2 with E2H has CPACR's layout.  SVE and SME always trap; FP/SIMD
 * traps until the guest's registers are loaded (handle_exit.c, on its first use).
 * Trace (TTA, bit 28) and activity monitors (TAM, bit 30) trap too, as in
 * KVM's VHE __activate_traps(): the ID registers hide both, and neither
 * the host's trace unit nor its AMU counters are the guest's.  QEMU 7.2
 * has neither, so their accesses UNDEF with or without the trap here;
 * only hardware with trace or AMU can show this.
 */
#define CPTR_VHE_TTA		BIT(28)
#define CPTR_VHE_TAM		BIT(30)
#define CPTR_GUEST_VHE(fp)	(((fp) ? CPACR_ELx_FPEN : 0) | CPTR_VHE_TTA | CPTR_VHE_TAM)

/* for __vmm_hyp_panic (hyp/entry.S): the host's EL2, on each CPU */
DEFINE_PER_CPU(struct vmm_hyp_host, vmm_hyp_host);

void __noreturn vmm_hyp_panic(u64 esr, u64 elr, u64 far, u64 spsr)
{
	panic("vmm: unexpected exception at EL2 in the world switch: ESR_EL2 %#llx ELR_EL2 %#llx (%pS) FAR_EL2 %#llx SPSR_EL2 %#llx\n",
	      esr, elr, (void *)elr, far, spsr);
}

void vmm_vhe_vcpu_load(struct vmm_vcpu *vcpu, struct vmm_host_state *host)
{
	struct vmm_hyp_host *hyp_host = this_cpu_ptr(&vmm_hyp_host);
	struct vmm_vm *vm = vcpu->vm;

	if (!hyp_host->bhb_known)
		vmm_spectre_bhb_init_cpu(hyp_host);
	hyp_host->sp_el0 = (u64)current;
	asm("mov %0, x18" : "=r"(hyp_host->x18));
	hyp_host->vbar = read_sysreg(vbar_el1);	/* VBAR_EL2 under E2H */
	hyp_host->hcr = read_sysreg(hcr_el2);
	hyp_host->cptr = read_sysreg(cpacr_el1);	/* CPTR_EL2 under E2H */

	__sysreg_save_shared(host->sys);
	__sysreg_restore_shared(vcpu->ctxt.sys);
	__sysreg_restore_el1(vcpu->ctxt.sys);

	host->vttbr = read_sysreg(vttbr_el2);
	host->vtcr = read_sysreg(vtcr_el2);
	host->mdcr = read_sysreg(mdcr_el2);
	write_sysreg(vm->vtcr, vtcr_el2);
	write_sysreg(vm->vttbr, vttbr_el2);
	write_sysreg((host->mdcr & MDCR_EL2_HPMN_MASK) | MDCR_GUEST_TRAPS, mdcr_el2);
	host->cnthctl = read_sysreg(cnthctl_el2);
	write_sysreg(host->cnthctl | CNTHCTL_E2H_EL1PCTEN | CNTHCTL_E2H_EL1PTEN,
		     cnthctl_el2);
	/*
	 * The GIC's virtual CPU interface state (the guest's ICV_PMR,
	 * ICV_IGRPEN*, ICV_BPR*, ICV_CTLR.EOImode in ICH_VMCR_EL2, and its
	 * active priorities in ICH_AP*R*_EL2): the vCPU's, never another
	 * VM's (KVM's vgic_v3_load/put).  Where the host has no GICv3 system
	 * registers there is no virtual interface either.
	 */
	if (cpus_have_const_cap(ARM64_HAS_SYSREG_GIC_CPUIF)) {
		unsigned int nr = nr_aprs();

		host->vmcr = read_sysreg_s(SYS_ICH_VMCR_EL2);
		write_sysreg_s(vcpu->vgic.vmcr, SYS_ICH_VMCR_EL2);
		/*
		 * The guest's ICC_SRE_EL1 accesses trap (sys_regs.c answers
		 * them): on a GIC with legacy support it could otherwise turn
		 * the system-register interface off for the next guest here.
		 * The host at EL2 never uses ICC_SRE_EL1: once per load.
		 */
		write_sysreg_s(read_sysreg_s(SYS_ICC_SRE_EL2) & ~ICC_SRE_EL2_ENABLE,
			       SYS_ICC_SRE_EL2);
		save_aprs(host->ap0r, host->ap1r, nr);
		load_aprs(vcpu->vgic.ap0r, vcpu->vgic.ap1r, nr);
	}
	write_sysreg(vcpu->mpidr, vmpidr_el2);
	write_sysreg(read_cpuid_id(), vpidr_el2);
	write_sysreg(vm->cntvoff, cntvoff_el2);
	isb();
}

void vmm_vhe_vcpu_put(struct vmm_vcpu *vcpu, struct vmm_host_state *host)
{
	__sysreg_save_el1(vcpu->ctxt.sys);
	/* the guest's timers must not fire at the host */
	write_sysreg_s(0, SYS_CNTV_CTL_EL02);
	write_sysreg_s(0, SYS_CNTP_CTL_EL02);
	__sysreg_save_shared(vcpu->ctxt.sys);
	__sysreg_restore_shared(host->sys);
	if (cpus_have_const_cap(ARM64_HAS_SYSREG_GIC_CPUIF)) {
		unsigned int nr = nr_aprs();

		vcpu->vgic.vmcr = read_sysreg_s(SYS_ICH_VMCR_EL2);
		write_sysreg_s(host->vmcr, SYS_ICH_VMCR_EL2);
		write_sysreg_s(read_sysreg_s(SYS_ICC_SRE_EL2) | ICC_SRE_EL2_ENABLE,
			       SYS_ICC_SRE_EL2);
		save_aprs(vcpu->vgic.ap0r, vcpu->vgic.ap1r, nr);
		load_aprs(host->ap0r, host->ap1r, nr);
	}

	write_sysreg(host->cnthctl, cnthctl_el2);
	write_sysreg(host->mdcr, mdcr_el2);
	write_sysreg(host->vtcr, vtcr_el2);
	write_sysreg(host->vttbr, vttbr_el2);
	isb();
}

u64 vmm_vhe_vgic_read_vmcr(void)
{
	return read_sysreg_s(SYS_ICH_VMCR_EL2);
}

void vmm_vhe_vgic_reset_cpu(unsigned int nr_lrs)
{
	__vgic_reset_cpu(nr_lrs);
}

/* How many breakpoints and watchpoints every CPU has (ID_AA64DFR0_EL1). */
static void debug_counts(unsigned int *brps, unsigned int *wrps)
{
	u64 dfr0 = read_sanitised_ftr_reg(SYS_ID_AA64DFR0_EL1);

	*brps = ((dfr0 >> 12) & 0xf) + 1;
	*wrps = ((dfr0 >> 20) & 0xf) + 1;
}

/* One guest entry; all of DAIF masked.  Returns the VMM_EXIT_* code. */
u64 vmm_vhe_run_once(struct vmm_vcpu *vcpu, struct vmm_host_state *host)
{
	bool debug = guest_debug_active(vcpu->ctxt.sys, vcpu->debug.oslk);
	unsigned int brps = 0, wrps = 0;
	u64 code;

	if (debug)		/* before HCR_EL2 is the guest's: a call out */
		debug_counts(&brps, &wrps);
	host->hcr = read_sysreg(hcr_el2);
	host->cptr = read_sysreg(cpacr_el1);	/* CPTR_EL2 under E2H */
	host->vbar = read_sysreg(vbar_el1);	/* VBAR_EL2 under E2H */

	/* a virtual SError to deliver: its syndrome, where RAS gives one */
	if ((vcpu->hcr_dyn & HCR_VSE) && cpus_have_const_cap(ARM64_HAS_RAS_EXTN))
		write_sysreg_s(vcpu->inject.vsesr, SYS_VSESR_EL2);
	write_sysreg(HCR_GUEST_VHE | guest_hcr_ras() | vcpu->hcr_dyn, hcr_el2);
	write_sysreg(CPTR_GUEST_VHE(vcpu->fp_loaded), cpacr_el1);
	write_sysreg(__vmm_hyp_vectors, vbar_el1);
	if (debug) {
		__debug_save(&host->debug, brps, wrps);
		vcpu->debug.regs.mdscr = vcpu->ctxt.sys[MDSCR_EL1];
		__debug_load(&vcpu->debug.regs, brps, wrps);
	} else {
		host->debug.mdscr = __mdscr_quiet();
	}
	__vgic_restore_lrs(&vcpu->vgic);
	isb();

	code = __vmm_guest_enter(&vcpu->ctxt);

	vmm_save_exit_syndrome(vcpu);
	__vgic_save_lrs(&vcpu->vgic);

	if (debug)
		__debug_load(&host->debug, brps, wrps);	/* the host's, MDSCR too */
	else
		write_sysreg(host->debug.mdscr, mdscr_el1);
	write_sysreg(host->vbar, vbar_el1);
	/*
	 * Errata 1165522 and 1530923 (ARM64_WORKAROUND_SPECULATIVE_AT): the
	 * CPU may speculate an AT walk with a mix of the guest's and the
	 * host's translation regimes unless the guest context is complete
	 * before TGE is set again; KVM's VHE __deactivate_traps() puts an ISB
	 * here.  (On entry the rule is "stage 1 and 2 set up before TGE is
	 * cleared": vmm_vhe_vcpu_load() ends in an ISB long before.)  TCG
	 * does not speculate: only the affected Cortex-A76/A55 cores can
	 * show it.
	 */
	asm(ALTERNATIVE("nop", "isb", ARM64_WORKAROUND_SPECULATIVE_AT));
	write_sysreg(host->hcr, hcr_el2);
	write_sysreg(host->cptr, cpacr_el1);
	isb();
	/* DAIF stays masked: the caller's local_daif_restore() unmasks */
	return code;
}
/* no kprobe either: a breakpoint here would trap to our own vectors */
NOKPROBE_SYMBOL(vmm_vhe_run_once);
