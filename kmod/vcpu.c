// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu.c - vCPU lifetime and the vCPU file's ioctls: KVM_ARM_VCPU_INIT,
 * KVM_GET/SET_ONE_REG for the core registers, the EL1 system registers,
 * MPIDR_EL1, the ID registers and the timer, KVM_GET_REG_LIST,
 * KVM_GET/SET_VCPU_EVENTS, the mmap'ed struct kvm_run, and KVM_RUN
 * (run.c).
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <uapi/linux/psci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <asm/arch_timer.h>
#include <asm/cpufeature.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>
#include <asm/ptrace.h>

#include "emulate.h"

#define CORE_OFF(field)		offsetof(struct kvm_regs, field)
#define SUPPORTED_FEATURES	(BIT(KVM_ARM_VCPU_PSCI_0_2) | BIT(KVM_ARM_VCPU_POWER_OFF))
#define MPIDR_EL1_ID		ARM64_SYS_REG(3, 0, 0, 0, 5)

/* The size in bytes of the core register at byte offset @off, or 0. */
static unsigned int core_reg_size(unsigned long off)
{
	if (off < CORE_OFF(fp_regs.vregs))
		return off % 8 ? 0 : 8;		/* x0..x30, sp, pc, pstate, sp_el1, elr_el1, spsr[] */
	if (off < CORE_OFF(fp_regs.fpsr))
		return (off - CORE_OFF(fp_regs.vregs)) % 16 ? 0 : 16;
	if (off == CORE_OFF(fp_regs.fpsr) || off == CORE_OFF(fp_regs.fpcr))
		return 4;
	return 0;
}

/* The core registers in KVM's layout, from and to the vCPU context. */
static void ctxt_to_kvm_regs(const struct vmm_cpu_context *c, struct kvm_regs *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->regs.regs, c->gp.x, sizeof(c->gp.x));
	r->regs.sp = c->gp.sp_el0;
	r->regs.pc = c->gp.pc;
	r->regs.pstate = c->gp.pstate;
	r->sp_el1 = c->sys[SP_EL1];
	r->elr_el1 = c->sys[ELR_EL1];
	r->spsr[KVM_SPSR_EL1] = c->sys[SPSR_EL1];
	memcpy(r->fp_regs.vregs, c->fp.v, sizeof(c->fp.v));
	r->fp_regs.fpsr = c->fp.fpsr;
	r->fp_regs.fpcr = c->fp.fpcr;
}

static void kvm_regs_to_ctxt(const struct kvm_regs *r, struct vmm_cpu_context *c)
{
	memcpy(c->gp.x, r->regs.regs, sizeof(c->gp.x));
	c->gp.sp_el0 = r->regs.sp;
	c->gp.pc = r->regs.pc;
	c->gp.pstate = r->regs.pstate;
	c->sys[SP_EL1] = r->sp_el1;
	c->sys[ELR_EL1] = r->elr_el1;
	c->sys[SPSR_EL1] = r->spsr[KVM_SPSR_EL1];
	memcpy(c->fp.v, r->fp_regs.vregs, sizeof(c->fp.v));
	c->fp.fpsr = r->fp_regs.fpsr;
	c->fp.fpcr = r->fp_regs.fpcr;
}

