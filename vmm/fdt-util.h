/* SPDX-License-Identifier: GPL-2.0 */
/* fdt-util.h - small helpers over libfdt's sequential-write API. */
#ifndef VMM_FDT_UTIL_H
#define VMM_FDT_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <libfdt.h>

#include <vmm/layout.h>

/* Return -ENOSPC from the caller when a libfdt call fails. */
#define FDT_CHECK(expr)							\
	do {								\
		int __fdt_err = (expr);					\
		if (__fdt_err < 0)					\
			return __fdt_err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL; \
	} while (0)

/* GIC interrupt specifier cells: type, number, flags (bindings/.../arm,gic) */
#define FDT_GIC_SPI		0
#define FDT_GIC_PPI		1
#define FDT_IRQ_EDGE_RISING	1
#define FDT_IRQ_LEVEL_HIGH	4
#define FDT_IRQ_LEVEL_LOW	8

/* "reg" with #address-cells = #size-cells = 2, the root's */
static inline int fdt_prop_reg(void *fdt, unsigned long long base,
			       unsigned long long size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

/*
 * "interrupts" for a level-high SPI, given its INTID; nothing without an
 * interrupt controller (@has_gic false: the guest runs without interrupts).
 */
static inline int fdt_prop_spi(void *fdt, bool has_gic, unsigned int intid)
{
	fdt32_t irq[3] = {
		cpu_to_fdt32(FDT_GIC_SPI),
		cpu_to_fdt32(intid - GIC_SPI_BASE),
		cpu_to_fdt32(FDT_IRQ_LEVEL_HIGH),
	};

	if (!has_gic)
		return 0;
	return fdt_property(fdt, "interrupts", irq, sizeof(irq));
}

#endif
