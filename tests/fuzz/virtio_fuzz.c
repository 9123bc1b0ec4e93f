// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_fuzz.c - the fake VM and the guest driver the virtio device
 * harnesses share: an input's operations played against a device on
 * virtio-mmio or virtio-pci, and what must hold after each (virtio_fuzz.h
 * has the input format and the checks).
 */
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/pci_regs.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_pci.h>
#include <linux/virtio_ring.h>

#include "virtio_fuzz.h"

enum { T_MMIO, T_PCI_INTX, T_PCI_MSIX };

enum {
	OP_WR, OP_RD, OP_CFG_WR, OP_CFG_RD, OP_NOTIFY, OP_DESC, OP_AVAIL,
	OP_AVAIL_IDX, OP_RING, OP_MEM, OP_CHAIN, OP_BRINGUP, OP_RESET, OP_STATUS,
	OP_QSETUP, OP_BACKEND, OP_IRQ_ACK, NR_OPS
};

#define S_ACK		VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRIVER	(S_ACK | VIRTIO_CONFIG_S_DRIVER)
#define S_FEATURES	(S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK)
#define S_RUNNING	(S_FEATURES | VIRTIO_CONFIG_S_DRIVER_OK)

#define RING_ENTRIES	256	/* room in each of the driver's ring areas */
#define MAX_LOOP_ROUNDS	64	/* a main loop still busy after that spins */
#define MSI_ADDR	0x08090040ULL	/* where the vectors point: any address */
#define NOT_OFFERED	(1ULL << 50)	/* a feature no device here offers */
#define ALIVE_QSIZE	4		/* 1 << 4 entries a queue for alive() */

/* The driver's side of a queue: where it lays chains, and what it expects back. */
struct vfz_queue {
	u16	size;		/* of the driver's rings at VFZ_*(q) */
	u16	avail_idx;	/* the next avail idx it publishes */
	u16	next_desc;	/* where the next chain goes */
	u16	seen_used;	/* the device's used idx at the last check */
	bool	used_scribbled;	/* the driver wrote the used idx itself */
	/* per head: the most bytes it could take (-1: never available) */
	int64_t	bound[RING_ENTRIES];
};

static u8 *ram;			/* VFZ_RAM_SIZE between two PROT_NONE pages */
static u8 *shadow;		/* RAM as the driver wrote it */
static u8 *may_write;		/* clean inputs: bytes the device may write */
static u8 *scratch;		/* a RAM copy for the digest */

static struct vm vm;
static struct vm_config cfg;
static void *state;
static struct virtio_dev *vdev;
static int transport;
static bool clean;		/* see virtio_fuzz.h */
static struct vfz_queue qs[VFZ_MAX_QUEUES];
static unsigned int next_table;
static u64 next_data;
bool vfz_backend_used;

/* virtio-pci: where the capabilities put things in BAR 0 */
static struct {
	u32	common, notify, isr, device, notify_mult;
	u8	msix_cap;
	u32	msix_table;
	unsigned int nr_vectors;
} pci;

/* interrupts: the line's level as last set, and counts */
static pthread_mutex_t irq_lock = PTHREAD_MUTEX_INITIALIZER;
static int irq_level;
static u64 irq_raises, msis;

/*
 * The hypervisor's eventfds, as KVM keeps them: ioeventfds (a write of
 * datamatch at addr signals fd instead of exiting; one per address and
 * value), up to a capacity the input chooses, and irqfds, whose writes
 * pulse their SPI (a dup of each, so that the harness reads it after the
 * device closed its own).
 */
#define MAX_IOEVENTFDS	64
static struct {
	u64	addr, datamatch;
	u32	len;
	int	fd;
} ioeventfds[MAX_IOEVENTFDS];
static unsigned int nr_ioeventfds, ioeventfd_room;
static int irqfd = -1;
static u64 irqfd_pulses;

/* a write since the last settling may have woken the device's own thread */
static bool woke;

static u64 digest;
static bool twice;
static bool debug;		/* VFZ_DEBUG: the vmm's debug log, each operation */		/* each input twice, compared (not under libFuzzer) */

/* ---- failing, hashing ------------------------------------------------------- */

void vfz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "fuzz_virtio: %s: ", vfz_dev.name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void vfz_digest(const void *p, size_t len)
{
	const u8 *b = p;
	u64 w;

	if (!twice)
		return;		/* nothing to compare it with */
	/* FNV-1a, 8 bytes at a time: RAM is hashed whole */
	for (; len >= 8; len -= 8, b += 8) {
		memcpy(&w, b, 8);
		digest = (digest ^ w) * 0x100000001b3ULL;
	}
	while (len--)
		digest = (digest ^ *b++) * 0x100000001b3ULL;
}

/* ---- guest RAM ------------------------------------------------------------ */

static bool in_ram(u64 gpa, u64 len)
{
	return gpa >= VFZ_RAM_BASE && gpa - VFZ_RAM_BASE <= VFZ_RAM_SIZE &&
	       len <= VFZ_RAM_SIZE - (gpa - VFZ_RAM_BASE);
}

void *vfz_hva(u64 gpa, u64 len)
{
	if (!in_ram(gpa, len))
		vfz_fail("the harness reached 0x%llx+%llu outside RAM",
			 (unsigned long long)gpa, (unsigned long long)len);
	return ram + (gpa - VFZ_RAM_BASE);
}

/* The driver writes RAM: the device's view and the shadow alike. */
static void wr_ram(u64 gpa, const void *src, u64 len)
{
	memcpy(vfz_hva(gpa, len), src, len);
	memcpy(shadow + (gpa - VFZ_RAM_BASE), src, len);
}

static void wr16(u64 gpa, u16 v)
{
	v = htole16(v);
	wr_ram(gpa, &v, 2);
}

/* A ring index, published: the entries before it are visible first. */
static void publish16(u64 gpa, u16 v)
{
	__atomic_store_n((u16 *)vfz_hva(gpa, 2), htole16(v), __ATOMIC_RELEASE);
	memcpy(shadow + (gpa - VFZ_RAM_BASE), &(u16){ htole16(v) }, 2);
}

static u16 rd16(u64 gpa)
{
	return le16toh(__atomic_load_n((u16 *)vfz_hva(gpa, 2), __ATOMIC_ACQUIRE));
}

