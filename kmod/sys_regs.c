// SPDX-License-Identifier: GPL-2.0
/*
 * sys_regs.c - trapped system register accesses (ESR_EL2.EC 0x18): the ID
 * registers sanitised, the RAS error records RAZ/WI, the debug registers
 * emulated, set/way cache maintenance and the VM registers it traps, the
 * rest UNDEF; and the accessor for the guest's EL1 registers wherever
 * they are (the CPU or the vCPU's context), as Linux's sys_regs.c.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <asm/cpufeature.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>
#include <asm/sysreg.h>

#include <linux/irqchip/arm-gic-v3.h>

#include <hyp/sysreg-sr.h>
#include "emulate.h"

#define ID_FIELD(shift)		(0xfULL << (shift))

/*
 * The host's ID register @id with what this hypervisor does not give the
 * guest hidden: SVE, SME, MTE, AMU, MPAM, pointer authentication, the PMU,
 * the GIC system registers (unless the VM has a vGICv3), WFxT, and EL2.
 */
u64 vmm_id_reg_value(const struct vmm_vm *vm, u32 id)
{
	u64 v;

	switch (id) {
	case SYS_ID_AA64PFR0_EL1:
		v = read_sanitised_ftr_reg(id);
		v &= ~(ID_FIELD(0) | ID_FIELD(4) | ID_FIELD(8) | ID_FIELD(24) |
		       ID_FIELD(32) | ID_FIELD(40) | ID_FIELD(44));	/* EL2 GIC SVE MPAM AMU */
		/* the GIC system registers: with a vGICv3, as KVM's read_id_reg() */
		if (vm && READ_ONCE(vm->vgic.created))
			v |= 1ULL << 24;
		return v | 1 << 0 | 1 << 4;	/* EL0, EL1: AArch64 only */
	case SYS_ID_AA64PFR1_EL1:
		v = read_sanitised_ftr_reg(id);
		return v & ~(ID_FIELD(8) | ID_FIELD(16) | ID_FIELD(24));	/* MTE MPAM SME */
	case SYS_ID_AA64ISAR1_EL1:
		v = read_sanitised_ftr_reg(id);
		return v & ~(ID_FIELD(4) | ID_FIELD(8) | ID_FIELD(24) | ID_FIELD(28));
	case SYS_ID_AA64ISAR2_EL1:
		v = read_sanitised_ftr_reg(id);
		/* WFxT too: WFIT's timeout is not honoured (handle_wfx) */
		return v & ~(ID_FIELD(0) | ID_FIELD(8) | ID_FIELD(12));	/* WFxT GPA3 APA3 */
	case SYS_ID_AA64DFR0_EL1:
		v = read_sanitised_ftr_reg(id);
		return v & ~(ID_FIELD(8) | ID_FIELD(32) | ID_FIELD(44));	/* PMU SPE TRBE */
	case SYS_ID_AA64ISAR0_EL1:
	case SYS_ID_AA64MMFR0_EL1:
	case SYS_ID_AA64MMFR1_EL1:
	case SYS_ID_AA64MMFR2_EL1:
	case SYS_ID_AA64DFR1_EL1:
		return read_sanitised_ftr_reg(id);
	default:
		return 0;	/* AArch32, SVE, SME and unallocated IDs: RAZ */
	}
}

/*
 * The debug registers (op0 2, op1 0; and the EL0 debug comms channel, op1
 * 3), trapped by MDCR_EL2.TDA/TDOSA/TDRA, always: the guest's values live
 * in its vCPU and go into the CPU only around a run that needs them
 * (debug-sr.h), so no guest or ONE_REG value reaches the CPU while the
 * host runs.  MDSCR_EL1 and the 16 breakpoint and watchpoint register
 * pairs keep what the guest writes (KVM keeps all 16 whatever the CPU
 * has; only the CPU's own go in); OSLAR_EL1 sets and clears the OS lock,
 * which OSLSR_EL1 reports (OSLM 0b10: implemented) and which turns the
 * guest's debug exceptions off while set; the rest (OSDLR, DBGPRCR, the
 * claim tags, the comms channel) read as zero and ignore writes, as KVM.
 * Returns false for registers not handled here.
 */
