// SPDX-License-Identifier: GPL-2.0
/*
 * kvm.c - the arm64 parts of driving KVM (or /dev/vmm, which speaks the same
 * ioctls): IPA size, the in-kernel GIC, vCPU init, PMU, boot registers and
 * interrupt lines.  Documentation/virt/kvm/api.rst and devices/arm-vgic*.rst
 * give the ordering rules this file follows.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include <vmm/layout.h>
#include "../gdb.h"

#define GICV2_MAX_CPUS		8

int vm_arch__vm_type(int sys_fd, u64 ram_end)
{
	unsigned int need = 64 - __builtin_clzll(ram_end - 1);
	int max;

	/* Type 0 is the historical 40-bit IPA space. */
	if (need <= 40)
		return 0;
	max = ioctl(sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_VM_IPA_SIZE);
	if (max <= 0 || (unsigned int)max < need) {
		pr_err("--mem: the guest map needs a %u-bit IPA space; the hypervisor offers %d bits",
		       need, max > 0 ? max : 40);
		return -1;
	}
	return KVM_VM_TYPE_ARM_IPA_SIZE(need);
}

static int set_attr(int fd, u32 group, u64 attr, const void *val)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (u64)(unsigned long)val,
	};

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

static int create_gic(struct vm *vm, enum gic_kind kind)
{
	struct kvm_create_device cd = {
		.type = kind == GIC_V3 ? KVM_DEV_TYPE_ARM_VGIC_V3
				       : KVM_DEV_TYPE_ARM_VGIC_V2,
	};
	u64 dist = LAYOUT_GIC_DIST_BASE;
	u64 other = kind == GIC_V3 ? LAYOUT_GIC_REDIST_BASE(vm->nr_vcpus)
				   : LAYOUT_GIC_CPUI_BASE;
	int ret;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd)) {
		ret = -errno;
		/* no in-kernel devices at all (vmm.ko): no GIC of either kind */
		if (ret != -ENODEV &&
		    ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_DEVICE_CTRL) <= 0)
			ret = -ENODEV;
		/* the callers word -ENODEV for what was asked */
		if (ret != -ENODEV)
			pr_err("GICv%d: KVM_CREATE_DEVICE: %s", kind, strerror(-ret));
		return ret;
	}
	vm->gic_fd = cd.fd;
	vm->gic = kind;
	ret = set_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
		       kind == GIC_V3 ? KVM_VGIC_V3_ADDR_TYPE_DIST
				      : KVM_VGIC_V2_ADDR_TYPE_DIST, &dist);
	if (!ret)
		ret = set_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
			       kind == GIC_V3 ? KVM_VGIC_V3_ADDR_TYPE_REDIST
					      : KVM_VGIC_V2_ADDR_TYPE_CPU, &other);
	if (ret)
		pr_err("GICv%d: cannot place the distributor: %s", kind, strerror(-ret));
	return ret;
}

/*
 * Can the hypervisor emulate an ITS?  KVM registers the ITS device type
 * along with the GICv3 one, on GICv3 hosts only; KVM_CREATE_DEVICE_TEST
 * asks without creating anything (api.rst, KVM_CREATE_DEVICE).  vmm.ko
 * has no in-kernel devices at all.
 */
static bool has_its(const struct vm *vm)
{
	struct kvm_create_device cd = {
		.type = KVM_DEV_TYPE_ARM_VGIC_ITS,
		.flags = KVM_CREATE_DEVICE_TEST,
	};

	return ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_DEVICE_CTRL) > 0 &&
	       !ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd);
}

/*
 * The ITS is a KVM device of its own beside the GICv3 (arm-vgic-its.rst):
 * its frame is placed, then KVM_DEV_ARM_VGIC_CTRL_INIT, which, unlike the
 * GIC's, needs no vCPU and may come at once, as kvmtool does it.  Its fd
 * is then closed: the ITS has no release hook, so it lives until the VM
 * is destroyed, and the vmm has nothing more to tell it until MSIs from
 * its own devices come (KVM_SIGNAL_MSI goes to the VM fd).
 */
