// SPDX-License-Identifier: GPL-2.0
/*
 * vgic-mmio.c - the GICv3 distributor and redistributors as the guest
 * sees them (on the VM's io bus, emulated without an exit to userspace)
 * and as userspace reads and writes them (KVM_DEV_ARM_VGIC_GRP_DIST_REGS,
 * _REDIST_REGS).  Affinity routing is always on (GICD_CTLR.ARE_NS), there
 * is one security state (DS), no LPIs and no 1-of-N SPIs: what Linux and
 * KVM's vGICv3 without an ITS give a guest.
 *
 * Accesses of a width a register does not allow, and offsets with no
 * register, read as zero and ignore writes, as KVM's; for userspace they
 * are -ENXIO.  The per-interrupt registers sit at the same offsets in the
 * distributor (SPIs) and in a redistributor's SGI frame (its vCPU's SGIs
 * and PPIs), so one function serves both.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/irqchip/arm-gic-v3.h>
#include <linux/sizes.h>

#include "vmm_drv.h"

/* GICD_IIDR/GICR_IIDR: implementer Arm's JEP106 code, product 'V', rev 1 */
#define VGIC_IIDR		(0x56U << GICD_IIDR_PRODUCT_ID_SHIFT | \
				 1U << GICD_IIDR_REVISION_SHIFT | 0x43b)
#define VGIC_PIDR2		(GIC_PIDR2_ARCH_GICv3 | 0xb)
#define GICD_TYPER_No1N		BIT(25)
#define GICD_TYPER_IDBITS(n)	(((n) - 1) << 19)
#define GICR_SGI_FRAME		SZ_64K
#define GICD_IROUTER_END	(GICD_IROUTER + 8 * VGIC_MAX_IRQS)

/* the interrupts a bank of per-interrupt registers reaches */
static struct vmm_irq *bank_irq(struct vmm_vm *vm, struct vmm_vcpu *vcpu, u32 intid)
{
	/* the distributor's registers for SGIs and PPIs are RAZ/WI with ARE */
	if (vcpu && intid >= VGIC_NR_PRIVATE)
		return NULL;
	return vmm_vgic_irq(vm, vcpu, intid);
}

/* GICD_IGROUPR .. GICD_ICACTIVER: one bit per interrupt */
static int bit_regs(struct vmm_vm *vm, struct vmm_vcpu *vcpu, u32 off,
		    u64 *val, bool write, bool uaccess)
{
	u32 reg = off & ~0x7fU, first = (off - reg) * 8, i;
	u64 v = write ? *val : 0;

	for (i = 0; i < 32; i++) {
		struct vmm_irq *irq = bank_irq(vm, vcpu, first + i);
		bool bit = v & BIT(i);

		if (!irq)
			continue;
		if (!write) {
			switch (reg) {
			case GICD_IGROUPR:
				bit = irq->group1;
				break;
			case GICD_ISENABLER:
			case GICD_ICENABLER:
				bit = irq->enabled;
				break;
			case GICD_ISPENDR:
				/* userspace sees the latch (arm-vgic-v3.rst) */
				bit = uaccess ? irq->pending_latch :
				      irq->pending_latch || (!irq->edge && irq->line_level);
				break;
			case GICD_ICPENDR:
				bit = !uaccess && (irq->pending_latch ||
						   (!irq->edge && irq->line_level));
				break;
			default:	/* ISACTIVER, ICACTIVER */
				bit = irq->active;
			}
			v |= (u64)bit << i;
			continue;
		}
		switch (reg) {
		case GICD_IGROUPR:
			irq->group1 = bit;
			break;
		case GICD_ISENABLER:
			irq->enabled |= bit;
			break;
		case GICD_ICENABLER:
			irq->enabled &= !bit;
			break;
		case GICD_ISPENDR:
			if (uaccess)
				irq->pending_latch = bit;
			else
				irq->pending_latch |= bit;
			break;
		case GICD_ICPENDR:
			if (!uaccess)
				irq->pending_latch &= !bit;
			break;
		case GICD_ISACTIVER:
			irq->active |= bit;
			break;
		default:	/* ICACTIVER */
			irq->active &= !bit;
		}
		/* an interrupt that may now go somewhere: there */
		if (bit || uaccess)
			vmm_vgic_queue(vm, irq);
	}
	if (!write)
		*val = v;
	return 0;
}