/* The EL1 system registers ONE_REG reaches (api.rst, ARM64_SYS_REG ids). */
static const struct {
	u64			id;
	enum vmm_sysreg		reg;
} sys_regs[] = {
	{ ARM64_SYS_REG(3, 0, 1, 0, 0),  SCTLR_EL1 },
	{ ARM64_SYS_REG(3, 0, 1, 0, 2),  CPACR_EL1 },
	{ ARM64_SYS_REG(3, 0, 2, 0, 0),  TTBR0_EL1 },
	{ ARM64_SYS_REG(3, 0, 2, 0, 1),  TTBR1_EL1 },
	{ ARM64_SYS_REG(3, 0, 2, 0, 2),  TCR_EL1 },
	{ ARM64_SYS_REG(3, 0, 5, 1, 0),  AFSR0_EL1 },
	{ ARM64_SYS_REG(3, 0, 5, 1, 1),  AFSR1_EL1 },
	{ ARM64_SYS_REG(3, 0, 5, 2, 0),  ESR_EL1 },
	{ ARM64_SYS_REG(3, 0, 6, 0, 0),  FAR_EL1 },
	{ ARM64_SYS_REG(3, 0, 7, 4, 0),  PAR_EL1 },
	{ ARM64_SYS_REG(3, 0, 10, 2, 0), MAIR_EL1 },
	{ ARM64_SYS_REG(3, 0, 10, 3, 0), AMAIR_EL1 },
	{ ARM64_SYS_REG(3, 0, 12, 0, 0), VBAR_EL1 },
	{ ARM64_SYS_REG(3, 0, 13, 0, 1), CONTEXTIDR_EL1 },
	{ ARM64_SYS_REG(3, 0, 13, 0, 4), TPIDR_EL1 },
	{ ARM64_SYS_REG(3, 0, 14, 1, 0), CNTKCTL_EL1 },
	{ ARM64_SYS_REG(3, 2, 0, 0, 0),  CSSELR_EL1 },
	{ ARM64_SYS_REG(3, 3, 13, 0, 2), TPIDR_EL0 },
	{ ARM64_SYS_REG(3, 3, 13, 0, 3), TPIDRRO_EL0 },
	{ ARM64_SYS_REG(2, 0, 0, 2, 2),  MDSCR_EL1 },
};

/* The ID registers: op0 3, op1 0, CRn 0, CRm 1-7, any op2 (KVM lists all 56) */
#define ID_REG_ID(crm, op2)	ARM64_SYS_REG(3, 0, 0, crm, op2)
#define NR_ID_REGS		(7 * 8)

/* The 16 breakpoint and watchpoint pairs: op0 2, op1 0, CRn 0, CRm n, op2 4-7 */
#define DBG_REG_ID(n, op2)	ARM64_SYS_REG(2, 0, 0, n, op2)
#define NR_DBG_REGS		(16 * 4)

static u64 *dbg_reg(struct vmm_vcpu *vcpu, u64 id)
{
	unsigned int n, op2;

	for (n = 0; n < 16; n++)
		for (op2 = 4; op2 <= 7; op2++)
			if (id == DBG_REG_ID(n, op2))
				return op2 == 4 ? &vcpu->debug.regs.bvr[n] :
				       op2 == 5 ? &vcpu->debug.regs.bcr[n] :
				       op2 == 6 ? &vcpu->debug.regs.wvr[n] :
						  &vcpu->debug.regs.wcr[n];
	return NULL;
}

static bool is_id_reg(u64 id)
{
	u64 enc = id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK | KVM_REG_ARM_COPROC_MASK);
	u32 op0 = (enc & KVM_REG_ARM64_SYSREG_OP0_MASK) >> KVM_REG_ARM64_SYSREG_OP0_SHIFT;
	u32 op1 = (enc & KVM_REG_ARM64_SYSREG_OP1_MASK) >> KVM_REG_ARM64_SYSREG_OP1_SHIFT;
	u32 crn = (enc & KVM_REG_ARM64_SYSREG_CRN_MASK) >> KVM_REG_ARM64_SYSREG_CRN_SHIFT;
	u32 crm = (enc & KVM_REG_ARM64_SYSREG_CRM_MASK) >> KVM_REG_ARM64_SYSREG_CRM_SHIFT;

	return (id & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U64 &&
	       op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7;
}

/*
 * What ONE_REG reaches besides the EL1 registers of sys_regs[]: the ID
 * registers (read as the guest reads them; a write must give the same
 * value, as KVM 6.1's set_id_reg() for the fields it does not let a VMM
 * lower), and the timers (KVM_REG_ARM_TIMER_*: the virtual timer's
 * control, its compare value, and its count, which sets the VM's CNTVOFF;
 * KVM_REG_ARM_PTIMER_*: the physical one's, whose count is the host's and
 * read-only; KVM lists only the virtual timer's, and so does REG_LIST).
 */
