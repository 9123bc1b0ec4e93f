// SPDX-License-Identifier: GPL-2.0
/*
 * switch.c - the nVHE world switch, at EL2 in the module's own image.
 *
 * The host kernel runs at EL1 and uses the EL1 system registers itself,
 * so every run swaps all of them: the host's out to this CPU's EL2 page,
 * the guest's in from its vCPU, and back at the exit (the LCA'15 talk's
 * "nVHE: save/restore everything, every time").  EL2's own configuration
 * switches with them: HCR_EL2 (stage 2 on only while the guest runs,
 * VTTBR_EL2 the host's VMID 0 whenever it does not),
 * CPTR_EL2, MDCR_EL2, CNTHCTL_EL2, the virtual CPU's IDs, the GIC's
 * virtual CPU interface.  Not the virtual timer: the host at EL1 does not
 * use it, so it stays the guest's from vCPU load to put, loaded by the
 * host itself (EL1 reaches it), with CNTVOFF_EL2 (VMM_HC_SET_CNTVOFF),
 * as with VHE.  FP/SIMD registers are not
 * touched here: the host loads the guest's on its first use (CPTR_EL2.TFP
 * traps it until then), exactly as with VHE.
 *
 * The vCPU is the host's struct vmm_vcpu, mapped at EL2 when it was
 * created; EL2 reads nothing through its pointers (they are the host's
 * addresses), only its own fields, among them what the host copied of
 * the VM for this run (vcpu->hyp_vm).
 */
#include <linux/compiler.h>
#include <linux/types.h>

#include <asm/barrier.h>
#include <asm/kvm_arm.h>
#include <asm/sysreg.h>

#include <linux/irqchip/arm-gic-v3.h>

#include <hyp/debug-sr.h>
#include <hyp/nvhe.h>
#include <hyp/switch.h>
#include <hyp/sysreg-sr.h>
#include <hyp/vgic-sr.h>
#include "../../vmm_drv.h"

/* CNTHCTL_EL2 without E2H: EL1's access to the physical counter and timer */
#define CNTHCTL_NVHE_EL1PCTEN	BIT(0)
#define CNTHCTL_NVHE_EL1PCEN	BIT(1)

extern char __vmm_hyp_vectors[], host_vectors[];

static inline struct vmm_nvhe_cpu *hyp_this_cpu(void)
{
	return (struct vmm_nvhe_cpu *)read_sysreg(tpidr_el2);
}

/*
 * The guest's CPTR_EL2: trace and activity monitors trapped (hidden by
 * the ID registers), SVE and SME trapped (the RES1 mask keeps TSM set),
 * FP/SIMD trapped until the host has loaded the guest's registers.
 */
static inline u64 guest_cptr(const struct vmm_vcpu *vcpu)
{
	return CPTR_EL2_DEFAULT | CPTR_EL2_TTA | CPTR_EL2_TAM | CPTR_EL2_TZ |
	       (vcpu->fp_loaded ? 0 : CPTR_EL2_TFP);
}

/*
 * Errata 1319367 (Cortex-A57) and 1319537 (Cortex-A72), the kernel's
 * ARM64_WORKAROUND_SPECULATIVE_AT: the CPU may speculate an AT walk of the
 * EL1&0 regime with a mix of the host's and the guest's registers, and
 * keep a wrong translation.  So, as KVM's nVHE switch: walks stay off
 * (TCR_EL1.EPD0/1) and the MMU on while the EL1 registers change, and the
 * guest's SCTLR_EL1 and then TCR_EL1 go in only once stage 2 is on; on
 * the way out, the reverse, and the host's SCTLR and then TCR go in
 * once stage 2 is off.  TCG does not speculate: only those cores show it.
 */
static inline void guest_mmu_in(const u64 *sys, bool speculative_at)
{
	if (!speculative_at) {
		write_sysreg_s(sys[SCTLR_EL1], SYS_SCTLR_EL1);
		write_sysreg_s(sys[TCR_EL1], SYS_TCR_EL1);
		return;
	}
	/* the host's SCTLR_EL1.M is set: only walks need stopping */
	write_sysreg_s(sys[TCR_EL1] | TCR_EPD0_MASK | TCR_EPD1_MASK, SYS_TCR_EL1);
	isb();
}

static inline void guest_mmu_on(const u64 *sys)
{
	isb();			/* stage 2 is on */
	write_sysreg_s(sys[SCTLR_EL1], SYS_SCTLR_EL1);
	isb();
	write_sysreg_s(sys[TCR_EL1], SYS_TCR_EL1);
}

static inline void guest_mmu_off(void)
{
	write_sysreg_s(read_sysreg_s(SYS_TCR_EL1) | TCR_EPD0_MASK | TCR_EPD1_MASK, SYS_TCR_EL1);
	isb();
	write_sysreg_s(read_sysreg_s(SYS_SCTLR_EL1) | SCTLR_ELx_M, SYS_SCTLR_EL1);
	isb();
}