#define OSLSR_OSLM_IMPLEMENTED	BIT(3)
#define OSLSR_OSLK		BIT(1)

static u64 *breakpoint_reg(struct vmm_vcpu *vcpu, u32 crm, u32 op2)
{
	struct vmm_debug_regs *d = &vcpu->debug.regs;

	switch (op2) {
	case 4: return &d->bvr[crm];
	case 5: return &d->bcr[crm];
	case 6: return &d->wvr[crm];
	case 7: return &d->wcr[crm];
	default: return NULL;
	}
}

static bool emulate_debug_reg(struct vmm_vcpu *vcpu, u32 op1, u32 crn,
			      u32 crm, u32 op2, u32 rt, bool read)
{
	u64 val = 0, *reg;

	if (op1 != 0 && op1 != 3)
		return false;			/* trace and the rest: UNDEF */
	if (op1 == 0 && crn == 0 && crm == 2 && op2 == 2) {	/* MDSCR_EL1 */
		if (!read)
			vmm_vcpu_write_sys_reg(vcpu, vcpu_get_reg(vcpu, rt), MDSCR_EL1);
		val = vmm_vcpu_read_sys_reg(vcpu, MDSCR_EL1);
	} else if (op1 == 0 && crn == 0 && (reg = breakpoint_reg(vcpu, crm, op2))) {
		if (!read)
			*reg = vcpu_get_reg(vcpu, rt);
		val = *reg;
	} else if (op1 == 0 && crn == 1 && crm == 0 && op2 == 4) {	/* OSLAR_EL1 */
		if (!read)
			vcpu->debug.oslk = vcpu_get_reg(vcpu, rt) & 1;
	} else if (op1 == 0 && crn == 1 && crm == 1 && op2 == 4) {	/* OSLSR_EL1 */
		val = OSLSR_OSLM_IMPLEMENTED | (vcpu->debug.oslk ? OSLSR_OSLK : 0);
	}
	if (read)
		vcpu_set_reg(vcpu, rt, val);
	vcpu_skip_instr(vcpu);
	return true;
}

/*
 * Set/way cache maintenance (DC ISW, CSW, CISW), trapped by HCR_EL2.TSW.
 * A guest cannot be allowed to clean or invalidate the physical CPU's
 * caches by set and way: the lines are anyone's, and its vCPU may move
 * between CPUs in the middle of its loop over them.  What it means by
 * them, with the MMU and caches off at boot, is "make memory coherent":
 * as KVM's kvm_set_way_flush(), a set/way operation while the VM
 * registers are not trapped cleans and invalidates all of the VM's memory
 * to the point of coherency and starts trapping them (HCR_EL2.TVM); the
 * rest of the loop costs one trap each.  When the guest then turns its
 * caches on or off (SCTLR_EL1, trapped) memory is cleaned again, and once
 * they are on, trapping stops until the next set/way operation
 * (kvm_toggle_cache()).  A vCPU starts with them trapped (vcpu.c).  TCG has no
 * caches, so this bed shows the operations and the trapped writes behave
 * (firmware/hostile); only hardware can show the data made coherent.
 */
static bool caches_on(u64 sctlr)
{
	return (sctlr & (SCTLR_ELx_M | SCTLR_ELx_C)) == (SCTLR_ELx_M | SCTLR_ELx_C);
}

static int set_way_op(struct vmm_vcpu *vcpu, bool read)
{
	if (read)
		return vmm_inject_undef(vcpu);	/* no such register to read */
	vcpu_skip_instr(vcpu);
	if (vcpu->hcr_dyn & HCR_TVM)
		return VMM_RESUME;	/* flushed at the loop's start, or when the caches go on */
	vcpu->hcr_dyn |= HCR_TVM;
	return VMM_FLUSH_CACHES;
}

