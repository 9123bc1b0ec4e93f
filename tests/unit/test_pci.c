// SPDX-License-Identifier: GPL-2.0
/*
 * test_pci.c - the PCI host bridge (ECAM configuration space, BARs in the
 * PCI window, the device-tree node) and the virtio-pci transport (its
 * capabilities, common configuration, ISR, device configuration, PCI_CFG
 * window, INTx and MSI-X), driven through the MMIO bus as a guest's PCI
 * core and virtio-pci driver drive them.
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>
#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "unit.h"
#include "virtio_driver.h"

#define QSIZE		8
#define BUF_GPA		(VDRV_RAM_BASE + 0x10000)

/* the ECAM address of register @reg of bus 0, device @dev, function @fn */
#define ECAM(dev, fn, reg) \
	(LAYOUT_PCI_CFG_BASE + ((u64)(dev) << 15) + ((u64)(fn) << 12) + (reg))

/* BAR 0 of a virtio-pci device, as its capabilities say (checked below) */
#define VPCI_BAR_SIZE	0x1000
#define VPCI_COMMON	0x000
#define VPCI_ISR	0x040
#define VPCI_DEVICE	0x100
#define VPCI_NOTIFY	0x200
#define VPCI_MSIX_TABLE	0x400
#define VPCI_MSIX_PBA	0x600

#define VENDOR_VIRTIO	0x1af4
#define NO_VECTOR	VIRTIO_MSI_NO_VECTOR
#define ISR_QUEUE	0x1
#define ISR_CONFIG	VIRTIO_PCI_ISR_CONFIG

/* the first BAR the bridge assigns, at the window's start */
#define FIRST_BAR	LAYOUT_PCI_MMIO_BASE

/* ---- a guest's accesses ---------------------------------------------------- */

/* A guest read of @len bytes at @addr; asserts the bus took it. */
static u64 rd(u64 addr, unsigned int len)
{
	u64 v = 0;

	ck_assert_msg(mmio_bus__access(&vdrv_vm.bus, addr, &v, len, false),
		      "no region at 0x%llx", (unsigned long long)addr);
	return v;
}

static void wr(u64 addr, u64 v, unsigned int len)
{
	ck_assert_msg(mmio_bus__access(&vdrv_vm.bus, addr, &v, len, true),
		      "no region at 0x%llx", (unsigned long long)addr);
}

/* Whether the bus has anything at @addr at all (a read of it). */
static bool backed(u64 addr)
{
	u64 v;

	return mmio_bus__access(&vdrv_vm.bus, addr, &v, 4, false);
}

static u64 cfg_rd(unsigned int dev, u32 reg, unsigned int len)
{
	return rd(ECAM(dev, 0, reg), len);
}

static void cfg_wr(unsigned int dev, u32 reg, u64 v, unsigned int len)
{
	wr(ECAM(dev, 0, reg), v, len);
}

/* The capability after the one at @at (0: the first), 0 at the end. */
static u8 next_cap(unsigned int dev, u8 at)
{
	return cfg_rd(dev, at ? at + PCI_CAP_LIST_NEXT : PCI_CAPABILITY_LIST, 1);
}

/* The virtio capability of @type in @dev's list, or 0. */
static u8 find_vcap(unsigned int dev, u8 type)
{
	unsigned int n;
	u8 at = 0;

	for (n = 0; n < 48 && (at = next_cap(dev, at)); n++)
		if (cfg_rd(dev, at, 1) == PCI_CAP_ID_VNDR &&
		    cfg_rd(dev, at + VIRTIO_PCI_CAP_CFG_TYPE, 1) == type)
			return at;
	return 0;
}

/* The capability with ID @id in @dev's list, or 0. */
static u8 find_cap(unsigned int dev, u8 id)
{
	unsigned int n;
	u8 at = 0;

	for (n = 0; n < 48 && (at = next_cap(dev, at)); n++)
		if (cfg_rd(dev, at, 1) == id)
			return at;
	return 0;
}

/* ---- the VM's interrupts ----------------------------------------------- */

static struct {
	unsigned int	intid;
	int		level;
} lines[32];
static unsigned int nr_lines;

static void record_line(struct vm *vm __unused, unsigned int intid, int level)
{
	if (nr_lines < ARRAY_SIZE(lines))
		lines[nr_lines] = (typeof(lines[0])){ intid, level };
	nr_lines++;
}

static struct {
	u64	addr;
	u32	data, devid;
} msis[32];
static unsigned int nr_msis;

static void record_msi(struct vm *vm __unused, u64 addr, u32 data, u32 devid)
{
	if (nr_msis < ARRAY_SIZE(msis))
		msis[nr_msis] = (typeof(msis[0])){ addr, data, devid };
	nr_msis++;
}

/* Level change @i was @level on @intid. */
static void ck_line(unsigned int i, unsigned int intid, int level)
{
	ck_assert_uint_lt(i, nr_lines);
	ck_assert_uint_eq(lines[i].intid, intid);
	ck_assert_int_eq(lines[i].level, level);
}

/* MSI @i was (@addr, @data) from @devid. */
static void ck_msi(unsigned int i, u64 addr, u32 data, u32 devid)
{
	ck_assert_uint_lt(i, nr_msis);
	ck_assert_uint_eq(msis[i].addr, addr);
	ck_assert_uint_eq(msis[i].data, data);
	ck_assert_uint_eq(msis[i].devid, devid);
}

/* ---- a device model of our own on virtio-pci ---------------------------- */

#define STUB_ID		42	/* a device id no model here uses */
#define STUB_DEVICE_ID	(0x1040 + STUB_ID)
#define STUB_QUEUES	2
#define STUB_QUEUE_MAX	16
#define STUB_FEATURES	((1ULL << 0) | (1ULL << 5))
#define STUB_CONFIG	12	/* bytes of config space, in a larger buffer */
#define STUB_VECTORS	(STUB_QUEUES + 1)

static struct vdrv_stub stub, stub2;

/* Put stub @s (device @id, @config_size bytes of config) on the PCI bus: its device number. */
static unsigned int stub_add(struct vdrv_stub *s, u32 id, u32 config_size)
{
	unsigned int i;

	memset(s, 0, sizeof(*s));
	ck_assert_int_eq(virtio_dev__init(&s->vdev, &vdrv_vm, "virtio-stub", id,
					  STUB_FEATURES, STUB_QUEUES, STUB_QUEUE_MAX), 0);
	/* bytes 0x10 to 0x1b, then ones the driver must not see */
	for (i = 0; i < sizeof(s->config); i++)
		s->config[i] = i < STUB_CONFIG ? 0x10 + i : 0xff;
	s->vdev.ops = &vdrv_stub_ops;
	s->vdev.priv = s;
	s->vdev.config = s->config;
	s->vdev.config_size = config_size;
	s->live = true;
	ck_assert_int_eq(virtio_pci__add(&s->vdev), 0);
	return vdrv_vm.pci.nr - 1;
}

static void stub_del(struct vdrv_stub *s)
{
	if (!s->live)
		return;
	virtio_dev__remove(&s->vdev);
	virtio_dev__destroy(&s->vdev);
	s->live = false;
}

/* A bare PCI function with no BAR and no INTx, to take a device number. */
static const struct pci_dev_ops filler_ops;
static struct pci_dev filler = { .name = "filler", .ops = &filler_ops };

/* the device under test: its number, BAR 0 and capabilities */
static unsigned int dn;
static u64 bar;
static u8 cap_msix, cap_pci_cfg;

/*
 * A fresh VM whose interrupts we record, with a GICv3 ITS or not, and the
 * stub on its PCI bus; behind a bare function taking device number 0 if
 * @behind.
 */
static void setup(bool its, bool behind)
{
	vdrv_make_vm(QSIZE, CONSOLE_SERIAL, -1);
	vdrv_vm.irq_line = record_line;
	vdrv_vm.signal_msi = record_msi;
	vdrv_vm.gic_its = its;
	nr_lines = nr_msis = 0;
	memset(&stub2, 0, sizeof(stub2));
	if (behind) {
		pci_dev__init(&filler, 0x1234, 0x5678, 0, 0x058000, 0, 0);
		ck_assert_int_eq(pci__add(&vdrv_vm, &filler), 0);
	}
	dn = stub_add(&stub, STUB_ID, STUB_CONFIG);
	ck_assert_uint_eq(dn, behind ? 1 : 0);
	bar = cfg_rd(dn, PCI_BASE_ADDRESS_0, 4);
	cap_msix = find_cap(dn, PCI_CAP_ID_MSIX);
	cap_pci_cfg = find_vcap(dn, VIRTIO_PCI_CAP_PCI_CFG);
}

/* INTx: no ITS, the stub at 00:00.0 */
static void intx_setup(void)
{
	setup(false, false);
}

/* MSI-X: an ITS, the stub at 00:01.0 (requester ID 8) */
static void msix_setup(void)
{
	setup(true, true);
}

static void teardown(void)
{
	stub_del(&stub2);
	stub_del(&stub);
}

/* ---- a guest's virtio-pci driver ---------------------------------------- */

static u64 bar_rd(u64 off, unsigned int len)
{
	return rd(bar + off, len);
}

static void bar_wr(u64 off, u64 v, unsigned int len)
{
	wr(bar + off, v, len);
}

/* Common configuration fields, at their own widths. */
static u64 common_rd(u64 off, unsigned int len)
{
	return bar_rd(VPCI_COMMON + off, len);
}

static void common_wr(u64 off, u64 v, unsigned int len)
{
	bar_wr(VPCI_COMMON + off, v, len);
}

static u8 status(void)
{
	return common_rd(VIRTIO_PCI_COMMON_STATUS, 1);
}

static void set_status(u8 v)
{
	common_wr(VIRTIO_PCI_COMMON_STATUS, v, 1);
}

static u8 isr(void)
{
	return bar_rd(VPCI_ISR, 1);
}

static void select_queue(u16 q)
{
	common_wr(VIRTIO_PCI_COMMON_Q_SELECT, q, 2);
}

static u64 device_features(void)
{
	u64 f;

	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 0, 4);
	f = common_rd(VIRTIO_PCI_COMMON_DF, 4);
	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 1, 4);
	return f | common_rd(VIRTIO_PCI_COMMON_DF, 4) << 32;
}

static void write_features(u64 f)
{
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 0, 4);
	common_wr(VIRTIO_PCI_COMMON_GF, (u32)f, 4);
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 1, 4);
	common_wr(VIRTIO_PCI_COMMON_GF, f >> 32, 4);
}

/* ACKNOWLEDGE, DRIVER, @f, FEATURES_OK: whether the device kept FEATURES_OK. */
static bool negotiate(u64 f)
{
	set_status(S_ACK);
	set_status(S_DRIVER);
	write_features(f);
	set_status(S_FEATURES);
	return status() & VIRTIO_CONFIG_S_FEATURES_OK;
}

/* Give queue @q its vdrv_q[] rings, by 32-bit halves, and enable it. */
static void setup_queue(unsigned int q)
{
	const struct vdrv_queue *d = &vdrv_q[q];

	select_queue(q);
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, d->size, 2);
	common_wr(VIRTIO_PCI_COMMON_Q_DESCLO, (u32)d->desc_gpa, 4);
	common_wr(VIRTIO_PCI_COMMON_Q_DESCHI, d->desc_gpa >> 32, 4);
	common_wr(VIRTIO_PCI_COMMON_Q_AVAILLO, (u32)d->avail_gpa, 4);
	common_wr(VIRTIO_PCI_COMMON_Q_AVAILHI, d->avail_gpa >> 32, 4);
	common_wr(VIRTIO_PCI_COMMON_Q_USEDLO, (u32)d->used_gpa, 4);
	common_wr(VIRTIO_PCI_COMMON_Q_USEDHI, d->used_gpa >> 32, 4);
	common_wr(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
	ck_assert_msg(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2) == 1, "queue %u not enabled", q);
}

/* A driver's whole init with queues 0 to @nq - 1; the device is running. */
static void start(u64 f, unsigned int nq)
{
	unsigned int q;

	ck_assert(negotiate(f));
	for (q = 0; q < nq; q++)
		setup_queue(q);
	set_status(S_RUNNING);
	ck_assert_uint_eq(status(), S_RUNNING);
}

/* The stub uses a buffer of queue @q and signals it, as a device model does. */
static void stub_use(unsigned int q)
{
	struct virtqueue *vq = &stub.vdev.vqs[q];

	virtq__push(vq, 0, 0);
	virtio_dev__signal(&stub.vdev, vq);
}

/* The count of @s's queue @i's notify eventfd, consumed; 0 if none. */
static u64 notified(struct vdrv_stub *s, unsigned int i)
{
	u64 n = 0;

	if (read(s->vdev.vqs[i].notify_fd, &n, sizeof(n)) < 0)
		ck_assert_int_eq(errno, EAGAIN);
	return n;
}