/* GICD_IPRIORITYR: a byte per interrupt, the low bits RAZ/WI */
static int priority_regs(struct vmm_vm *vm, struct vmm_vcpu *vcpu, u32 off,
			 unsigned int len, u64 *val, bool write)
{
	u32 first = off - GICD_IPRIORITYR, i;
	u64 v = write ? *val : 0;

	for (i = 0; i < len; i++) {
		struct vmm_irq *irq = bank_irq(vm, vcpu, first + i);

		if (!irq)
			continue;
		if (write)
			irq->priority = (v >> (i * 8)) & GENMASK(7, 8 - VGIC_PRI_BITS);
		else
			v |= (u64)irq->priority << (i * 8);
	}
	if (!write)
		*val = v;
	return 0;
}

/* GICD_ICFGR: two bits per interrupt, bit 1 edge; SGIs are edge, read-only */
static int config_regs(struct vmm_vm *vm, struct vmm_vcpu *vcpu, u32 off,
		       u64 *val, bool write)
{
	u32 first = (off - GICD_ICFGR) * 4, i;
	u64 v = write ? *val : 0;

	for (i = 0; i < 16; i++) {
		struct vmm_irq *irq = bank_irq(vm, vcpu, first + i);

		if (!irq)
			continue;
		if (!write) {
			v |= (u64)irq->edge << (i * 2 + 1);
			continue;
		}
		if (irq->intid < VGIC_NR_SGIS || irq->hw)
			continue;
		irq->edge = v & BIT(i * 2 + 1);
		vmm_vgic_queue(vm, irq);
	}
	if (!write)
		*val = v;
	return 0;
}

/*
 * The per-interrupt registers at @off, for the SPIs (@vcpu NULL) or for
 * @vcpu's SGIs and PPIs; -ENXIO if there is none at @off.  @val NULL:
 * only whether there is one.
 */
static int irq_regs(struct vmm_vm *vm, struct vmm_vcpu *vcpu, u32 off,
		    unsigned int len, u64 *val, bool write, bool uaccess)
{
	if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
		if (len != 4)
			return -ENXIO;
		return val ? bit_regs(vm, vcpu, off, val, write, uaccess) : 0;
	}
	if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
		if (len != 4 && len != 1)
			return -ENXIO;
		return val ? priority_regs(vm, vcpu, off, len, val, write) : 0;
	}
	if (off >= GICD_ICFGR && off < GICD_IGRPMODR) {
		if (len != 4)
			return -ENXIO;
		return val ? config_regs(vm, vcpu, off, val, write) : 0;
	}
	/* group modifiers and non-secure access: one security state */
	if ((off >= GICD_IGRPMODR && off < GICD_IGRPMODR + 0x80) ||
	    (off >= GICD_NSACR && off < GICD_NSACR + 0x100)) {
		if (len != 4)
			return -ENXIO;
		if (val && !write)
			*val = 0;
		return 0;
	}
	return -ENXIO;
}

/* Enabling a group: what was pending in it goes to its vCPUs. */
static void queue_all(struct vmm_vm *vm)
{
	unsigned int i, j;

	for (i = 0; i < vm->vgic.nr_spis; i++)
		vmm_vgic_queue(vm, &vm->vgic.spis[i]);
	for (i = 0; i < VMM_MAX_VCPUS; i++) {
		struct vmm_vcpu *v = READ_ONCE(vm->vcpus[i]);

		for (j = 0; v && j < VGIC_NR_PRIVATE; j++)
			vmm_vgic_queue(vm, &v->vgic.private[j]);
	}
}