static int one_other_sys_reg(struct vmm_vcpu *vcpu, struct kvm_one_reg *reg,
			     bool set, u64 *val)
{
	if (is_id_reg(reg->id)) {
		u64 enc = reg->id & 0xffff;
		u64 v = vmm_id_reg_value(vcpu->vm, sys_reg((enc >> 14) & 3, (enc >> 11) & 7,
						 (enc >> 7) & 0xf, (enc >> 3) & 0xf, enc & 7));

		if (set)
			return *val == v ? 0 : -EINVAL;
		*val = v;
		return 0;
	}
	switch (reg->id) {
	case KVM_REG_ARM_TIMER_CTL:
		if (set)
			vcpu->ctxt.sys[CNTV_CTL_EL0] = *val;
		*val = vcpu->ctxt.sys[CNTV_CTL_EL0];
		return 0;
	case KVM_REG_ARM_TIMER_CVAL:
		if (set)
			vcpu->ctxt.sys[CNTV_CVAL_EL0] = *val;
		*val = vcpu->ctxt.sys[CNTV_CVAL_EL0];
		return 0;
	case KVM_REG_ARM_TIMER_CNT:
		if (set)	/* one offset for the VM, as KVM 6.1 */
			WRITE_ONCE(vcpu->vm->cntvoff, __arch_counter_get_cntpct() - *val);
		*val = vmm_guest_cntvct(vcpu->vm);
		return 0;
	case KVM_REG_ARM_PTIMER_CTL:
		if (set)
			vcpu->ctxt.sys[CNTP_CTL_EL0] = *val;
		*val = vcpu->ctxt.sys[CNTP_CTL_EL0];
		return 0;
	case KVM_REG_ARM_PTIMER_CVAL:
		if (set)
			vcpu->ctxt.sys[CNTP_CVAL_EL0] = *val;
		*val = vcpu->ctxt.sys[CNTP_CVAL_EL0];
		return 0;
	case KVM_REG_ARM_PTIMER_CNT:
		if (set)	/* the physical count has no offset */
			return -EINVAL;
		*val = __arch_counter_get_cntpct();
		return 0;
	}
	return -ENOENT;
}

static int one_sys_reg(struct vmm_vcpu *vcpu, struct kvm_one_reg *reg, bool set)
{
	void __user *uaddr = (void __user *)(unsigned long)reg->addr;
	u64 other, *dbg = dbg_reg(vcpu, reg->id);
	unsigned int i;
	int ret;

	if (dbg) {		/* kept in the vCPU, loaded only around runs */
		if (set)
			return copy_from_user(dbg, uaddr, 8) ? -EFAULT : 0;
		return copy_to_user(uaddr, dbg, 8) ? -EFAULT : 0;
	}
	if (is_id_reg(reg->id) || reg->id == KVM_REG_ARM_TIMER_CTL ||
	    reg->id == KVM_REG_ARM_TIMER_CVAL || reg->id == KVM_REG_ARM_TIMER_CNT ||
	    reg->id == KVM_REG_ARM_PTIMER_CTL || reg->id == KVM_REG_ARM_PTIMER_CVAL ||
	    reg->id == KVM_REG_ARM_PTIMER_CNT) {
		if (set && copy_from_user(&other, uaddr, 8))
			return -EFAULT;
		ret = one_other_sys_reg(vcpu, reg, set, &other);
		if (ret || set)
			return ret;
		return copy_to_user(uaddr, &other, 8) ? -EFAULT : 0;
	}

	for (i = 0; i < ARRAY_SIZE(sys_regs); i++) {
		u64 *val = &vcpu->ctxt.sys[sys_regs[i].reg];

		if (sys_regs[i].id != reg->id)
			continue;
		/* between KVM_RUNs the context holds them (saved at put) */
		if (set)
			return copy_from_user(val, uaddr, 8) ? -EFAULT : 0;
		return copy_to_user(uaddr, val, 8) ? -EFAULT : 0;
	}
	return -ENOENT;
}

