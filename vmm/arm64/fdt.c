// SPDX-License-Identifier: GPL-2.0
/*
 * fdt.c - the guest's device tree: CPUs, memory, PSCI, GIC, timer, PMU,
 * chosen, then each device's own node.  Bindings as in the kernel's
 * Documentation/devicetree/bindings (arm/cpus, arm/psci, arm/arch_timer,
 * interrupt-controller/arm,gic{,-v3} with the ITS, serial/8250).
 */
#include <errno.h>
#include <string.h>

#include <libfdt.h>

#include <vmm/layout.h>
#include "../fdt-util.h"
#include "../vmm.h"

#define MPIDR_HWID_MASK		0xff00ffffffULL	/* Aff3..Aff0 */

static int fdt_cpus(void *fdt, const struct vm *vm)
{
	unsigned int i;
	char name[32];

	FDT_CHECK(fdt_begin_node(fdt, "cpus"));
	FDT_CHECK(fdt_property_u32(fdt, "#address-cells", 1));
	FDT_CHECK(fdt_property_u32(fdt, "#size-cells", 0));
	for (i = 0; i < vm->nr_vcpus; i++) {
		u64 hwid = vm->vcpus[i].mpidr & MPIDR_HWID_MASK;

		/* one cell: KVM never sets Aff3 below 2^20 vCPUs */
		if (hwid >> 32)
			return -EINVAL;
		snprintf(name, sizeof(name), "cpu@%llx", (unsigned long long)hwid);
		FDT_CHECK(fdt_begin_node(fdt, name));
		FDT_CHECK(fdt_property_string(fdt, "device_type", "cpu"));
		FDT_CHECK(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		FDT_CHECK(fdt_property_string(fdt, "enable-method", "psci"));
		FDT_CHECK(fdt_property_u32(fdt, "reg", (u32)hwid));
		FDT_CHECK(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt) ? -ENOSPC : 0;
}

/*
 * The ITS, a child of the GICv3 node as arm,gic-v3.yaml describes it (the
 * parent's empty "ranges" maps its address 1:1); #msi-cells 1 is the
 * DeviceID a device's MSIs carry.
 */
static int fdt_its(void *fdt, const struct vm *vm)
{
	u64 base = LAYOUT_GIC_ITS_BASE(vm->nr_vcpus);
	char name[32];

	snprintf(name, sizeof(name), "msi-controller@%llx", (unsigned long long)base);
	FDT_CHECK(fdt_begin_node(fdt, name));
	FDT_CHECK(fdt_property_string(fdt, "compatible", "arm,gic-v3-its"));
	FDT_CHECK(fdt_property(fdt, "msi-controller", NULL, 0));
	FDT_CHECK(fdt_property_u32(fdt, "#msi-cells", 1));
	FDT_CHECK(fdt_prop_reg(fdt, base, LAYOUT_GIC_ITS_SIZE));
	FDT_CHECK(fdt_property_u32(fdt, "phandle", FDT_PHANDLE_ITS));
	return fdt_end_node(fdt) ? -ENOSPC : 0;
}

static int fdt_gic(void *fdt, const struct vm *vm)
{
	char name[32];

	snprintf(name, sizeof(name), "intc@%llx", LAYOUT_GIC_DIST_BASE);
	FDT_CHECK(fdt_begin_node(fdt, name));
	if (vm->gic == GIC_V3) {
		fdt64_t reg[] = {
			cpu_to_fdt64(LAYOUT_GIC_DIST_BASE),
			cpu_to_fdt64(LAYOUT_GIC_DIST_SIZE),
			cpu_to_fdt64(LAYOUT_GIC_REDIST_BASE(vm->nr_vcpus)),
			cpu_to_fdt64(vm->nr_vcpus * LAYOUT_GIC_REDIST_SIZE),
		};

		FDT_CHECK(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
		FDT_CHECK(fdt_property(fdt, "reg", reg, sizeof(reg)));
	} else {
		fdt64_t reg[] = {
			cpu_to_fdt64(LAYOUT_GIC_DIST_BASE),
			cpu_to_fdt64(0x1000),
			cpu_to_fdt64(LAYOUT_GIC_CPUI_BASE),
			cpu_to_fdt64(0x2000),
		};

		FDT_CHECK(fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic"));
		FDT_CHECK(fdt_property(fdt, "reg", reg, sizeof(reg)));
	}
	FDT_CHECK(fdt_property_u32(fdt, "#interrupt-cells", 3));
	FDT_CHECK(fdt_property(fdt, "interrupt-controller", NULL, 0));
	FDT_CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	FDT_CHECK(fdt_property(fdt, "ranges", NULL, 0));
	FDT_CHECK(fdt_property_u32(fdt, "phandle", FDT_PHANDLE_GIC));
	if (vm->gic == GIC_V3 && vm->gic_its) {
		int ret = fdt_its(fdt, vm);

		if (ret)
			return ret;
	}
	return fdt_end_node(fdt) ? -ENOSPC : 0;
}

/* GICv2 PPI specifiers carry a CPU mask in flags[15:8]; GICv3 ones do not. */
static u32 ppi_flags(const struct vm *vm, u32 trigger)
{
	if (vm->gic == GIC_V2)
		trigger |= ((1U << vm->nr_vcpus) - 1) << 8;
	return trigger;
}

static int fdt_timer(void *fdt, const struct vm *vm)
{
	static const char compat[] = "arm,armv8-timer\0arm,armv7-timer";
	static const u32 ppis[] = {
		PPI_TIMER_SEC, PPI_TIMER_PHYS, PPI_TIMER_VIRT, PPI_TIMER_HYP,
	};
	fdt32_t irqs[3 * ARRAY_SIZE(ppis)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ppis); i++) {
		irqs[3 * i] = cpu_to_fdt32(FDT_GIC_PPI);
		irqs[3 * i + 1] = cpu_to_fdt32(ppis[i]);
		irqs[3 * i + 2] = cpu_to_fdt32(ppi_flags(vm, FDT_IRQ_LEVEL_LOW));
	}
	FDT_CHECK(fdt_begin_node(fdt, "timer"));
	FDT_CHECK(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	FDT_CHECK(fdt_property(fdt, "interrupts", irqs, sizeof(irqs)));
	FDT_CHECK(fdt_property(fdt, "always-on", NULL, 0));
	return fdt_end_node(fdt) ? -ENOSPC : 0;
}

static int fdt_pmu(void *fdt, const struct vm *vm)
{
	fdt32_t irq[3] = {
		cpu_to_fdt32(FDT_GIC_PPI),
		cpu_to_fdt32(PPI_PMU),
		cpu_to_fdt32(ppi_flags(vm, FDT_IRQ_LEVEL_HIGH)),
	};

	FDT_CHECK(fdt_begin_node(fdt, "pmu"));
	FDT_CHECK(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
	FDT_CHECK(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	return fdt_end_node(fdt) ? -ENOSPC : 0;
}

static int fdt_psci(void *fdt)
{
	/* KVM implements PSCI 1.x with SMCCC conduit HVC for PSCI_0_2 vCPUs. */
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";

	FDT_CHECK(fdt_begin_node(fdt, "psci"));
	FDT_CHECK(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	FDT_CHECK(fdt_property_string(fdt, "method", "hvc"));
	return fdt_end_node(fdt) ? -ENOSPC : 0;
}

static int fdt_chosen(void *fdt, const struct vm *vm, const char *bootargs,
		      const u8 *seed)
{
	fdt64_t kaslr;

	FDT_CHECK(fdt_begin_node(fdt, "chosen"));
	FDT_CHECK(fdt_property_string(fdt, "bootargs", bootargs));
	if (vm->console.dt_path[0])
		FDT_CHECK(fdt_property_string(fdt, "stdout-path", vm->console.dt_path));
	if (vm->boot.initrd) {
		FDT_CHECK(fdt_property_u64(fdt, "linux,initrd-start", vm->boot.initrd));
		FDT_CHECK(fdt_property_u64(fdt, "linux,initrd-end",
					   vm->boot.initrd + vm->initrd_size));
	}
	memcpy(&kaslr, seed, sizeof(kaslr));
	FDT_CHECK(fdt_property(fdt, "kaslr-seed", &kaslr, sizeof(kaslr)));
	FDT_CHECK(fdt_property(fdt, "rng-seed", seed + 8, 64));
	return fdt_end_node(fdt) ? -ENOSPC : 0;
}

int fdt__build(struct vm *vm, struct device_inst *dev, unsigned int nr_dev,
	       const char *bootargs, const u8 *seed, void *buf)
{
	char name[32];
	int ret;

	FDT_CHECK(fdt_create(buf, FDT_MAX_SIZE));
	FDT_CHECK(fdt_finish_reservemap(buf));
	FDT_CHECK(fdt_begin_node(buf, ""));
	FDT_CHECK(fdt_property_string(buf, "compatible", "linux,dummy-virt"));
	FDT_CHECK(fdt_property_u32(buf, "#address-cells", 2));
	FDT_CHECK(fdt_property_u32(buf, "#size-cells", 2));
	if (vm->gic != GIC_NONE)
		FDT_CHECK(fdt_property_u32(buf, "interrupt-parent", FDT_PHANDLE_GIC));

	ret = fdt_chosen(buf, vm, bootargs, seed);
	if (ret)
		return ret;

	snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)vm->ram_base);
	FDT_CHECK(fdt_begin_node(buf, name));
	FDT_CHECK(fdt_property_string(buf, "device_type", "memory"));
	FDT_CHECK(fdt_prop_reg(buf, vm->ram_base, vm->ram_size));
	FDT_CHECK(fdt_end_node(buf));

	ret = fdt_cpus(buf, vm);
	if (!ret)
		ret = fdt_psci(buf);
	/* without an interrupt controller: no GIC, and nothing that interrupts */
	if (!ret && vm->gic != GIC_NONE)
		ret = fdt_gic(buf, vm);
	if (!ret && vm->gic != GIC_NONE)
		ret = fdt_timer(buf, vm);
	if (!ret && vm->gic != GIC_NONE && vm->cfg->pmu)
		ret = fdt_pmu(buf, vm);
	if (!ret)
		ret = devices__fdt(vm, dev, nr_dev, buf);
	if (!ret)
		ret = pci__fdt(vm, buf);
	if (ret)
		return ret;

	FDT_CHECK(fdt_end_node(buf));
	FDT_CHECK(fdt_finish(buf));
	return 0;
}
