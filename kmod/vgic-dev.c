// SPDX-License-Identifier: GPL-2.0
/*
 * vgic-dev.c - KVM_CREATE_DEVICE and the in-kernel GICv3 as a KVM device
 * (Documentation/virt/kvm/devices/arm-vgic-v3.rst): where its frames are,
 * how many interrupts it has, its initialisation, and its registers for
 * userspace to read and write, with KVM's checks and error numbers.  The
 * device's file holds a reference on its VM; the GIC itself lives as long
 * as the VM (KVM's GICv3 has no release either).
 *
 * Not here yet: KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION (KVM_HAS_DEVICE_ATTR
 * says so; VMMs then use ADDR_TYPE_REDIST, as QEMU does): -ENXIO.
 */
#define pr_fmt(fmt) "vmm: " fmt

#include <linux/anon_inodes.h>
#include <linux/bitfield.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>

#include <linux/irqchip/arm-gic-v3.h>

#include <asm/sysreg.h>

#include "vmm_drv.h"

/* The vCPU an attribute's MPIDR field (Aff3.Aff2.Aff1.Aff0) names. */
static struct vmm_vcpu *attr_vcpu(struct vmm_vm *vm, u64 attr)
{
	u64 v = (attr & KVM_DEV_ARM_VGIC_V3_MPIDR_MASK) >> KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
	u64 mpidr = (v & 0xffffff) | ((v >> 24) & 0xff) << 32;

	return vmm_vcpu_by_mpidr(vm, mpidr);
}

/*
 * Every vCPU's mutex, or -EBUSY if one is held (a vCPU in KVM_RUN): the
 * registers change under no running vCPU, as KVM's lock_all_vcpus().
 */
static int lock_all_vcpus(struct vmm_vm *vm)
{
	int i;

	lockdep_assert_held(&vm->lock);
	for (i = 0; i < VMM_MAX_VCPUS; i++) {
		if (vm->vcpus[i] && !mutex_trylock(&vm->vcpus[i]->lock)) {
			while (--i >= 0)
				if (vm->vcpus[i])
					mutex_unlock(&vm->vcpus[i]->lock);
			return -EBUSY;
		}
	}
	return 0;
}