/* [gpa, gpa + len), clipped to RAM, is the device's to write. */
static void allow_write(u64 gpa, u64 len)
{
	u64 end;

	if (gpa >= VFZ_RAM_END || gpa + len <= gpa)
		return;
	if (gpa < VFZ_RAM_BASE) {
		if (gpa + len <= VFZ_RAM_BASE)
			return;
		len -= VFZ_RAM_BASE - gpa;
		gpa = VFZ_RAM_BASE;
	}
	end = gpa + len < VFZ_RAM_END ? gpa + len : VFZ_RAM_END;
	memset(may_write + (gpa - VFZ_RAM_BASE), 1, end - gpa);
}

/* 4 input bytes as an address: mostly in RAM, else one worth trying. */
static u64 decode_addr(u32 v)
{
	static const u64 special[] = {
		0, VFZ_RAM_BASE - 0x1000, VFZ_RAM_BASE - 16, VFZ_RAM_END - 16,
		VFZ_RAM_END - 1, VFZ_RAM_END, ~0ULL - 15, ~0ULL, 1ULL << 63,
		VFZ_RAM_BASE + (1ULL << 32), LAYOUT_VIRTIO_MMIO_BASE, LAYOUT_PCI_MMIO_BASE,
		VFZ_DESC(0), VFZ_AVAIL(0), VFZ_USED(0), VFZ_DESC(1), VFZ_AVAIL(1),
		VFZ_USED(1), VFZ_TABLE(0), VFZ_TABLE(1), VFZ_TABLE(2), VFZ_TABLE(3),
		VFZ_DATA,
	};

	if (v < 0xf0000000)
		return VFZ_RAM_BASE + v;
	return special[(v & 0xff) % ARRAY_SIZE(special)] + ((v >> 8) & 0xffff);
}

/* ---- the VM ------------------------------------------------------------- */

static void record_irq(struct vm *v __unused, unsigned int intid, int level)
{
	pthread_mutex_lock(&irq_lock);
	if (intid != GIC_SPI_BASE)
		vfz_fail("interrupt %u raised: the device has SPI %u", intid, GIC_SPI_BASE);
	if ((level != 0 && level != 1) || level == irq_level)
		vfz_fail("the interrupt line set to %d at %d", level, irq_level);
	irq_level = level;
	irq_raises += level;
	pthread_mutex_unlock(&irq_lock);
}

static void record_msi(struct vm *v __unused, u64 addr, u32 data, u32 devid)
{
	pthread_mutex_lock(&irq_lock);
	if (transport != T_PCI_MSIX || devid != 0)
		vfz_fail("an MSI (0x%llx, %u) from device %u", (unsigned long long)addr, data,
			 devid);
	msis++;
	pthread_mutex_unlock(&irq_lock);
}

int vm__ioeventfd(struct vm *v __unused, u64 addr, u32 len, u64 datamatch, int fd,
		  bool assign)
{
	unsigned int i;

	for (i = 0; i < nr_ioeventfds; i++)
		if (ioeventfds[i].addr == addr && ioeventfds[i].len == len &&
		    ioeventfds[i].datamatch == datamatch)
			break;
	if (!assign) {
		if (i == nr_ioeventfds || ioeventfds[i].fd != fd)
			return -ENOENT;
		ioeventfds[i] = ioeventfds[--nr_ioeventfds];
		return 0;
	}
	if (i < nr_ioeventfds)
		return -EEXIST;
	if (nr_ioeventfds == ioeventfd_room)
		return -ENOSPC;
	ioeventfds[nr_ioeventfds++] = (typeof(ioeventfds[0])){ addr, datamatch, len, fd };
	return 0;
}

int vm__irqfd(struct vm *v __unused, unsigned int intid, int fd)
{
	if (intid != GIC_SPI_BASE)
		vfz_fail("an irqfd for SPI %u: the device has %u", intid, GIC_SPI_BASE);
	if (irqfd >= 0)
		vfz_fail("a second irqfd");
	irqfd = dup(fd);
	return irqfd < 0 ? -errno : 0;
}

void vm__stop(struct vm *v __unused, int status)
{
	vfz_fail("the device stopped the VM (%d)", status);
}

/* A guest write an ioeventfd takes: its fd signalled, no exit. */
static bool ioeventfd_write(u64 addr, u64 v, unsigned int len)
{
	unsigned int i;
	u64 one = 1;

	for (i = 0; i < nr_ioeventfds; i++) {
		if (ioeventfds[i].addr != addr || ioeventfds[i].len != len ||
		    ioeventfds[i].datamatch != (len == 8 ? v : v & ((1ULL << 8 * len) - 1)))
			continue;
		woke = true;
		if (write(ioeventfds[i].fd, &one, sizeof(one)) != sizeof(one))
			vfz_fail("an ioeventfd write: %s", strerror(errno));
		return true;
	}
	return false;
}

/* The interrupts the irqfd took since the last look. */
static void read_irqfd(void)
{
	u64 n;

	if (irqfd >= 0 && read(irqfd, &n, sizeof(n)) == sizeof(n))
		irqfd_pulses += n;
}

static void make_vm(u8 hyp)
{
	static const unsigned int room[] = { MAX_IOEVENTFDS, 0, 1, 3 };

	memset(&vm, 0, sizeof(vm));
	memset(&cfg, 0, sizeof(cfg));
	cfg.console = CONSOLE_VIRTIO;
	vm.cfg = &cfg;
	vm.ram = ram;
	vm.ram_base = VFZ_RAM_BASE;
	vm.ram_size = VFZ_RAM_SIZE;
	vm.nr_vcpus = 1;
	vm.gic = GIC_V3;
	vm.gic_its = transport == T_PCI_MSIX;
	vm.virtio_pci = transport != T_MMIO;
	vm.next_spi = GIC_SPI_BASE;
	vm.next_virtio_mmio = LAYOUT_VIRTIO_MMIO_BASE;
	vm.irq_line = record_irq;
	vm.signal_msi = record_msi;
	vm.has_ioeventfd = hyp & 1;
	vm.has_irqfd = hyp & 2;
	nr_ioeventfds = 0;
	ioeventfd_room = room[(hyp >> 2) & 3];
	irqfd = -1;
	irqfd_pulses = 0;
	vm.wake_fd = -1;
	vm.timeout_fd = -1;
	mmio_bus__init(&vm.bus);
	pci__init(&vm.pci);
	if (loop__init(&vm.loop))
		vfz_fail("loop__init: %s", strerror(errno));
}