/* ---- PCI: the configuration header -------------------------------------- */

START_TEST(pci_header_ids)
{
	ck_assert_uint_eq(cfg_rd(0, PCI_VENDOR_ID, 2), VENDOR_VIRTIO);
	ck_assert_uint_eq(cfg_rd(0, PCI_DEVICE_ID, 2), STUB_DEVICE_ID);
	ck_assert_uint_eq(cfg_rd(0, PCI_VENDOR_ID, 4), STUB_DEVICE_ID << 16 | VENDOR_VIRTIO);
	ck_assert_uint_eq(cfg_rd(0, PCI_VENDOR_ID, 1), 0xf4);
	ck_assert_uint_eq(cfg_rd(0, PCI_VENDOR_ID + 1, 1), 0x1a);
	/* 4.1.2.1: a non-transitional device has revision 1 or more */
	ck_assert_uint_eq(cfg_rd(0, PCI_REVISION_ID, 1), 1);
	/* a device id with no class of its own: 0xff, "unassigned" */
	ck_assert_uint_eq(cfg_rd(0, PCI_CLASS_REVISION, 4), 0xff000001);
	ck_assert_uint_eq(cfg_rd(0, PCI_CLASS_DEVICE, 2), 0xff00);
	ck_assert_uint_eq(cfg_rd(0, PCI_CLASS_PROG, 1), 0);
	ck_assert_uint_eq(cfg_rd(0, PCI_HEADER_TYPE, 1), PCI_HEADER_TYPE_NORMAL);
	ck_assert_uint_eq(cfg_rd(0, PCI_SUBSYSTEM_VENDOR_ID, 2), VENDOR_VIRTIO);
	ck_assert_uint_eq(cfg_rd(0, PCI_SUBSYSTEM_ID, 2), STUB_DEVICE_ID);
	ck_assert_uint_eq(cfg_rd(0, PCI_CAPABILITY_LIST, 1), PCI_STD_HEADER_SIZEOF);
	/* no expansion ROM, no CardBus CIS */
	ck_assert_uint_eq(cfg_rd(0, PCI_ROM_ADDRESS, 4), 0);
	ck_assert_uint_eq(cfg_rd(0, PCI_CARDBUS_CIS, 4), 0);
}
END_TEST

START_TEST(pci_class_codes)
{
	static const struct {
		u32	id, class;
	} c[] = {
		{ VIRTIO_ID_NET,	0x020000 },
		{ VIRTIO_ID_BLOCK,	0x018000 },
		{ VIRTIO_ID_CONSOLE,	0x078000 },
		{ VIRTIO_ID_RNG,	0xff0000 },
	};
	static struct vdrv_stub s[ARRAY_SIZE(c)];
	unsigned int i, d;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		d = stub_add(&s[i], c[i].id, STUB_CONFIG);
		ck_assert_uint_eq(d, i + 1);
		ck_assert_uint_eq(cfg_rd(d, PCI_DEVICE_ID, 2), 0x1040 + c[i].id);
		ck_assert_uint_eq(cfg_rd(d, PCI_SUBSYSTEM_ID, 2), 0x1040 + c[i].id);
		ck_assert_uint_eq(cfg_rd(d, PCI_CLASS_REVISION, 4), c[i].class << 8 | 1);
	}
	for (i = 0; i < ARRAY_SIZE(c); i++)
		stub_del(&s[i]);
}
END_TEST