/* @quiet: the caller has a fallback, and the reason is only a debug line. */
static int create_its(struct vm *vm, bool quiet)
{
	enum log_level level = quiet ? LOG_DEBUG : LOG_ERR;
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	u64 base = LAYOUT_GIC_ITS_BASE(vm->nr_vcpus);
	int ret;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &cd)) {
		ret = -errno;
		log_print(level, "--irqchip gicv3-its: creating the ITS failed: %s",
			  strerror(-ret));
		return ret;
	}
	ret = set_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE, &base);
	if (ret) {
		log_print(level, "--irqchip gicv3-its: cannot place the ITS at 0x%llx: %s",
			  (unsigned long long)base, strerror(-ret));
		goto out_close;
	}
	ret = set_attr(cd.fd, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	if (ret) {
		log_print(level, "--irqchip gicv3-its: ITS initialisation failed: %s",
			  strerror(-ret));
		goto out_close;
	}
	vm->gic_its = true;
out_close:
	close(cd.fd);
	return ret;
}

int vm_arch__create_gic(struct vm *vm)
{
	enum irqchip_kind want = vm->cfg->irqchip;
	int ret = -ENODEV;

	if (want == IRQCHIP_NONE)
		return 0;
	/*
	 * virtio-pci's MSI-X needs an ITS: auto gives one where it can, if
	 * there are virtio devices (every device option is one's today).
	 */
	if (want == IRQCHIP_AUTO && vm->cfg->virtio_transport != VIRTIO_TRANSPORT_MMIO &&
	    (vm->cfg->nr_dev_args || vm->cfg->console == CONSOLE_VIRTIO) && has_its(vm)) {
		ret = create_gic(vm, GIC_V3);
		if (ret)
			return ret;
		if (create_its(vm, true))
			pr_info("interrupt controller: GICv3 (virtio-pci interrupts are INTx)");
		else
			pr_info("interrupt controller: GICv3 with an ITS");
		return 0;
	}
	/* An explicit request is refused, never served by something less. */
	if (want == IRQCHIP_GICV3_ITS) {
		if (!has_its(vm)) {
			pr_err("--irqchip gicv3-its: the hypervisor cannot emulate a GICv3 ITS on this host");
			return -ENODEV;
		}
		ret = create_gic(vm, GIC_V3);
		if (ret == -ENODEV)
			pr_err("--irqchip gicv3-its: the hypervisor cannot emulate a GICv3 on this host");
		if (!ret)
			ret = create_its(vm, false);
		if (!ret)
			pr_info("interrupt controller: GICv3 with an ITS");
		return ret;
	}
	if (want == IRQCHIP_AUTO &&
	    ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_DEVICE_CTRL) <= 0) {
		pr_warn("%s has no in-kernel interrupt controller: the guest runs without interrupts",
			vm->dev_path);
		return 0;
	}

	if (want != IRQCHIP_GICV2) {
		ret = create_gic(vm, GIC_V3);
		if (!ret)
			pr_info("interrupt controller: GICv3");
		if (!ret || want == IRQCHIP_GICV3) {
			if (ret == -ENODEV)
				pr_err("--irqchip gicv3: the hypervisor cannot emulate a GICv3 on this host");
			return ret;
		}
	}
	if (vm->nr_vcpus > GICV2_MAX_CPUS) {
		pr_err("--cpus %u: a GICv2 serves at most %d CPUs%s", vm->nr_vcpus,
		       GICV2_MAX_CPUS, want == IRQCHIP_AUTO ? " and this host has no GICv3" : "");
		return -EINVAL;
	}
	ret = create_gic(vm, GIC_V2);
	if (ret == -ENODEV && want == IRQCHIP_GICV2)
		pr_err("--irqchip gicv2: the hypervisor cannot emulate a GICv2 on this host%s",
		       ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_DEVICE_CTRL) > 0 ?
		       " (try gicv3)" : "");
	else if (ret == -ENODEV)
		pr_err("the hypervisor cannot emulate a GICv2 or GICv3 on this host");
	else if (!ret)
		pr_info("interrupt controller: GICv2");
	return ret;
}