static int dist_regs(struct vmm_vm *vm, u32 off, unsigned int len, u64 *val,
		     bool write, bool uaccess)
{
	struct vmm_vgic *vg = &vm->vgic;
	unsigned int nr_irqs = vg->nr_spis + VGIC_NR_PRIVATE;

	if (off >= GICD_IROUTER && off < GICD_IROUTER_END) {
		u32 intid = (off - GICD_IROUTER) / 8;
		struct vmm_irq *irq = intid >= VGIC_NR_PRIVATE ?
				      vmm_vgic_irq(vm, NULL, intid) : NULL;
		unsigned int shift = (off & 4) * 8;
		u64 mask = GENMASK_ULL(len * 8 - 1, 0) << shift, route;

		if (len != 8 && len != 4)
			return -ENXIO;
		if (!val)
			return 0;
		if (!irq) {		/* reserved, or beyond the SPIs: RAZ/WI */
			if (!write)
				*val = 0;
			return 0;
		}
		/* Aff3 in 39:32, Aff2..Aff0 in 23:0; Interrupt_Routing_Mode RAZ/WI */
		if (!write) {
			*val = (irq->route & mask) >> shift;
			return 0;
		}
		route = (irq->route & ~mask) | ((*val << shift) & mask);
		irq->route = route & (GENMASK_ULL(39, 32) | GENMASK_ULL(23, 0));
		irq->target = vmm_vcpu_by_mpidr(vm, irq->route);
		vmm_vgic_queue(vm, irq);
		return 0;
	}
	if (off < GICD_IGROUPR || off >= GICD_SGIR) {
		u64 v = 0;

		if (len != 4)
			return -ENXIO;
		switch (off) {
		case GICD_CTLR:
			v = GICD_CTLR_ARE_NS | GICD_CTLR_DS;
			v |= vg->enabled ? GICD_CTLR_ENABLE_SS_G1 : 0;
			v |= vg->enabled_g0 ? GICD_CTLR_ENABLE_SS_G0 : 0;
			if (val && write) {
				bool was = vg->enabled, was0 = vg->enabled_g0;

				vg->enabled = *val & GICD_CTLR_ENABLE_SS_G1;
				vg->enabled_g0 = *val & GICD_CTLR_ENABLE_SS_G0;
				if ((vg->enabled && !was) || (vg->enabled_g0 && !was0))
					queue_all(vm);
			}
			break;
		case GICD_TYPER:
			v = (nr_irqs / 32 - 1) | GICD_TYPER_IDBITS(10) | GICD_TYPER_No1N;
			break;
		case GICD_IIDR:
			v = VGIC_IIDR;
			/* userspace may only confirm what it reads (KVM's rule) */
			if (val && write && uaccess && *val != VGIC_IIDR)
				return -EINVAL;
			break;
		case GICD_TYPER2:
		case GICD_STATUSR:
		case GICD_SETSPI_NSR:
		case GICD_CLRSPI_NSR:
		case GICD_SETSPI_SR:
		case GICD_CLRSPI_SR:
		case GICD_SGIR:		/* GICv2's SGI register: WI with ARE */
			break;
		case GICD_PIDR2:
			v = VGIC_PIDR2;
			break;
		default:
			if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 0x10)
				break;	/* GICv2 SGI state: RAZ/WI with ARE */
			return -ENXIO;
		}
		if (val && !write)
			*val = v;
		return 0;
	}
	if (off >= GICD_ITARGETSR && off < GICD_ICFGR) {	/* RAZ/WI with ARE */
		if (len != 4 && len != 1)
			return -ENXIO;
		if (val && !write)
			*val = 0;
		return 0;
	}
	return irq_regs(vm, NULL, off, len, val, write, uaccess);
}

int vmm_vgic_dist_access(struct vmm_vm *vm, u32 off, unsigned int len,
			 u64 *val, bool write, bool uaccess)
{
	unsigned long flags;
	int ret;

	if (off & (len - 1))		/* unaligned */
		return -ENXIO;
	raw_spin_lock_irqsave(&vm->vgic.lock, flags);
	ret = dist_regs(vm, off, len, val, write, uaccess);
	raw_spin_unlock_irqrestore(&vm->vgic.lock, flags);
	return ret;
}

/* The highest vCPU id: its redistributor's GICR_TYPER says Last. */
static bool last_redist(struct vmm_vcpu *vcpu)
{
	unsigned int i;

	for (i = vcpu->id + 1; i < VMM_MAX_VCPUS; i++)
		if (READ_ONCE(vcpu->vm->vcpus[i]))
			return false;
	return true;
}