START_TEST(pci_absent_functions_read_ones)
{
	static const u32 regs[] = { PCI_VENDOR_ID, PCI_COMMAND, PCI_BASE_ADDRESS_0, 0x40, 0xfc };
	unsigned int d, fn, i;

	/* other device numbers */
	for (d = 1; d < PCI_MAX_DEVICES; d++) {
		for (i = 0; i < ARRAY_SIZE(regs); i++)
			ck_assert_uint_eq(rd(ECAM(d, 0, regs[i]), 4), 0xffffffff);
		ck_assert_uint_eq(rd(ECAM(d, 0, 0), 2), 0xffff);
		ck_assert_uint_eq(rd(ECAM(d, 0, 3), 1), 0xff);
	}
	/* functions 1 to 7 of a single-function device */
	for (fn = 1; fn < 8; fn++) {
		for (i = 0; i < ARRAY_SIZE(regs); i++)
			ck_assert_uint_eq(rd(ECAM(0, fn, regs[i]), 4), 0xffffffff);
		ck_assert_uint_eq(rd(ECAM(0, fn, PCI_VENDOR_ID), 2), 0xffff);
		/* a write there reaches nobody */
		wr(ECAM(0, fn, PCI_COMMAND), 0, 2);
		wr(ECAM(0, fn, PCI_BASE_ADDRESS_0), 0xffffffff, 4);
	}
	ck_assert_uint_eq(cfg_rd(0, PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
	ck_assert_uint_eq(cfg_rd(0, PCI_BASE_ADDRESS_0, 4), FIRST_BAR);
}
END_TEST

START_TEST(pci_extended_space_reads_zero)
{
	/* conventional PCI: nothing past 0x100, and an existing device reads 0 */
	ck_assert_uint_eq(cfg_rd(0, 0x100, 4), 0);
	ck_assert_uint_eq(cfg_rd(0, 0x100, 2), 0);
	ck_assert_uint_eq(cfg_rd(0, 0x101, 1), 0);
	ck_assert_uint_eq(cfg_rd(0, 0x800, 4), 0);
	ck_assert_uint_eq(cfg_rd(0, 0xffc, 4), 0);
	cfg_wr(0, 0x100, 0x12345678, 4);
	ck_assert_uint_eq(cfg_rd(0, 0x100, 4), 0);
	/* the last dword of the conventional space is still the device's */
	ck_assert_uint_eq(cfg_rd(0, 0xfc, 4), 0);
	ck_assert_uint_eq(cfg_rd(0, PCI_VENDOR_ID, 2), VENDOR_VIRTIO);
}
END_TEST

START_TEST(pci_bad_config_accesses)
{
	/* 7.2.2: naturally aligned, at most 4 bytes; others read all-ones */
	ck_assert_uint_eq(cfg_rd(0, PCI_VENDOR_ID + 1, 2), 0xffff);
	ck_assert_uint_eq(cfg_rd(0, PCI_VENDOR_ID + 2, 4), 0xffffffff);
	ck_assert_uint_eq(cfg_rd(0, PCI_VENDOR_ID + 1, 4), 0xffffffff);
	ck_assert_uint_eq(cfg_rd(0, PCI_VENDOR_ID, 8), 0xffffffffffffffffULL);
	ck_assert_uint_eq(cfg_rd(0, 0x41, 2), 0xffff);
	ck_assert_uint_eq(cfg_rd(0, 0x42, 4), 0xffffffff);
	ck_assert_uint_eq(cfg_rd(0, 0x40, 8), 0xffffffffffffffffULL);

	/* and are dropped as writes */
	cfg_wr(0, PCI_COMMAND + 1, 0, 2);
	cfg_wr(0, PCI_COMMAND - 2, 0, 4);
	cfg_wr(0, PCI_COMMAND, 0, 8);
	ck_assert_uint_eq(cfg_rd(0, PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
	/* nor do they move a BAR */
	cfg_wr(0, PCI_BASE_ADDRESS_0, 0x50000000, 8);
	cfg_wr(0, PCI_BASE_ADDRESS_0 + 1, 0x5000, 2);
	cfg_wr(0, PCI_BASE_ADDRESS_0 + 2, 0x50000000, 4);
	ck_assert_uint_eq(cfg_rd(0, PCI_BASE_ADDRESS_0, 4), FIRST_BAR);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_NUMQ, 2), STUB_QUEUES);
	cfg_wr(0, PCI_INTERRUPT_LINE + 1, 0x55, 2);
	ck_assert_uint_eq(cfg_rd(0, PCI_INTERRUPT_LINE, 1), 0);
	ck_assert_uint_eq(cfg_rd(0, PCI_INTERRUPT_PIN, 1), 1);
}
END_TEST

START_TEST(pci_read_only_header)
{
	/* IDs, class, header type and the capability pointer are the device's */
	cfg_wr(0, PCI_VENDOR_ID, 0x12345678, 4);
	cfg_wr(0, PCI_CLASS_REVISION, 0x12345678, 4);
	cfg_wr(0, PCI_HEADER_TYPE, 0x81, 1);
	cfg_wr(0, PCI_SUBSYSTEM_VENDOR_ID, 0x12345678, 4);
	cfg_wr(0, PCI_CAPABILITY_LIST, 0x80, 1);
	ck_assert_uint_eq(cfg_rd(0, PCI_VENDOR_ID, 4), STUB_DEVICE_ID << 16 | VENDOR_VIRTIO);
	ck_assert_uint_eq(cfg_rd(0, PCI_CLASS_REVISION, 4), 0xff000001);
	ck_assert_uint_eq(cfg_rd(0, PCI_HEADER_TYPE, 1), PCI_HEADER_TYPE_NORMAL);
	ck_assert_uint_eq(cfg_rd(0, PCI_SUBSYSTEM_VENDOR_ID, 4),
			  STUB_DEVICE_ID << 16 | VENDOR_VIRTIO);
	ck_assert_uint_eq(cfg_rd(0, PCI_CAPABILITY_LIST, 1), PCI_STD_HEADER_SIZEOF);
	/* the cache line size and latency timer are scratch bytes */
	cfg_wr(0, PCI_CACHE_LINE_SIZE, 0x12345610, 4);
	ck_assert_uint_eq(cfg_rd(0, PCI_CACHE_LINE_SIZE, 4), 0x00005610);
}
END_TEST

START_TEST(pci_bar_sizing)
{
	unsigned int i;

	ck_assert_uint_eq(cfg_rd(0, PCI_BASE_ADDRESS_0, 4), FIRST_BAR);
	/* a 4 KiB 32-bit non-prefetchable memory BAR */
	cfg_wr(0, PCI_BASE_ADDRESS_0, 0xffffffff, 4);
	ck_assert_uint_eq(cfg_rd(0, PCI_BASE_ADDRESS_0, 4), 0xfffff000);
	/* it decodes nowhere meanwhile */
	ck_assert_uint_eq(rd(FIRST_BAR + VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);
	cfg_wr(0, PCI_BASE_ADDRESS_0, FIRST_BAR, 4);
	ck_assert_uint_eq(cfg_rd(0, PCI_BASE_ADDRESS_0, 4), FIRST_BAR);
	ck_assert_uint_eq(rd(FIRST_BAR + VIRTIO_PCI_COMMON_NUMQ, 2), STUB_QUEUES);

	/* the 16-bit halves, as a guest may size it */
	cfg_wr(0, PCI_BASE_ADDRESS_0, 0xffff, 2);
	ck_assert_uint_eq(cfg_rd(0, PCI_BASE_ADDRESS_0, 4), FIRST_BAR | 0xf000);
	cfg_wr(0, PCI_BASE_ADDRESS_0, 0, 2);
	ck_assert_uint_eq(cfg_rd(0, PCI_BASE_ADDRESS_0, 4), FIRST_BAR);

	/* the other BARs and the expansion ROM are not implemented */
	for (i = 1; i < PCI_MAX_BARS; i++) {
		cfg_wr(0, PCI_BASE_ADDRESS_0 + 4 * i, 0xffffffff, 4);
		ck_assert_uint_eq(cfg_rd(0, PCI_BASE_ADDRESS_0 + 4 * i, 4), 0);
	}
	cfg_wr(0, PCI_ROM_ADDRESS, 0xffffffff, 4);
	ck_assert_uint_eq(cfg_rd(0, PCI_ROM_ADDRESS, 4), 0);
	ck_assert_uint_eq(rd(FIRST_BAR + VIRTIO_PCI_COMMON_NUMQ, 2), STUB_QUEUES);
}
END_TEST

START_TEST(pci_bar_move)
{
	const u64 to = 0x50000000;

	start(F_VERSION_1, 2);
	cfg_wr(0, PCI_BASE_ADDRESS_0, to, 4);
	ck_assert_uint_eq(cfg_rd(0, PCI_BASE_ADDRESS_0, 4), to);
	bar = to;
	ck_assert_uint_eq(status(), S_RUNNING);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_NUMQ, 2), STUB_QUEUES);
	/* the old place is a master abort */
	ck_assert_uint_eq(rd(FIRST_BAR + VIRTIO_PCI_COMMON_STATUS, 1), 0xff);
	ck_assert_uint_eq(rd(FIRST_BAR + VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);
	wr(FIRST_BAR + VIRTIO_PCI_COMMON_STATUS, 0, 1);
	ck_assert_uint_eq(status(), S_RUNNING);
	ck_assert_uint_eq(stub.resets, 0);

	/* notifications at the new place, none at the old (no ioeventfd here) */
	wr(FIRST_BAR + VPCI_NOTIFY + 4, 1, 2);
	ck_assert_uint_eq(notified(&stub, 1), 0);
	wr(to + VPCI_NOTIFY + 4, 1, 2);
	ck_assert_uint_eq(notified(&stub, 1), 1);
	ck_assert_uint_eq(notified(&stub, 0), 0);
	wr(to + VPCI_NOTIFY, 0, 2);
	ck_assert_uint_eq(notified(&stub, 0), 1);

	/* and back */
	cfg_wr(0, PCI_BASE_ADDRESS_0, FIRST_BAR, 4);
	ck_assert_uint_eq(rd(to + VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);
	ck_assert_uint_eq(rd(FIRST_BAR + VIRTIO_PCI_COMMON_NUMQ, 2), STUB_QUEUES);
}
END_TEST

START_TEST(pci_bar_move_ioeventfd_fails)
{
	const u64 to = 0x60000000;

	/* a hypervisor with ioeventfds that refuses them: notifications exit */
	vdrv_vm.has_ioeventfd = true;
	cfg_wr(0, PCI_BASE_ADDRESS_0, to, 4);
	bar = to;
	start(F_VERSION_1, 2);
	bar_wr(VPCI_NOTIFY + 4, 1, 2);
	bar_wr(VPCI_NOTIFY + 4, 1, 2);
	ck_assert_uint_eq(notified(&stub, 1), 2);
	cfg_wr(0, PCI_BASE_ADDRESS_0, FIRST_BAR, 4);
	wr(FIRST_BAR + VPCI_NOTIFY, 0, 2);
	ck_assert_uint_eq(notified(&stub, 0), 1);
	wr(to + VPCI_NOTIFY, 0, 2);
	ck_assert_uint_eq(notified(&stub, 0), 0);
}
END_TEST

START_TEST(pci_memory_decode)
{
	ck_assert_uint_eq(cfg_rd(0, PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
	cfg_wr(0, PCI_COMMAND, 0, 2);
	ck_assert_uint_eq(cfg_rd(0, PCI_COMMAND, 2), 0);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_COMMON_DF, 4), 0xffffffff);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE, 8), 0xffffffffffffffffULL);
	bar_wr(VIRTIO_PCI_COMMON_STATUS, S_ACK, 1);
	/* the BAR keeps its address while it does not decode */
	ck_assert_uint_eq(cfg_rd(0, PCI_BASE_ADDRESS_0, 4), FIRST_BAR);

	cfg_wr(0, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	ck_assert_uint_eq(bar_rd(VIRTIO_PCI_COMMON_NUMQ, 2), STUB_QUEUES);
	ck_assert_uint_eq(status(), 0);

	/* moved while off: it decodes at the new place once on */
	cfg_wr(0, PCI_COMMAND, 0, 2);
	cfg_wr(0, PCI_BASE_ADDRESS_0, 0x42000000, 4);
	ck_assert_uint_eq(rd(0x42000000 + VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);
	cfg_wr(0, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	ck_assert_uint_eq(rd(0x42000000 + VIRTIO_PCI_COMMON_NUMQ, 2), STUB_QUEUES);
	ck_assert_uint_eq(rd(FIRST_BAR + VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);
}
END_TEST

START_TEST(pci_bar_outside_window)
{
	/* below the window: not the device's (and nothing on the bus there) */
	cfg_wr(0, PCI_BASE_ADDRESS_0, 0x30000000, 4);
	ck_assert_uint_eq(cfg_rd(0, PCI_BASE_ADDRESS_0, 4), 0x30000000);
	ck_assert(!backed(0x30000000));
	ck_assert_uint_eq(rd(FIRST_BAR + VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);

	/* over ECAM: configuration space stays configuration space */
	cfg_wr(0, PCI_BASE_ADDRESS_0, LAYOUT_PCI_CFG_BASE, 4);
	ck_assert_uint_eq(cfg_rd(0, PCI_VENDOR_ID, 2), VENDOR_VIRTIO);
	ck_assert_uint_eq(rd(LAYOUT_PCI_CFG_BASE + PCI_DEVICE_ID, 2), STUB_DEVICE_ID);
	ck_assert_uint_eq(rd(FIRST_BAR + VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);

	/* RAM is not the window */
	cfg_wr(0, PCI_BASE_ADDRESS_0, LAYOUT_RAM_BASE, 4);
	ck_assert_uint_eq(cfg_rd(0, PCI_BASE_ADDRESS_0, 4), LAYOUT_RAM_BASE);
	ck_assert(!backed(LAYOUT_RAM_BASE));
	ck_assert_uint_eq(rd(FIRST_BAR + VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);

	/* the window's last page is */
	cfg_wr(0, PCI_BASE_ADDRESS_0, LAYOUT_RAM_BASE - VPCI_BAR_SIZE, 4);
	ck_assert_uint_eq(rd(LAYOUT_RAM_BASE - VPCI_BAR_SIZE + VIRTIO_PCI_COMMON_NUMQ, 2),
			  STUB_QUEUES);
	/* an access straddling the BAR's start is not the device's */
	ck_assert_uint_eq(rd(LAYOUT_RAM_BASE - VPCI_BAR_SIZE - 2, 4), 0xffffffff);
}
END_TEST

START_TEST(pci_command_register)
{
	/* only memory space, bus master and INTx disable are implemented */
	cfg_wr(0, PCI_COMMAND, 0xffff, 2);
	ck_assert_uint_eq(cfg_rd(0, PCI_COMMAND, 2),
			  PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	/* status: a capability list, nothing else; its RW1C bits have nothing to clear */
	ck_assert_uint_eq(cfg_rd(0, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	cfg_wr(0, PCI_STATUS, 0xffff, 2);
	ck_assert_uint_eq(cfg_rd(0, PCI_COMMAND, 4),
			  PCI_STATUS_CAP_LIST << 16 | PCI_COMMAND_MEMORY |
			  PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	cfg_wr(0, PCI_COMMAND, 0xffff0000 | PCI_COMMAND_IO | PCI_COMMAND_MASTER, 4);
	ck_assert_uint_eq(cfg_rd(0, PCI_COMMAND, 4),
			  PCI_STATUS_CAP_LIST << 16 | PCI_COMMAND_MASTER);
	/* byte writes */
	cfg_wr(0, PCI_COMMAND + 1, PCI_COMMAND_INTX_DISABLE >> 8, 1);
	cfg_wr(0, PCI_COMMAND, PCI_COMMAND_MEMORY, 1);
	ck_assert_uint_eq(cfg_rd(0, PCI_COMMAND, 2),
			  PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE);
	ck_assert_uint_eq(cfg_rd(0, PCI_STATUS, 1), PCI_STATUS_CAP_LIST);
}
END_TEST

START_TEST(pci_interrupt_line_pin)
{
	ck_assert_uint_eq(cfg_rd(0, PCI_INTERRUPT_PIN, 1), 1);	/* INTA */
	ck_assert_uint_eq(cfg_rd(0, PCI_INTERRUPT_LINE, 1), 0);
	cfg_wr(0, PCI_INTERRUPT_LINE, 0x2a, 1);
	ck_assert_uint_eq(cfg_rd(0, PCI_INTERRUPT_LINE, 1), 0x2a);
	/* pin, min_gnt and max_lat are read-only */
	cfg_wr(0, PCI_INTERRUPT_LINE, 0xffffff17, 4);
	ck_assert_uint_eq(cfg_rd(0, PCI_INTERRUPT_LINE, 4), 0x00000117);
	cfg_wr(0, PCI_INTERRUPT_PIN, 0x4, 1);
	ck_assert_uint_eq(cfg_rd(0, PCI_INTERRUPT_PIN, 1), 1);
}
END_TEST

START_TEST(pci_two_devices)
{
	unsigned int d = stub_add(&stub2, STUB_ID + 1, 4);
	u64 bar2;

	ck_assert_uint_eq(d, 1);
	ck_assert_uint_eq(cfg_rd(0, PCI_DEVICE_ID, 2), STUB_DEVICE_ID);
	ck_assert_uint_eq(cfg_rd(1, PCI_DEVICE_ID, 2), STUB_DEVICE_ID + 1);
	ck_assert_uint_eq(cfg_rd(2, PCI_VENDOR_ID, 2), 0xffff);
	/* each its own 4 KiB, naturally aligned, in the window */
	bar2 = cfg_rd(1, PCI_BASE_ADDRESS_0, 4);
	ck_assert_uint_eq(bar, FIRST_BAR);
	ck_assert_uint_eq(bar2, FIRST_BAR + VPCI_BAR_SIZE);
	ck_assert_uint_eq(cfg_rd(1, PCI_COMMAND, 2), PCI_COMMAND_MEMORY);
	/* each its own INTA */
	ck_assert_uint_eq(cfg_rd(1, PCI_INTERRUPT_PIN, 1), 1);

	/* each BAR reaches its own device */
	set_status(S_ACK);
	ck_assert_uint_eq(rd(bar2 + VIRTIO_PCI_COMMON_STATUS, 1), 0);
	ck_assert_uint_eq(rd(bar2 + VPCI_DEVICE, 4), 0x13121110);
	ck_assert_uint_eq(rd(bar2 + VPCI_DEVICE + 4, 4), 0);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 4, 4), 0x17161514);
	wr(bar2 + VPCI_NOTIFY + 4, 1, 2);
	ck_assert_uint_eq(notified(&stub2, 1), 1);
	ck_assert_uint_eq(notified(&stub, 1), 0);

	/* interrupts go to each device's own SPI */
	stub2.vdev.transport->interrupt(&stub2.vdev, NULL);
	stub.vdev.transport->interrupt(&stub.vdev, NULL);
	ck_assert_uint_eq(nr_lines, 2);
	ck_line(0, VDRV_SPI + 1, 1);
	ck_line(1, VDRV_SPI, 1);
}
END_TEST

START_TEST(pci_remove)
{
	unsigned int d = stub_add(&stub2, STUB_ID + 1, 4);
	u64 bar2 = cfg_rd(d, PCI_BASE_ADDRESS_0, 4);

	stub_del(&stub);
	ck_assert_uint_eq(cfg_rd(0, PCI_VENDOR_ID, 4), 0xffffffff);
	ck_assert_uint_eq(cfg_rd(0, PCI_BASE_ADDRESS_0, 4), 0xffffffff);
	ck_assert_uint_eq(cfg_rd(0, 0x40, 4), 0xffffffff);
	ck_assert_uint_eq(rd(FIRST_BAR + VIRTIO_PCI_COMMON_NUMQ, 2), 0xffff);
	ck_assert_uint_eq(rd(FIRST_BAR + VPCI_DEVICE, 4), 0xffffffff);
	/* its number stays taken; the other device is where it was */
	ck_assert_uint_eq(vdrv_vm.pci.nr, 2);
	ck_assert_uint_eq(cfg_rd(1, PCI_DEVICE_ID, 2), STUB_DEVICE_ID + 1);
	ck_assert_uint_eq(rd(bar2 + VIRTIO_PCI_COMMON_NUMQ, 2), STUB_QUEUES);
	/* and the bridge does not put anything else at the freed place */
	cfg_wr(1, PCI_BASE_ADDRESS_0, FIRST_BAR, 4);
	ck_assert_uint_eq(rd(FIRST_BAR + VIRTIO_PCI_COMMON_NUMQ, 2), STUB_QUEUES);
}
END_TEST

/* ---- PCI: the host bridge's device-tree node ---------------------------- */

static u64 blob_words[FDT_MAX_SIZE / sizeof(u64)];
static void *const blob = blob_words;
static struct vcpu vcpus[1];

/* The whole guest device tree of vdrv_vm, as vm.c builds it. */
static void build_fdt(void)
{
	static const u8 seed[72];

	vcpus[0] = (struct vcpu){ .vm = &vdrv_vm, .mpidr = 0x80000000ULL };
	vdrv_vm.vcpus = vcpus;
	memset(blob_words, 0xff, sizeof(blob_words));
	ck_assert_int_eq(fdt__build(&vdrv_vm, NULL, 0, "console=ttyS0", seed, blob), 0);
	ck_assert_int_eq(fdt_check_header(blob), 0);
}

#define PCI_NODE	"/pci@40000000"

/* Property @name of the PCI node is exactly the @n cells @cells. */
static void ck_cells(const char *name, const u32 *cells, unsigned int n)
{
	int off = fdt_path_offset(blob, PCI_NODE), len;
	const fdt32_t *p;
	unsigned int i;

	ck_assert_int_ge(off, 0);
	p = fdt_getprop(blob, off, name, &len);
	ck_assert_msg(p != NULL, "no %s", name);
	ck_assert_int_eq(len, n * 4);
	for (i = 0; i < n; i++)
		ck_assert_msg(fdt32_to_cpu(p[i]) == cells[i], "%s cell %u: 0x%x, not 0x%x",
			      name, i, fdt32_to_cpu(p[i]), cells[i]);
}

static bool has_prop(const char *name)
{
	int off = fdt_path_offset(blob, PCI_NODE);

	ck_assert_int_ge(off, 0);
	return fdt_getprop(blob, off, name, NULL) != NULL;
}

/* What the node has whatever the devices: ECAM, bus 0, the window. */
static void ck_bridge_node(void)
{
	static const u32 reg[] = { 0, LAYOUT_PCI_CFG_BASE, 0, PCI_ECAM_BUS_SIZE };
	static const u32 bus_range[] = { 0, 0 };
	static const u32 ranges[] = {
		0x02000000, 0, LAYOUT_PCI_MMIO_BASE,
		0, LAYOUT_PCI_MMIO_BASE, 0, LAYOUT_RAM_BASE - LAYOUT_PCI_MMIO_BASE,
	};
	static const u32 three = 3, two = 2, one = 1;
	int off = fdt_path_offset(blob, PCI_NODE), len;
	const char *s;

	ck_assert_msg(off >= 0, "no " PCI_NODE ": %s", fdt_strerror(off));
	s = fdt_getprop(blob, off, "compatible", &len);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(len, sizeof("pci-host-ecam-generic"));
	ck_assert_str_eq(s, "pci-host-ecam-generic");
	s = fdt_getprop(blob, off, "device_type", &len);
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(s, "pci");
	ck_cells("#address-cells", &three, 1);
	ck_cells("#size-cells", &two, 1);
	ck_cells("#interrupt-cells", &one, 1);
	ck_cells("reg", reg, ARRAY_SIZE(reg));
	ck_cells("bus-range", bus_range, ARRAY_SIZE(bus_range));
	ck_cells("ranges", ranges, ARRAY_SIZE(ranges));
	ck_assert(has_prop("dma-coherent"));
}

START_TEST(pci_fdt_intx)
{
	static const u32 mask[] = { 0xf800, 0, 0, 7 };
	static const u32 map[] = {
		/* 00:00.0 INTA: GIC SPI 0, level high */
		0x0000, 0, 0, 1, 1, 0, 0, 0, 0, 4,
		/* 00:01.0 INTA: SPI 1 */
		0x0800, 0, 0, 1, 1, 0, 0, 0, 1, 4,
	};

	stub_add(&stub2, STUB_ID, 4);
	build_fdt();
	ck_bridge_node();
	ck_cells("interrupt-map-mask", mask, ARRAY_SIZE(mask));
	ck_cells("interrupt-map", map, ARRAY_SIZE(map));
	ck_assert(!has_prop("msi-map"));
	ck_assert(!has_prop("msi-parent"));
	ck_dtc_clean(blob);
}
END_TEST

START_TEST(pci_fdt_its)
{
	static const u32 map[] = {
		/* the bare function at 00:00.0 has no INTx; the stub's INTA is SPI 0 */
		0x0800, 0, 0, 1, 1, 0, 0, 0, 0, 4,
	};
	/* requester IDs 0 to 255 are ITS DeviceIDs 0 to 255 */
	static const u32 msi_map[] = { 0, 2, 0, 0x100 };
	int its;

	build_fdt();
	ck_bridge_node();
	ck_cells("interrupt-map", map, ARRAY_SIZE(map));
	ck_cells("msi-map", msi_map, ARRAY_SIZE(msi_map));
	/* phandle 2 is the ITS */
	its = fdt_node_offset_by_phandle(blob, 2);
	ck_assert_int_ge(its, 0);
	ck_assert(fdt_getprop(blob, its, "msi-controller", NULL) != NULL);
	ck_dtc_clean(blob);
}
END_TEST

START_TEST(pci_fdt_no_devices)
{
	build_fdt();
	ck_assert_int_lt(fdt_path_offset(blob, PCI_NODE), 0);
	/* nor is anything on the bus: ECAM reads nothing */
	ck_assert(!backed(ECAM(0, 0, 0)));
}
END_TEST

/* ---- virtio-pci: the capabilities (4.1.4) -------------------------------- */

/* The capabilities of device @d in list order, at most @max: how many. */
static unsigned int walk_caps(unsigned int d, u8 *at, unsigned int max)
{
	unsigned int n = 0;
	u8 a = 0;

	while ((a = next_cap(d, a))) {
		ck_assert_uint_lt(n, max);
		/* dword aligned, after the header, inside the conventional space */
		ck_assert_uint_ge(a, PCI_STD_HEADER_SIZEOF);
		ck_assert_uint_eq(a & 3, 0);
		at[n++] = a;
	}
	return n;
}

/* The virtio capability at @at of device @d: @type, @cap_len bytes, BAR 0 [@off, +@len). */
static void ck_vcap(unsigned int d, u8 at, u8 type, u8 cap_len, u32 off, u32 len)
{
	ck_assert_uint_eq(cfg_rd(d, at + VIRTIO_PCI_CAP_VNDR, 1), PCI_CAP_ID_VNDR);
	ck_assert_uint_eq(cfg_rd(d, at + VIRTIO_PCI_CAP_LEN, 1), cap_len);
	ck_assert_uint_eq(cfg_rd(d, at + VIRTIO_PCI_CAP_CFG_TYPE, 1), type);
	ck_assert_uint_eq(cfg_rd(d, at + VIRTIO_PCI_CAP_BAR, 1), 0);
	ck_assert_uint_eq(cfg_rd(d, at + VIRTIO_PCI_CAP_OFFSET, 4), off);
	ck_assert_uint_eq(cfg_rd(d, at + VIRTIO_PCI_CAP_LENGTH, 4), len);
	ck_assert_uint_le(off + len, VPCI_BAR_SIZE);
}

/* The virtio capabilities every device has, from at[0]; the device config's if @cfg_len. */
static unsigned int ck_vcaps(unsigned int d, const u8 *at, u32 cfg_len)
{
	unsigned int i = 0;
	u8 notify;

	ck_vcap(d, at[i++], VIRTIO_PCI_CAP_COMMON_CFG, 16, VPCI_COMMON, 0x40);
	notify = at[i];
	ck_vcap(d, at[i++], VIRTIO_PCI_CAP_NOTIFY_CFG, 20, VPCI_NOTIFY, STUB_QUEUES * 4);
	ck_assert_uint_eq(cfg_rd(d, notify + VIRTIO_PCI_NOTIFY_CAP_MULT, 4), 4);
	ck_vcap(d, at[i++], VIRTIO_PCI_CAP_ISR_CFG, 16, VPCI_ISR, 1);
	if (cfg_len)
		ck_vcap(d, at[i++], VIRTIO_PCI_CAP_DEVICE_CFG, 16, VPCI_DEVICE, cfg_len);
	/* 4.1.4.9: the PCI_CFG window starts empty */
	ck_vcap(d, at[i++], VIRTIO_PCI_CAP_PCI_CFG, 20, 0, 0);
	ck_assert_uint_eq(cfg_rd(d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST, PCI_STATUS_CAP_LIST);
	return i;
}

START_TEST(vpci_caps_intx)
{
	u8 at[16];
	unsigned int n = walk_caps(0, at, ARRAY_SIZE(at));

	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(ck_vcaps(0, at, STUB_CONFIG), 5);
	/* no ITS: no MSI-X */
	ck_assert_uint_eq(find_cap(0, PCI_CAP_ID_MSIX), 0);
	ck_assert_uint_eq(find_cap(0, PCI_CAP_ID_MSI), 0);
}
END_TEST

START_TEST(vpci_caps_msix)
{
	u8 at[16];
	unsigned int n = walk_caps(dn, at, ARRAY_SIZE(at));

	ck_assert_uint_eq(n, 6);
	ck_assert_uint_eq(ck_vcaps(dn, at, STUB_CONFIG), 5);
	ck_assert_uint_eq(at[5], cap_msix);
	ck_assert_uint_eq(cfg_rd(dn, cap_msix, 1), PCI_CAP_ID_MSIX);
	ck_assert_uint_eq(cfg_rd(dn, cap_msix + PCI_CAP_LIST_NEXT, 1), 0);
}
END_TEST

START_TEST(vpci_caps_no_device_cfg)
{
	unsigned int d = stub_add(&stub2, STUB_ID, 0);
	u8 at[16];

	ck_assert_uint_eq(walk_caps(d, at, ARRAY_SIZE(at)), 4);
	ck_assert_uint_eq(ck_vcaps(d, at, 0), 4);
	ck_assert_uint_eq(find_vcap(d, VIRTIO_PCI_CAP_DEVICE_CFG), 0);
	/* and its BAR has no device configuration */
	bar = cfg_rd(d, PCI_BASE_ADDRESS_0, 4);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE, 4), 0);
	bar_wr(VPCI_DEVICE, 0x55, 1);
	ck_assert_uint_eq(stub2.config_writes, 0);
}
END_TEST

/* ---- virtio-pci: the common configuration (4.1.4.3) ----------------------- */

START_TEST(vpci_device_features)
{
	ck_assert_uint_eq(device_features(),
			  STUB_FEATURES | F_INDIRECT | F_EVENT_IDX | F_VERSION_1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DFSELECT, 4), 1);
	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 2, 4);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DF, 4), 0);
	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 0xffffffff, 4);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DFSELECT, 4), 0xffffffff);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DF, 4), 0);
	/* read-only */
	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 0, 4);
	common_wr(VIRTIO_PCI_COMMON_DF, 0xffffffff, 4);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DF, 4),
			  (u32)(STUB_FEATURES | F_INDIRECT | F_EVENT_IDX));
}
END_TEST