int vm_arch__init_gic(struct vm *vm)
{
	/* Every SPI the devices took, rounded to the GIC's 32-line banks. */
	u32 nr_irqs = ALIGN_UP(vm->next_spi, 32);
	int ret;

	if (vm->gic == GIC_NONE)
		return 0;
	if (nr_irqs < 64)
		nr_irqs = 64;
	ret = set_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	if (!ret)
		ret = set_attr(vm->gic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
			       KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	if (ret)
		pr_err("GICv%d: initialisation failed: %s", vm->gic, strerror(-ret));
	return ret;
}

int vcpu_arch__init(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_vcpu_init init;
	struct kvm_one_reg reg = {
		.id = ARM64_SYS_REG(3, 0, 0, 0, 5),	/* MPIDR_EL1 */
		.addr = (u64)(unsigned long)&vcpu->mpidr,
	};

	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init)) {
		pr_err("KVM_ARM_PREFERRED_TARGET: %s", strerror(errno));
		return -errno;
	}
	init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	/* Secondaries wait, powered off, for the guest's PSCI CPU_ON. */
	if (vcpu->id)
		init.features[0] |= 1U << KVM_ARM_VCPU_POWER_OFF;
	if (vm->cfg->pmu)
		init.features[0] |= 1U << KVM_ARM_VCPU_PMU_V3;
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init)) {
		pr_err("vcpu %u: KVM_ARM_VCPU_INIT: %s", vcpu->id, strerror(errno));
		return -errno;
	}
	if (ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg)) {
		pr_err("vcpu %u: reading MPIDR_EL1: %s", vcpu->id, strerror(errno));
		return -errno;
	}
	return 0;
}

int vcpu_arch__init_pmu(struct vcpu *vcpu)
{
	int irq = GIC_PPI_BASE + PPI_PMU;
	int ret;

	ret = set_attr(vcpu->fd, KVM_ARM_VCPU_PMU_V3_CTRL,
		       KVM_ARM_VCPU_PMU_V3_IRQ, &irq);
	if (!ret)
		ret = set_attr(vcpu->fd, KVM_ARM_VCPU_PMU_V3_CTRL,
			       KVM_ARM_VCPU_PMU_V3_INIT, NULL);
	if (ret)
		pr_err("--pmu: vcpu %u: PMU initialisation failed: %s", vcpu->id,
		       strerror(-ret));
	return ret;
}

static int set_core_reg(struct vcpu *vcpu, u64 id, u64 val)
{
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | id,
		.addr = (u64)(unsigned long)&val,
	};

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) ? -errno : 0;
}

int vcpu_arch__set_boot_regs(struct vcpu *vcpu, u64 pc, u64 dtb)
{
	int ret;

	/* booting.rst: x0 = DTB, x1..x3 = 0 (KVM's reset zeroed them). */
	ret = set_core_reg(vcpu, KVM_REG_ARM_CORE_REG(regs.regs[0]), dtb);
	if (!ret)
		ret = set_core_reg(vcpu, KVM_REG_ARM_CORE_REG(regs.pc), pc);
	if (ret)
		pr_err("vcpu %u: setting boot registers: %s", vcpu->id, strerror(-ret));
	return ret;
}

static int get_reg(struct vcpu *vcpu, u64 id, u64 *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (u64)(unsigned long)val };

	return ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg) ? -errno : 0;
}

#define CORE(field)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(field))