static void free_vm(void)
{
	/* virtio-mmio leaves its ioeventfds to the VM's end, as KVM drops them */
	nr_ioeventfds = 0;
	if (irqfd >= 0)
		close(irqfd);
	loop__destroy(&vm.loop);
	pthread_rwlock_destroy(&vm.pci.lock);
	pthread_mutex_destroy(&vm.bus.unknown_lock);
}

static unsigned int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned int n = 0;

	if (!d)
		vfz_fail("/proc/self/fd: %s", strerror(errno));
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* ---- the bus, as a vCPU's MMIO exits reach it ----------------------------------- */

static u64 bus_rd(u64 addr, unsigned int len)
{
	u64 v = 0;

	mmio_bus__access(&vm.bus, addr, &v, len, false);
	return le64toh(v);
}

static void note_pending(void);
static u64 window(void);

/* Whether [a, a + alen) and [b, b + blen) meet. */
static bool meet(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * Whether a write of @len bytes at @addr may wake the device's own thread
 * (a notify, a status write: DRIVER_OK starts it serving), so that the
 * next settling must wait for it (virtio_dev__quiesce(), a round trip
 * through the thread): when in doubt, yes.
 */
static bool may_wake(u64 addr, unsigned int len)
{
	u64 w;

	if (!vdev || !vdev->ops->quiesce)
		return false;
	if (transport == T_MMIO)
		return meet(addr, len, LAYOUT_VIRTIO_MMIO_BASE + VIRTIO_MMIO_QUEUE_NOTIFY, 4) ||
		       meet(addr, len, LAYOUT_VIRTIO_MMIO_BASE + VIRTIO_MMIO_STATUS, 4);
	/* the capabilities hold the PCI_CFG window, which reaches all of BAR 0 */
	if (meet(addr, len, LAYOUT_PCI_CFG_BASE + PCI_STD_HEADER_SIZEOF,
		 PCI_CFG_SPACE_SIZE - PCI_STD_HEADER_SIZEOF))
		return true;
	if (meet(addr, len, LAYOUT_PCI_CFG_BASE, PCI_ECAM_BUS_SIZE))
		return false;
	w = window();
	return meet(addr, len, w + pci.common + VIRTIO_PCI_COMMON_STATUS, 1) ||
	       meet(addr, len, w + pci.notify, VIRTQ_MAX_QUEUES * 4ULL * pci.notify_mult);
}

/*
 * A write may wake a device's thread at once (a notify, DRIVER_OK): what
 * it may take from the rings is noted before.
 */
static void bus_wr(u64 addr, u64 v, unsigned int len)
{
	if (clean && vdev)
		note_pending();
	if (may_wake(addr, len))
		woke = true;
	if (vm.has_ioeventfd && ioeventfd_write(addr, v, len))
		return;
	v = htole64(v);
	mmio_bus__access(&vm.bus, addr, &v, len, true);
}

static u64 cfg_rd(u32 reg, unsigned int len)
{
	return bus_rd(LAYOUT_PCI_CFG_BASE + reg, len);
}

static void cfg_wr(u32 reg, u64 v, unsigned int len)
{
	bus_wr(LAYOUT_PCI_CFG_BASE + reg, v, len);
}

/* The transport's registers: the virtio-mmio window, or BAR 0 where it is now. */
static u64 window(void)
{
	if (transport == T_MMIO)
		return LAYOUT_VIRTIO_MMIO_BASE;
	return cfg_rd(PCI_BASE_ADDRESS_0, 4) & PCI_BASE_ADDRESS_MEM_MASK;
}

static u64 reg_rd(u64 off, unsigned int len)
{
	return bus_rd(window() + off, len);
}

static void reg_wr(u64 off, u64 v, unsigned int len)
{
	bus_wr(window() + off, v, len);
}

/* Find the virtio capabilities and MSI-X, as a driver does (4.1.4). */
static void pci_find_caps(void)
{
	unsigned int n = 0;
	u8 at = cfg_rd(PCI_CAPABILITY_LIST, 1);

	memset(&pci, 0, sizeof(pci));
	pci.common = pci.notify = pci.isr = pci.device = ~0U;
	for (; at && n < 48; n++, at = cfg_rd(at + PCI_CAP_LIST_NEXT, 1)) {
		u8 id = cfg_rd(at, 1), type = cfg_rd(at + VIRTIO_PCI_CAP_CFG_TYPE, 1);
		u32 off = cfg_rd(at + VIRTIO_PCI_CAP_OFFSET, 4);

		if (id == PCI_CAP_ID_MSIX) {
			pci.msix_cap = at;
			pci.nr_vectors = (cfg_rd(at + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE) + 1;
			pci.msix_table = cfg_rd(at + PCI_MSIX_TABLE, 4) & PCI_MSIX_TABLE_OFFSET;
			continue;
		}
		if (id != PCI_CAP_ID_VNDR)
			continue;
		if (type == VIRTIO_PCI_CAP_COMMON_CFG)
			pci.common = off;
		else if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
			pci.notify = off;
			pci.notify_mult = cfg_rd(at + sizeof(struct virtio_pci_cap), 4);
		} else if (type == VIRTIO_PCI_CAP_ISR_CFG)
			pci.isr = off;
		else if (type == VIRTIO_PCI_CAP_DEVICE_CFG)
			pci.device = off;
	}
	if (pci.common == ~0U || pci.notify == ~0U || pci.isr == ~0U)
		vfz_fail("virtio-pci capabilities missing");
	if ((transport == T_PCI_MSIX) != !!pci.msix_cap)
		vfz_fail("MSI-X %s with%s an ITS", pci.msix_cap ? "offered" : "missing",
			 transport == T_PCI_MSIX ? "" : "out");
}

/* ---- the driver's registers, either transport ------------------------------ */

static void common_wr(u32 field, u64 v, unsigned int len)
{
	reg_wr(pci.common + field, v, len);
}

static u64 common_rd(u32 field, unsigned int len)
{
	return reg_rd(pci.common + field, len);
}

static void status_wr(u8 v)
{
	if (transport == T_MMIO)
		reg_wr(VIRTIO_MMIO_STATUS, v, 4);
	else
		common_wr(VIRTIO_PCI_COMMON_STATUS, v, 1);
}

static u8 status_rd(void)
{
	if (transport == T_MMIO)
		return reg_rd(VIRTIO_MMIO_STATUS, 4);
	return common_rd(VIRTIO_PCI_COMMON_STATUS, 1);
}

static u64 features_rd(void)
{
	u64 f = 0;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (transport == T_MMIO) {
			reg_wr(VIRTIO_MMIO_DEVICE_FEATURES_SEL, i, 4);
			f |= reg_rd(VIRTIO_MMIO_DEVICE_FEATURES, 4) << 32 * i;
		} else {
			common_wr(VIRTIO_PCI_COMMON_DFSELECT, i, 4);
			f |= common_rd(VIRTIO_PCI_COMMON_DF, 4) << 32 * i;
		}
	}
	return f;
}