/*
 * A write to a register HCR_EL2.TVM traps (D13.2.46: the stage-1 and
 * fault registers of EL1): made for the guest, then what it changed about
 * its caches.  Returns -1 for registers TVM does not trap.
 */
static int write_vm_reg(struct vmm_vcpu *vcpu, u32 reg, u64 val)
{
	bool was_on = caches_on(vmm_vcpu_read_sys_reg(vcpu, SCTLR_EL1)), now_on;
	enum vmm_sysreg r;

	switch (reg) {
	case SYS_SCTLR_EL1:	r = SCTLR_EL1;		break;
	case SYS_TTBR0_EL1:	r = TTBR0_EL1;		break;
	case SYS_TTBR1_EL1:	r = TTBR1_EL1;		break;
	case SYS_TCR_EL1:	r = TCR_EL1;		break;
	case SYS_ESR_EL1:	r = ESR_EL1;		break;
	case SYS_FAR_EL1:	r = FAR_EL1;		break;
	case SYS_AFSR0_EL1:	r = AFSR0_EL1;		break;
	case SYS_AFSR1_EL1:	r = AFSR1_EL1;		break;
	case SYS_MAIR_EL1:	r = MAIR_EL1;		break;
	case SYS_AMAIR_EL1:	r = AMAIR_EL1;		break;
	case SYS_CONTEXTIDR_EL1: r = CONTEXTIDR_EL1;	break;
	default:
		return -1;
	}
	vmm_vcpu_write_sys_reg(vcpu, val, r);
	vcpu_skip_instr(vcpu);
	now_on = caches_on(vmm_vcpu_read_sys_reg(vcpu, SCTLR_EL1));
	if (now_on)
		vcpu->hcr_dyn &= ~HCR_TVM;	/* until the next set/way op */
	/* on: invalidate what was written around the caches; off: clean */
	return now_on != was_on ? VMM_FLUSH_CACHES : VMM_RESUME;
}