int vcpu_arch__get_regs(struct vcpu *vcpu, struct vcpu_regs *r)
{
	static const u64 esr_el1 = ARM64_SYS_REG(3, 0, 5, 2, 0);
	static const u64 far_el1 = ARM64_SYS_REG(3, 0, 6, 0, 0);
	unsigned int i;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	for (i = 0; !ret && i < 31; i++)
		ret = get_reg(vcpu, CORE(regs.regs[i]), &r->x[i]);
	if (!ret)
		ret = get_reg(vcpu, CORE(regs.sp), &r->sp_el0);
	if (!ret)
		ret = get_reg(vcpu, CORE(regs.pc), &r->pc);
	if (!ret)
		ret = get_reg(vcpu, CORE(regs.pstate), &r->pstate);
	if (!ret)
		ret = get_reg(vcpu, CORE(sp_el1), &r->sp_el1);
	if (!ret)
		ret = get_reg(vcpu, CORE(elr_el1), &r->elr_el1);
	if (!ret)
		ret = get_reg(vcpu, CORE(spsr[KVM_SPSR_EL1]), &r->spsr_el1);
	/* the exception syndrome: what a hung guest took last */
	if (!ret)
		ret = get_reg(vcpu, esr_el1, &r->esr_el1);
	if (!ret)
		ret = get_reg(vcpu, far_el1, &r->far_el1);
	return ret;
}

int vcpu_arch__get_counter(struct vcpu *vcpu, u64 *cnt)
{
	return get_reg(vcpu, KVM_REG_ARM_TIMER_CNT, cnt);
}

int vcpu_arch__set_counter(struct vcpu *vcpu, u64 cnt)
{
	struct kvm_one_reg reg = { .id = KVM_REG_ARM_TIMER_CNT, .addr = (u64)(unsigned long)&cnt };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) ? -errno : 0;
}

void vm__irq_line(struct vm *vm, unsigned int intid, int level)
{
	struct kvm_irq_level irq = {
		.irq = (KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT) | intid,
		.level = level,
	};

	if (vm->gic == GIC_NONE)
		return;		/* no interrupt controller: lines go nowhere */
	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq))
		pr_warn("KVM_IRQ_LINE %u=%d: %s", intid, level, strerror(errno));
}

void vm__signal_msi(struct vm *vm, u64 addr, u32 data, u32 devid)
{
	static bool warned;
	struct kvm_msi msi = {
		.address_lo	= (u32)addr,
		.address_hi	= addr >> 32,
		.data		= data,
		.flags		= KVM_MSI_VALID_DEVID,
		.devid		= devid,
	};

	/*
	 * The guest decides where an MSI goes: 0 is an LPI it disabled or an
	 * event it has not mapped, EBUSY its ITS or LPIs off, EINVAL an address
	 * that is not its ITS.  A real ITS drops those too: not the vmm's error.
	 */
	if (ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &msi) < 0 && errno != EBUSY &&
	    errno != EINVAL && !__atomic_exchange_n(&warned, true, __ATOMIC_RELAXED))
		pr_warn("KVM_SIGNAL_MSI from device 0x%x: %s", devid, strerror(errno));
}

/* ---- the GDB stub's view of a vCPU (gdb.c) -------------------------------- */

#define CORE_SZ(size, field)	(KVM_REG_ARM64 | (size) | KVM_REG_ARM_CORE | \
				 KVM_REG_ARM_CORE_REG(field))
#define SYSREG_VBAR_EL1		ARM64_SYS_REG(3, 0, 12, 0, 0)
#define SYSREG_SCTLR_EL1	ARM64_SYS_REG(3, 0, 1, 0, 0)
#define SYSREG_ESR_EL1		ARM64_SYS_REG(3, 0, 5, 2, 0)
#define PSR_MODE_EL1H		0x5
#define PSR_DAIF		0x3c0
#define PSR_PAN			(1ULL << 22)
#define PSR_SSBS		(1ULL << 12)
#define PSR_DIT			(1ULL << 24)
#define SCTLR_SPAN		(1ULL << 23)
#define SCTLR_DSSBS		(1ULL << 44)

