// SPDX-License-Identifier: GPL-2.0
/*
 * pci.c - the PCI host bridge: configuration space through ECAM (PCI
 * Express Base 4.0, 7.2.2, for bus 0 only), the type 0 header of each
 * device, its 32-bit memory BARs decoding in the PCI window, and the
 * bridge's device-tree node (bindings/pci/host-generic-pci.yaml and
 * pci.txt's interrupt-map).
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <libfdt.h>

#include <vmm/layout.h>
#include "fdt-util.h"
#include "vmm.h"

/* the header bits a driver may set in the command register */
#define PCI_COMMAND_WRITABLE	(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
				 PCI_COMMAND_INTX_DISABLE)

void pci__init(struct pci_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	pthread_rwlock_init(&bus->lock, NULL);
	bus->next_bar = LAYOUT_PCI_MMIO_BASE;
}

void pci_dev__init(struct pci_dev *pdev, u16 vendor, u16 device, u8 revision,
		   u32 class, u16 subsys_vendor, u16 subsys)
{
	memset(pdev->cfg, 0, sizeof(pdev->cfg));
	pci_cfg_put16(pdev, PCI_VENDOR_ID, vendor);
	pci_cfg_put16(pdev, PCI_DEVICE_ID, device);
	pci_cfg_put32(pdev, PCI_CLASS_REVISION, class << 8 | revision);
	pdev->cfg[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	pci_cfg_put16(pdev, PCI_SUBSYSTEM_VENDOR_ID, subsys_vendor);
	pci_cfg_put16(pdev, PCI_SUBSYSTEM_ID, subsys);
}

/* ---- BARs ---------------------------------------------------------------- */

/* Whether [addr, addr + size) lies in the PCI window. */
static bool in_window(u64 addr, u64 size)
{
	return addr >= LAYOUT_PCI_MMIO_BASE && size <= LAYOUT_PCI_MMIO_SIZE &&
	       addr - LAYOUT_PCI_MMIO_BASE <= LAYOUT_PCI_MMIO_SIZE - size;
}

/*
 * Make BAR @i decode where the guest put it, if memory decoding is on and
 * the address is in the window; nowhere otherwise (a BAR being sized
 * holds all-ones, which is not in the window).
 */
static void update_bar(struct pci_dev *pdev, unsigned int i)
{
	struct pci_bar *bar = &pdev->bars[i];
	bool enabled = pci_cfg_get16(pdev, PCI_COMMAND) & PCI_COMMAND_MEMORY;
	u32 want = enabled && in_window(bar->addr, bar->size) ? bar->addr : 0;

	if (want == bar->mapped)
		return;
	bar->mapped = want;
	if (pdev->ops->bar_moved)
		pdev->ops->bar_moved(pdev, i, want);
}

/* The 32-bit memory BAR's value: its address; type bits 0 (32-bit, no prefetch). */
static u32 bar_value(const struct pci_bar *bar)
{
	return bar->size ? bar->addr : 0;
}

/* ---- the type 0 header ------------------------------------------------- */

static u32 header_read32(const struct pci_dev *pdev, u32 reg)
{
	u32 v;

	if (reg >= PCI_BASE_ADDRESS_0 && reg <= PCI_BASE_ADDRESS_5)
		return bar_value(&pdev->bars[(reg - PCI_BASE_ADDRESS_0) / 4]);
	memcpy(&v, &pdev->cfg[reg], 4);
	v = le32toh(v);
	if (reg == PCI_COMMAND) {
		u16 status = __atomic_load_n(&pdev->status, __ATOMIC_RELAXED);

		if (pdev->cfg[PCI_CAPABILITY_LIST])
			status |= PCI_STATUS_CAP_LIST;
		v |= (u32)status << 16;
	}
	return v;
}

/* Write dword @reg of the header: the bytes in @mask of @v. */
static void header_write32(struct pci_dev *pdev, u32 reg, u32 v, u32 mask)
{
	u32 old = header_read32(pdev, reg);
	u32 merged = (old & ~mask) | (v & mask);
	unsigned int i;

	switch (reg) {
	case PCI_COMMAND: {	/* the status half is RW1C, with nothing to clear */
		u16 cmd = merged & PCI_COMMAND_WRITABLE;

		pci_cfg_put16(pdev, PCI_COMMAND, cmd);
		if ((cmd ^ old) & PCI_COMMAND_MEMORY)
			for (i = 0; i < PCI_MAX_BARS; i++)
				if (pdev->bars[i].size)
					update_bar(pdev, i);
		if (cmd != (u16)old && pdev->ops->command)
			pdev->ops->command(pdev, old, cmd);
		break;
	}
	case PCI_CACHE_LINE_SIZE:	/* and the latency timer */
		pdev->cfg[PCI_CACHE_LINE_SIZE] = merged;
		pdev->cfg[PCI_LATENCY_TIMER] = merged >> 8;
		break;
	case PCI_BASE_ADDRESS_0 ... PCI_BASE_ADDRESS_5: {
		struct pci_bar *bar = &pdev->bars[(reg - PCI_BASE_ADDRESS_0) / 4];

		if (!bar->size)
			break;
		/* the low bits are the size: all-ones reads back as ~(size - 1) */
		bar->addr = merged & ~(u32)(bar->size - 1);
		update_bar(pdev, (reg - PCI_BASE_ADDRESS_0) / 4);
		break;
	}
	case PCI_INTERRUPT_LINE:	/* a scratch byte for the OS */
		pdev->cfg[PCI_INTERRUPT_LINE] = merged;
		break;
	}
}

/* ---- ECAM ---------------------------------------------------------------- */

/* The device at ECAM offset @off, NULL if none: a read gets all-ones. */
static struct pci_dev *ecam_dev(struct pci_bus *bus, u64 off)
{
	unsigned int devnum = (off >> 15) & 0x1f, fn = (off >> 12) & 7;

	return !fn && devnum < bus->nr ? bus->devs[devnum] : NULL;
}

/*
 * The header may move a BAR: exclusively.  The capabilities are the
 * device's to guard, and one may wait (a virtio reset through the PCI_CFG
 * window waits for the device's I/O): shared, so that the other devices'
 * BARs stay reachable meanwhile.
 */
static void lock_for(struct pci_bus *bus, u32 reg)
{
	if (reg < PCI_STD_HEADER_SIZEOF)
		pthread_rwlock_wrlock(&bus->lock);
	else
		pthread_rwlock_rdlock(&bus->lock);
}

static void ecam_read(void *opaque, u64 off, void *data, unsigned int len)
{
	struct pci_bus *bus = opaque;
	u32 reg = off & 0xfff, v;
	struct pci_dev *pdev;

	memset(data, 0xff, len);
	/* 7.2.2: accesses are naturally aligned, at most 4 bytes */
	if (len > 4 || (reg & (len - 1)))
		return;
	lock_for(bus, reg);
	pdev = ecam_dev(bus, off);
	if (!pdev) {
		/* no device: all-ones */
	} else if (reg >= PCI_CFG_SPACE_SIZE) {
		memset(data, 0, len);	/* conventional PCI: no extended space */
	} else if (reg >= PCI_STD_HEADER_SIZEOF) {
		if (pdev->ops->cfg_read)
			pdev->ops->cfg_read(pdev, reg, data, len);
		else
			memcpy(data, &pdev->cfg[reg], len);
	} else {
		v = htole32(header_read32(pdev, reg & ~3U) >> 8 * (reg & 3));
		memcpy(data, &v, len);
	}
	pthread_rwlock_unlock(&bus->lock);
}

static void ecam_write(void *opaque, u64 off, const void *data, unsigned int len)
{
	struct pci_bus *bus = opaque;
	u32 reg = off & 0xfff, v = 0, mask;
	struct pci_dev *pdev;

	if (len > 4 || (reg & (len - 1)))
		return;
	lock_for(bus, reg);
	pdev = ecam_dev(bus, off);
	if (!pdev || reg >= PCI_CFG_SPACE_SIZE) {
		/* dropped */
	} else if (reg >= PCI_STD_HEADER_SIZEOF) {
		if (pdev->ops->cfg_write)
			pdev->ops->cfg_write(pdev, reg, data, len);
	} else {
		memcpy(&v, data, len);
		mask = len == 4 ? ~0U : ((1U << 8 * len) - 1);
		header_write32(pdev, reg & ~3U, le32toh(v) << 8 * (reg & 3),
			       mask << 8 * (reg & 3));
	}
	pthread_rwlock_unlock(&bus->lock);
}

static const struct mmio_ops ecam_ops = {
	.read	= ecam_read,
	.write	= ecam_write,
};

/* ---- the window: BAR accesses -------------------------------------------- */

/* The BAR that decodes [addr, addr + len), with its device; NULL if none. */
static struct pci_bar *find_bar(struct pci_bus *bus, u64 addr, unsigned int len)
{
	unsigned int d, i;

	for (d = 0; d < bus->nr; d++) {
		if (!bus->devs[d])
			continue;
		for (i = 0; i < PCI_MAX_BARS; i++) {
			struct pci_bar *bar = &bus->devs[d]->bars[i];

			if (bar->mapped && addr >= bar->mapped &&
			    addr - bar->mapped < bar->size &&
			    len <= bar->size - (addr - bar->mapped))
				return bar;
		}
	}
	return NULL;
}

static void window_read(void *opaque, u64 off, void *data, unsigned int len)
{
	struct pci_bus *bus = opaque;
	u64 addr = LAYOUT_PCI_MMIO_BASE + off;
	struct pci_bar *bar;

	pthread_rwlock_rdlock(&bus->lock);
	bar = find_bar(bus, addr, len);
	if (bar && bar->ops->read)
		bar->ops->read(bar->opaque, addr - bar->mapped, data, len);
	else if (!bar)
		memset(data, 0xff, len);	/* a master abort */
	pthread_rwlock_unlock(&bus->lock);
}

static void window_write(void *opaque, u64 off, const void *data, unsigned int len)
{
	struct pci_bus *bus = opaque;
	u64 addr = LAYOUT_PCI_MMIO_BASE + off;
	struct pci_bar *bar;

	pthread_rwlock_rdlock(&bus->lock);
	bar = find_bar(bus, addr, len);
	if (bar && bar->ops->write)
		bar->ops->write(bar->opaque, addr - bar->mapped, data, len);
	pthread_rwlock_unlock(&bus->lock);
}

static const struct mmio_ops window_ops = {
	.read	= window_read,
	.write	= window_write,
};

/* ---- devices ------------------------------------------------------------- */

static int register_bus(struct vm *vm)
{
	struct pci_bus *bus = &vm->pci;
	int ret;

	ret = mmio_bus__register(&vm->bus, LAYOUT_PCI_CFG_BASE, PCI_ECAM_BUS_SIZE,
				 "PCI ECAM", &ecam_ops, bus);
	if (!ret)
		ret = mmio_bus__register(&vm->bus, LAYOUT_PCI_MMIO_BASE,
					 LAYOUT_PCI_MMIO_SIZE, "PCI window",
					 &window_ops, bus);
	if (ret)
		pr_err("PCI: cannot place the host bridge: %s", strerror(-ret));
	else
		bus->registered = true;
	return ret;
}

int pci__add(struct vm *vm, struct pci_dev *pdev)
{
	struct pci_bus *bus = &vm->pci;
	u64 next = bus->next_bar;
	unsigned int i;

	if (bus->nr == PCI_MAX_DEVICES) {
		pr_err("%s: the PCI bus is full (%d devices)", pdev->name, PCI_MAX_DEVICES);
		return -DEVICE_EREPORTED;
	}
	for (i = 0; i < PCI_MAX_BARS; i++) {
		u64 size = pdev->bars[i].size;

		if (!size)
			continue;
		if (size < 4096 || (size & (size - 1)))
			return -EINVAL;
		next = ALIGN_UP(next, size);
		if (!in_window(next, size)) {
			pr_err("%s: no room left in the PCI window", pdev->name);
			return -DEVICE_EREPORTED;
		}
		pdev->bars[i].addr = next;
		next += size;
	}
	if (!bus->registered && register_bus(vm))
		return -DEVICE_EREPORTED;

	bus->next_bar = next;
	pdev->devnum = bus->nr;
	pdev->intid = 0;
	if (pdev->intx && vm->gic != GIC_NONE) {
		pdev->intid = vm__alloc_spi(vm);
		pdev->cfg[PCI_INTERRUPT_PIN] = 1;	/* INTA */
	}
	/* decoding, as firmware would leave it */
	pci_cfg_put16(pdev, PCI_COMMAND, PCI_COMMAND_MEMORY);
	pthread_rwlock_wrlock(&bus->lock);
	bus->devs[bus->nr++] = pdev;
	for (i = 0; i < PCI_MAX_BARS; i++)
		if (pdev->bars[i].size)
			update_bar(pdev, i);
	pthread_rwlock_unlock(&bus->lock);
	pr_debug("%s: PCI 00:%02x.0%s", pdev->name, pdev->devnum,
		 pdev->intid ? "" : ", no INTx");
	return 0;
}

void pci__remove(struct vm *vm, struct pci_dev *pdev)
{
	struct pci_bus *bus = &vm->pci;
	unsigned int i;

	pthread_rwlock_wrlock(&bus->lock);
	if (pdev->devnum < bus->nr && bus->devs[pdev->devnum] == pdev) {
		bus->devs[pdev->devnum] = NULL;
		for (i = 0; i < PCI_MAX_BARS; i++) {
			if (pdev->bars[i].mapped && pdev->ops->bar_moved)
				pdev->ops->bar_moved(pdev, i, 0);
			pdev->bars[i].mapped = 0;
		}
	}
	pthread_rwlock_unlock(&bus->lock);
}

/* ---- the device tree ----------------------------------------------------- */

/* pci.txt: phys.hi of a 32-bit memory space range */
#define OF_PCI_SS_MEM32		0x02000000

int pci__fdt(struct vm *vm, void *fdt)
{
	struct pci_bus *bus = &vm->pci;
	fdt32_t ranges[7] = {
		cpu_to_fdt32(OF_PCI_SS_MEM32), 0, cpu_to_fdt32(LAYOUT_PCI_MMIO_BASE),
		cpu_to_fdt32(LAYOUT_PCI_MMIO_BASE >> 32),
		cpu_to_fdt32(LAYOUT_PCI_MMIO_BASE & 0xffffffff),
		cpu_to_fdt32(LAYOUT_PCI_MMIO_SIZE >> 32),
		cpu_to_fdt32(LAYOUT_PCI_MMIO_SIZE & 0xffffffff),
	};
	/* device number and pin; the function and the address do not matter */
	const fdt32_t map_mask[4] = { cpu_to_fdt32(0xf800), 0, 0, cpu_to_fdt32(7) };
	fdt32_t bus_range[2] = { 0, 0 };
	/* child unit address (3), pin (1), parent, its unit address (2), SPI (3) */
	fdt32_t map[PCI_MAX_DEVICES][10];
	unsigned int i, n = 0;
	char name[32];

	if (!bus->nr)
		return 0;
	snprintf(name, sizeof(name), "pci@%llx", LAYOUT_PCI_CFG_BASE);
	FDT_CHECK(fdt_begin_node(fdt, name));
	FDT_CHECK(fdt_property_string(fdt, "compatible", "pci-host-ecam-generic"));
	FDT_CHECK(fdt_property_string(fdt, "device_type", "pci"));
	FDT_CHECK(fdt_property_u32(fdt, "#address-cells", 3));
	FDT_CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	FDT_CHECK(fdt_property_u32(fdt, "#interrupt-cells", 1));
	FDT_CHECK(fdt_prop_reg(fdt, LAYOUT_PCI_CFG_BASE, PCI_ECAM_BUS_SIZE));
	FDT_CHECK(fdt_property(fdt, "bus-range", bus_range, sizeof(bus_range)));
	FDT_CHECK(fdt_property(fdt, "ranges", ranges, sizeof(ranges)));
	FDT_CHECK(fdt_property(fdt, "dma-coherent", NULL, 0));

	for (i = 0; i < bus->nr; i++) {
		const struct pci_dev *pdev = bus->devs[i];

		if (!pdev || !pdev->intid)
			continue;
		map[n][0] = cpu_to_fdt32(pdev->devnum << 11);
		map[n][1] = map[n][2] = 0;
		map[n][3] = cpu_to_fdt32(1);		/* INTA */
		map[n][4] = cpu_to_fdt32(FDT_PHANDLE_GIC);
		map[n][5] = map[n][6] = 0;
		map[n][7] = cpu_to_fdt32(FDT_GIC_SPI);
		map[n][8] = cpu_to_fdt32(pdev->intid - GIC_SPI_BASE);
		map[n][9] = cpu_to_fdt32(FDT_IRQ_LEVEL_HIGH);
		n++;
	}
	if (n) {
		FDT_CHECK(fdt_property(fdt, "interrupt-map-mask", map_mask, sizeof(map_mask)));
		FDT_CHECK(fdt_property(fdt, "interrupt-map", map, n * sizeof(map[0])));
	}
	if (vm->gic_its) {
		/* requester ID n is DeviceID n, for the 256 functions of bus 0 */
		fdt32_t msi_map[4] = {
			0, cpu_to_fdt32(FDT_PHANDLE_ITS), 0, cpu_to_fdt32(0x100),
		};

		FDT_CHECK(fdt_property(fdt, "msi-map", msi_map, sizeof(msi_map)));
	}
	return fdt_end_node(fdt) ? -ENOSPC : 0;
}