static void unlock_all_vcpus(struct vmm_vm *vm)
{
	int i;

	for (i = 0; i < VMM_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			mutex_unlock(&vm->vcpus[i]->lock);
}

/* KVM_DEV_ARM_VGIC_GRP_ADDR: each frame placed once, 64K-aligned, inside the IPA space */
static int addr_attr(struct vmm_vm *vm, struct kvm_device_attr *attr, bool write)
{
	u64 __user *uaddr = u64_to_user_ptr(attr->addr);
	u64 *base, size, addr = 0;
	int ret = 0;

	switch (attr->attr) {
	case KVM_VGIC_V3_ADDR_TYPE_DIST:
		base = &vm->vgic.dist_base;
		size = VGIC_DIST_SIZE;
		break;
	case KVM_VGIC_V3_ADDR_TYPE_REDIST:
		base = &vm->vgic.redist_base;
		size = VGIC_REDIST_SIZE;	/* one, at least; all at the first run */
		break;
	default:
		return -ENXIO;
	}
	if (write && get_user(addr, uaddr))
		return -EFAULT;
	mutex_lock(&vm->lock);
	if (!write)
		addr = *base;
	else if (*base != VGIC_ADDR_UNDEF)
		ret = -EEXIST;
	else if (!IS_ALIGNED(addr, SZ_64K))
		ret = -EINVAL;
	else if (addr + size < addr)
		ret = -EINVAL;
	else if (addr + size > BIT_ULL(vm->ipa_bits))
		ret = -E2BIG;
	else
		*base = addr;
	mutex_unlock(&vm->lock);
	if (!ret && !write && put_user(addr, uaddr))
		ret = -EFAULT;
	return ret;
}

/* KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO: 32 lines' levels from a multiple of 32 */
static int level_info(struct vmm_vm *vm, struct vmm_vcpu *vcpu, u64 attr,
		      u32 *val, bool write)
{
	u32 info = (attr & KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK) >>
		   KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT;
	u32 first = attr & KVM_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK, i, v = 0;
	unsigned long flags;

	if (info != VGIC_LEVEL_INFO_LINE_LEVEL || first % 32)
		return -EINVAL;
	raw_spin_lock_irqsave(&vm->vgic.lock, flags);
	for (i = 0; i < 32; i++) {
		struct vmm_irq *irq = vmm_vgic_irq(vm, vcpu, first + i);

		if (!irq || irq->intid < VGIC_NR_SGIS || irq->edge)
			continue;	/* SGIs, edges, beyond the SPIs: RAZ/WI */
		if (!write) {
			v |= (u32)irq->line_level << i;
			continue;
		}
		irq->line_level = *val & BIT(i);
		vmm_vgic_queue(vm, irq);
	}
	raw_spin_unlock_irqrestore(&vm->vgic.lock, flags);
	if (!write)
		*val = v;
	return 0;
}

/*
 * KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS: a vCPU's GIC CPU interface as its
 * ICC_*_EL1 registers, 64 bits each (KVM's vgic-sys-reg-v3.c): what
 * ICH_VMCR_EL2 holds (PMR, BPR0/1, EOImode, CBPR, the group enables), the
 * active priorities, and CTLR's and SRE's read-only fields, which a write
 * may only confirm (or, for the priority and ID bits, lower: accepted as
 * KVM does, the vCPU keeps the host's).  The vCPU is not running: its
 * state is in the vCPU.
 */
#define ICC_SRE_VALUE		(ICC_SRE_EL1_DIB | ICC_SRE_EL1_DFB | ICC_SRE_EL1_SRE)

static u64 vmcr_field(u64 vmcr, u64 mask, unsigned int shift)
{
	return (vmcr & mask) >> shift;
}

static int cpu_sysreg(struct vmm_vcpu *vcpu, u32 instr, u64 *val, bool write)
{
	u64 vtr = vmm_vgic_global.ich_vtr, *vmcr = &vcpu->vgic.vmcr, ctlr;
	unsigned int pri_bits = ((vtr & ICH_VTR_PRI_BITS_MASK) >> ICH_VTR_PRI_BITS_SHIFT) + 1;
	unsigned int max_apr = (1U << (pri_bits - 5)) - 1;
	u32 reg = sys_reg((instr >> 14) & 3, (instr >> 11) & 7, (instr >> 7) & 0xf,
			  (instr >> 3) & 0xf, instr & 7);
	u64 mask = 0, shift = 0, v = write ? *val : 0;

	switch (reg) {
	case SYS_ICC_PMR_EL1:
		mask = ICH_VMCR_PMR_MASK, shift = ICH_VMCR_PMR_SHIFT;
		break;
	case SYS_ICC_BPR0_EL1:
		mask = ICH_VMCR_BPR0_MASK, shift = ICH_VMCR_BPR0_SHIFT;
		break;
	case SYS_ICC_BPR1_EL1:
		/* with CBPR, BPR1 reads BPR0 + 1 and ignores writes */
		if (*vmcr & ICH_VMCR_CBPR_MASK) {
			if (!write)
				*val = min(vmcr_field(*vmcr, ICH_VMCR_BPR0_MASK, ICH_VMCR_BPR0_SHIFT) + 1, 7ULL);
			return 0;
		}
		mask = ICH_VMCR_BPR1_MASK, shift = ICH_VMCR_BPR1_SHIFT;
		break;
	case SYS_ICC_IGRPEN0_EL1:
		mask = ICH_VMCR_ENG0_MASK, shift = ICH_VMCR_ENG0_SHIFT;
		break;
	case SYS_ICC_IGRPEN1_EL1:
		mask = ICH_VMCR_ENG1_MASK, shift = ICH_VMCR_ENG1_SHIFT;
		break;
	case SYS_ICC_SRE_EL1:
		if (write)
			return *val & ICC_SRE_EL1_SRE ? 0 : -EINVAL;
		*val = ICC_SRE_VALUE;
		return 0;
	case SYS_ICC_CTLR_EL1:
		ctlr = FIELD_PREP(ICC_CTLR_EL1_PRI_BITS_MASK, pri_bits - 1) |
		       FIELD_PREP(ICC_CTLR_EL1_ID_BITS_MASK,
				  (vtr & ICH_VTR_ID_BITS_MASK) >> ICH_VTR_ID_BITS_SHIFT) |
		       FIELD_PREP(ICC_CTLR_EL1_SEIS_MASK, (vtr & ICH_VTR_SEIS_MASK) >> ICH_VTR_SEIS_SHIFT) |
		       FIELD_PREP(ICC_CTLR_EL1_A3V_MASK, (vtr & ICH_VTR_A3V_MASK) >> ICH_VTR_A3V_SHIFT);
		if (!write) {
			*val = ctlr | FIELD_PREP(ICC_CTLR_EL1_CBPR_MASK,
						 vmcr_field(*vmcr, ICH_VMCR_CBPR_MASK, ICH_VMCR_CBPR_SHIFT)) |
			       FIELD_PREP(ICC_CTLR_EL1_EOImode_MASK,
					  vmcr_field(*vmcr, ICH_VMCR_EOIM_MASK, ICH_VMCR_EOIM_SHIFT));
			return 0;
		}
		if (FIELD_GET(ICC_CTLR_EL1_PRI_BITS_MASK, v) > FIELD_GET(ICC_CTLR_EL1_PRI_BITS_MASK, ctlr) ||
		    FIELD_GET(ICC_CTLR_EL1_ID_BITS_MASK, v) > FIELD_GET(ICC_CTLR_EL1_ID_BITS_MASK, ctlr) ||
		    (v & (ICC_CTLR_EL1_SEIS_MASK | ICC_CTLR_EL1_A3V_MASK)) !=
		    (ctlr & (ICC_CTLR_EL1_SEIS_MASK | ICC_CTLR_EL1_A3V_MASK)))
			return -EINVAL;
		*vmcr &= ~(ICH_VMCR_CBPR_MASK | ICH_VMCR_EOIM_MASK);
		*vmcr |= FIELD_GET(ICC_CTLR_EL1_CBPR_MASK, v) << ICH_VMCR_CBPR_SHIFT |
			 FIELD_GET(ICC_CTLR_EL1_EOImode_MASK, v) << ICH_VMCR_EOIM_SHIFT;
		return 0;
	case SYS_ICC_AP0R0_EL1 ... SYS_ICC_AP0R3_EL1:
	case SYS_ICC_AP1R0_EL1 ... SYS_ICC_AP1R3_EL1: {
		bool one = reg >= SYS_ICC_AP1R0_EL1;
		u32 *apr = one ? vcpu->vgic.ap1r : vcpu->vgic.ap0r;
		unsigned int n = reg - (one ? SYS_ICC_AP1R0_EL1 : SYS_ICC_AP0R0_EL1);

		n = (n >> 5) & 3;		/* op2, in sys_reg()'s encoding */
		if (n > max_apr)
			return -EINVAL;
		if (write)
			apr[n] = v;
		else
			*val = apr[n];
		return 0;
	}
	default:
		return -ENXIO;
	}
	if (!write) {
		*val = vmcr_field(*vmcr, mask, shift);
		return 0;
	}
	*vmcr = (*vmcr & ~mask) | ((v << shift) & mask);
	return 0;
}

/*
 * The register groups: no vCPU running, after CTRL_INIT; 32 bits each, but
 * the CPU interface's 64.  The redistributors, line levels and CPU
 * interfaces are a vCPU's, named by the attribute's MPIDR field.
 */
static int regs_attr(struct vmm_vm *vm, struct kvm_device_attr *attr, bool write)
{
	bool sysregs = attr->group == KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
	void __user *uaddr = u64_to_user_ptr(attr->addr);
	u32 off = attr->attr & KVM_DEV_ARM_VGIC_OFFSET_MASK, v32;
	unsigned int size = sysregs ? 8 : 4;
	struct vmm_vcpu *vcpu = NULL;
	u64 val = 0;
	int ret;

	if (attr->group != KVM_DEV_ARM_VGIC_GRP_DIST_REGS) {
		vcpu = attr_vcpu(vm, attr->attr);
		if (!vcpu)
			return -EINVAL;
	}
	if (write && copy_from_user(&val, uaddr, size))	/* little endian */
		return -EFAULT;
	mutex_lock(&vm->lock);
	ret = lock_all_vcpus(vm);
	if (ret)
		goto out;
	if (!vm->vgic.initialised) {
		ret = -EBUSY;
	} else if (attr->group == KVM_DEV_ARM_VGIC_GRP_DIST_REGS) {
		ret = vmm_vgic_dist_access(vm, off, 4, &val, write, true);
	} else if (attr->group == KVM_DEV_ARM_VGIC_GRP_REDIST_REGS) {
		ret = vmm_vgic_redist_access(vcpu, off, 4, &val, write, true);
	} else if (sysregs) {
		ret = cpu_sysreg(vcpu, attr->attr & KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK,
				 &val, write);
		if (ret == -ENXIO)
			ret = -ENOENT;	/* KVM's answer for no such register */
	} else {
		v32 = val;
		ret = level_info(vm, vcpu, attr->attr, &v32, write);
		val = v32;
	}
	unlock_all_vcpus(vm);
out:
	mutex_unlock(&vm->lock);
	if (!ret && !write && copy_to_user(uaddr, &val, size))
		ret = -EFAULT;
	return ret;
}

/*
 * KVM_DEV_ARM_VGIC_GRP_NR_IRQS: 32 SPIs at least, in banks of 32, below
 * the special INTIDs from 1020 (so 992 at most, as KVM's VGIC_MAX_RESERVED)
 */
static int nr_irqs_attr(struct vmm_vm *vm, struct kvm_device_attr *attr, bool write)
{
	u32 __user *uaddr = u64_to_user_ptr(attr->addr);
	int ret = 0;
	u32 val;

	if (!write) {
		mutex_lock(&vm->lock);
		val = vm->vgic.nr_spis + VGIC_NR_PRIVATE;
		mutex_unlock(&vm->lock);
		return put_user(val, uaddr);
	}
	if (get_user(val, uaddr))
		return -EFAULT;
	if (val < VGIC_NR_PRIVATE + 32 || val > VGIC_MAX_RESERVED || val % 32)
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (vm->vgic.initialised || vm->vgic.nr_spis)
		ret = -EBUSY;
	else
		vm->vgic.nr_spis = val - VGIC_NR_PRIVATE;
	mutex_unlock(&vm->lock);
	return ret;
}

/* KVM_DEV_ARM_VGIC_CTRL_INIT, with no vCPU running; write-only */
static int ctrl_attr(struct vmm_vm *vm, struct kvm_device_attr *attr, bool write)
{
	int ret;

	if (!write || attr->attr != KVM_DEV_ARM_VGIC_CTRL_INIT)
		return -ENXIO;
	mutex_lock(&vm->lock);
	ret = lock_all_vcpus(vm);
	if (!ret) {
		ret = vmm_vgic_init(vm);
		unlock_all_vcpus(vm);
	}
	mutex_unlock(&vm->lock);
	return ret;
}

/* KVM_SET_DEVICE_ATTR (@write) and KVM_GET_DEVICE_ATTR */
static int rw_attr(struct vmm_vm *vm, struct kvm_device_attr *attr, bool write)
{
	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		return addr_attr(vm, attr, write);
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		return nr_irqs_attr(vm, attr, write);
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		return ctrl_attr(vm, attr, write);
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO:
	case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
		return regs_attr(vm, attr, write);
	default:
		return -ENXIO;
	}
}