static int one_reg(struct vcpu *vcpu, u64 id, void *val, bool write)
{
	struct kvm_one_reg reg = { .id = id, .addr = (u64)(unsigned long)val };

	return ioctl(vcpu->fd, write ? KVM_SET_ONE_REG : KVM_GET_ONE_REG, &reg) ? -errno : 0;
}

/* The ONE_REG id behind gdb register @regno and its size in the ioctl. */
static int gdb_reg_id(struct vcpu *vcpu, unsigned int regno, u64 *id)
{
	u64 pstate;

	if (regno < 31) {
		*id = CORE(regs.regs[regno]);
	} else if (regno == GDB_REG_SP) {
		/* the stack in use: SP_EL1 in EL1h, else SP_EL0 */
		if (get_reg(vcpu, CORE(regs.pstate), &pstate))
			return -EIO;
		*id = (pstate & 0xf) == PSR_MODE_EL1H ? CORE(sp_el1) : CORE(regs.sp);
	} else if (regno == GDB_REG_PC) {
		*id = CORE(regs.pc);
	} else if (regno == GDB_REG_CPSR) {
		*id = CORE(regs.pstate);
	} else if (regno >= GDB_REG_V0 && regno < GDB_REG_FPSR) {
		*id = CORE_SZ(KVM_REG_SIZE_U128, fp_regs.vregs[regno - GDB_REG_V0]);
	} else if (regno == GDB_REG_FPSR) {
		*id = CORE_SZ(KVM_REG_SIZE_U32, fp_regs.fpsr);
	} else if (regno == GDB_REG_FPCR) {
		*id = CORE_SZ(KVM_REG_SIZE_U32, fp_regs.fpcr);
	} else if (regno == GDB_REG_TPIDR) {
		*id = ARM64_SYS_REG(3, 3, 13, 0, 2);
	} else if (regno >= GDB_REG_SYS0 && regno < GDB_REG_SYS0 + gdb_nr_sys_regs) {
		static const u64 core[] = {
			CORE(regs.sp), CORE(sp_el1), CORE(elr_el1), CORE(spsr[KVM_SPSR_EL1]),
		};
		unsigned int i = regno - GDB_REG_SYS0;

		*id = i < ARRAY_SIZE(core) ? core[i] : gdb_sys_regs[i].id;
	} else {
		return -EINVAL;
	}
	return 0;
}

int vcpu_arch__gdb_reg(struct vcpu *vcpu, unsigned int regno, u8 *val, bool write)
{
	unsigned int size = gdb_arch__reg_size(regno);
	u8 buf[GDB_REG_MAX_BYTES] = { 0 };
	u64 id;
	int ret;

	ret = gdb_reg_id(vcpu, regno, &id);
	if (ret)
		return ret;
	/* cpsr is 32 bits to gdb, PSTATE a 64-bit register to KVM */
	if (regno == GDB_REG_CPSR && write) {
		ret = one_reg(vcpu, id, buf, false);
		memcpy(buf, val, size);
		return ret ? ret : one_reg(vcpu, id, buf, true);
	}
	if (write)
		memcpy(buf, val, size);
	ret = one_reg(vcpu, id, buf, write);
	if (ret)
		return ret;
	if (!write)
		memcpy(val, buf, size);
	return size;
}

int vcpu_arch__get_s1(struct vcpu *vcpu, struct s1_regs *r)
{
	int ret;

	ret = get_reg(vcpu, ARM64_SYS_REG(3, 0, 1, 0, 0), &r->sctlr);
	if (!ret)
		ret = get_reg(vcpu, ARM64_SYS_REG(3, 0, 2, 0, 2), &r->tcr);
	if (!ret)
		ret = get_reg(vcpu, ARM64_SYS_REG(3, 0, 2, 0, 0), &r->ttbr0);
	if (!ret)
		ret = get_reg(vcpu, ARM64_SYS_REG(3, 0, 2, 0, 1), &r->ttbr1);
	return ret;
}