/*
 * KVM's firmware pseudo-registers: what the hypervisor's PSCI and SMCCC
 * give the guest, which a VMM reads to check that a migration target
 * offers no less, and writes to ask for no more.  PSCI 1.0, the one
 * version psci.c implements; the Spectre workarounds at the levels its
 * SMCCC_ARCH_FEATURES answers give (a write may ask for less, never more,
 * and changes nothing the guest sees, as in KVM 6.1); no TRNG, PV time or
 * PTP services, so the feature bitmaps are 0 (KVM's set_fw_reg_bmap():
 * only offered bits may be set).
 */
static const u64 fw_regs[] = {
	KVM_REG_ARM_PSCI_VERSION,
	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1,
	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2,
	KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3,
	KVM_REG_ARM_STD_BMAP,
	KVM_REG_ARM_STD_HYP_BMAP,
	KVM_REG_ARM_VENDOR_HYP_BMAP,
};

#define FW_LEVEL_MASK	GENMASK_ULL(3, 0)

/* A workaround's level, as the register encodes what SMCCC answers. */
static u64 fw_wa_level(u64 id)
{
	int state;

	switch (id) {
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1:
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3:
		state = vmm_spectre_state(id == KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3);
		/* NOT_AVAIL 0, AVAIL 1, NOT_REQUIRED 2, the same for both */
		return state == VMM_SPECTRE_UNAFFECTED ? KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_REQUIRED :
		       state == VMM_SPECTRE_MITIGATED ? KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_AVAIL :
							 KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1_NOT_AVAIL;
	default:	/* WORKAROUND_2: psci.c does not offer the call */
		return KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_NOT_AVAIL;
	}
}

static int fw_reg(struct vmm_vcpu *vcpu, struct kvm_one_reg *reg, bool set)
{
	void __user *uaddr = (void __user *)(unsigned long)reg->addr;
	u64 val;

	switch (reg->id) {
	case KVM_REG_ARM_PSCI_VERSION:
		val = PSCI_VERSION(1, 0);
		break;
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1:
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2:
	case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3:
		val = fw_wa_level(reg->id);
		break;
	case KVM_REG_ARM_STD_BMAP:
	case KVM_REG_ARM_STD_HYP_BMAP:
	case KVM_REG_ARM_VENDOR_HYP_BMAP:
		val = 0;
		break;
	default:
		return -ENOENT;
	}
	if (!set)
		return copy_to_user(uaddr, &val, sizeof(val)) ? -EFAULT : 0;
	{
		u64 want;

		if (copy_from_user(&want, uaddr, sizeof(want)))
			return -EFAULT;
		switch (reg->id) {
		case KVM_REG_ARM_PSCI_VERSION:
			return want == val ? 0 : -EINVAL;
		case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1:
		case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3:
			return (want & ~FW_LEVEL_MASK) || want > val ? -EINVAL : 0;
		case KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2:
			return (want & ~(FW_LEVEL_MASK | KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED)) ||
			       (want & FW_LEVEL_MASK) > val ||
			       (want & KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2_ENABLED) ? -EINVAL : 0;
		default:
			return want ? -EINVAL : 0;
		}
	}
}

/*
 * KVM_GET_REG_LIST: every register ONE_REG reaches, as KVM lists them: the
 * core registers at each offset of struct kvm_regs that holds one (spsr[]
 * whole), the EL1 registers, MPIDR_EL1, the 56 ID registers, the 16
 * breakpoint and watchpoint pairs, the three timer registers and the
 * firmware pseudo-registers.  Too small a list gets E2BIG with the number
 * needed.
 */