static int has_attr(struct vmm_vm *vm, struct kvm_device_attr *attr)
{
	u32 off = attr->attr & KVM_DEV_ARM_VGIC_OFFSET_MASK;
	struct vmm_vcpu *vcpu;

	switch (attr->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		return attr->attr == KVM_VGIC_V3_ADDR_TYPE_DIST ||
		       attr->attr == KVM_VGIC_V3_ADDR_TYPE_REDIST ? 0 : -ENXIO;
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		return 0;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		return attr->attr == KVM_DEV_ARM_VGIC_CTRL_INIT ? 0 : -ENXIO;
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
		return vmm_vgic_dist_access(vm, off, 4, NULL, false, true);
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
		vcpu = attr_vcpu(vm, attr->attr);
		if (!vcpu)
			return -EINVAL;
		return vmm_vgic_redist_access(vcpu, off, 4, NULL, false, true);
	case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS: {
		u64 probe;
		int ret;

		vcpu = attr_vcpu(vm, attr->attr);
		if (!vcpu)
			return -EINVAL;
		/* a read of the vCPU's copy, to see whether the register exists */
		mutex_lock(&vm->lock);
		ret = cpu_sysreg(vcpu, attr->attr & KVM_DEV_ARM_VGIC_SYSREG_INSTR_MASK,
				 &probe, false);
		mutex_unlock(&vm->lock);
		return ret == -ENXIO ? -ENXIO : 0;
	}
	case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO:
		return (attr->attr & KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK) >>
		       KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT == VGIC_LEVEL_INFO_LINE_LEVEL ?
		       0 : -ENXIO;
	default:
		return -ENXIO;
	}
}