START_TEST(vpci_driver_features)
{
	const u64 f = F_VERSION_1 | F_EVENT_IDX | (1ULL << 5);

	set_status(S_ACK);
	set_status(S_DRIVER);
	write_features(f);
	ck_assert_uint_eq(stub.vdev.driver_features, f);
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 0, 4);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_GF, 4), (u32)f);
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 1, 4);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_GFSELECT, 4), 1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_GF, 4), f >> 32);
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 2, 4);
	common_wr(VIRTIO_PCI_COMMON_GF, 0xffffffff, 4);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_GF, 4), 0);
	ck_assert_uint_eq(stub.vdev.driver_features, f);
	set_status(S_FEATURES);
	ck_assert_uint_eq(status(), S_FEATURES);
	/* fixed from FEATURES_OK on */
	write_features(F_VERSION_1);
	ck_assert_uint_eq(stub.vdev.driver_features, f);

	/* unoffered ones, or no VERSION_1, are refused */
	set_status(0);
	ck_assert(!negotiate(F_VERSION_1 | (1ULL << 1)));
	ck_assert_uint_eq(status(), S_DRIVER);
	set_status(0);
	ck_assert(!negotiate(STUB_FEATURES));
	ck_assert_uint_eq(status(), S_DRIVER);
}
END_TEST

START_TEST(vpci_num_queues)
{
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_NUMQ, 2), STUB_QUEUES);
	common_wr(VIRTIO_PCI_COMMON_NUMQ, 5, 2);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_NUMQ, 2), STUB_QUEUES);
}
END_TEST

START_TEST(vpci_queue_size)
{
	/* 4.1.4.3.2: the largest size after a reset */
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SELECT, 2), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), STUB_QUEUE_MAX);
	select_queue(1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SELECT, 2), 1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), STUB_QUEUE_MAX);
	ck_assert(negotiate(F_VERSION_1));
	/* the driver may make it smaller */
	select_queue(0);
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, QSIZE, 2);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), QSIZE);
	ck_assert_uint_eq(stub.vdev.vqs[0].size, QSIZE);
	select_queue(1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), STUB_QUEUE_MAX);
	/* not once the queue is enabled */
	setup_queue(0);
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, 4, 2);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), QSIZE);
	ck_assert_uint_eq(stub.vdev.vqs[0].size, QSIZE);
}
END_TEST

START_TEST(vpci_queue_notify_off)
{
	unsigned int q;

	for (q = 0; q < STUB_QUEUES; q++) {
		select_queue(q);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_NOFF, 2), q);
		common_wr(VIRTIO_PCI_COMMON_Q_NOFF, 7, 2);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_NOFF, 2), q);
	}
	/* neither VIRTIO_F_NOTIF_CONFIG_DATA nor RING_RESET: both read 0 */
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_NDATA, 2), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_RESET, 2), 0);
}
END_TEST