static inline void host_mmu_in(const u64 *sys, bool speculative_at)
{
	if (speculative_at)
		isb();		/* stage 2 is off */
	write_sysreg_s(sys[SCTLR_EL1], SYS_SCTLR_EL1);
	if (speculative_at)
		isb();
	write_sysreg_s(sys[TCR_EL1], SYS_TCR_EL1);
}

u64 __vmm_nvhe_run(struct vmm_vcpu *vcpu)
{
	struct vmm_nvhe_cpu *c = hyp_this_cpu();
	struct vmm_host_state *host = &c->host;
	const struct vmm_nvhe_cfg *cfg = &c->cfg;
	bool debug = guest_debug_active(vcpu->ctxt.sys, vcpu->debug.oslk);
	u64 code;

	/* the host, out */
	c->hyp_host.sp_el0 = read_sysreg(sp_el0);	/* for the panic path */
	host->hcr = read_sysreg(hcr_el2);
	host->cptr = read_sysreg(cptr_el2);
	host->mdcr = read_sysreg(mdcr_el2);
	host->cnthctl = read_sysreg(cnthctl_el2);
	__sysreg_save_el1(host->sys);
	__sysreg_save_shared(host->sys);
	/* from here to the host's return, an EL2 fault finds it to restore */
	write_sysreg(__vmm_hyp_vectors, vbar_el2);
	isb();

	/*
	 * The guest, in: its EL1 registers, then stage 2, then its traps.
	 * Walks the host began before the HVC complete first (DDI 0487
	 * D8.1.5, R_LFHQG).
	 */
	dsb(nsh);
	guest_mmu_in(vcpu->ctxt.sys, cfg->speculative_at);
	__sysreg_restore_el1_nommu(vcpu->ctxt.sys);
	__sysreg_restore_shared(vcpu->ctxt.sys);
	/*
	 * The guest's MPIDR; its MIDR is the CPU's, which VPIDR_EL2 already
	 * gives the host at EL1 (the kernel's EL2 set-up wrote it).
	 */
	write_sysreg(vcpu->mpidr, vmpidr_el2);
	write_sysreg(vcpu->hyp_vm.vtcr, vtcr_el2);
	write_sysreg(vcpu->hyp_vm.vttbr, vttbr_el2);
	/*
	 * The guest's virtual CPU interface.  The host at EL1 has no use
	 * for it: nothing of the host's to keep, only the guest's to put
	 * back after the exit.
	 */
	if (cfg->gic_sysregs) {
		/*
		 * ICC_SRE_EL1 is the host's own register here, which the
		 * virtual interface does not cover: its accesses trap while
		 * the guest runs (ICC_SRE_EL2.Enable clear; sys_regs.c
		 * answers them), as KVM's __vgic_v3_activate_traps().  An
		 * implementation may keep Enable RAO/WI (QEMU's does, GIC-500
		 * and 600 fix SRE to 1): only one with legacy support differs.
		 */
		write_sysreg_s(read_sysreg_s(SYS_ICC_SRE_EL2) & ~ICC_SRE_EL2_ENABLE,
			       SYS_ICC_SRE_EL2);
		write_sysreg_s(vcpu->vgic.vmcr, SYS_ICH_VMCR_EL2);
		load_aprs(vcpu->vgic.ap0r, vcpu->vgic.ap1r, nr_aprs());
		__vgic_restore_lrs(&vcpu->vgic);
	}
	if (debug) {
		__debug_save(&host->debug, cfg->brps, cfg->wrps);
		vcpu->debug.regs.mdscr = vcpu->ctxt.sys[MDSCR_EL1];
		__debug_load(&vcpu->debug.regs, cfg->brps, cfg->wrps);
	} else {
		host->debug.mdscr = __mdscr_quiet();
	}
	if ((vcpu->hcr_dyn & HCR_VSE) && cfg->ras)
		write_sysreg_s(vcpu->inject.vsesr, SYS_VSESR_EL2);
	write_sysreg((host->mdcr & MDCR_EL2_HPMN_MASK) | MDCR_GUEST_TRAPS, mdcr_el2);
	/* the physical counter readable; the physical timer is the host's: trapped */
	write_sysreg((host->cnthctl & ~CNTHCTL_NVHE_EL1PCEN) | CNTHCTL_NVHE_EL1PCTEN,
		     cnthctl_el2);
	write_sysreg(guest_cptr(vcpu), cptr_el2);
	write_sysreg(VMM_HCR_GUEST_FLAGS | cfg->hcr_ras | vcpu->hcr_dyn, hcr_el2);
	if (cfg->speculative_at)
		guest_mmu_on(vcpu->ctxt.sys);
	isb();

	code = __vmm_guest_enter(&vcpu->ctxt);

	vmm_save_exit_syndrome(vcpu);

	/* the guest, out: stage 2 off before the host's EL1 regime is back */
	__sysreg_save_el1(vcpu->ctxt.sys);
	__sysreg_save_shared(vcpu->ctxt.sys);
	if (cfg->speculative_at)
		guest_mmu_off();
	write_sysreg(host->hcr, hcr_el2);
	/*
	 * The host's VMID, 0, which no guest has: with EL2 enabled the
	 * EL1&0 regime's TLB entries carry VTTBR_EL2.VMID even with stage 2
	 * off, and the host's EL1 TLBIs reach only its own VMID's.  Left at
	 * the guest's, the host would share the guest's entries, and miss
	 * its own in another CPU's broadcast invalidation (as KVM's
	 * __load_host_stage2()).
	 */
	write_sysreg(0, vttbr_el2);
	write_sysreg(host->cptr, cptr_el2);
	write_sysreg(host->mdcr, mdcr_el2);
	write_sysreg(host->cnthctl, cnthctl_el2);
	if (debug)
		__debug_load(&host->debug, cfg->brps, cfg->wrps);
	else
		write_sysreg(host->debug.mdscr, mdscr_el1);
	if (cfg->gic_sysregs) {
		__vgic_save_lrs(&vcpu->vgic);
		vcpu->vgic.vmcr = read_sysreg_s(SYS_ICH_VMCR_EL2);
		write_sysreg_s(read_sysreg_s(SYS_ICC_SRE_EL2) | ICC_SRE_EL2_ENABLE,
			       SYS_ICC_SRE_EL2);
		save_aprs(vcpu->vgic.ap0r, vcpu->vgic.ap1r, nr_aprs());
	}
	write_sysreg(read_sysreg(mpidr_el1), vmpidr_el2);	/* EL2 reads the real one */

	/* the host, in */
	__sysreg_restore_el1_nommu(host->sys);
	__sysreg_restore_shared(host->sys);
	host_mmu_in(host->sys, cfg->speculative_at);
	write_sysreg(host_vectors, vbar_el2);
	isb();
	return code;
}

