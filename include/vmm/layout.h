/* SPDX-License-Identifier: GPL-2.0 */
/*
 * layout.h - the guest physical memory map, shared by the vmm and the
 * firmware payloads.  It is kvmtool's arm64 map, so payloads and test suites
 * built for lkvm run unchanged (docs/design.md draws it):
 *
 *   0x0000_0000  64K   PCI I/O space (reserved)
 *   0x0100_0000  16M   platform MMIO: 8250 UARTs at 0x0100_0000 + n * 0x1000,
 *                      then vmm's own small devices
 *   0x0200_0000  16M   CFI flash (-F): the image, 64K to 16M
 *   0x0300_0000        virtio-mmio, up to the GIC
 *       ...            GIC: GICv3 redistributors grow down from the
 *                      distributor, a GICv3 ITS (128K) just below them;
 *                      GICv2 CPU interface just below the distributor
 *   0x3fff_0000  64K   GIC distributor
 *   0x4000_0000  16M   PCI configuration space (ECAM)
 *   0x4100_0000        PCI MMIO window, up to RAM
 *   0x8000_0000        RAM
 */
#ifndef VMM_LAYOUT_H
#define VMM_LAYOUT_H

#define LAYOUT_IOPORT_BASE	0x00000000ULL
#define LAYOUT_IOPORT_SIZE	0x00010000ULL

#define LAYOUT_MMIO_BASE	0x01000000ULL
#define LAYOUT_UART_BASE	LAYOUT_MMIO_BASE
#define LAYOUT_UART_STRIDE	0x1000ULL
#define LAYOUT_UART_SIZE	0x8ULL
/* vmm's own devices after the four UART slots: the firmware test device */
#define LAYOUT_DEVICES_BASE	(LAYOUT_MMIO_BASE + 0x10000ULL)
#define LAYOUT_TESTDEV_BASE	LAYOUT_DEVICES_BASE
/* the power button's PL061 GPIO controller, after the test device */
#define LAYOUT_PL061_BASE	(LAYOUT_DEVICES_BASE + 0x1000ULL)

#define LAYOUT_FLASH_BASE	0x02000000ULL
#define LAYOUT_FLASH_SIZE	0x01000000ULL

/* virtio-mmio devices, one 512-byte window each, as kvmtool places them */
#define LAYOUT_VIRTIO_MMIO_BASE	0x03000000ULL
#define LAYOUT_VIRTIO_MMIO_SIZE	0x200ULL

#define LAYOUT_AXI_BASE		0x40000000ULL
#define LAYOUT_GIC_DIST_SIZE	0x10000ULL
#define LAYOUT_GIC_DIST_BASE	(LAYOUT_AXI_BASE - LAYOUT_GIC_DIST_SIZE)
/* GICv2: the CPU interface sits below the distributor */
#define LAYOUT_GIC_CPUI_SIZE	0x20000ULL
#define LAYOUT_GIC_CPUI_BASE	(LAYOUT_GIC_DIST_BASE - LAYOUT_GIC_CPUI_SIZE)
/* GICv3: one 128K redistributor frame pair per vCPU, below the distributor */
#define LAYOUT_GIC_REDIST_SIZE	0x20000ULL
#define LAYOUT_GIC_REDIST_BASE(ncpus) \
	(LAYOUT_GIC_DIST_BASE - (unsigned long long)(ncpus) * LAYOUT_GIC_REDIST_SIZE)
/*
 * GICv3 ITS (--irqchip gicv3-its): its control frame and the translation
 * frame with GITS_TRANSLATER (KVM_VGIC_V3_ITS_SIZE), below the
 * redistributors as in kvmtool.
 */
#define LAYOUT_GIC_ITS_SIZE	0x20000ULL
#define LAYOUT_GIC_ITS_BASE(ncpus) \
	(LAYOUT_GIC_REDIST_BASE(ncpus) - LAYOUT_GIC_ITS_SIZE)

#define LAYOUT_PCI_CFG_BASE	LAYOUT_AXI_BASE
#define LAYOUT_PCI_CFG_SIZE	0x01000000ULL
#define LAYOUT_PCI_MMIO_BASE	(LAYOUT_PCI_CFG_BASE + LAYOUT_PCI_CFG_SIZE)
#define LAYOUT_PCI_MMIO_SIZE	(LAYOUT_RAM_BASE - LAYOUT_PCI_MMIO_BASE)

#define LAYOUT_RAM_BASE		0x80000000ULL

/* GIC interrupt numbers (INTIDs) */
#define GIC_SPI_BASE		32
#define GIC_PPI_BASE		16
#define PPI_TIMER_HYP		10
#define PPI_TIMER_VIRT		11
#define PPI_TIMER_SEC		13
#define PPI_TIMER_PHYS		14
#define PPI_PMU			7

#endif