START_TEST(vpci_notify)
{
	start(F_VERSION_1, 2);
	/* 4.1.4.4: queue n at cap.offset + queue_notify_off * 4; the driver writes n */
	bar_wr(VPCI_NOTIFY + 4, 1, 2);
	bar_wr(VPCI_NOTIFY + 4, 1, 2);
	ck_assert_uint_eq(notified(&stub, 0), 0);
	ck_assert_uint_eq(notified(&stub, 1), 2);
	bar_wr(VPCI_NOTIFY, 0, 2);
	ck_assert_uint_eq(notified(&stub, 0), 1);
	/* past the last queue: nobody */
	bar_wr(VPCI_NOTIFY + 4 * STUB_QUEUES, STUB_QUEUES, 2);
	bar_wr(VPCI_NOTIFY + 4 * 7, 7, 2);
	ck_assert_uint_eq(notified(&stub, 0), 0);
	ck_assert_uint_eq(notified(&stub, 1), 0);
}
END_TEST

START_TEST(vpci_queue_addresses)
{
	struct virtqueue *q = &stub.vdev.vqs[1];

	ck_assert(negotiate(F_VERSION_1));
	select_queue(1);
	/* by 32-bit halves */
	common_wr(VIRTIO_PCI_COMMON_Q_DESCLO, 0x9abcdef0, 4);
	ck_assert_uint_eq(q->desc_gpa, 0x9abcdef0ULL);
	common_wr(VIRTIO_PCI_COMMON_Q_DESCHI, 0x12345678, 4);
	ck_assert_uint_eq(q->desc_gpa, 0x123456789abcdef0ULL);
	common_wr(VIRTIO_PCI_COMMON_Q_DESCLO, 0x1000, 4);
	ck_assert_uint_eq(q->desc_gpa, 0x1234567800001000ULL);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESCLO, 4), 0x1000);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESCHI, 4), 0x12345678);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESCLO, 8), 0x1234567800001000ULL);
	/* by 64-bit writes */
	common_wr(VIRTIO_PCI_COMMON_Q_AVAILLO, 0x0fedcba987654320ULL, 8);
	ck_assert_uint_eq(q->avail_gpa, 0x0fedcba987654320ULL);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_AVAILLO, 4), 0x87654320);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_AVAILHI, 4), 0x0fedcba9);
	common_wr(VIRTIO_PCI_COMMON_Q_USEDLO, 0x1122334455667788ULL, 8);
	ck_assert_uint_eq(q->used_gpa, 0x1122334455667788ULL);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_USEDLO, 8), 0x1122334455667788ULL);
	common_wr(VIRTIO_PCI_COMMON_Q_USEDHI, 0, 4);
	ck_assert_uint_eq(q->used_gpa, 0x55667788ULL);
	/* a 64-bit access straddling two fields is not one */
	common_wr(VIRTIO_PCI_COMMON_Q_DESCHI, 0xffffffffffffffffULL, 8);
	ck_assert_uint_eq(q->desc_gpa, 0x1234567800001000ULL);
	ck_assert_uint_eq(q->avail_gpa, 0x0fedcba987654320ULL);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESCHI, 8), 0);
	/* queue 0's are its own */
	ck_assert_uint_eq(stub.vdev.vqs[0].desc_gpa, 0);
	ck_assert_uint_eq(stub.vdev.vqs[0].avail_gpa, 0);
	ck_assert_uint_eq(stub.vdev.vqs[0].used_gpa, 0);
}
END_TEST

START_TEST(vpci_queue_enable)
{
	struct virtqueue *q = &stub.vdev.vqs[0];

	ck_assert(negotiate(F_VERSION_1 | F_EVENT_IDX));
	select_queue(0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, QSIZE, 2);
	common_wr(VIRTIO_PCI_COMMON_Q_DESCLO, vdrv_q[0].desc_gpa, 8);
	common_wr(VIRTIO_PCI_COMMON_Q_AVAILLO, vdrv_q[0].avail_gpa, 8);
	common_wr(VIRTIO_PCI_COMMON_Q_USEDLO, vdrv_q[0].used_gpa, 8);
	ck_assert(!q->ready);
	common_wr(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 1);
	ck_assert(q->ready);
	ck_assert_uint_eq(q->size, QSIZE);
	ck_assert_ptr_eq(q->desc, vdrv_hva(vdrv_q[0].desc_gpa));
	ck_assert_ptr_eq(q->avail, vdrv_hva(vdrv_q[0].avail_gpa));
	ck_assert_ptr_eq(q->used, vdrv_hva(vdrv_q[0].used_gpa));
	ck_assert(q->event_idx);
	ck_assert_uint_eq(status(), S_FEATURES);
	/* its addresses are fixed while it is enabled */
	common_wr(VIRTIO_PCI_COMMON_Q_DESCLO, vdrv_q[0].desc_gpa + 0x100, 8);
	common_wr(VIRTIO_PCI_COMMON_Q_USEDLO, 0x100, 4);
	ck_assert_uint_eq(q->desc_gpa, vdrv_q[0].desc_gpa);
	ck_assert_uint_eq(q->used_gpa, vdrv_q[0].used_gpa);
	select_queue(1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
	ck_assert(!stub.vdev.vqs[1].ready);
}
END_TEST

START_TEST(vpci_queue_enable_before_features_ok)
{
	set_status(S_ACK);
	set_status(S_DRIVER);
	select_queue(0);
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, QSIZE, 2);
	common_wr(VIRTIO_PCI_COMMON_Q_DESCLO, vdrv_q[0].desc_gpa, 8);
	common_wr(VIRTIO_PCI_COMMON_Q_AVAILLO, vdrv_q[0].avail_gpa, 8);
	common_wr(VIRTIO_PCI_COMMON_Q_USEDLO, vdrv_q[0].used_gpa, 8);
	common_wr(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
	ck_assert_uint_eq(status(), S_DRIVER | S_NEEDS_RESET);
	/* no DRIVER_OK yet: no configuration change interrupt */
	ck_assert_uint_eq(nr_lines, 0);
	ck_assert_uint_eq(isr(), 0);
}
END_TEST

START_TEST(vpci_driver_ok_starts)
{
	set_status(S_ACK);
	ck_assert_uint_eq(status(), S_ACK);
	set_status(S_DRIVER);
	ck_assert_uint_eq(status(), S_DRIVER);
	write_features(F_VERSION_1);
	set_status(S_FEATURES);
	ck_assert_uint_eq(status(), S_FEATURES);
	setup_queue(0);
	ck_assert_uint_eq(stub.starts, 0);
	set_status(S_RUNNING);
	ck_assert_uint_eq(status(), S_RUNNING);
	ck_assert_uint_eq(stub.starts, 1);
	/* once */
	set_status(S_RUNNING);
	ck_assert_uint_eq(stub.starts, 1);
	ck_assert_uint_eq(nr_lines, 0);
	ck_assert_uint_eq(nr_msis, 0);
	ck_assert_uint_eq(isr(), 0);

	/* a start that fails: NEEDS_RESET and a config interrupt */
	set_status(0);
	stub.start_ret = -EIO;
	ck_assert(negotiate(F_VERSION_1));
	set_status(S_RUNNING);
	ck_assert_uint_eq(stub.starts, 2);
	ck_assert_uint_eq(status(), S_RUNNING | S_NEEDS_RESET);
	ck_assert_uint_eq(nr_lines, 1);
	ck_line(0, VDRV_SPI, 1);
	ck_assert_uint_eq(isr(), ISR_CONFIG);
}
END_TEST

START_TEST(vpci_reset)
{
	unsigned int q;

	start(F_VERSION_1, 2);
	common_wr(VIRTIO_PCI_COMMON_MSIX, 0, 2);
	for (q = 0; q < STUB_QUEUES; q++) {
		select_queue(q);
		common_wr(VIRTIO_PCI_COMMON_Q_MSIX, q + 1, 2);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), q + 1);
	}
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_MSIX, 2), 0);
	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 1, 4);
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 1, 4);

	set_status(0);
	ck_assert_uint_eq(stub.resets, 1);
	ck_assert_uint_eq(status(), 0);
	ck_assert_uint_eq(stub.vdev.driver_features, 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SELECT, 2), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DFSELECT, 4), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_GFSELECT, 4), 0);
	/* 4.1.5.1.2.1: every event unmapped */
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_MSIX, 2), NO_VECTOR);
	for (q = 0; q < STUB_QUEUES; q++) {
		select_queue(q);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), STUB_QUEUE_MAX);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), NO_VECTOR);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESCLO, 8), 0);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_AVAILLO, 8), 0);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_USEDLO, 8), 0);
		ck_assert(!stub.vdev.vqs[q].ready);
	}

	/* and the device works again */
	vdrv_zero_rings(0);
	start(F_VERSION_1, 1);
	ck_assert_uint_eq(stub.starts, 2);
}
END_TEST

START_TEST(vpci_common_widths)
{
	/* 4.1.3.1: each field at its own width (and 64-bit ones by halves) */
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DF, 2), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DF, 1), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DFSELECT, 8), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_NUMQ, 4), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_NUMQ, 1), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 4), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 1), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE + 1, 1), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESCLO, 2), 0);
	set_status(S_ACK);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_STATUS, 2), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_STATUS, 4), 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_STATUS, 1), S_ACK);
	/* nothing past queue_reset */
	ck_assert_uint_eq(common_rd(0x3c, 4), 0);
	ck_assert_uint_eq(common_rd(0x3e, 2), 0);

	common_wr(VIRTIO_PCI_COMMON_STATUS, S_DRIVER, 2);
	common_wr(VIRTIO_PCI_COMMON_STATUS, S_DRIVER, 4);
	common_wr(VIRTIO_PCI_COMMON_NUMQ, S_DRIVER << 16, 4);
	ck_assert_uint_eq(status(), S_ACK);
	common_wr(VIRTIO_PCI_COMMON_STATUS, 0, 2);
	ck_assert_uint_eq(stub.resets, 0);
	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 1, 2);
	common_wr(VIRTIO_PCI_COMMON_DFSELECT, 1, 1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_DFSELECT, 4), 0);
	common_wr(VIRTIO_PCI_COMMON_Q_SELECT, 1, 1);
	common_wr(VIRTIO_PCI_COMMON_Q_SELECT, 1, 4);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SELECT, 2), 0);

	set_status(S_DRIVER);
	common_wr(VIRTIO_PCI_COMMON_GFSELECT, 0, 4);
	common_wr(VIRTIO_PCI_COMMON_GF, 0x20, 2);
	common_wr(VIRTIO_PCI_COMMON_GF, 0x20, 8);
	ck_assert_uint_eq(stub.vdev.driver_features, 0);
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, 4, 4);
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, 4, 1);
	ck_assert_uint_eq(stub.vdev.vqs[0].size, STUB_QUEUE_MAX);
	common_wr(VIRTIO_PCI_COMMON_Q_DESCLO, 0x1000, 2);
	common_wr(VIRTIO_PCI_COMMON_Q_DESCLO + 2, 0x1000, 2);
	common_wr(VIRTIO_PCI_COMMON_Q_DESCLO + 4, 0x1000, 8);
	ck_assert_uint_eq(stub.vdev.vqs[0].desc_gpa, 0);
	common_wr(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 4);
	ck_assert(!stub.vdev.vqs[0].ready);
	ck_assert_uint_eq(status(), S_DRIVER);
}
END_TEST

START_TEST(vpci_queue_select_beyond)
{
	static const u16 sel[] = { STUB_QUEUES, VIRTQ_MAX_QUEUES, 0xffff };
	unsigned int i, q;

	ck_assert(negotiate(F_VERSION_1));
	for (i = 0; i < ARRAY_SIZE(sel); i++) {
		select_queue(sel[i]);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SELECT, 2), sel[i]);
		/* 4.1.4.3: a queue_size of 0, the queue is not there */
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), 0);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), NO_VECTOR);
		common_wr(VIRTIO_PCI_COMMON_Q_SIZE, QSIZE, 2);
		common_wr(VIRTIO_PCI_COMMON_Q_DESCLO, vdrv_q[0].desc_gpa, 8);
		common_wr(VIRTIO_PCI_COMMON_Q_AVAILLO, vdrv_q[0].avail_gpa, 8);
		common_wr(VIRTIO_PCI_COMMON_Q_USEDLO, vdrv_q[0].used_gpa, 8);
		common_wr(VIRTIO_PCI_COMMON_Q_MSIX, 0, 2);
		common_wr(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_SIZE, 2), 0);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_DESCLO, 8), 0);
		ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_ENABLE, 2), 0);
	}
	ck_assert_uint_eq(status(), S_FEATURES);
	for (q = 0; q < VIRTQ_MAX_QUEUES; q++) {
		ck_assert(!stub.vdev.vqs[q].ready);
		ck_assert_uint_eq(stub.vdev.vqs[q].desc_gpa, 0);
	}
	ck_assert_uint_eq(stub.vdev.vqs[0].size, STUB_QUEUE_MAX);
	ck_assert_uint_eq(stub.vdev.vqs[1].size, STUB_QUEUE_MAX);
}
END_TEST