int vmm_handle_sysreg(struct vmm_vcpu *vcpu)
{
	u64 esr = vcpu->fault.esr;
	u32 op0 = (esr >> 20) & 3, op2 = (esr >> 17) & 7, op1 = (esr >> 14) & 7;
	u32 crn = (esr >> 10) & 0xf, rt = (esr >> 5) & 0x1f, crm = (esr >> 1) & 0xf;
	bool read = esr & 1;

	/* ID group 3: op0 3, op1 0, CRn 0, CRm 1-7 (D13.2.48, HCR_EL2.TID3) */
	if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7 && read) {
		vcpu_set_reg(vcpu, rt, vmm_id_reg_value(vcpu->vm, sys_reg(op0, op1, crn, crm, op2)));
		vcpu_skip_instr(vcpu);
		return VMM_RESUME;
	}
	/*
	 * The RAS error record registers (ERRIDR, ERRSELR, ERX*: op0 3, op1
	 * 0, CRn 5, CRm 3-5), trapped by HCR_EL2.TERR: the host's records
	 * are not the guest's.  RAZ/WI, as KVM's trap_raz_wi: no records.
	 */
	if (op0 == 3 && op1 == 0 && crn == 5 && crm >= 3 && crm <= 5) {
		if (read)
			vcpu_set_reg(vcpu, rt, 0);
		vcpu_skip_instr(vcpu);
		return VMM_RESUME;
	}
	if (op0 == 2 && emulate_debug_reg(vcpu, op1, crn, crm, op2, rt, read))
		return VMM_RESUME;
	/*
	 * ICC_SGI1R_EL1, ICC_ASGI1R_EL1, ICC_SGI0R_EL1 (op0 3, op1 0, CRn 12,
	 * CRm 11, op2 5/6/7): write-only, trapped by HCR_EL2.IMO/FMO; the
	 * vGIC sends the SGI.  With one security state ASGI1R makes group 0
	 * SGIs, as SGI0R (KVM's access_gic_sgi()).  Without a vGIC: UNDEF.
	 */
	if (op0 == 3 && op1 == 0 && crn == 12 && crm == 11 && op2 >= 5 && !read &&
	    READ_ONCE(vcpu->vm->vgic.initialised)) {
		vmm_vgic_send_sgi(vcpu, vcpu_get_reg(vcpu, rt), op2 == 5);
		vcpu_skip_instr(vcpu);
		return VMM_RESUME;
	}
	/*
	 * CNTP_TVAL/CTL/CVAL_EL0 (op0 3, op1 3, CRn 14, CRm 2, op2 0-2):
	 * they trap only on nVHE, where the guest's physical timer is
	 * emulated (arch_timer.c).
	 */
	if (op0 == 3 && op1 == 3 && crn == 14 && crm == 2 && op2 <= 2 && vmm_is_nvhe()) {
		u64 val = read ? 0 : vcpu_get_reg(vcpu, rt);

		vmm_ptimer_access(vcpu, op2, &val, read);
		if (read)
			vcpu_set_reg(vcpu, rt, val);
		vcpu_skip_instr(vcpu);
		return VMM_RESUME;
	}
	/*
	 * ICC_SRE_EL1 (op0 3, op1 0, CRn 12, CRm 12, op2 5) traps while a
	 * guest runs (ICC_SRE_EL2.Enable clear, both switches): the guest's
	 * always has the system-register interface on and legacy bypass off;
	 * writes are ignored, as KVM's access_gic_sre().
	 */
	if (op0 == 3 && op1 == 0 && crn == 12 && crm == 12 && op2 == 5) {
		if (read)
			vcpu_set_reg(vcpu, rt, ICC_SRE_EL1_SRE | ICC_SRE_EL1_DFB | ICC_SRE_EL1_DIB);
		vcpu_skip_instr(vcpu);
		return VMM_RESUME;
	}
	/* DC ISW, DC CSW, DC CISW: op0 1, op1 0, CRn 7, CRm 6/10/14, op2 2 */
	if (op0 == 1 && op1 == 0 && crn == 7 && op2 == 2 &&
	    (crm == 6 || crm == 10 || crm == 14))
		return set_way_op(vcpu, read);
	if (op0 == 3 && !read && (vcpu->hcr_dyn & HCR_TVM)) {
		int ret = write_vm_reg(vcpu, sys_reg(op0, op1, crn, crm, op2),
				       vcpu_get_reg(vcpu, rt));

		if (ret >= 0)
			return ret;
	}
	return vmm_inject_undef(vcpu);
}

/* ---- the guest's EL1 registers, wherever they are ----------------------- */

/*
 * Loaded, a register is read from the CPU (with nVHE only the virtual
 * timer's are: the rest are swapped at each run, at EL2); otherwise (and
 * MDSCR_EL1 always) from the context.  Safe with preemption on: a put and a load
 * around the access leave the CPU holding the same values.
 */
u64 vmm_vcpu_read_sys_reg(const struct vmm_vcpu *vcpu, enum vmm_sysreg reg)
{
	u64 val;

	if (vcpu->sysregs_loaded && __sysreg_read_cpu(reg, &val))
		return val;
	if (vcpu->vtimer_loaded) {
		if (reg == CNTV_CTL_EL0)
			return read_sysreg(cntv_ctl_el0);
		if (reg == CNTV_CVAL_EL0)
			return read_sysreg(cntv_cval_el0);
	}
	return vcpu->ctxt.sys[reg];
}

void vmm_vcpu_write_sys_reg(struct vmm_vcpu *vcpu, u64 val, enum vmm_sysreg reg)
{
	if (vcpu->sysregs_loaded && __sysreg_write_cpu(reg, val))
		return;
	if (vcpu->vtimer_loaded && reg == CNTV_CTL_EL0) {
		write_sysreg(val, cntv_ctl_el0);
		return;
	}
	if (vcpu->vtimer_loaded && reg == CNTV_CVAL_EL0) {
		write_sysreg(val, cntv_cval_el0);
		return;
	}
	vcpu->ctxt.sys[reg] = val;
}