/* Every VMID's stage-1&2 TLB entries and VMID-tagged I-cache lines, everywhere. */
void __vmm_nvhe_flush_all(void)
{
	dsb(ishst);
	asm volatile("tlbi alle1is" : : : "memory");
	asm volatile("ic ialluis" : : : "memory");
	dsb(ish);
	isb();
}

/* The list registers, active priorities and ICH_HCR_EL2 to 0 (CPU up). */
void __vmm_nvhe_vgic_reset(unsigned int nr_lrs)
{
	__vgic_reset_cpu(nr_lrs);
}

/* EL2's own translations, everywhere: after the host unmapped some. */
void __vmm_nvhe_flush_hyp(void)
{
	dsb(ishst);
	asm volatile("tlbi alle2is" : : : "memory");
	dsb(ish);
	isb();
}

/*
 * One VMID's, everywhere: the VMID is VTTBR_EL2's, its width VTCR_EL2's,
 * both the VM's for the TLBI and the host's (VMID 0) again after.  Where
 * the CPU speculates AT walks, the host's EL1 walks stay off meanwhile,
 * or they would fill entries tagged with the guest's VMID (as KVM's
 * __tlb_switch_to_guest()).
 */
void __vmm_nvhe_flush_vmid(u64 vtcr, u64 vttbr)
{
	const struct vmm_nvhe_cfg *cfg = &hyp_this_cpu()->cfg;
	u64 old_vtcr = read_sysreg(vtcr_el2), tcr = 0;

	dsb(ishst);
	if (cfg->speculative_at) {
		tcr = read_sysreg_s(SYS_TCR_EL1);
		write_sysreg_s(tcr | TCR_EPD0_MASK | TCR_EPD1_MASK, SYS_TCR_EL1);
		isb();
	}
	write_sysreg(vtcr, vtcr_el2);
	write_sysreg(vttbr, vttbr_el2);
	isb();
	asm volatile("tlbi vmalls12e1is" : : : "memory");
	dsb(ish);
	isb();
	write_sysreg(old_vtcr, vtcr_el2);
	write_sysreg(0, vttbr_el2);
	isb();
	if (cfg->speculative_at) {
		write_sysreg_s(tcr, SYS_TCR_EL1);
		isb();
	}
}

/*
 * An exception the world switch never expects, taken on the guest's
 * vectors (hyp/entry.S's bad vectors jump here): the host's EL2 and EL1
 * state back as far as they were saved, then hyp_panic (hyp-init.S)
 * returns to the host's call with VMM_HC_PANIC.
 */
void __noreturn hyp_guest_panic(void)
{
	struct vmm_nvhe_cpu *c = hyp_this_cpu();
	struct vmm_host_state *host = &c->host;

	write_sysreg(host->hcr, hcr_el2);
	write_sysreg(0, vttbr_el2);
	write_sysreg(host->cptr, cptr_el2);
	write_sysreg(host->mdcr, mdcr_el2);
	write_sysreg(host->cnthctl, cnthctl_el2);
	write_sysreg(0, cntvoff_el2);
	__sysreg_restore_el1(host->sys);
	__sysreg_restore_shared(host->sys);
	write_sysreg(c->hyp_host.sp_el0, sp_el0);
	write_sysreg(host_vectors, vbar_el2);
	isb();
	asm volatile("b hyp_panic");
	unreachable();
}