static int reg_list(struct vmm_vcpu *vcpu, struct kvm_reg_list __user *ul)
{
	u64 n, nr = 0, *ids;
	unsigned long off;
	unsigned int i;
	int ret = 0;

	ids = kmalloc_array(sizeof(struct kvm_regs) / 4 + ARRAY_SIZE(sys_regs) + 1 +
			    NR_ID_REGS + NR_DBG_REGS + 3 + ARRAY_SIZE(fw_regs),
			    sizeof(*ids), GFP_KERNEL);
	if (!ids)
		return -ENOMEM;
	for (off = 0; off < sizeof(struct kvm_regs); off += 4) {
		unsigned int size = core_reg_size(off);

		if (size)
			ids[nr++] = KVM_REG_ARM64 | KVM_REG_ARM_CORE | (off / 4) |
				    (size == 16 ? KVM_REG_SIZE_U128 :
				     size == 8 ? KVM_REG_SIZE_U64 : KVM_REG_SIZE_U32);
	}
	for (i = 0; i < ARRAY_SIZE(sys_regs); i++)
		ids[nr++] = sys_regs[i].id;
	ids[nr++] = MPIDR_EL1_ID;
	for (i = 0; i < NR_ID_REGS; i++)
		ids[nr++] = ID_REG_ID(1 + i / 8, i % 8);
	for (i = 0; i < NR_DBG_REGS; i++)
		ids[nr++] = DBG_REG_ID(i / 4, 4 + i % 4);
	ids[nr++] = KVM_REG_ARM_TIMER_CTL;
	ids[nr++] = KVM_REG_ARM_TIMER_CVAL;
	ids[nr++] = KVM_REG_ARM_TIMER_CNT;
	for (i = 0; i < ARRAY_SIZE(fw_regs); i++)
		ids[nr++] = fw_regs[i];

	if (get_user(n, &ul->n)) {
		ret = -EFAULT;
	} else if (put_user(nr, &ul->n)) {
		ret = -EFAULT;
	} else if (n < nr) {
		ret = -E2BIG;
	} else if (copy_to_user(ul->reg, ids, nr * sizeof(*ids))) {
		ret = -EFAULT;
	}
	kfree(ids);
	return ret;
}