static int rd_regs(struct vmm_vcpu *vcpu, u32 off, unsigned int len, u64 *val,
		   bool write)
{
	u64 mpidr = vcpu->mpidr, v = 0;

	if (off == GICR_TYPER || off == GICR_TYPER + 4) {
		if (len != 8 && !(len == 4))
			return -ENXIO;
		v = (mpidr & 0xffffff) << 32 | ((mpidr >> 32) & 0xff) << 56 |
		    (u64)vcpu->id << 8 | (last_redist(vcpu) ? GICR_TYPER_LAST : 0);
		if (val && !write)
			*val = off & 4 ? v >> 32 : (len == 4 ? v & U32_MAX : v);
		return 0;
	}
	if (off == GICR_PROPBASER || off == GICR_PENDBASER) {	/* no LPIs */
		if (len != 8 && len != 4)
			return -ENXIO;
	} else if (off == GICR_PROPBASER + 4 || off == GICR_PENDBASER + 4) {
		if (len != 4)
			return -ENXIO;
	} else {
		if (len != 4)
			return -ENXIO;
		switch (off) {
		case GICR_CTLR:		/* EnableLPIs RAZ/WI: no LPIs */
		case GICR_STATUSR:
			break;
		case GICR_IIDR:
			v = VGIC_IIDR;
			break;
		case GICR_WAKER:
			/* ChildrenAsleep follows ProcessorSleep at once */
			if (val && write)
				vcpu->vgic.sleep = *val & GICR_WAKER_ProcessorSleep;
			v = vcpu->vgic.sleep ? GICR_WAKER_ProcessorSleep |
					       GICR_WAKER_ChildrenAsleep : 0;
			break;
		case GICR_PIDR2:
			v = VGIC_PIDR2;
			break;
		default:
			return -ENXIO;
		}
	}
	if (val && !write)
		*val = v;
	return 0;
}

int vmm_vgic_redist_access(struct vmm_vcpu *vcpu, u32 off, unsigned int len,
			   u64 *val, bool write, bool uaccess)
{
	struct vmm_vm *vm = vcpu->vm;
	unsigned long flags;
	int ret;

	if (off & (len - 1))
		return -ENXIO;
	raw_spin_lock_irqsave(&vm->vgic.lock, flags);
	if (off < GICR_SGI_FRAME)
		ret = rd_regs(vcpu, off, len, val, write);
	else
		ret = irq_regs(vm, vcpu, off - GICR_SGI_FRAME, len, val, write, uaccess);
	raw_spin_unlock_irqrestore(&vm->vgic.lock, flags);
	return ret;
}

/* ---- the guest's accesses, from the io bus ------------------------------- */

static int dist_access(struct vmm_io_dev *dev, u64 addr, unsigned int len,
		       void *val, bool write)
{
	struct vmm_vm *vm = container_of(dev, struct vmm_vm, vgic.dist_io);
	u64 v = 0;

	if (write)
		memcpy(&v, val, len);
	if (vmm_vgic_dist_access(vm, addr - vm->vgic.dist_base, len, &v, write, false))
		v = 0;			/* no register there: RAZ/WI */
	if (!write)
		memcpy(val, &v, len);
	return 0;
}

static int dist_read(struct vmm_io_dev *dev, struct vmm_vcpu *vcpu, u64 addr,
		     unsigned int len, void *val)
{
	return dist_access(dev, addr, len, val, false);
}

static int dist_write(struct vmm_io_dev *dev, struct vmm_vcpu *vcpu, u64 addr,
		      unsigned int len, const void *val)
{
	return dist_access(dev, addr, len, (void *)val, true);
}

static int redist_access(struct vmm_io_dev *dev, u64 addr, unsigned int len,
			 void *val, bool write)
{
	struct vmm_vm *vm = container_of(dev, struct vmm_vm, vgic.redist_io);
	u64 off = addr - vm->vgic.redist_base, v = 0;
	struct vmm_vcpu *target = READ_ONCE(vm->vcpus[off / VGIC_REDIST_SIZE]);

	if (write)
		memcpy(&v, val, len);
	if (!target || vmm_vgic_redist_access(target, off % VGIC_REDIST_SIZE, len,
					      &v, write, false))
		v = 0;
	if (!write)
		memcpy(val, &v, len);
	return 0;
}

static int redist_read(struct vmm_io_dev *dev, struct vmm_vcpu *vcpu, u64 addr,
		       unsigned int len, void *val)
{
	return redist_access(dev, addr, len, val, false);
}

static int redist_write(struct vmm_io_dev *dev, struct vmm_vcpu *vcpu, u64 addr,
			unsigned int len, const void *val)
{
	return redist_access(dev, addr, len, (void *)val, true);
}

const struct vmm_io_ops vmm_vgic_dist_ops = {
	.read	= dist_read,
	.write	= dist_write,
};

const struct vmm_io_ops vmm_vgic_redist_ops = {
	.read	= redist_read,
	.write	= redist_write,
};