START_TEST(vpci_config_generation)
{
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_CFGGENERATION, 1), 0);
	stub.vdev.config_generation = 7;
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_CFGGENERATION, 1), 7);
	stub.vdev.config_generation = 0x1ff;
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_CFGGENERATION, 1), 0xff);
	common_wr(VIRTIO_PCI_COMMON_CFGGENERATION, 0, 1);
	ck_assert_uint_eq(stub.vdev.config_generation, 0x1ff);
}
END_TEST

START_TEST(vpci_device_config)
{
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE, 1), 0x10);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 3, 1), 0x13);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 11, 1), 0x1b);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 2, 2), 0x1312);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 4, 4), 0x17161514);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 8, 4), 0x1b1a1918);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE, 8), 0x1716151413121110ULL);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 1, 2), 0x1211);
	/* nothing past its end */
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 12, 1), 0);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 12, 4), 0);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 0xfc, 4), 0);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 8, 8), 0);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 10, 4), 0);

	bar_wr(VPCI_DEVICE + 4, 0xbeef, 2);
	ck_assert_uint_eq(stub.config_writes, 1);
	ck_assert_uint_eq(stub.write_off, 4);
	ck_assert_uint_eq(stub.write_len, 2);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 4, 4), 0x1716beef);
	bar_wr(VPCI_DEVICE + 8, 0x44332211, 4);
	ck_assert_uint_eq(stub.config_writes, 2);
	ck_assert_uint_eq(stub.write_off, 8);
	ck_assert_uint_eq(stub.write_len, 4);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 8, 4), 0x44332211);
	bar_wr(VPCI_DEVICE + 11, 0xffff, 2);
	bar_wr(VPCI_DEVICE + 12, 0xff, 1);
	bar_wr(VPCI_DEVICE + 0xf8, 0xff, 8);
	ck_assert_uint_eq(stub.config_writes, 2);
	ck_assert_uint_eq(stub.config[12], 0xff);
}
END_TEST

/* ---- virtio-pci: the PCI configuration access capability (4.1.4.9) ------ */

/* Point the window at @len bytes at @off of BAR @b. */
static void window(u8 b, u32 off, u32 len)
{
	cfg_wr(dn, cap_pci_cfg + VIRTIO_PCI_CAP_BAR, b, 1);
	cfg_wr(dn, cap_pci_cfg + VIRTIO_PCI_CAP_OFFSET, off, 4);
	cfg_wr(dn, cap_pci_cfg + VIRTIO_PCI_CAP_LENGTH, len, 4);
}

static u32 window_rd(void)
{
	return cfg_rd(dn, cap_pci_cfg + 16, 4);
}

static void window_wr(u32 v)
{
	cfg_wr(dn, cap_pci_cfg + 16, v, 4);
}

START_TEST(vpci_pci_cfg_window)
{
	ck_assert_uint_ne(cap_pci_cfg, 0);
	/* the driver's bar, offset and length, read back */
	window(0, VIRTIO_PCI_COMMON_STATUS, 1);
	ck_assert_uint_eq(cfg_rd(dn, cap_pci_cfg + VIRTIO_PCI_CAP_BAR, 1), 0);
	ck_assert_uint_eq(cfg_rd(dn, cap_pci_cfg + VIRTIO_PCI_CAP_OFFSET, 4),
			  VIRTIO_PCI_COMMON_STATUS);
	ck_assert_uint_eq(cfg_rd(dn, cap_pci_cfg + VIRTIO_PCI_CAP_LENGTH, 4), 1);
	/* the rest of the capability is not */
	cfg_wr(dn, cap_pci_cfg + VIRTIO_PCI_CAP_CFG_TYPE, 1, 1);
	cfg_wr(dn, cap_pci_cfg + VIRTIO_PCI_CAP_LEN, 0x40, 1);
	ck_assert_uint_eq(cfg_rd(dn, cap_pci_cfg + VIRTIO_PCI_CAP_CFG_TYPE, 1),
			  VIRTIO_PCI_CAP_PCI_CFG);
	ck_assert_uint_eq(cfg_rd(dn, cap_pci_cfg + VIRTIO_PCI_CAP_LEN, 1), 20);

	/* reads: device_status, num_queues, the device configuration */
	set_status(S_ACK);
	ck_assert_uint_eq(window_rd(), S_ACK);
	window(0, VIRTIO_PCI_COMMON_NUMQ, 2);
	ck_assert_uint_eq(window_rd(), STUB_QUEUES);
	window(0, VPCI_DEVICE, 4);
	ck_assert_uint_eq(window_rd(), 0x13121110);
	window(0, VPCI_DEVICE + 2, 2);
	ck_assert_uint_eq(window_rd(), 0x1312);
	window(0, VPCI_DEVICE + 11, 1);
	ck_assert_uint_eq(window_rd(), 0x1b);

	/* 4.1.4.9.1: any access to pci_cfg_data goes through, at cap.length */
	window(0, VIRTIO_PCI_COMMON_STATUS, 1);
	ck_assert_uint_eq(cfg_rd(dn, cap_pci_cfg + 16, 1), S_ACK);
	ck_assert_uint_eq(cfg_rd(dn, cap_pci_cfg + 16, 2), S_ACK);

	/* writes: device_status, the device configuration, a notification */
	window(0, VIRTIO_PCI_COMMON_STATUS, 1);
	window_wr(S_DRIVER);
	ck_assert_uint_eq(status(), S_DRIVER);
	window(0, VPCI_DEVICE + 4, 2);
	window_wr(0xbeef);
	ck_assert_uint_eq(stub.config_writes, 1);
	ck_assert_uint_eq(stub.write_off, 4);
	ck_assert_uint_eq(stub.write_len, 2);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE + 4, 4), 0x1716beef);
	window(0, VPCI_NOTIFY + 4, 2);
	window_wr(1);
	ck_assert_uint_eq(notified(&stub, 1), 1);
	/* a 1-byte write of 0 to device_status through it: a reset */
	window(0, VIRTIO_PCI_COMMON_STATUS, 1);
	cfg_wr(dn, cap_pci_cfg + 16, 0, 1);
	ck_assert_uint_eq(status(), 0);
}
END_TEST

START_TEST(vpci_pci_cfg_window_bad)
{
	static const struct {
		u8	bar;
		u32	off, len;
	} bad[] = {
		{ 1, VIRTIO_PCI_COMMON_STATUS, 1 },	/* no such BAR */
		{ 5, VIRTIO_PCI_COMMON_STATUS, 1 },
		{ 0, VIRTIO_PCI_COMMON_STATUS, 0 },	/* lengths 1, 2, 4 only */
		{ 0, VIRTIO_PCI_COMMON_STATUS, 3 },
		{ 0, VPCI_DEVICE, 3 },
		{ 0, VIRTIO_PCI_COMMON_STATUS, 8 },
		{ 0, VPCI_DEVICE + 1, 2 },		/* unaligned */
		{ 0, VPCI_DEVICE + 2, 4 },
		{ 0, VPCI_BAR_SIZE, 1 },		/* past the BAR */
		{ 0, 0xfffffffc, 4 },
	};
	unsigned int i;

	set_status(S_ACK);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		window(bad[i].bar, bad[i].off, bad[i].len);
		/* no BAR access: pci_cfg_data holds what the driver last wrote */
		ck_assert_msg(window_rd() == (i ? 0xbeef : 0), "case %u read 0x%x", i,
			      window_rd());
		window_wr(0x3);
		window_wr(0xbeef);
	}
	ck_assert_uint_eq(status(), S_ACK);
	ck_assert_uint_eq(stub.config_writes, 0);
	ck_assert_uint_eq(bar_rd(VPCI_DEVICE, 8), 0x1716151413121110ULL);
}
END_TEST

/* ---- virtio-pci: INTx (4.1.4.5) ----------------------------------------- */

START_TEST(vpci_intx_used_buffer)
{
	start(F_VERSION_1, 1);
	ck_assert_uint_eq(nr_lines, 0);
	stub_use(0);
	ck_assert_uint_eq(nr_lines, 1);
	ck_line(0, VDRV_SPI, 1);
	/* level-triggered: held, not pulsed, until the driver reads the ISR */
	stub_use(0);
	ck_assert_uint_eq(nr_lines, 1);
	ck_assert_uint_eq(isr(), ISR_QUEUE);
	ck_assert_uint_eq(nr_lines, 2);
	ck_line(1, VDRV_SPI, 0);
	ck_assert_uint_eq(isr(), 0);
	ck_assert_uint_eq(nr_lines, 2);
	ck_assert_uint_eq(nr_msis, 0);

	/* the driver asked for none */
	vdrv_q[0].avail->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	stub_use(0);
	ck_assert_uint_eq(nr_lines, 2);
	ck_assert_uint_eq(isr(), 0);
}
END_TEST

START_TEST(vpci_intx_config)
{
	start(F_VERSION_1, 1);
	virtio_dev__fail(&stub.vdev, "test");
	ck_assert_uint_eq(status(), S_RUNNING | S_NEEDS_RESET);
	ck_assert_uint_eq(nr_lines, 1);
	ck_line(0, VDRV_SPI, 1);
	ck_assert_uint_eq(isr(), ISR_CONFIG);
	ck_assert_uint_eq(nr_lines, 2);
	ck_line(1, VDRV_SPI, 0);

	/* both causes at once, one read clears both */
	stub_use(0);
	stub.vdev.transport->interrupt(&stub.vdev, NULL);
	ck_assert_uint_eq(nr_lines, 3);
	ck_assert_uint_eq(isr(), ISR_QUEUE | ISR_CONFIG);
	ck_assert_uint_eq(nr_lines, 4);
	ck_assert_uint_eq(isr(), 0);
	/* the ISR's other bytes read 0 and do not clear it */
	stub.vdev.transport->interrupt(&stub.vdev, NULL);
	ck_assert_uint_eq(bar_rd(VPCI_ISR + 1, 1), 0);
	ck_assert_uint_eq(nr_lines, 5);
	ck_assert_uint_eq(isr(), ISR_CONFIG);
	ck_assert_uint_eq(nr_msis, 0);
}
END_TEST

START_TEST(vpci_intx_disable)
{
	start(F_VERSION_1, 1);
	cfg_wr(0, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE, 2);
	stub_use(0);
	stub.vdev.transport->interrupt(&stub.vdev, NULL);
	ck_assert_uint_eq(nr_lines, 0);
	/* the ISR still says why */
	ck_assert_uint_eq(isr(), ISR_QUEUE | ISR_CONFIG);
	ck_assert_uint_eq(nr_lines, 0);
}
END_TEST