static void features_wr(u64 f)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (transport == T_MMIO) {
			reg_wr(VIRTIO_MMIO_DRIVER_FEATURES_SEL, i, 4);
			reg_wr(VIRTIO_MMIO_DRIVER_FEATURES, (u32)(f >> 32 * i), 4);
		} else {
			common_wr(VIRTIO_PCI_COMMON_GFSELECT, i, 4);
			common_wr(VIRTIO_PCI_COMMON_GF, (u32)(f >> 32 * i), 4);
		}
	}
}

static void queue_wr(u32 q, u32 size, u64 desc, u64 avail, u64 used, bool ready)
{
	if (transport == T_MMIO) {
		reg_wr(VIRTIO_MMIO_QUEUE_SEL, q, 4);
		reg_wr(VIRTIO_MMIO_QUEUE_NUM, size, 4);
		reg_wr(VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)desc, 4);
		reg_wr(VIRTIO_MMIO_QUEUE_DESC_HIGH, desc >> 32, 4);
		reg_wr(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (u32)avail, 4);
		reg_wr(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, avail >> 32, 4);
		reg_wr(VIRTIO_MMIO_QUEUE_USED_LOW, (u32)used, 4);
		reg_wr(VIRTIO_MMIO_QUEUE_USED_HIGH, used >> 32, 4);
		if (ready)
			reg_wr(VIRTIO_MMIO_QUEUE_READY, 1, 4);
		return;
	}
	common_wr(VIRTIO_PCI_COMMON_Q_SELECT, q, 2);
	common_wr(VIRTIO_PCI_COMMON_Q_SIZE, size, 2);
	if (transport == T_PCI_MSIX)
		common_wr(VIRTIO_PCI_COMMON_Q_MSIX, q + 1, 2);
	/* Linux writes each half; a 64-bit access is as good (4.1.3.1) */
	common_wr(VIRTIO_PCI_COMMON_Q_DESCLO, desc, 8);
	common_wr(VIRTIO_PCI_COMMON_Q_AVAILLO, (u32)avail, 4);
	common_wr(VIRTIO_PCI_COMMON_Q_AVAILHI, avail >> 32, 4);
	common_wr(VIRTIO_PCI_COMMON_Q_USEDLO, (u32)used, 4);
	common_wr(VIRTIO_PCI_COMMON_Q_USEDHI, used >> 32, 4);
	if (ready)
		common_wr(VIRTIO_PCI_COMMON_Q_ENABLE, 1, 2);
}

static void notify(u32 q)
{
	if (transport == T_MMIO)
		reg_wr(VIRTIO_MMIO_QUEUE_NOTIFY, q, 4);
	else
		reg_wr(pci.notify + (u64)(q & 0xff) * pci.notify_mult, q, 2);
}

static void irq_ack(void)
{
	if (transport == T_MMIO)
		reg_wr(VIRTIO_MMIO_INTERRUPT_ACK, reg_rd(VIRTIO_MMIO_INTERRUPT_STATUS, 4), 4);
	else
		reg_rd(pci.isr, 1);
}

/* ---- the driver's rings ------------------------------------------------------ */

static void zero_rings(void)
{
	unsigned int q;

	memset(ram, 0, VFZ_DATA - VFZ_RAM_BASE);
	memset(shadow, 0, VFZ_DATA - VFZ_RAM_BASE);
	for (q = 0; q < VFZ_MAX_QUEUES; q++) {
		u16 size = qs[q].size;

		memset(&qs[q], 0, sizeof(qs[q]));
		qs[q].size = size;
		memset(qs[q].bound, 0xff, sizeof(qs[q].bound));
	}
}

static u64 desc_gpa(unsigned int q, u16 i)
{
	return VFZ_DESC(q) + 16ULL * i;
}

static void put_desc(u64 gpa, u64 addr, u32 len, u16 flags, u16 next)
{
	struct vring_desc d = {
		.addr = htole64(addr), .len = htole32(len),
		.flags = htole16(flags), .next = htole16(next),
	};

	wr_ram(gpa, &d, sizeof(d));
}

/* Make @head available on queue @q. */
static void post(unsigned int q, u16 head)
{
	struct vfz_queue *d = &qs[q];

	wr16(VFZ_AVAIL(q) + 4 + 2ULL * (d->avail_idx % d->size), head);
	publish16(VFZ_AVAIL(q) + 2, ++d->avail_idx);
}

/* A piece of the data area for a buffer of @len bytes (at most all of it). */
static u64 alloc_data(u32 len)
{
	u64 gpa;

	if (len > VFZ_DATA_END - VFZ_DATA)
		len = VFZ_DATA_END - VFZ_DATA;
	if (next_data < VFZ_DATA || VFZ_DATA_END - next_data < len)
		next_data = VFZ_DATA;
	gpa = next_data;
	next_data = ALIGN_UP(next_data + len, 8);
	return gpa;
}

u16 vfz_chain(unsigned int q, struct vfz_seg *segs, unsigned int n, const void *payload,
	      size_t plen)
{
	struct vfz_queue *d = &qs[q];
	u16 head = d->next_desc % d->size, i;
	const u8 *p = payload;

	for (i = 0; i < n; i++) {
		u16 at = (head + i) % d->size;
		u32 take;

		segs[i].gpa = alloc_data(segs[i].len);
		if (!segs[i].write && plen) {
			take = plen < segs[i].len ? plen : segs[i].len;
			wr_ram(segs[i].gpa, p, take);
			p += take;
			plen -= take;
		}
		put_desc(desc_gpa(q, at), segs[i].gpa, segs[i].len,
			 (segs[i].write ? VRING_DESC_F_WRITE : 0) |
			 ((unsigned int)i + 1 < n ? VRING_DESC_F_NEXT : 0), (at + 1) % d->size);
	}
	d->next_desc = (head + n) % d->size;
	post(q, head);
	return head;
}

/* ---- what the device may do: the clean inputs' bookkeeping ------------------- */

/*
 * The writable bytes of the chain at @head of queue @q as the device
 * would walk it now, each writable buffer allowed to the device; a walk
 * longer than any the device takes ends it.
 */
