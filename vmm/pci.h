/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pci.h - a PCI host bridge as the guest finds it in its device tree
 * ("pci-host-ecam-generic", bindings/pci/host-generic-pci.yaml): one bus,
 * bus 0, of conventional single-function endpoints with 32-bit memory
 * BARs, configured through ECAM.  INTA of each device is an SPI of its
 * own (interrupt-map); MSIs go to the GICv3 ITS when there is one
 * (msi-map, the DeviceID being the requester ID).
 *
 * There is no firmware: the bridge assigns every BAR in the memory map's
 * PCI window and enables decoding, as firmware would; a guest is free to
 * move the BARs (Linux does) and the bridge follows.
 */
#ifndef VMM_PCI_H
#define VMM_PCI_H

#include <pthread.h>
#include <stdbool.h>

#include <linux/pci_regs.h>

/* included by vmm.h, after its types and the MMIO bus */

#define PCI_MAX_DEVICES		32	/* device numbers on bus 0 */
#define PCI_MAX_BARS		6
#define PCI_ECAM_BUS_SIZE	(1ULL << 20)	/* 32 devices x 8 functions x 4 KiB */

struct pci_dev;
struct mmio_ops;
struct vm;

struct pci_dev_ops {
	/*
	 * Configuration bytes [off, off + len) past the standard header
	 * (off >= PCI_STD_HEADER_SIZEOF): the capabilities.  Optional: reads
	 * come from cfg[] and writes are dropped.  With the bus locked.
	 */
	void	(*cfg_read)(struct pci_dev *pdev, u32 off, void *data, u32 len);
	void	(*cfg_write)(struct pci_dev *pdev, u32 off, const void *data, u32 len);
	/*
	 * BAR @bar decodes at @addr from now on, or no longer decodes (@addr
	 * 0).  Optional.  With the bus locked.
	 */
	void	(*bar_moved)(struct pci_dev *pdev, unsigned int bar, u64 addr);
	/* The command register changed from @old to @cmd.  Optional.  Likewise. */
	void	(*command)(struct pci_dev *pdev, u16 old, u16 cmd);
};

struct pci_bar {
	u64			size;		/* a power of two >= 4 KiB; 0: none */
	const struct mmio_ops	*ops;		/* offsets are from the BAR's start */
	void			*opaque;
	u32			addr;		/* as programmed */
	u32			mapped;		/* where it decodes; 0: nowhere */
};

/*
 * A device: its owner fills cfg[] (IDs, class, capabilities; see
 * pci_dev__init()), ops, bars[] and intx, then calls pci__add().
 */
struct pci_dev {
	const char		*name;
	const struct pci_dev_ops *ops;
	void			*opaque;
	u8			cfg[PCI_CFG_SPACE_SIZE];
	struct pci_bar		bars[PCI_MAX_BARS];
	bool			intx;		/* uses INTA */
	u16			status;		/* the device's status bits (PCI_STATUS_INTERRUPT); atomic */

	/* set by pci__add() */
	unsigned int		devnum;
	unsigned int		intid;		/* INTA's SPI; 0 without one */
};

struct pci_bus {
	/*
	 * Header accesses take it for writing (they may move a BAR), BAR and
	 * capability accesses for reading: a BAR never moves under an access,
	 * and a device guards its capabilities itself.
	 */
	pthread_rwlock_t	lock;
	struct pci_dev		*devs[PCI_MAX_DEVICES];
	unsigned int		nr;
	u64			next_bar;	/* the BAR allocator, in the window */
	bool			registered;	/* ECAM and window on the MMIO bus */
};

void pci__init(struct pci_bus *bus);

/* Fill @pdev's header: IDs, class (base, sub, prog-if), subsystem IDs. */
void pci_dev__init(struct pci_dev *pdev, u16 vendor, u16 device, u8 revision,
		   u32 class, u16 subsys_vendor, u16 subsys);

/*
 * Put @pdev on the VM's bus: the next device number, its BARs assigned
 * and decoding, an SPI for INTA if it uses it.  0 or -errno (after a log
 * line).  The device stays until the VM ends.
 */
int pci__add(struct vm *vm, struct pci_dev *pdev) __must_check;

/* Take @pdev off the bus: its BARs stop decoding, its number stays taken. */
void pci__remove(struct vm *vm, struct pci_dev *pdev);

/* The host bridge's device-tree node, if a device is on the bus. */
int pci__fdt(struct vm *vm, void *fdt);

/* Read-only register helpers for cfg[]. */
static inline void pci_cfg_put16(struct pci_dev *pdev, u32 off, u16 v)
{
	pdev->cfg[off] = v;
	pdev->cfg[off + 1] = v >> 8;
}

static inline void pci_cfg_put32(struct pci_dev *pdev, u32 off, u32 v)
{
	pci_cfg_put16(pdev, off, v);
	pci_cfg_put16(pdev, off + 2, v >> 16);
}

static inline u16 pci_cfg_get16(const struct pci_dev *pdev, u32 off)
{
	return pdev->cfg[off] | pdev->cfg[off + 1] << 8;
}

/* The requester ID the device's MSIs carry: bus 0, function 0. */
static inline u32 pci_dev__rid(const struct pci_dev *pdev)
{
	return pdev->devnum << 3;
}

#endif