START_TEST(vpci_intx_disable_deasserts)
{
	/*
	 * VIRTIO 1.2 4.1.4.5.1: INTx asserts and deasserts "unless masked
	 * according to standard PCI rules"; PCIe 7.5.1.1.3 (Command, Interrupt
	 * Disable): "Any INTx emulation interrupts already asserted by the
	 * Function must be deasserted when this bit is Set".  Clearing it
	 * lets a pending one assert again.
	 */
	start(F_VERSION_1, 1);
	stub_use(0);
	ck_assert_uint_eq(nr_lines, 1);
	cfg_wr(0, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE, 2);
	ck_assert_msg(nr_lines == 2, "INTx still asserted after Interrupt Disable was set");
	ck_line(1, VDRV_SPI, 0);
	cfg_wr(0, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	ck_assert_msg(nr_lines == 3,
		      "a pending INTx not asserted after Interrupt Disable was cleared");
	ck_line(2, VDRV_SPI, 1);
	ck_assert_uint_eq(isr(), ISR_QUEUE);
	ck_assert_uint_eq(nr_lines, 4);
	ck_line(3, VDRV_SPI, 0);
}
END_TEST

START_TEST(vpci_intx_status_bit)
{
	/*
	 * VIRTIO 1.2 4.1.4.5.1: without MSI-X the Interrupt Status bit of the
	 * PCI Status register is the logical OR of the ISR's bits (PCI 3.0
	 * 6.2.3: it reflects the interrupt whatever Interrupt Disable says).
	 */
	start(F_VERSION_1, 1);
	ck_assert_uint_eq(cfg_rd(0, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
	stub_use(0);
	ck_assert_uint_eq(cfg_rd(0, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT,
			  PCI_STATUS_INTERRUPT);
	ck_assert_uint_eq(isr(), ISR_QUEUE);
	ck_assert_uint_eq(cfg_rd(0, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, 0);
}
END_TEST

START_TEST(vpci_intx_reset_lowers_line)
{
	start(F_VERSION_1, 1);
	stub_use(0);
	ck_assert_uint_eq(nr_lines, 1);
	set_status(0);
	ck_assert_uint_eq(nr_lines, 2);
	ck_line(1, VDRV_SPI, 0);
	ck_assert_uint_eq(isr(), 0);
}
END_TEST

START_TEST(vpci_intx_no_vectors)
{
	/* no MSI-X: no vector can be mapped */
	common_wr(VIRTIO_PCI_COMMON_MSIX, 0, 2);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_MSIX, 2), NO_VECTOR);
	common_wr(VIRTIO_PCI_COMMON_Q_MSIX, 0, 2);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), NO_VECTOR);
	/* and BAR 0 has no table */
	bar_wr(VPCI_MSIX_TABLE + PCI_MSIX_ENTRY_DATA, 0x55, 4);
	ck_assert_uint_eq(bar_rd(VPCI_MSIX_TABLE + PCI_MSIX_ENTRY_DATA, 4), 0);
	ck_assert_uint_eq(bar_rd(VPCI_MSIX_TABLE + PCI_MSIX_ENTRY_VECTOR_CTRL, 4), 0);
}
END_TEST

/* ---- virtio-pci: MSI-X -------------------------------------------------- */

#define MSI_ADDR(v)	(0x100000000ULL * ((v) + 1) + 0x3ffa0040)
#define MSI_DATA(v)	(0x40 + (v))
#define DEVID		(1 << 3)	/* 00:01.0 */

static void msix_entry(unsigned int v, u64 addr, u32 data, bool masked)
{
	u64 e = VPCI_MSIX_TABLE + PCI_MSIX_ENTRY_SIZE * v;

	bar_wr(e + PCI_MSIX_ENTRY_LOWER_ADDR, (u32)addr, 4);
	bar_wr(e + PCI_MSIX_ENTRY_UPPER_ADDR, addr >> 32, 4);
	bar_wr(e + PCI_MSIX_ENTRY_DATA, data, 4);
	bar_wr(e + PCI_MSIX_ENTRY_VECTOR_CTRL, masked, 4);
}

static void msix_mask(unsigned int v, bool masked)
{
	bar_wr(VPCI_MSIX_TABLE + PCI_MSIX_ENTRY_SIZE * v + PCI_MSIX_ENTRY_VECTOR_CTRL,
	       masked, 4);
}

static u32 msix_entry_rd(unsigned int v, u32 field)
{
	return bar_rd(VPCI_MSIX_TABLE + PCI_MSIX_ENTRY_SIZE * v + field, 4);
}

static void msix_control(u16 flags)
{
	cfg_wr(dn, cap_msix + PCI_MSIX_FLAGS, flags, 2);
}

static u16 msix_flags(void)
{
	return cfg_rd(dn, cap_msix + PCI_MSIX_FLAGS, 2);
}

static u32 pba(void)
{
	return bar_rd(VPCI_MSIX_PBA, 4);
}

/* As Linux does: bus master, every entry programmed and unmasked, MSI-X on. */
static void msix_on(void)
{
	unsigned int v;

	cfg_wr(dn, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	msix_control(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	for (v = 0; v < STUB_VECTORS; v++)
		msix_entry(v, MSI_ADDR(v), MSI_DATA(v), false);
	msix_control(PCI_MSIX_FLAGS_ENABLE);
}

static void set_queue_vector(u16 q, u16 v)
{
	select_queue(q);
	common_wr(VIRTIO_PCI_COMMON_Q_MSIX, v, 2);
}

START_TEST(vpci_msix_capability)
{
	unsigned int v;

	ck_assert_uint_ne(cap_msix, 0);
	/* N - 1 in the table size: a vector per queue and one for config */
	ck_assert_uint_eq(msix_flags(), STUB_VECTORS - 1);
	ck_assert_uint_eq(cfg_rd(dn, cap_msix + PCI_MSIX_TABLE, 4), VPCI_MSIX_TABLE | 0);
	ck_assert_uint_eq(cfg_rd(dn, cap_msix + PCI_MSIX_PBA, 4), VPCI_MSIX_PBA | 0);
	/* entries start masked */
	for (v = 0; v < STUB_VECTORS; v++) {
		ck_assert_uint_eq(msix_entry_rd(v, PCI_MSIX_ENTRY_VECTOR_CTRL),
				  PCI_MSIX_ENTRY_CTRL_MASKBIT);
		ck_assert_uint_eq(msix_entry_rd(v, PCI_MSIX_ENTRY_LOWER_ADDR), 0);
		ck_assert_uint_eq(msix_entry_rd(v, PCI_MSIX_ENTRY_DATA), 0);
	}
	ck_assert_uint_eq(pba(), 0);
	/* enable and function mask are the driver's; the size is not */
	msix_control(0xffff);
	ck_assert_uint_eq(msix_flags(), PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL |
			  (STUB_VECTORS - 1));
	cfg_wr(dn, cap_msix + PCI_MSIX_FLAGS, 0, 1);
	ck_assert_uint_eq(msix_flags(), PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL |
			  (STUB_VECTORS - 1));
	cfg_wr(dn, cap_msix, 0x00000000, 4);
	ck_assert_uint_eq(msix_flags(), STUB_VECTORS - 1);
	ck_assert_uint_eq(cfg_rd(dn, cap_msix, 1), PCI_CAP_ID_MSIX);
	cfg_wr(dn, cap_msix + PCI_MSIX_TABLE, 0x800, 4);
	ck_assert_uint_eq(cfg_rd(dn, cap_msix + PCI_MSIX_TABLE, 4), VPCI_MSIX_TABLE);
}
END_TEST

START_TEST(vpci_msix_table_access)
{
	const u64 e0 = VPCI_MSIX_TABLE, e3 = VPCI_MSIX_TABLE + 3 * PCI_MSIX_ENTRY_SIZE;

	/* 64-bit accesses; the address's low two bits are reserved */
	bar_wr(e0, 0x123456789abcdef3ULL, 8);
	ck_assert_uint_eq(bar_rd(e0, 4), 0x9abcdef0);
	ck_assert_uint_eq(bar_rd(e0 + 4, 4), 0x12345678);
	ck_assert_uint_eq(bar_rd(e0, 8), 0x123456789abcdef0ULL);
	bar_wr(e0 + PCI_MSIX_ENTRY_DATA, 0x0000000100000055ULL, 8);
	ck_assert_uint_eq(bar_rd(e0 + PCI_MSIX_ENTRY_DATA, 4), 0x55);
	ck_assert_uint_eq(bar_rd(e0 + PCI_MSIX_ENTRY_VECTOR_CTRL, 4), 1);
	/* only the mask bit of vector control */
	bar_wr(e0 + PCI_MSIX_ENTRY_VECTOR_CTRL, 0xfffffffe, 4);
	ck_assert_uint_eq(bar_rd(e0 + PCI_MSIX_ENTRY_VECTOR_CTRL, 4), 0);
	/* narrow or unaligned accesses are ignored */
	bar_wr(e0 + PCI_MSIX_ENTRY_DATA, 0x66, 2);
	bar_wr(e0 + PCI_MSIX_ENTRY_DATA + 2, 0x66, 4);
	bar_wr(e0 + PCI_MSIX_ENTRY_DATA + 4, 0x66, 8);
	ck_assert_uint_eq(bar_rd(e0 + PCI_MSIX_ENTRY_DATA, 4), 0x55);
	ck_assert_uint_eq(bar_rd(e0 + PCI_MSIX_ENTRY_DATA, 2), 0);
	ck_assert_uint_eq(bar_rd(e0 + PCI_MSIX_ENTRY_VECTOR_CTRL, 4), 0);
	/* no entry past the table */
	bar_wr(e3 + PCI_MSIX_ENTRY_DATA, 0x77, 4);
	ck_assert_uint_eq(bar_rd(e3 + PCI_MSIX_ENTRY_DATA, 4), 0);
	ck_assert_uint_eq(bar_rd(e3 + PCI_MSIX_ENTRY_VECTOR_CTRL, 4), 0);
	/* the PBA is read-only */
	bar_wr(VPCI_MSIX_PBA, 0xff, 4);
	ck_assert_uint_eq(pba(), 0);
	ck_assert_uint_eq(bar_rd(VPCI_MSIX_PBA, 8), 0);
}
END_TEST

START_TEST(vpci_msix_vectors)
{
	/* unmapped after the reset */
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_MSIX, 2), NO_VECTOR);
	select_queue(0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), NO_VECTOR);

	set_queue_vector(0, 1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), 1);
	set_queue_vector(1, STUB_VECTORS - 1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), STUB_VECTORS - 1);
	/* 4.1.5.1.2: a vector the device does not have reads back NO_VECTOR */
	set_queue_vector(0, STUB_VECTORS);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), NO_VECTOR);
	set_queue_vector(0, 0x7fff);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), NO_VECTOR);
	set_queue_vector(0, 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), 0);
	select_queue(1);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), STUB_VECTORS - 1);
	set_queue_vector(1, NO_VECTOR);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), NO_VECTOR);

	common_wr(VIRTIO_PCI_COMMON_MSIX, 2, 2);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_MSIX, 2), 2);
	common_wr(VIRTIO_PCI_COMMON_MSIX, STUB_VECTORS, 2);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_MSIX, 2), NO_VECTOR);
	common_wr(VIRTIO_PCI_COMMON_MSIX, 0, 2);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_MSIX, 2), 0);
}
END_TEST

START_TEST(vpci_msix_queue_interrupt)
{
	start(F_VERSION_1, 2);
	msix_on();
	set_queue_vector(0, 1);
	set_queue_vector(1, 2);
	stub_use(0);
	ck_assert_uint_eq(nr_msis, 1);
	ck_msi(0, MSI_ADDR(1), MSI_DATA(1), DEVID);
	stub_use(1);
	ck_assert_uint_eq(nr_msis, 2);
	ck_msi(1, MSI_ADDR(2), MSI_DATA(2), DEVID);
	/* 4.1.4.5: no queue bit in the ISR, and no INTx */
	ck_assert_uint_eq(isr(), 0);
	ck_assert_uint_eq(nr_lines, 0);
	ck_assert_uint_eq(pba(), 0);
	/* each use its own message */
	stub_use(0);
	ck_assert_uint_eq(nr_msis, 3);
	ck_msi(2, MSI_ADDR(1), MSI_DATA(1), DEVID);
	ck_assert_uint_eq(nr_lines, 0);
}
END_TEST

START_TEST(vpci_msix_shared_vector)
{
	start(F_VERSION_1, 2);
	msix_on();
	set_queue_vector(0, 0);
	set_queue_vector(1, 0);
	common_wr(VIRTIO_PCI_COMMON_MSIX, 0, 2);
	stub_use(1);
	stub.vdev.transport->interrupt(&stub.vdev, NULL);
	ck_assert_uint_eq(nr_msis, 2);
	ck_msi(0, MSI_ADDR(0), MSI_DATA(0), DEVID);
	ck_msi(1, MSI_ADDR(0), MSI_DATA(0), DEVID);
	ck_assert_uint_eq(nr_lines, 0);
}
END_TEST

START_TEST(vpci_msix_config_interrupt)
{
	start(F_VERSION_1, 1);
	msix_on();
	common_wr(VIRTIO_PCI_COMMON_MSIX, 2, 2);
	virtio_dev__fail(&stub.vdev, "test");
	ck_assert_uint_eq(status(), S_RUNNING | S_NEEDS_RESET);
	ck_assert_uint_eq(nr_msis, 1);
	ck_msi(0, MSI_ADDR(2), MSI_DATA(2), DEVID);
	/* 4.1.4.5.1: the config bit is set with MSI-X too */
	ck_assert_uint_eq(isr(), ISR_CONFIG);
	ck_assert_uint_eq(isr(), 0);
	ck_assert_uint_eq(nr_lines, 0);
}
END_TEST

START_TEST(vpci_msix_masked_vector)
{
	start(F_VERSION_1, 1);
	msix_on();
	set_queue_vector(0, 1);
	msix_mask(1, true);
	stub_use(0);
	stub_use(0);
	ck_assert_uint_eq(nr_msis, 0);
	ck_assert_uint_eq(pba(), 1U << 1);
	/* the message as the entry holds it when unmasked */
	bar_wr(VPCI_MSIX_TABLE + PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_DATA, 0x99, 4);
	/* another vector's mask is not this one's */
	msix_mask(0, false);
	ck_assert_uint_eq(nr_msis, 0);
	msix_mask(1, false);
	ck_assert_uint_eq(nr_msis, 1);
	ck_msi(0, MSI_ADDR(1), 0x99, DEVID);
	ck_assert_uint_eq(pba(), 0);
	msix_mask(1, false);
	ck_assert_uint_eq(nr_msis, 1);
	ck_assert_uint_eq(nr_lines, 0);
	ck_assert_uint_eq(isr(), 0);
}
END_TEST