static u64 walk_writable(unsigned int q, u16 head)
{
	const u8 *t = vfz_hva(VFZ_DESC(q), 16ULL * qs[q].size);
	unsigned int n = qs[q].size, steps;
	bool indirect = false;
	u16 i = head;
	u64 in = 0;

	for (steps = 0; steps < 4 * RING_ENTRIES && i < n; steps++) {
		struct vring_desc d;
		u64 addr;
		u32 len;
		u16 flags;

		memcpy(&d, t + 16 * i, sizeof(d));	/* a table may be anywhere */
		addr = le64toh(d.addr);
		len = le32toh(d.len);
		flags = le16toh(d.flags);
		if (flags & VRING_DESC_F_INDIRECT) {
			if (indirect || !in_ram(addr, len))
				break;
			t = vfz_hva(addr, len);
			n = len / 16;
			i = 0;
			indirect = true;
			continue;
		}
		if (flags & VRING_DESC_F_WRITE) {
			in += len;
			allow_write(addr, len);
		}
		if (!(flags & VRING_DESC_F_NEXT))
			break;
		i = le16toh(d.next);
	}
	return in;
}

/* Whether the device runs queue @q where the driver's rings are, at their size. */
static bool queue_as_laid(unsigned int q)
{
	const struct virtqueue *vq = &vdev->vqs[q];

	return __atomic_load_n(&vq->ready, __ATOMIC_ACQUIRE) && vq->size == qs[q].size &&
	       vq->desc_gpa == VFZ_DESC(q) && vq->avail_gpa == VFZ_AVAIL(q) &&
	       vq->used_gpa == VFZ_USED(q);
}

/*
 * Before the device runs: the chains it may take now, from what it took
 * last to what the driver published, are as they are laid now.
 */
static void note_pending(void)
{
	unsigned int q;

	for (q = 0; q < vfz_dev.nr_queues; q++) {
		const struct virtqueue *vq = &vdev->vqs[q];
		u16 idx, avail = rd16(VFZ_AVAIL(q) + 2), n = 0;

		if (!queue_as_laid(q))
			continue;
		for (idx = vq->last_avail; idx != avail && n < qs[q].size; idx++, n++) {
			u16 head = rd16(VFZ_AVAIL(q) + 4 + 2ULL * (idx % qs[q].size));
			int64_t in;

			if (head >= qs[q].size)
				continue;
			in = walk_writable(q, head);
			if (in > qs[q].bound[head])
				qs[q].bound[head] = in;
		}
	}
}

/* ---- checks after the device settled ------------------------------------------ */

static void check_queue(unsigned int q)
{
	const struct virtqueue *vq = &vdev->vqs[q];
	struct vfz_queue *d = &qs[q];
	u16 used = vq->used_idx, taken = vq->last_avail, i;

	if (!__atomic_load_n(&vq->ready, __ATOMIC_ACQUIRE))
		return;
	/* chains held, and one the device failed on, but never more than were taken */
	if ((u16)(taken - used) > vq->size + 1)
		vfz_fail("queue %u: used idx %u with %u taken from a ring of %u", q, used, taken,
			 vq->size);
	if (clean && queue_as_laid(q)) {
		for (i = d->seen_used; i != used; i++) {
			u32 id, len;

			vfz_used_elem(q, i, &id, &len);
			if (id >= d->size || d->bound[id] < 0)
				vfz_fail("queue %u: used element %u names head %u, never available",
					 q, i, id);
			if ((int64_t)len > d->bound[id])
				vfz_fail("queue %u: head %u used with %u bytes written, of %lld writable",
					 q, id, len, (long long)d->bound[id]);
		}
		if (!d->used_scribbled && vfz_used_idx(q) != used)
			vfz_fail("queue %u: used idx %u in RAM, %u the device's", q,
				 vfz_used_idx(q), used);
	}
	d->seen_used = used;
}

/* Clean inputs: the device wrote nothing but the used rings and writable buffers. */
/*
 * Whether 256 bytes at @a and @b are the same: by hand, not memcmp(),
 * which the sanitizers and libFuzzer hook (it would learn from RAM), and
 * not checked by ASan (both are whole, and this runs after every step).
 */
static __attribute__((no_sanitize("address"))) bool same_block(const u8 *a, const u8 *b)
{
	typedef u64 vec __attribute__((vector_size(32), aligned(32)));
	const vec *x = (const vec *)a, *y = (const vec *)b;
	vec diff = { 0 };
	unsigned int i;

	for (i = 0; i < 256 / sizeof(vec); i++)
		diff |= x[i] ^ y[i];
	return !(diff[0] | diff[1] | diff[2] | diff[3]);
}

static void check_writes(void)
{
	u64 b, i;

	/* a block at a time: most of RAM is as it was */
	for (b = 0; b < VFZ_RAM_SIZE; b += 256) {
		if (same_block(ram + b, shadow + b))
			continue;
		for (i = b; i < b + 256; i++)
			if (ram[i] != shadow[i] && !may_write[i])
				vfz_fail("the device wrote RAM at 0x%llx (0x%02x, was 0x%02x): no used ring, no writable buffer",
					 (unsigned long long)(VFZ_RAM_BASE + i), ram[i], shadow[i]);
		memcpy(shadow + b, ram + b, 256);
	}
}

static void check(void)
{
	u8 status = __atomic_load_n(&vdev->status, __ATOMIC_ACQUIRE);
	unsigned int q;

	/* 2.1.1: NEEDS_RESET is the device's to set, exactly when it failed */
	if (__atomic_load_n(&vdev->failed, __ATOMIC_ACQUIRE) !=
	    !!(status & VIRTIO_CONFIG_S_NEEDS_RESET))
		vfz_fail("status 0x%x, and the device %s", status,
			 vdev->failed ? "failed" : "did not fail");
	for (q = 0; q < vfz_dev.nr_queues; q++)
		check_queue(q);
	if (clean)
		check_writes();
}

struct virtio_dev *vfz_vdev(void)
{
	return vdev;
}

void vfz_settle(void)
{
	unsigned int i;
	int n;

	if (clean)
		note_pending();
	if (woke)
		virtio_dev__quiesce(vdev);
	woke = false;
	read_irqfd();
	for (i = 0; (n = loop__run_once(&vm.loop, 0)) > 0; i++)
		if (i == MAX_LOOP_ROUNDS)
			vfz_fail("the main loop still has work after %u rounds: something spins", i);
	if (n < 0)
		vfz_fail("loop__run_once: %s", strerror(-n));
	if (vfz_dev.drain)
		vfz_dev.drain(state);
	if (debug)
		fprintf(stderr, "fuzz_virtio: settled: status 0x%x, queue 0 avail %u used %u\n",
			vdev->status, vdev->vqs[0].last_avail, vdev->vqs[0].used_idx);
	check();
}