int vcpu_arch__set_guest_debug(struct vcpu *vcpu, const struct gdb_debug *d)
{
	struct kvm_guest_debug dbg = { 0 };

	if (d && (d->sw_bps || d->hw || d->step)) {
		dbg.control = KVM_GUESTDBG_ENABLE |
			      (d->sw_bps ? KVM_GUESTDBG_USE_SW_BP : 0) |
			      (d->hw ? KVM_GUESTDBG_USE_HW : 0) |
			      (d->step ? KVM_GUESTDBG_SINGLESTEP : 0);
		_Static_assert(sizeof(dbg.arch.dbg_bcr) == sizeof(d->regs.bcr), "DBG regs");
		memcpy(dbg.arch.dbg_bcr, d->regs.bcr, sizeof(d->regs.bcr));
		memcpy(dbg.arch.dbg_bvr, d->regs.bvr, sizeof(d->regs.bvr));
		memcpy(dbg.arch.dbg_wcr, d->regs.wcr, sizeof(d->regs.wcr));
		memcpy(dbg.arch.dbg_wvr, d->regs.wvr, sizeof(d->regs.wvr));
	}
	return ioctl(vcpu->fd, KVM_SET_GUEST_DEBUG, &dbg) ? -errno : 0;
}

/*
 * What the CPU does on a synchronous exception to EL1 (the Arm ARM's
 * AArch64.TakeException), as KVM's own injection does it: ESR, ELR = the
 * BRK (its preferred return address), SPSR = PSTATE, then EL1h with DAIF
 * masked, PAN kept and set unless SCTLR_EL1.SPAN, SSBS from
 * SCTLR_EL1.DSSBS, DIT kept, at VBAR_EL1 + the offset for where it came from.
 */
int vcpu_arch__inject_brk(struct vcpu *vcpu, u32 esr)
{
	u64 pc, pstate, vbar, sctlr, off, val, esr64 = esr;
	int ret;

	ret = get_reg(vcpu, CORE(regs.pc), &pc);
	if (!ret)
		ret = get_reg(vcpu, CORE(regs.pstate), &pstate);
	if (!ret)
		ret = get_reg(vcpu, SYSREG_VBAR_EL1, &vbar);
	if (!ret)
		ret = get_reg(vcpu, SYSREG_SCTLR_EL1, &sctlr);
	if (ret)
		return ret;
	if (pstate & 0x10)
		off = 0x600;			/* from AArch32 EL0 */
	else if (!(pstate & 0xc))
		off = 0x400;			/* from EL0 */
	else if ((pstate & 0xc) == 0x4)
		off = pstate & 1 ? 0x200 : 0;	/* EL1h / EL1t: the current EL */
	else
		return -EINVAL;			/* the guest is never at EL2 */
	ret = one_reg(vcpu, SYSREG_ESR_EL1, &esr64, true);
	if (!ret)
		ret = set_core_reg(vcpu, KVM_REG_ARM_CORE_REG(elr_el1), pc);
	if (!ret)
		ret = set_core_reg(vcpu, KVM_REG_ARM_CORE_REG(spsr[KVM_SPSR_EL1]), pstate);
	val = PSR_MODE_EL1H | PSR_DAIF | (pstate & (PSR_DIT | PSR_PAN)) |
	      (sctlr & SCTLR_SPAN ? 0 : PSR_PAN) | (sctlr & SCTLR_DSSBS ? PSR_SSBS : 0);
	if (!ret)
		ret = set_core_reg(vcpu, KVM_REG_ARM_CORE_REG(regs.pstate), val);
	if (!ret)
		ret = set_core_reg(vcpu, KVM_REG_ARM_CORE_REG(regs.pc), vbar + off);
	return ret;
}