static int one_reg(struct vmm_vcpu *vcpu, struct kvm_one_reg *reg, bool set)
{
	void __user *uaddr = (void __user *)(unsigned long)reg->addr;
	unsigned int size = 1U << ((reg->id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
	struct kvm_regs regs;
	unsigned long off;

	if ((reg->id & KVM_REG_ARCH_MASK) != KVM_REG_ARM64)
		return -EINVAL;
	if (reg->id == MPIDR_EL1_ID) {
		if (set)	/* KVM accepts writes; we keep MPIDR fixed */
			return -EINVAL;
		return copy_to_user(uaddr, &vcpu->mpidr, 8) ? -EFAULT : 0;
	}
	if ((reg->id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM64_SYSREG)
		return one_sys_reg(vcpu, reg, set);
	if ((reg->id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM_FW ||
	    (reg->id & KVM_REG_ARM_COPROC_MASK) == KVM_REG_ARM_FW_FEAT_BMAP)
		return fw_reg(vcpu, reg, set);
	if ((reg->id & KVM_REG_ARM_COPROC_MASK) != KVM_REG_ARM_CORE)
		return -ENOENT;
	off = (reg->id & ~(KVM_REG_ARCH_MASK | KVM_REG_SIZE_MASK |
			   KVM_REG_ARM_COPROC_MASK)) * sizeof(u32);
	/* KVM's errnos: no such offset ENOENT, not a register of that size EINVAL */
	if (off >= sizeof(regs) || off + size > sizeof(regs))
		return -ENOENT;
	if (core_reg_size(off) != size)
		return -EINVAL;
	ctxt_to_kvm_regs(&vcpu->ctxt, &regs);
	if (!set)
		return copy_to_user(uaddr, (u8 *)&regs + off, size) ? -EFAULT : 0;
	if (copy_from_user((u8 *)&regs + off, uaddr, size))
		return -EFAULT;
	/*
	 * A write to PSTATE picks the mode the guest resumes in: AArch64 EL0
	 * or EL1, or AArch32 User where the CPU has AArch32 EL0 (a 64-bit
	 * guest's EL0 can be 32-bit).  Anything else (EL2h!) would eret into
	 * the host's exception level.  Only PSTATE is checked, as KVM's
	 * set_core_reg() does: other registers stay writable whatever mode
	 * the guest is in, AArch32 User included.
	 */
	if (off == CORE_OFF(regs.pstate)) {
		switch (regs.regs.pstate & (PSR_MODE32_BIT | PSR_MODE_MASK)) {
		case PSR_MODE_EL0t:
		case PSR_MODE_EL1t:
		case PSR_MODE_EL1h:
			break;
		case PSR_AA32_MODE_USR:
			if (!id_aa64pfr0_32bit_el0(read_sanitised_ftr_reg(SYS_ID_AA64PFR0_EL1)))
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	/* AArch32 User sees r0-r14 and the PC as 32 bits (KVM narrows them too) */
	if (regs.regs.pstate & PSR_MODE32_BIT) {
		unsigned int i;

		for (i = 0; i < 15; i++)
			regs.regs.regs[i] = (u32)regs.regs.regs[i];
		regs.regs.pc = (u32)regs.regs.pc;
	}
	kvm_regs_to_ctxt(&regs, &vcpu->ctxt);
	return 0;
}

/* SCTLR_EL1 out of reset: RES1 bits, MMU and caches off, little endian */
#define SCTLR_EL1_RESET		0x00c50078ULL

void vmm_vcpu_reset(struct vmm_vcpu *vcpu)
{
	memset(&vcpu->ctxt, 0, sizeof(vcpu->ctxt));
	vcpu->ctxt.gp.pstate = PSR_MODE_EL1h | PSR_A_BIT | PSR_I_BIT |
			       PSR_F_BIT | PSR_D_BIT;
	vcpu->ctxt.sys[SCTLR_EL1] = SCTLR_EL1_RESET;
	/*
	 * Trap the VM registers until the guest turns its MMU and caches on
	 * (stage 2 has no FWB here): memory is cleaned to the PoC then, so
	 * what the guest wrote with them off is what it reads with them on
	 * (KVM's vcpu_reset_hcr() and kvm_toggle_cache(), sys_regs.c).
	 */
	vcpu->hcr_dyn = HCR_TVM;
	/* the GIC CPU interface out of reset; the redistributor keeps its state */
	vcpu->vgic.vmcr = 0;
	memset(vcpu->vgic.ap0r, 0, sizeof(vcpu->vgic.ap0r));
	memset(vcpu->vgic.ap1r, 0, sizeof(vcpu->vgic.ap1r));
	memset(&vcpu->debug, 0, sizeof(vcpu->debug));	/* no breakpoints, OS lock clear, as KVM */
	vcpu->mmio.pending = false;
}

static int vcpu_init(struct vmm_vcpu *vcpu, struct kvm_vcpu_init *init)
{
	unsigned int i;

	if (init->target != KVM_ARM_TARGET_GENERIC_V8)
		return -EINVAL;
	if (init->features[0] & ~SUPPORTED_FEATURES)
		return -EINVAL;
	for (i = 1; i < ARRAY_SIZE(init->features); i++)
		if (init->features[i])
			return -EINVAL;
	/* api.rst: a later KVM_ARM_VCPU_INIT must keep the same features */
	if (vcpu->initialised && vcpu->features != init->features[0])
		return -EINVAL;
	vcpu->features = init->features[0];
	vmm_vcpu_reset(vcpu);
	spin_lock(&vcpu->vm->power_lock);
	vcpu->psci.power_off = vcpu->features & BIT(KVM_ARM_VCPU_POWER_OFF);
	vcpu->psci.start_pending = false;
	spin_unlock(&vcpu->vm->power_lock);
	vcpu->initialised = true;
	return 0;
}

/*
 * KVM_GET/SET_VCPU_EVENTS: a virtual SError pending (with its syndrome
 * where the CPU has RAS), and an external data abort taken at once, on
 * the FAR of the last exit (the guest runs its handler next).  KVM's rules
 * (kvm_arm_vcpu_set_events()): reserved and padding bytes zero, a
 * syndrome only with RAS and only in ISS; a pending SError is not taken
 * back by a zero; the abort is never reported as pending.
 */
static int get_events(struct vmm_vcpu *vcpu, struct kvm_vcpu_events *e)
{
	bool ras = cpus_have_const_cap(ARM64_HAS_RAS_EXTN);

	memset(e, 0, sizeof(*e));
	e->exception.serror_pending = !!(vcpu->hcr_dyn & HCR_VSE);
	e->exception.serror_has_esr = ras;
	if (e->exception.serror_pending && ras)
		e->exception.serror_esr = vcpu->inject.vsesr;
	return 0;
}

static int set_events(struct vmm_vcpu *vcpu, const struct kvm_vcpu_events *e)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(e->reserved); i++)
		if (e->reserved[i])
			return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(e->exception.pad); i++)
		if (e->exception.pad[i])
			return -EINVAL;
	if (e->exception.serror_pending && e->exception.serror_has_esr) {
		if (!cpus_have_const_cap(ARM64_HAS_RAS_EXTN) ||
		    (e->exception.serror_esr & ~ESR_ELx_ISS_MASK))
			return -EINVAL;
		vmm_vcpu_inject_serror(vcpu, e->exception.serror_esr);
	} else if (e->exception.serror_pending) {
		vmm_vcpu_inject_serror(vcpu, ESR_ELx_ISV);
	}
	if (e->exception.ext_dabt_pending)
		vmm_inject_abort(vcpu, false);
	return 0;
}

static long vcpu_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct vmm_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	if (current->mm != vcpu->vm->mm)	/* as KVM: the VM's process only */
		return -EIO;
	if (mutex_lock_interruptible(&vcpu->lock))
		return -EINTR;
	switch (cmd) {
	case KVM_ARM_VCPU_INIT: {
		struct kvm_vcpu_init init;

		ret = copy_from_user(&init, argp, sizeof(init)) ? -EFAULT :
		      vcpu_init(vcpu, &init);
		break;
	}
	case KVM_GET_ONE_REG:
	case KVM_SET_ONE_REG: {
		struct kvm_one_reg reg;

		if (!vcpu->initialised)
			ret = -ENOEXEC;
		else if (copy_from_user(&reg, argp, sizeof(reg)))
			ret = -EFAULT;
		else
			ret = one_reg(vcpu, &reg, cmd == KVM_SET_ONE_REG);
		break;
	}
	case KVM_GET_REG_LIST:
		ret = vcpu->initialised ? reg_list(vcpu, argp) : -ENOEXEC;
		break;
	case KVM_GET_VCPU_EVENTS: {
		struct kvm_vcpu_events events;

		if (!vcpu->initialised) {	/* KVM: ENOEXEC, as for ONE_REG */
			ret = -ENOEXEC;
			break;
		}
		ret = get_events(vcpu, &events);
		if (!ret && copy_to_user(argp, &events, sizeof(events)))
			ret = -EFAULT;
		break;
	}
	case KVM_SET_VCPU_EVENTS: {
		struct kvm_vcpu_events events;

		if (!vcpu->initialised)
			ret = -ENOEXEC;
		else
			ret = copy_from_user(&events, argp, sizeof(events)) ? -EFAULT :
			      set_events(vcpu, &events);
		break;
	}
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR: {
		struct kvm_device_attr attr;

		ret = copy_from_user(&attr, argp, sizeof(attr)) ? -EFAULT :
		      vmm_timer_attr(vcpu, cmd, &attr);
		break;
	}
	case KVM_RUN:
		if (arg)
			ret = -EINVAL;
		else if (!vcpu->initialised)
			ret = -ENOEXEC;
		else
			ret = vmm_vcpu_run(vcpu);
		break;
	default:
		ret = -EINVAL;
	}
	mutex_unlock(&vcpu->lock);
	return ret;
}

static int vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct vmm_vcpu *vcpu = filp->private_data;

	if (vma->vm_pgoff || vma->vm_end - vma->vm_start != VMM_RUN_SIZE)
		return -EINVAL;
	return vm_insert_page(vma, vma->vm_start, virt_to_page(vcpu->run));
}

/*
 * A vCPU lives as long as its VM (as in KVM): another vCPU's PSCI call may
 * reach it at any time, so closing its file only drops the VM reference.
 */
static int vcpu_release(struct inode *inode, struct file *filp)
{
	struct vmm_vcpu *vcpu = filp->private_data;

	vmm_vm_put(vcpu->vm);
	return 0;
}

void vmm_vcpu_free(struct vmm_vcpu *vcpu)
{
	if (vmm_is_nvhe())
		vmm_nvhe_vcpu_destroy(vcpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
	atomic_dec(&vmm_nr_vcpus);
}

static const struct file_operations vcpu_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vcpu_ioctl,
	.mmap		= vcpu_mmap,
	.release	= vcpu_release,
	.llseek		= noop_llseek,
};

/*
 * The vCPU whose MPIDR_EL1 has @mpidr's affinity fields, or NULL; without
 * the VM's lock (vm->vcpus[] entries are published once, never removed
 * while the VM lives): PSCI, SGI and SPI routing, the GIC's attributes.
 */
struct vmm_vcpu *vmm_vcpu_by_mpidr(struct vmm_vm *vm, u64 mpidr)
{
	unsigned int i;

	for (i = 0; i < VMM_MAX_VCPUS; i++) {
		struct vmm_vcpu *v = READ_ONCE(vm->vcpus[i]);

		if (v && (v->mpidr & MPIDR_HWID_BITMASK) == (mpidr & MPIDR_HWID_BITMASK))
			return v;
	}
	return NULL;
}

int vmm_vcpu_create(struct vmm_vm *vm, unsigned int id)
{
	struct vmm_vcpu *vcpu;
	struct file *file;
	unsigned int i;
	int fd;

	lockdep_assert_held(&vm->lock);
	if (vm->vcpus[id])
		return -EEXIST;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->run = (struct kvm_run *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		kfree(vcpu);
		return -ENOMEM;
	}
	mutex_init(&vcpu->lock);
	init_waitqueue_head(&vcpu->wq);
	vmm_vcpu_kick_init(vcpu);
	vcpu->vm = vm;
	vcpu->id = id;
	/* the VM's timer PPIs: another vCPU's, if userspace set them already */
	vcpu->timer.irq = VGIC_PPI_VTIMER;
	vcpu->timer.pirq = VGIC_PPI_PTIMER;
	for (i = 0; i < VMM_MAX_VCPUS; i++) {
		if (vm->vcpus[i]) {
			vcpu->timer.irq = vm->vcpus[i]->timer.irq;
			vcpu->timer.pirq = vm->vcpus[i]->timer.pirq;
			break;
		}
	}
	vmm_ptimer_init(vcpu);
	vmm_vgic_vcpu_init(vcpu);
	/* KVM's MPIDR for vCPU n: Aff0 = n[3:0], Aff1 = n[11:4], Aff2 = n[19:12] */
	vcpu->mpidr = BIT(31) | (id & 0xf) | ((id >> 4) & 0xff) << 8 |
		      (u64)((id >> 12) & 0xff) << 16;
	if (vmm_is_nvhe()) {
		fd = vmm_nvhe_vcpu_init(vcpu);
		if (fd)
			goto out_free;
	}

	/*
	 * Everything that can fail comes before the vCPU is published in
	 * vm->vcpus[], which other vCPUs read without the VM's lock (PSCI's
	 * vcpu_by_mpidr()): a vCPU freed after it was seen there would be a
	 * use after free.  So the fd is reserved and its file made first, and
	 * fd_install(), which cannot fail, comes last (KVM likewise counts a
	 * vCPU online only once its fd exists).
	 */
	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	if (fd < 0)
		goto out_free;
	file = anon_inode_getfile("vmm-vcpu", &vcpu_fops, vcpu, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto out_free;
	}
	kref_get(&vm->ref);
	atomic_inc(&vmm_nr_vcpus);
	vm->nr_vcpus++;
	smp_store_release(&vm->vcpus[id], vcpu);
	fd_install(fd, file);
	return fd;

out_free:
	if (vmm_is_nvhe())
		vmm_nvhe_vcpu_destroy(vcpu);
	free_page((unsigned long)vcpu->run);
	kfree(vcpu);
	return fd;
}