static long vgic_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct vmm_vm *vm = filp->private_data;
	struct kvm_device_attr attr;

	if (current->mm != vm->mm)	/* as KVM: the VM's process only */
		return -EIO;
	switch (cmd) {
	case KVM_SET_DEVICE_ATTR:
	case KVM_GET_DEVICE_ATTR:
	case KVM_HAS_DEVICE_ATTR:
		break;
	default:
		return -ENOTTY;
	}
	if (copy_from_user(&attr, (void __user *)arg, sizeof(attr)))
		return -EFAULT;
	if (cmd == KVM_HAS_DEVICE_ATTR)
		return has_attr(vm, &attr);
	return rw_attr(vm, &attr, cmd == KVM_SET_DEVICE_ATTR);
}

static int vgic_release(struct inode *inode, struct file *filp)
{
	vmm_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations vgic_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= vgic_ioctl,
	.release	= vgic_release,
	.llseek		= noop_llseek,
};

/*
 * KVM_CREATE_DEVICE: a GICv3, the one device type vmm.ko has (-ENODEV for
 * the rest, and for a GICv3 where the host cannot give one); one per VM,
 * before any vCPU has run.  KVM_CREATE_DEVICE_TEST only asks.
 */
int vmm_create_device(struct vmm_vm *vm, struct kvm_create_device *cd)
{
	int fd, ret = 0;

	if (cd->type != KVM_DEV_TYPE_ARM_VGIC_V3 || !vmm_vgic_global.usable)
		return -ENODEV;
	if (cd->flags & KVM_CREATE_DEVICE_TEST)
		return 0;
	mutex_lock(&vm->lock);
	if (vm->vgic.created)
		ret = -EEXIST;
	else if (vm->ran_once)
		ret = -EBUSY;
	else
		vm->vgic.created = true;
	mutex_unlock(&vm->lock);
	if (ret)
		return ret;
	kref_get(&vm->ref);
	fd = anon_inode_getfd("vmm-vgic-v3", &vgic_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		mutex_lock(&vm->lock);
		vm->vgic.created = false;
		mutex_unlock(&vm->lock);
		vmm_vm_put(vm);
		return fd;
	}
	cd->fd = fd;
	return 0;
}