void vfz_kick(unsigned int q)
{
	notify(q);
	vfz_settle();
}

u16 vfz_used_idx(unsigned int q)
{
	return rd16(VFZ_USED(q) + 2);
}

void vfz_used_elem(unsigned int q, u16 i, u32 *id, u32 *len)
{
	const struct vring_used_elem *e = vfz_hva(VFZ_USED(q) + 4 + 8ULL * (i % qs[q].size), 8);

	*id = le32toh(e->id);
	*len = le32toh(e->len);
}

/* ---- the driver's init (3.1.1), as Linux does it ------------------------------- */

/* Reset the device, and zero the rings as a driver allocates them afresh. */
static void driver_reset(void)
{
	status_wr(0);
	zero_rings();
	vfz_settle();
}

/* Memory decoding, bus mastering, BAR 0 where it was, and MSI-X vectors 0..n. */
static void pci_enable(void)
{
	unsigned int v;

	cfg_wr(PCI_BASE_ADDRESS_0, LAYOUT_PCI_MMIO_BASE, 4);
	cfg_wr(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	if (transport != T_PCI_MSIX)
		return;
	for (v = 0; v < pci.nr_vectors; v++) {
		u64 e = pci.msix_table + 16ULL * v;

		reg_wr(e + PCI_MSIX_ENTRY_LOWER_ADDR, MSI_ADDR, 4);
		reg_wr(e + PCI_MSIX_ENTRY_UPPER_ADDR, 0, 4);
		reg_wr(e + PCI_MSIX_ENTRY_DATA, v, 4);
		reg_wr(e + PCI_MSIX_ENTRY_VECTOR_CTRL, 0, 4);
	}
	cfg_wr(pci.msix_cap + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE, 2);
	common_wr(VIRTIO_PCI_COMMON_MSIX, 0, 2);
}

/* The size of the driver's queues for @qsize, as the input's header has it. */
static u16 queue_size(u8 qsize)
{
	u16 size = 1 << ((qsize & 15) % 9);

	return size < vfz_dev.max_qsize ? size : vfz_dev.max_qsize;
}

/* The driver's whole init: @feat and @qsize as the input's header has them. */
static void bringup(u8 feat, u8 qsize)
{
	u16 size = queue_size(qsize);
	u64 want;
	unsigned int q, i;

	for (q = 0; q < VFZ_MAX_QUEUES; q++)
		qs[q].size = size;
	driver_reset();
	if (transport != T_MMIO)
		pci_enable();
	if (transport == T_MMIO &&
	    (reg_rd(VIRTIO_MMIO_MAGIC_VALUE, 4) != 0x74726976 ||
	     reg_rd(VIRTIO_MMIO_VERSION, 4) != 2 ||
	     reg_rd(VIRTIO_MMIO_DEVICE_ID, 4) != vfz_dev.device_id))
		vfz_fail("not a virtio-mmio version 2 %s", vfz_dev.name);
	status_wr(S_ACK);
	status_wr(S_DRIVER);
	want = features_rd();
	if (feat & 1)
		want &= ~(1ULL << VIRTIO_RING_F_EVENT_IDX);
	if (feat & 2)
		want &= ~(1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	for (i = 0; i < VFZ_NR_OPT_FEATURES; i++)
		if ((feat & (4 << i)) && vfz_dev.opt_features[i] >= 0)
			want &= ~(1ULL << vfz_dev.opt_features[i]);
	if (feat & 0x80)
		want |= NOT_OFFERED;
	features_wr(want);
	status_wr(S_FEATURES);
	for (q = 0; q < vfz_dev.nr_queues; q++)
		queue_wr(q, size, VFZ_DESC(q), VFZ_AVAIL(q), VFZ_USED(q), true);
	status_wr(S_RUNNING);
	vfz_settle();
}

/* ---- the input's operations ---------------------------------------------------- */

struct input {
	const u8	*p;
	size_t		left;
	bool		short_;		/* an operand ran past the end */
};

static u64 get(struct input *in, unsigned int n)
{
	u64 v = 0;
	unsigned int i;

	if (in->left < n) {
		in->short_ = true;
		in->left = 0;
		return 0;
	}
	for (i = 0; i < n; i++)
		v |= (u64)in->p[i] << 8 * i;
	in->p += n;
	in->left -= n;
	return v;
}

/* @n bytes of the input in place, or NULL past its end. */
static const u8 *get_bytes(struct input *in, size_t n)
{
	const u8 *p = in->p;

	if (in->left < n) {
		in->short_ = true;
		in->left = 0;
		return NULL;
	}
	in->p += n;
	in->left -= n;
	return p;
}

static unsigned int width(u64 w)
{
	return 1U << (w & 3);
}

/* CHAIN (see virtio_fuzz.h). */
static void op_chain(struct input *in)
{
	u8 qb = get(in, 1), nb = get(in, 1);
	unsigned int q = (qb & 0x1f) % vfz_dev.nr_queues, n, i, end = ~0U;
	struct vfz_queue *d = &qs[q];
	bool indirect = qb & 0x40;
	u16 head = d->next_desc % d->size, plen;
	struct {
		u32	len;
		u8	flags;
		u64	addr;
	} seg[126 + 8];
	const u8 *payload;

	n = nb & 0x80 ? 126 + (nb & 7) : nb & 31;
	for (i = 0; i < n; i++) {
		seg[i].len = get(in, 2);
		seg[i].flags = get(in, 1);
		if (seg[i].flags & 4) {
			seg[i].addr = decode_addr(get(in, 4));
			clean = false;
		} else {
			seg[i].addr = alloc_data(seg[i].len);
		}
		if ((seg[i].flags & 2) && end == ~0U)
			end = i;
	}
	plen = get(in, 2);
	payload = get_bytes(in, plen);
	if (in->short_)
		return;

	for (i = 0; i < n; i++) {
		u16 flags = seg[i].flags & 1 ? VRING_DESC_F_WRITE : 0;
		u64 gpa;
		u16 next;

		if (i + 1 < n && i != end)
			flags |= VRING_DESC_F_NEXT;
		if (!(seg[i].flags & 1) && plen && in_ram(seg[i].addr, 1)) {
			u32 take = plen < seg[i].len ? plen : seg[i].len;

			if (take > VFZ_RAM_END - seg[i].addr)
				take = VFZ_RAM_END - seg[i].addr;
			wr_ram(seg[i].addr, payload, take);
			payload += take;
			plen -= take;
		}
		if (indirect) {
			gpa = VFZ_TABLE(next_table % VFZ_NR_TABLES) + 16ULL * (i % RING_ENTRIES);
			next = (i + 1) % RING_ENTRIES;
		} else {
			gpa = desc_gpa(q, (head + i) % d->size);
			next = (head + i + 1) % d->size;
		}
		put_desc(gpa, seg[i].addr, seg[i].len, flags, next);
	}
	if (indirect) {
		u32 len = n < RING_ENTRIES ? 16 * n : 16 * RING_ENTRIES;

		put_desc(desc_gpa(q, head), VFZ_TABLE(next_table % VFZ_NR_TABLES), len,
			 VRING_DESC_F_INDIRECT, 0);
		next_table++;
		d->next_desc = (head + 1) % d->size;
	} else {
		d->next_desc = (head + (n ? n : 1)) % d->size;
	}
	if (!(qb & 0x20))
		post(q, head);
	if (qb & 0x80)
		vfz_kick(q);
}

/* DESC, AVAIL, AVAIL_IDX, RING: the rings written by hand. */
static void op_ring(struct input *in, int op)
{
	u8 t = get(in, 1);
	unsigned int q = (op == OP_DESC ? t >> 1 : t) % vfz_dev.nr_queues;
	struct vfz_queue *d = &qs[q];
	u64 addr, gpa;
	u32 len;
	u16 i, flags, next, v;

	switch (op) {
	case OP_DESC:
		i = get(in, 2) % RING_ENTRIES;
		addr = decode_addr(get(in, 4));
		len = get(in, 4);
		flags = get(in, 2);
		next = get(in, 2);
		if (in->short_)
			return;
		gpa = t & 1 ? VFZ_TABLE((t >> 1) % VFZ_NR_TABLES) + 16ULL * i : desc_gpa(q, i);
		put_desc(gpa, addr, len, flags, next);
		clean = false;
		return;
	case OP_AVAIL:
		v = get(in, 2);
		if (!in->short_)
			post(q, v);
		return;
	case OP_AVAIL_IDX:
		v = get(in, 2);
		if (in->short_)
			return;
		d->avail_idx = v;
		publish16(VFZ_AVAIL(q) + 2, v);
		return;
	}
	/* OP_RING */
	i = get(in, 1) % 5;
	v = get(in, 2);
	if (in->short_)
		return;
	switch (i) {
	case 0:
		wr16(VFZ_AVAIL(q), v);
		break;
	case 1:
		wr16(VFZ_AVAIL(q) + 4 + 2ULL * d->size, v);	/* used_event */
		break;
	case 2:
		wr16(VFZ_USED(q), v);
		break;
	case 3:
		wr16(VFZ_USED(q) + 4 + 8ULL * d->size, v);	/* avail_event */
		break;
	case 4:
		wr16(VFZ_USED(q) + 2, v);
		d->used_scribbled = true;
		break;
	}
}

/* One operation; false once the input is used up. */
static bool op(struct input *in)
{
	u64 off, w, v;
	int code;
	const u8 *b;
	u32 q, n;

	if (!in->left)
		return false;
	code = get(in, 1) % NR_OPS;
	if (debug)
		fprintf(stderr, "fuzz_virtio: op %d, %zu bytes left\n", code, in->left);
	switch (code) {
	case OP_WR:
	case OP_RD:
		off = get(in, 2);
		w = width(get(in, 1));
		v = code == OP_WR ? get(in, 8) : 0;
		if (in->short_)
			return false;
		off &= transport == T_MMIO ? LAYOUT_VIRTIO_MMIO_SIZE - 1 : 0xfff;
		if (code == OP_RD) {
			reg_rd(off, w);
			return true;
		}
		reg_wr(off, v, w);
		clean = false;
		break;
	case OP_CFG_WR:
	case OP_CFG_RD:
		off = get(in, 2);
		w = width(get(in, 1));
		v = code == OP_CFG_WR ? get(in, 4) : 0;
		if (in->short_)
			return false;
		if (transport == T_MMIO)
			off = VIRTIO_MMIO_CONFIG + (off & 0xff);
		else
			off = (off & 0xfff) | ((off >> 12) & 1) << 15;
		if (code == OP_CFG_RD) {
			if (transport == T_MMIO)
				reg_rd(off, w);
			else
				cfg_rd(off, w);
			return true;
		}
		if (transport == T_MMIO)
			reg_wr(off, v, w);
		else
			cfg_wr(off, v, w);
		clean = false;
		break;
	case OP_NOTIFY:
		q = get(in, 1);
		if (in->short_)
			return false;
		notify(q);
		break;
	case OP_DESC:
	case OP_AVAIL:
	case OP_AVAIL_IDX:
	case OP_RING:
		op_ring(in, code);
		return !in->short_;
	case OP_MEM:
		off = get(in, 3) % VFZ_RAM_SIZE;
		n = get(in, 1);
		b = get_bytes(in, n);
		if (!b)
			return false;
		if (n > VFZ_RAM_SIZE - off)
			n = VFZ_RAM_SIZE - off;
		wr_ram(VFZ_RAM_BASE + off, b, n);
		clean = false;
		return true;
	case OP_CHAIN:
		op_chain(in);
		return !in->short_;
	case OP_BRINGUP:
		off = get(in, 1);
		w = get(in, 1);
		if (in->short_)
			return false;
		bringup(off, w);
		return true;
	case OP_RESET:
		driver_reset();
		return true;
	case OP_STATUS:
		v = get(in, 1);
		if (in->short_)
			return false;
		status_wr(v);
		break;
	case OP_QSETUP: {
		u64 desc, avail, used;
		u32 size;
		u8 ready;

		q = get(in, 1);
		size = get(in, 2);
		desc = decode_addr(get(in, 4));
		avail = decode_addr(get(in, 4));
		used = decode_addr(get(in, 4));
		ready = get(in, 1);
		if (in->short_)
			return false;
		queue_wr(q, size, desc, avail, used, ready & 1);
		clean = false;
		break;
	}
	case OP_BACKEND:
		n = get(in, 2);
		b = get_bytes(in, n);
		if (!b)
			return false;
		/* console input reaches the device at once, on this thread */
		if (clean)
			note_pending();
		if (vfz_dev.backend)
			vfz_dev.backend(state, b, n);
		break;
	case OP_IRQ_ACK:
		irq_ack();
		break;
	}
	vfz_settle();
	return true;
}

/* ---- an input --------------------------------------------------------------------- */

/* What the input left, for the determinism check: RAM with the used rings' order aside. */
static void digest_end(void)
{
	unsigned int q;

	memcpy(scratch, ram, VFZ_RAM_SIZE);
	for (q = 0; q < vfz_dev.nr_queues && vfz_dev.unordered; q++) {
		const struct virtqueue *vq = &vdev->vqs[q];
		struct vring_used_elem *e;
		unsigned int i, j;

		if (!vq->used || vq->size > VIRTQ_MAX_SIZE)
			continue;
		/* completions may come in any order: the elements as a set */
		e = (void *)(scratch + ((u8 *)vq->used->ring - ram));
		for (i = 1; i < vq->size; i++)
			for (j = i; j && memcmp(&e[j - 1], &e[j], sizeof(*e)) > 0; j--) {
				struct vring_used_elem t = e[j];

				e[j] = e[j - 1];
				e[j - 1] = t;
			}
	}
	vfz_digest(scratch, VFZ_RAM_SIZE);
	for (q = 0; q < vfz_dev.nr_queues; q++) {
		const struct virtqueue *vq = &vdev->vqs[q];
		u64 v[] = { vq->ready, vq->size, vq->used_idx, vq->last_avail };

		vfz_digest(v, sizeof(v));
	}
	vfz_digest(&vdev->status, 1);
	vfz_digest(&vdev->failed, 1);
	if (!vfz_dev.unordered) {
		vfz_digest(&irq_raises, sizeof(irq_raises));
		vfz_digest(&msis, sizeof(msis));
		vfz_digest(&irqfd_pulses, sizeof(irqfd_pulses));
	}
}

/* After the input: a reset device reads 0, and works again. */
static void check_alive(void)
{
	u8 status;

	/* the input may have moved BAR 0 away or turned decoding off */
	if (transport != T_MMIO)
		pci_enable();
	driver_reset();
	/* from the reset on, the driver laid every chain the device sees */
	memcpy(shadow, ram, VFZ_RAM_SIZE);
	clean = true;
	status = status_rd();
	if (status || __atomic_load_n(&vdev->failed, __ATOMIC_ACQUIRE))
		vfz_fail("status 0x%x after a reset", status);
	if (transport == T_PCI_INTX && irq_level)
		vfz_fail("INTx still raised after a reset");
	bringup(0, ALIVE_QSIZE);
	status = status_rd();
	if (status != S_RUNNING)
		vfz_fail("status 0x%x after a driver's init", status);
	vfz_dev.alive(state);
	if (__atomic_load_n(&vdev->status, __ATOMIC_ACQUIRE) != S_RUNNING)
		vfz_fail("status 0x%x after good requests", vdev->status);
}

static void setup(void)
{
	long page = sysconf(_SC_PAGESIZE);
	u8 *m;

	m = mmap(NULL, VFZ_RAM_SIZE + 2 * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		vfz_fail("mmap: %s", strerror(errno));
	/* the device reaching past RAM faults at once */
	if (mprotect(m, page, PROT_NONE) || mprotect(m + page + VFZ_RAM_SIZE, page, PROT_NONE))
		vfz_fail("mprotect: %s", strerror(errno));
	ram = m + page;
	shadow = aligned_alloc(64, VFZ_RAM_SIZE);
	may_write = malloc(VFZ_RAM_SIZE);
	scratch = malloc(VFZ_RAM_SIZE);
	if (!shadow || !may_write || !scratch)
		vfz_fail("out of memory");
	debug = getenv("VFZ_DEBUG");
	log_level = debug ? LOG_DEBUG : LOG_ERR;
	if (vfz_dev.setup)
		vfz_dev.setup();
}

static u64 run_once(const u8 *data, size_t size)
{
	u8 hdr[3] = { 0 };
	struct input in;
	unsigned int fds;

	memcpy(hdr, data, size < 3 ? size : 3);
	in = (struct input){ .p = data + (size < 3 ? size : 3), .left = size < 3 ? 0 : size - 3 };
	transport = (hdr[0] & 3) == 3 ? T_MMIO : hdr[0] & 3;
	memset(ram, 0, VFZ_RAM_SIZE);
	memset(shadow, 0, VFZ_RAM_SIZE);
	memset(may_write, 0, VFZ_RAM_SIZE);
	memset(qs, 0, sizeof(qs));
	qs[0].size = qs[1].size = queue_size(hdr[2]);
	next_table = 0;
	next_data = VFZ_DATA;
	clean = true;
	woke = false;
	vfz_backend_used = false;
	irq_level = 0;
	irq_raises = msis = 0;
	digest = 0xcbf29ce484222325ULL;

	fds = count_fds();
	make_vm(hdr[2] >> 4);
	state = vfz_dev.create(&vm, hdr[0] >> 3);
	vdev = state;
	if (vdev->vm != &vm || vdev->device_id != vfz_dev.device_id)
		vfz_fail("the device's state does not begin with its struct virtio_dev");
	if (transport != T_MMIO)
		pci_find_caps();
	/* the device may write its used rings, wherever it ends up */
	allow_write(VFZ_USED(0), 0x1000);
	allow_write(VFZ_USED(1), 0x1000);

	if (hdr[0] & 4)
		bringup(hdr[1], hdr[2]);
	while (op(&in))
		;
	vfz_settle();
	if (twice)
		digest_end();
	check_alive();

	vfz_dev.destroy(&vm, state);
	state = NULL;
	vdev = NULL;
	free_vm();
	if (count_fds() != fds)
		vfz_fail("%d fds left open", (int)(count_fds() - fds));
	return digest;
}

int vfz_run(const u8 *data, size_t size)
{
	u64 first;

	if (!ram)
		setup();
	first = run_once(data, size);
	if (twice && run_once(data, size) != first)
		vfz_fail("the same input ended differently twice");
	return 0;
}

/* libFuzzer calls it, the replay's main() does not: each input runs once under it. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc __unused, char ***argv __unused)
{
	twice = getenv("VFZ_TWICE") && atoi(getenv("VFZ_TWICE"));
	return 0;
}

static void __attribute__((constructor)) choose_twice(void)
{
	twice = !getenv("VFZ_TWICE") || atoi(getenv("VFZ_TWICE"));
}