START_TEST(vpci_msix_function_mask)
{
	start(F_VERSION_1, 2);
	msix_on();
	set_queue_vector(0, 1);
	set_queue_vector(1, 2);
	msix_control(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	stub_use(0);
	stub_use(1);
	ck_assert_uint_eq(nr_msis, 0);
	ck_assert_uint_eq(pba(), 1U << 1 | 1U << 2);
	/* the vectors' own mask bits are untouched */
	ck_assert_uint_eq(msix_entry_rd(1, PCI_MSIX_ENTRY_VECTOR_CTRL), 0);
	/* one still masked on its own stays pending */
	msix_mask(2, true);
	msix_control(PCI_MSIX_FLAGS_ENABLE);
	ck_assert_uint_eq(nr_msis, 1);
	ck_msi(0, MSI_ADDR(1), MSI_DATA(1), DEVID);
	ck_assert_uint_eq(pba(), 1U << 2);
	msix_mask(2, false);
	ck_assert_uint_eq(nr_msis, 2);
	ck_msi(1, MSI_ADDR(2), MSI_DATA(2), DEVID);
	ck_assert_uint_eq(pba(), 0);
	ck_assert_uint_eq(nr_lines, 0);
}
END_TEST

START_TEST(vpci_msix_no_vector)
{
	start(F_VERSION_1, 1);
	msix_on();
	stub_use(0);
	stub.vdev.transport->interrupt(&stub.vdev, NULL);
	ck_assert_uint_eq(nr_msis, 0);
	ck_assert_uint_eq(nr_lines, 0);
	ck_assert_uint_eq(pba(), 0);
	ck_assert_uint_eq(isr(), ISR_CONFIG);
	/* a vector unmapped again */
	set_queue_vector(0, 1);
	set_queue_vector(0, NO_VECTOR);
	stub_use(0);
	ck_assert_uint_eq(nr_msis, 0);
	ck_assert_uint_eq(nr_lines, 0);
}
END_TEST

START_TEST(vpci_msix_off_uses_intx)
{
	/* an ITS, but MSI-X not enabled (yet): INTA */
	start(F_VERSION_1, 1);
	set_queue_vector(0, 1);
	stub_use(0);
	ck_assert_uint_eq(nr_msis, 0);
	ck_assert_uint_eq(nr_lines, 1);
	ck_line(0, VDRV_SPI, 1);
	/* enabling MSI-X takes INTA down */
	msix_on();
	ck_assert_uint_eq(nr_lines, 2);
	ck_line(1, VDRV_SPI, 0);
	stub_use(0);
	ck_assert_uint_eq(nr_msis, 1);
	ck_msi(0, MSI_ADDR(1), MSI_DATA(1), DEVID);
	stub.vdev.transport->interrupt(&stub.vdev, NULL);
	ck_assert_uint_eq(nr_lines, 2);
	/* the queue bit from before MSI-X, the config bit from under it */
	ck_assert_uint_eq(isr(), ISR_QUEUE | ISR_CONFIG);
	ck_assert_uint_eq(nr_lines, 2);
}
END_TEST

START_TEST(vpci_msix_needs_bus_master)
{
	/*
	 * PCIe 7.5.1.1.3 (Command, Bus Master Enable): "disables MSI/MSI-X
	 * interrupt Messages as well" when clear.
	 */
	start(F_VERSION_1, 1);
	msix_on();
	set_queue_vector(0, 1);
	cfg_wr(dn, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
	stub_use(0);
	ck_assert_msg(nr_msis == 0, "an MSI-X message sent with Bus Master Enable clear");
	ck_assert_uint_eq(nr_lines, 0);
}
END_TEST

START_TEST(vpci_msix_reset_keeps_table)
{
	start(F_VERSION_1, 1);
	msix_on();
	set_queue_vector(0, 1);
	set_status(0);
	/* a virtio reset unmaps the events, not the PCI function's MSI-X state */
	select_queue(0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_Q_MSIX, 2), NO_VECTOR);
	ck_assert_uint_eq(msix_flags(), PCI_MSIX_FLAGS_ENABLE | (STUB_VECTORS - 1));
	ck_assert_uint_eq(msix_entry_rd(1, PCI_MSIX_ENTRY_DATA), MSI_DATA(1));
	ck_assert_uint_eq(msix_entry_rd(1, PCI_MSIX_ENTRY_VECTOR_CTRL), 0);
	vdrv_zero_rings(0);
	start(F_VERSION_1, 1);
	set_queue_vector(0, 1);
	stub_use(0);
	ck_assert_uint_eq(nr_msis, 1);
	ck_msi(0, MSI_ADDR(1), MSI_DATA(1), DEVID);
}
END_TEST

/* ---- virtio-rng on virtio-pci, served from the main loop ------------------ */

static const struct device_desc *rng_desc;
static void *rng;

static void rng_setup_its(bool its)
{
	vdrv_make_vm(QSIZE, CONSOLE_SERIAL, -1);
	vdrv_vm.irq_line = record_line;
	vdrv_vm.signal_msi = record_msi;
	vdrv_vm.gic_its = its;
	vdrv_vm.virtio_pci = true;
	nr_lines = nr_msis = 0;
	memset(&stub, 0, sizeof(stub));
	memset(&stub2, 0, sizeof(stub2));
	ck_assert_int_eq(loop__init(&vdrv_vm.loop), 0);
	rng_desc = vdrv_find_device("virtio-rng");
	rng = vdrv_init_device(rng_desc, NULL);
	dn = 0;
	bar = cfg_rd(dn, PCI_BASE_ADDRESS_0, 4);
	cap_msix = find_cap(dn, PCI_CAP_ID_MSIX);
	cap_pci_cfg = find_vcap(dn, VIRTIO_PCI_CAP_PCI_CFG);
}

static void rng_intx_setup(void)
{
	rng_setup_its(false);
}

static void rng_msix_setup(void)
{
	rng_setup_its(true);
}

static void rng_teardown(void)
{
	vdrv_exit_device(rng_desc, &rng);
	loop__destroy(&vdrv_vm.loop);
}

/* Offer a writable buffer of 64 bytes, notify queue 0 and let the loop run. */
static void rng_offer(void)
{
	vdrv_desc(0, 0, BUF_GPA, 64, VRING_DESC_F_WRITE, 0);
	vdrv_post(0, 0);
	bar_wr(VPCI_NOTIFY, 0, 2);
	ck_assert_int_ge(loop__run_once(&vdrv_vm.loop, 100), 0);
	ck_assert_int_ge(loop__run_once(&vdrv_vm.loop, 100), 0);
	ck_assert_uint_eq(vdrv_used_idx(0), 1);
	ck_assert_uint_eq(vdrv_used_id(0, 0), 0);
	ck_assert_uint_eq(vdrv_used_len(0, 0), 64);
	ck_assert(!vdrv_all_bytes(vdrv_hva(BUF_GPA), 0, 64));
}

START_TEST(vpci_rng_intx)
{
	u8 at[16];

	ck_assert_uint_eq(cfg_rd(0, PCI_DEVICE_ID, 2), 0x1040 + VIRTIO_ID_RNG);
	ck_assert_uint_eq(cfg_rd(0, PCI_CLASS_REVISION, 4), 0xff000001);
	/* no device configuration, no MSI-X */
	ck_assert_uint_eq(walk_caps(0, at, ARRAY_SIZE(at)), 4);
	ck_assert_uint_eq(find_vcap(0, VIRTIO_PCI_CAP_DEVICE_CFG), 0);
	ck_assert_uint_eq(cap_msix, 0);
	ck_assert_uint_eq(common_rd(VIRTIO_PCI_COMMON_NUMQ, 2), 1);
	ck_assert_uint_eq(device_features(), F_INDIRECT | F_EVENT_IDX | F_VERSION_1);

	start(F_VERSION_1, 1);
	rng_offer();
	ck_assert_uint_eq(nr_lines, 1);
	ck_line(0, VDRV_SPI, 1);
	ck_assert_uint_eq(isr(), ISR_QUEUE);
	ck_assert_uint_eq(nr_lines, 2);
	ck_line(1, VDRV_SPI, 0);
	ck_assert_uint_eq(nr_msis, 0);
}
END_TEST

START_TEST(vpci_rng_msix)
{
	ck_assert_uint_ne(cap_msix, 0);
	ck_assert_uint_eq(msix_flags(), 1);	/* two vectors */
	start(F_VERSION_1, 1);
	cfg_wr(dn, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	msix_entry(0, MSI_ADDR(0), MSI_DATA(0), false);
	msix_entry(1, MSI_ADDR(1), MSI_DATA(1), false);
	msix_control(PCI_MSIX_FLAGS_ENABLE);
	set_queue_vector(0, 1);
	rng_offer();
	ck_assert_uint_eq(nr_msis, 1);
	ck_msi(0, MSI_ADDR(1), MSI_DATA(1), 0);
	ck_assert_uint_eq(nr_lines, 0);
	ck_assert_uint_eq(isr(), 0);
}
END_TEST

/* A VM with nothing on its PCI bus. */
static void bare_setup(void)
{
	vdrv_make_vm(QSIZE, CONSOLE_SERIAL, -1);
	memset(&stub, 0, sizeof(stub));
	memset(&stub2, 0, sizeof(stub2));
}

Suite *pci_suite(void)
{
	Suite *s = suite_create("pci");

#define INTX(fn)	UNIT_TEST_FIXTURE(s, fn, intx_setup, teardown)
#define MSIX(fn)	UNIT_TEST_FIXTURE(s, fn, msix_setup, teardown)
#define BARE(fn)	UNIT_TEST_FIXTURE(s, fn, bare_setup, NULL)
#define RNG_INTX(fn)	UNIT_TEST_FIXTURE(s, fn, rng_intx_setup, rng_teardown)
#define RNG_MSIX(fn)	UNIT_TEST_FIXTURE(s, fn, rng_msix_setup, rng_teardown)
	INTX(pci_header_ids);
	INTX(pci_class_codes);
	INTX(pci_absent_functions_read_ones);
	INTX(pci_extended_space_reads_zero);
	INTX(pci_bad_config_accesses);
	INTX(pci_read_only_header);
	INTX(pci_bar_sizing);
	INTX(pci_bar_move);
	INTX(pci_bar_move_ioeventfd_fails);
	INTX(pci_memory_decode);
	INTX(pci_bar_outside_window);
	INTX(pci_command_register);
	INTX(pci_interrupt_line_pin);
	INTX(pci_two_devices);
	INTX(pci_remove);
	INTX(pci_fdt_intx);
	MSIX(pci_fdt_its);
	BARE(pci_fdt_no_devices);
	INTX(vpci_caps_intx);
	MSIX(vpci_caps_msix);
	INTX(vpci_caps_no_device_cfg);
	INTX(vpci_device_features);
	INTX(vpci_driver_features);
	INTX(vpci_num_queues);
	INTX(vpci_queue_size);
	INTX(vpci_queue_notify_off);
	INTX(vpci_notify);
	INTX(vpci_queue_addresses);
	INTX(vpci_queue_enable);
	INTX(vpci_queue_enable_before_features_ok);
	INTX(vpci_driver_ok_starts);
	MSIX(vpci_reset);
	INTX(vpci_common_widths);
	INTX(vpci_queue_select_beyond);
	INTX(vpci_config_generation);
	INTX(vpci_device_config);
	INTX(vpci_pci_cfg_window);
	MSIX(vpci_pci_cfg_window_bad);
	INTX(vpci_intx_used_buffer);
	INTX(vpci_intx_config);
	INTX(vpci_intx_disable);
	INTX(vpci_intx_disable_deasserts);
	INTX(vpci_intx_status_bit);
	INTX(vpci_intx_reset_lowers_line);
	INTX(vpci_intx_no_vectors);
	MSIX(vpci_msix_capability);
	MSIX(vpci_msix_table_access);
	MSIX(vpci_msix_vectors);
	MSIX(vpci_msix_queue_interrupt);
	MSIX(vpci_msix_shared_vector);
	MSIX(vpci_msix_config_interrupt);
	MSIX(vpci_msix_masked_vector);
	MSIX(vpci_msix_function_mask);
	MSIX(vpci_msix_no_vector);
	MSIX(vpci_msix_off_uses_intx);
	MSIX(vpci_msix_needs_bus_master);
	MSIX(vpci_msix_reset_keeps_table);
	RNG_INTX(vpci_rng_intx);
	RNG_MSIX(vpci_rng_msix);
#undef INTX
#undef MSIX
#undef BARE
#undef RNG_INTX
#undef RNG_MSIX
	return s;
}
