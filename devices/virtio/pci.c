// SPDX-License-Identifier: GPL-2.0
/*
 * pci.c - the virtio-pci transport, modern only (VIRTIO 1.2 section 4.1):
 * a PCI device whose vendor capabilities point into one 4 KiB memory BAR
 * holding the common configuration, the ISR, the device configuration,
 * the queues' notification addresses and the MSI-X table.
 *
 * Interrupts are MSI-X messages sent to the ITS when the VM has one
 * (msi-map in the host bridge's node), else INTA: a level-triggered SPI
 * that stays raised until the driver reads the ISR.  Notifications reach
 * the device model as its queue's eventfd, through KVM_IOEVENTFD at the
 * queue's notification address wherever the guest puts the BAR, or from
 * the MMIO exit.
 *
 * Locks: the PCI bus's (configuration accesses, and BAR moves) before the
 * device's (its registers) before irq_lock (the ISR, INTA and MSI-X
 * state, which device threads reach through interrupt()).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_ids.h>
#include <linux/virtio_pci.h>

#include "virtio.h"

#define PCI_VENDOR_ID_VIRTIO	0x1af4
#define PCI_DEVICE_ID_VIRTIO	0x1040	/* + the virtio device ID (4.1.2) */

/* BAR 0 */
#define VPCI_BAR_SIZE		0x1000
#define VPCI_COMMON		0x000
#define VPCI_COMMON_SIZE	0x40	/* 1.2's queue_notify_data and queue_reset included */
#define VPCI_ISR		0x040
#define VPCI_ISR_SIZE		0x4
#define VPCI_DEVICE		0x100
#define VPCI_DEVICE_SIZE	0x100
#define VPCI_NOTIFY		0x200
#define VPCI_NOTIFY_MULT	4	/* queue n notifies at VPCI_NOTIFY + 4n */
#define VPCI_MSIX_TABLE		0x400
#define VPCI_MSIX_PBA		0x600
#define VPCI_MAX_VECTORS	(VIRTQ_MAX_QUEUES + 1)	/* one per queue, one for config */

/* ISR bits (4.1.4.5); the UAPI names only the config one */
#define ISR_QUEUE		0x1
#define ISR_CONFIG		VIRTIO_PCI_ISR_CONFIG

/* PCI class codes (base class, subclass; PCI Code and ID Assignment 1.11) */
#define CLASS_STORAGE_OTHER	0x0180
#define CLASS_NETWORK_ETHERNET	0x0200
#define CLASS_COMM_OTHER	0x0780
#define CLASS_OTHERS		0xff00

#define MSIX_ENTRY_SIZE		16
#define MSIX_ENTRY_MASKED	1U

struct msix_entry {
	u32	addr_lo, addr_hi, data, ctrl;
};

struct virtio_pci {
	struct pci_dev		pdev;
	struct virtio_dev	*vdev;

	/* the registers: under the device's lock */
	u32			dfselect, gfselect;
	u16			queue_sel;
	u8			cap_pci_cfg;	/* the VIRTIO_PCI_CAP_PCI_CFG window */
	u8			cap_msix;	/* 0: no MSI-X */
	u32			notify_addr;	/* the ioeventfds' BAR address; 0: none */

	/* interrupts: under irq_lock */
	pthread_mutex_t		irq_lock;
	u8			isr;
	bool			line;		/* INTA raised */
	bool			intx_disabled;	/* the command register's, copied */
	bool			bus_master;	/* likewise: no MSI without it */
	unsigned int		nr_vectors;	/* 0 without MSI-X */
	u16			msix_ctrl;	/* enable and function mask */
	u16			msix_config;
	u16			queue_vector[VIRTQ_MAX_QUEUES];
	struct msix_entry	msix[VPCI_MAX_VECTORS];
	u32			pba;
};

/* ---- interrupts ---------------------------------------------------------- */

static bool msix_enabled(const struct virtio_pci *p)
{
	return p->nr_vectors && (p->msix_ctrl & PCI_MSIX_FLAGS_ENABLE);
}

static bool vector_masked(const struct virtio_pci *p, unsigned int v)
{
	return (p->msix_ctrl & PCI_MSIX_FLAGS_MASKALL) ||
	       (p->msix[v].ctrl & MSIX_ENTRY_MASKED);
}

/*
 * Send vector @v, or hold it pending while it is masked or the function
 * may not write to memory (an MSI is a write).  irq_lock held.
 */
static void msix_send(struct virtio_pci *p, unsigned int v)
{
	struct vm *vm = p->vdev->vm;
	const struct msix_entry *e = &p->msix[v];

	if (vector_masked(p, v) || !p->bus_master) {
		p->pba |= 1U << v;
		return;
	}
	vm->signal_msi(vm, (u64)e->addr_hi << 32 | e->addr_lo, e->data,
		       pci_dev__rid(&p->pdev));
}

/* Send what a mask held back and is no longer masked.  irq_lock held. */
static void msix_flush_pending(struct virtio_pci *p)
{
	unsigned int v;

	if (!msix_enabled(p))
		return;
	for (v = 0; v < p->nr_vectors && p->bus_master; v++) {
		if ((p->pba & (1U << v)) && !vector_masked(p, v)) {
			p->pba &= ~(1U << v);
			msix_send(p, v);
		}
	}
}

/*
 * Without MSI-X, the ISR shows in the status register's Interrupt Status
 * (4.1.4.5.1) and INTA follows it unless the driver disabled INTx (PCI
 * 3.0, 6.2.2).  irq_lock held.
 */
static void intx_update(struct virtio_pci *p)
{
	struct vm *vm = p->vdev->vm;
	bool pending = p->isr && !msix_enabled(p);
	bool level = pending && !p->intx_disabled;

	__atomic_store_n(&p->pdev.status, pending ? PCI_STATUS_INTERRUPT : 0,
			 __ATOMIC_RELAXED);
	if (level == p->line || !p->pdev.intid)
		return;
	p->line = level;
	vm->irq_line(vm, p->pdev.intid, level);
}

static void vpci_interrupt(struct virtio_dev *vdev, struct virtqueue *vq)
{
	struct virtio_pci *p = vdev->transport_priv;
	u16 vector;

	pthread_mutex_lock(&p->irq_lock);
	/* 4.1.4.5.1: the config bit is set with MSI-X too, the queue bit not */
	if (!vq)
		p->isr |= ISR_CONFIG;
	if (msix_enabled(p)) {
		vector = vq ? p->queue_vector[vq->index] : p->msix_config;
		if (vector < p->nr_vectors)
			msix_send(p, vector);
	} else {
		if (vq)
			p->isr |= ISR_QUEUE;
		intx_update(p);
	}
	pthread_mutex_unlock(&p->irq_lock);
}

/* 4.1.4.5: reading the ISR clears it and lowers INTA. */
static u8 read_isr(struct virtio_pci *p)
{
	u8 v;

	pthread_mutex_lock(&p->irq_lock);
	v = p->isr;
	p->isr = 0;
	intx_update(p);
	pthread_mutex_unlock(&p->irq_lock);
	return v;
}

/* ---- the common configuration (4.1.4.3) --------------------------------- */

static struct virtqueue *selected(struct virtio_pci *p)
{
	return p->queue_sel < p->vdev->nr_queues ? &p->vdev->vqs[p->queue_sel] : NULL;
}

/*
 * Whether an access of @len bytes at @off hits one field the way 4.1.3.1
 * lets a driver: the field's own width, or a 32-bit half of a 64-bit one.
 */
static bool common_access_ok(u64 off, unsigned int len)
{
	if (off >= VIRTIO_PCI_COMMON_Q_DESCLO && off < VIRTIO_PCI_COMMON_Q_NDATA)
		return (len == 4 && !(off & 3)) || (len == 8 && !(off & 7));
	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
	case VIRTIO_PCI_COMMON_DF:
	case VIRTIO_PCI_COMMON_GFSELECT:
	case VIRTIO_PCI_COMMON_GF:
		return len == 4;
	case VIRTIO_PCI_COMMON_STATUS:
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return len == 1;
	case VIRTIO_PCI_COMMON_MSIX ... VIRTIO_PCI_COMMON_NUMQ:
	case VIRTIO_PCI_COMMON_Q_SELECT ... VIRTIO_PCI_COMMON_Q_NOFF:
	case VIRTIO_PCI_COMMON_Q_NDATA:
	case VIRTIO_PCI_COMMON_Q_RESET:
		return len == 2 && !(off & 1);
	}
	return false;
}

/* The queue address field at @off (DESCLO..USEDHI, either half). */
static u64 *queue_addr(struct virtqueue *vq, u64 off)
{
	if (off < VIRTIO_PCI_COMMON_Q_AVAILLO)
		return &vq->desc_gpa;
	if (off < VIRTIO_PCI_COMMON_Q_USEDLO)
		return &vq->avail_gpa;
	return &vq->used_gpa;
}

static u64 common_read(struct virtio_pci *p, u64 off, unsigned int len)
{
	struct virtio_dev *vdev = p->vdev;
	struct virtqueue *vq = selected(p);
	u64 v;

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		return p->dfselect;
	case VIRTIO_PCI_COMMON_DF:
		return virtio_dev__features_word(vdev, p->dfselect);
	case VIRTIO_PCI_COMMON_GFSELECT:
		return p->gfselect;
	case VIRTIO_PCI_COMMON_GF:
		return p->gfselect < 2 ? (u32)(vdev->driver_features >> 32 * p->gfselect) : 0;
	case VIRTIO_PCI_COMMON_MSIX:
		return p->msix_config;
	case VIRTIO_PCI_COMMON_NUMQ:
		return vdev->nr_queues;
	case VIRTIO_PCI_COMMON_STATUS:
		return __atomic_load_n(&vdev->status, __ATOMIC_ACQUIRE);
	case VIRTIO_PCI_COMMON_CFGGENERATION:
		return (u8)vdev->config_generation;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		return p->queue_sel;
	case VIRTIO_PCI_COMMON_Q_NDATA:
	case VIRTIO_PCI_COMMON_Q_RESET:
		return 0;	/* neither NOTIF_CONFIG_DATA nor RING_RESET offered */
	}
	if (!vq)
		return off == VIRTIO_PCI_COMMON_Q_MSIX ? VIRTIO_MSI_NO_VECTOR : 0;
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		return vq->size;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		return p->queue_vector[vq->index];
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		return vq->ready;
	case VIRTIO_PCI_COMMON_Q_NOFF:
		return vq->index;
	}
	v = *queue_addr(vq, off);
	return len == 8 ? v : (u32)(v >> (off & 4 ? 32 : 0));
}

/* A vector the driver asks for, or NO_VECTOR if there is no such vector. */
static u16 checked_vector(const struct virtio_pci *p, u64 v)
{
	return v < p->nr_vectors ? v : VIRTIO_MSI_NO_VECTOR;
}

static void common_write(struct virtio_pci *p, u64 off, u64 v, unsigned int len)
{
	struct virtio_dev *vdev = p->vdev;
	struct virtqueue *vq = selected(p);
	u64 *addr;

	switch (off) {
	case VIRTIO_PCI_COMMON_DFSELECT:
		p->dfselect = v;
		return;
	case VIRTIO_PCI_COMMON_GFSELECT:
		p->gfselect = v;
		return;
	case VIRTIO_PCI_COMMON_GF:
		virtio_dev__set_features_word(vdev, p->gfselect, v);
		return;
	case VIRTIO_PCI_COMMON_MSIX:
		pthread_mutex_lock(&p->irq_lock);
		p->msix_config = checked_vector(p, v);
		pthread_mutex_unlock(&p->irq_lock);
		return;
	case VIRTIO_PCI_COMMON_STATUS:
		virtio_dev__write_status(vdev, v);
		return;
	case VIRTIO_PCI_COMMON_Q_SELECT:
		p->queue_sel = v;
		return;
	}
	if (!vq)
		return;
	switch (off) {
	case VIRTIO_PCI_COMMON_Q_SIZE:
		if (!vq->ready)
			vq->size = v;	/* checked when the queue is enabled */
		return;
	case VIRTIO_PCI_COMMON_Q_MSIX:
		pthread_mutex_lock(&p->irq_lock);
		p->queue_vector[vq->index] = checked_vector(p, v);
		pthread_mutex_unlock(&p->irq_lock);
		return;
	case VIRTIO_PCI_COMMON_Q_ENABLE:
		/* 4.1.4.3.2: a driver never writes 0; the core ignores it running */
		virtio_dev__queue_ready(vdev, vq, v);
		return;
	}
	if (off < VIRTIO_PCI_COMMON_Q_DESCLO || off >= VIRTIO_PCI_COMMON_Q_NDATA || vq->ready)
		return;
	addr = queue_addr(vq, off);
	if (len == 8)
		*addr = v;
	else if (off & 4)
		*addr = (*addr & 0xffffffffULL) | v << 32;
	else
		*addr = (*addr & ~0xffffffffULL) | (u32)v;
}

/* ---- MSI-X table and PBA (PCI Local Bus 3.0, 6.8.2) ---------------------- */

static u32 msix_read(struct virtio_pci *p, u64 off)
{
	u32 v = 0;

	pthread_mutex_lock(&p->irq_lock);
	if (off >= VPCI_MSIX_PBA) {
		if (off == VPCI_MSIX_PBA)
			v = p->pba;
	} else if (off - VPCI_MSIX_TABLE < p->nr_vectors * MSIX_ENTRY_SIZE) {
		const u32 *e = (const u32 *)&p->msix[(off - VPCI_MSIX_TABLE) / MSIX_ENTRY_SIZE];

		v = e[(off % MSIX_ENTRY_SIZE) / 4];
	}
	pthread_mutex_unlock(&p->irq_lock);
	return v;
}

static void msix_write(struct virtio_pci *p, u64 off, u32 v)
{
	unsigned int n = (off - VPCI_MSIX_TABLE) / MSIX_ENTRY_SIZE;
	struct msix_entry *e;

	if (off >= VPCI_MSIX_PBA || n >= p->nr_vectors)
		return;		/* the PBA is read-only */
	pthread_mutex_lock(&p->irq_lock);
	e = &p->msix[n];
	switch (off % MSIX_ENTRY_SIZE) {
	case 0:
		e->addr_lo = v & ~3U;	/* dword aligned */
		break;
	case 4:
		e->addr_hi = v;
		break;
	case 8:
		e->data = v;
		break;
	case 12:
		e->ctrl = v & MSIX_ENTRY_MASKED;
		msix_flush_pending(p);
		break;
	}
	pthread_mutex_unlock(&p->irq_lock);
}

/* ---- BAR 0 --------------------------------------------------------------- */

static void bar_read_locked(struct virtio_pci *p, u64 off, void *data, unsigned int len)
{
	struct virtio_dev *vdev = p->vdev;
	u64 v = 0;

	if (off < VPCI_COMMON + VPCI_COMMON_SIZE) {
		if (common_access_ok(off, len))
			v = common_read(p, off, len);
	} else if (off >= VPCI_ISR && off < VPCI_ISR + VPCI_ISR_SIZE) {
		if (off == VPCI_ISR)
			v = read_isr(p);
	} else if (off >= VPCI_DEVICE && off < VPCI_DEVICE + VPCI_DEVICE_SIZE) {
		off -= VPCI_DEVICE;
		/* any width (4.1.3.1: the device config is accessed as its fields) */
		if (off < vdev->config_size && len <= vdev->config_size - off)
			memcpy(data, vdev->config + off, len);
		return;
	} else if (off >= VPCI_MSIX_TABLE && p->nr_vectors) {
		if ((len == 4 && !(off & 3)) || (len == 8 && !(off & 7))) {
			v = msix_read(p, off);
			if (len == 8)
				v |= (u64)msix_read(p, off + 4) << 32;
		}
	}
	v = htole64(v);
	memcpy(data, &v, len);
}

static void bar_write_locked(struct virtio_pci *p, u64 off, const void *data,
			     unsigned int len)
{
	struct virtio_dev *vdev = p->vdev;
	u64 v = 0;

	memcpy(&v, data, len);
	v = le64toh(v);
	if (off < VPCI_COMMON + VPCI_COMMON_SIZE) {
		if (common_access_ok(off, len))
			common_write(p, off, v, len);
	} else if (off >= VPCI_DEVICE && off < VPCI_DEVICE + VPCI_DEVICE_SIZE) {
		off -= VPCI_DEVICE;
		if (vdev->ops->write_config && off < vdev->config_size &&
		    len <= vdev->config_size - off)
			vdev->ops->write_config(vdev, off, data, len);
	} else if (off >= VPCI_NOTIFY && off < VPCI_NOTIFY + VIRTQ_MAX_QUEUES * VPCI_NOTIFY_MULT) {
		/* without an ioeventfd: any write to a queue's address notifies it */
		unsigned int q = (off - VPCI_NOTIFY) / VPCI_NOTIFY_MULT;

		if (q < vdev->nr_queues)
			virtio_dev__kick(&vdev->vqs[q]);
	} else if (off >= VPCI_MSIX_TABLE && p->nr_vectors) {
		if (len == 4 && !(off & 3)) {
			msix_write(p, off, v);
		} else if (len == 8 && !(off & 7)) {
			msix_write(p, off, v);
			msix_write(p, off + 4, v >> 32);
		}
	}
}

static void bar_read(void *opaque, u64 off, void *data, unsigned int len)
{
	struct virtio_pci *p = opaque;

	pthread_mutex_lock(&p->vdev->lock);
	bar_read_locked(p, off, data, len);
	pthread_mutex_unlock(&p->vdev->lock);
}

static void bar_write(void *opaque, u64 off, const void *data, unsigned int len)
{
	struct virtio_pci *p = opaque;

	pthread_mutex_lock(&p->vdev->lock);
	bar_write_locked(p, off, data, len);
	pthread_mutex_unlock(&p->vdev->lock);
}

static const struct mmio_ops bar_ops = {
	.read	= bar_read,
	.write	= bar_write,
};

/* ---- configuration space: the capabilities ----------------------------- */

/*
 * The VIRTIO_PCI_CAP_PCI_CFG window (4.1.4.9): an access to its data is
 * one of cap.length bytes at cap.offset of cap.bar, if those are sane.
 * Returns the offset, or -1 to ignore the access.
 */
static int64_t pci_cfg_target(const struct virtio_pci *p)
{
	const struct virtio_pci_cap *cap = (const void *)&p->pdev.cfg[p->cap_pci_cfg];
	u32 off = le32toh(cap->offset), len = le32toh(cap->length);

	if (cap->bar != 0 || (len != 1 && len != 2 && len != 4) || (off & (len - 1)) ||
	    off >= VPCI_BAR_SIZE)
		return -1;
	return off;
}

/* Whether [off, off + len) and [start, start + n) meet. */
static bool overlaps(u32 off, u32 len, u32 start, u32 n)
{
	return off < start + n && start < off + len;
}

/*
 * 4.1.4.9.1: an access to pci_cfg_data is an access of cap.length bytes at
 * cap.offset of cap.bar, whatever the width the driver used; a read stores
 * what it read there first.
 */
static void vpci_cfg_read(struct pci_dev *pdev, u32 off, void *data, u32 len)
{
	struct virtio_pci *p = pdev->opaque;
	struct virtio_pci_cfg_cap *cap = (void *)&pdev->cfg[p->cap_pci_cfg];
	u32 data_off = p->cap_pci_cfg + offsetof(struct virtio_pci_cfg_cap, pci_cfg_data);
	int64_t target;

	pthread_mutex_lock(&p->vdev->lock);
	if (overlaps(off, len, data_off, 4) && (target = pci_cfg_target(p)) >= 0) {
		memset(cap->pci_cfg_data, 0, sizeof(cap->pci_cfg_data));
		bar_read_locked(p, target, cap->pci_cfg_data, le32toh(cap->cap.length));
	}
	memcpy(data, &pdev->cfg[off], len);
	pthread_mutex_unlock(&p->vdev->lock);
}

static void vpci_cfg_write(struct pci_dev *pdev, u32 off, const void *data, u32 len)
{
	struct virtio_pci *p = pdev->opaque;
	u32 cap = p->cap_pci_cfg;
	u32 data_off = cap + offsetof(struct virtio_pci_cfg_cap, pci_cfg_data);
	struct virtio_pci_cfg_cap *c = (void *)&pdev->cfg[cap];
	int64_t target;
	u32 i;

	pthread_mutex_lock(&p->vdev->lock);
	/* the PCI_CFG window's bar, offset, length and data are the driver's */
	for (i = 0; i < len; i++) {
		u32 o = off + i;

		if (o == cap + offsetof(struct virtio_pci_cap, bar) ||
		    (o >= cap + offsetof(struct virtio_pci_cap, offset) && o < data_off + 4))
			pdev->cfg[o] = ((const u8 *)data)[i];
	}
	if (overlaps(off, len, data_off, 4) && (target = pci_cfg_target(p)) >= 0)
		bar_write_locked(p, target, c->pci_cfg_data, le32toh(c->cap.length));

	/* MSI-X Message Control: enable and function mask */
	if (p->cap_msix && overlaps(off, len, p->cap_msix + PCI_MSIX_FLAGS + 1, 1)) {
		u8 hi = ((const u8 *)data)[p->cap_msix + PCI_MSIX_FLAGS + 1 - off];
		u16 flags = pci_cfg_get16(pdev, p->cap_msix + PCI_MSIX_FLAGS);

		flags = (flags & PCI_MSIX_FLAGS_QSIZE) |
			((hi << 8) & (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL));
		pci_cfg_put16(pdev, p->cap_msix + PCI_MSIX_FLAGS, flags);
		pthread_mutex_lock(&p->irq_lock);
		p->msix_ctrl = flags & (PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
		msix_flush_pending(p);
		intx_update(p);		/* INTA is not used with MSI-X */
		pthread_mutex_unlock(&p->irq_lock);
	}
	pthread_mutex_unlock(&p->vdev->lock);
}

/* INTx disable and bus mastering, as the interrupt paths see them. */
static void vpci_command(struct pci_dev *pdev, u16 old __unused, u16 cmd)
{
	struct virtio_pci *p = pdev->opaque;

	pthread_mutex_lock(&p->irq_lock);
	p->intx_disabled = cmd & PCI_COMMAND_INTX_DISABLE;
	p->bus_master = cmd & PCI_COMMAND_MASTER;
	intx_update(p);
	msix_flush_pending(p);
	pthread_mutex_unlock(&p->irq_lock);
}

/* Notifications at the BAR's new address go to the queues' eventfds. */
static void vpci_bar_moved(struct pci_dev *pdev, unsigned int bar __unused, u64 addr)
{
	struct virtio_pci *p = pdev->opaque;
	struct virtio_dev *vdev = p->vdev;
	unsigned int i;
	int ret = 0;

	if (p->notify_addr) {
		for (i = 0; i < vdev->nr_queues; i++)
			vm__ioeventfd(vdev->vm, p->notify_addr + VPCI_NOTIFY + i * VPCI_NOTIFY_MULT,
				      2, i, vdev->vqs[i].notify_fd, false);
		p->notify_addr = 0;
	}
	if (!addr || !vdev->vm->has_ioeventfd)
		return;
	/* the driver writes the queue's index, 16 bits (4.1.5.2) */
	for (i = 0; i < vdev->nr_queues && !ret; i++)
		ret = vm__ioeventfd(vdev->vm, addr + VPCI_NOTIFY + i * VPCI_NOTIFY_MULT, 2,
				    i, vdev->vqs[i].notify_fd, true);
	if (!ret) {
		p->notify_addr = addr;
		return;
	}
	/* e.g. -EEXIST: another BAR is there for a moment; tried again at the next move */
	pr_debug("%s: no ioeventfd at 0x%" PRIx64 " (%s): notifications exit to the vmm",
		 vdev->name, addr, strerror(-ret));
	for (i--; i--; )
		vm__ioeventfd(vdev->vm, addr + VPCI_NOTIFY + i * VPCI_NOTIFY_MULT, 2,
			      i, vdev->vqs[i].notify_fd, false);
}

static const struct pci_dev_ops vpci_pci_ops = {
	.cfg_read	= vpci_cfg_read,
	.cfg_write	= vpci_cfg_write,
	.bar_moved	= vpci_bar_moved,
	.command	= vpci_command,
};

/* ---- the transport ------------------------------------------------------- */

static void vpci_reset(struct virtio_dev *vdev)
{
	struct virtio_pci *p = vdev->transport_priv;
	unsigned int i;

	p->dfselect = p->gfselect = 0;
	p->queue_sel = 0;
	/* 4.1.4.3.2: queue_size reads the largest size after a reset */
	for (i = 0; i < vdev->nr_queues; i++)
		vdev->vqs[i].size = vdev->vqs[i].max_size;
	pthread_mutex_lock(&p->irq_lock);
	p->isr = 0;
	intx_update(p);
	p->msix_config = VIRTIO_MSI_NO_VECTOR;
	for (i = 0; i < VIRTQ_MAX_QUEUES; i++)
		p->queue_vector[i] = VIRTIO_MSI_NO_VECTOR;
	pthread_mutex_unlock(&p->irq_lock);
}

static void vpci_remove(struct virtio_dev *vdev);

static const struct virtio_transport_ops vpci_transport_ops = {
	.interrupt	= vpci_interrupt,
	.reset		= vpci_reset,
	.remove		= vpci_remove,
};

/* Append a virtio capability of @len bytes at *@at, for @type's BAR area. */
static u8 add_cap(struct virtio_pci *p, u8 *at, u8 *prev_next, u8 type, u32 bar_off,
		  u32 bar_len, u8 len)
{
	struct virtio_pci_cap cap = {
		.cap_vndr	= PCI_CAP_ID_VNDR,
		.cap_len	= len,
		.cfg_type	= type,
		.bar		= 0,
		.offset		= htole32(bar_off),
		.length		= htole32(bar_len),
	};
	u8 off = *at;

	memcpy(&p->pdev.cfg[off], &cap, sizeof(cap));
	p->pdev.cfg[*prev_next] = off;
	*prev_next = off + PCI_CAP_LIST_NEXT;
	*at = ALIGN_UP(off + len, 4);
	return off;
}

/* The PCI class the guest's lspci shows. */
static u32 class_of(u32 device_id)
{
	switch (device_id) {
	case VIRTIO_ID_BLOCK:	return CLASS_STORAGE_OTHER << 8;
	case VIRTIO_ID_NET:	return CLASS_NETWORK_ETHERNET << 8;
	case VIRTIO_ID_CONSOLE:	return CLASS_COMM_OTHER << 8;
	}
	return CLASS_OTHERS << 8;
}

static void build_config(struct virtio_pci *p)
{
	struct virtio_dev *vdev = p->vdev;
	struct pci_dev *pdev = &p->pdev;
	u8 at = PCI_STD_HEADER_SIZEOF, prev = PCI_CAPABILITY_LIST, off;
	u32 mult = htole32(VPCI_NOTIFY_MULT);

	pci_dev__init(pdev, PCI_VENDOR_ID_VIRTIO, PCI_DEVICE_ID_VIRTIO + vdev->device_id,
		      1, class_of(vdev->device_id), PCI_VENDOR_ID_VIRTIO,
		      PCI_DEVICE_ID_VIRTIO + vdev->device_id);
	add_cap(p, &at, &prev, VIRTIO_PCI_CAP_COMMON_CFG, VPCI_COMMON, VPCI_COMMON_SIZE,
		sizeof(struct virtio_pci_cap));
	off = add_cap(p, &at, &prev, VIRTIO_PCI_CAP_NOTIFY_CFG, VPCI_NOTIFY,
		      vdev->nr_queues * VPCI_NOTIFY_MULT, sizeof(struct virtio_pci_notify_cap));
	memcpy(&pdev->cfg[off + offsetof(struct virtio_pci_notify_cap, notify_off_multiplier)],
	       &mult, sizeof(mult));
	add_cap(p, &at, &prev, VIRTIO_PCI_CAP_ISR_CFG, VPCI_ISR, 1,
		sizeof(struct virtio_pci_cap));
	if (vdev->config_size)
		add_cap(p, &at, &prev, VIRTIO_PCI_CAP_DEVICE_CFG, VPCI_DEVICE,
			vdev->config_size, sizeof(struct virtio_pci_cap));
	/* 4.1.4.9: at least one, though Linux never uses it; its window starts empty */
	p->cap_pci_cfg = add_cap(p, &at, &prev, VIRTIO_PCI_CAP_PCI_CFG, 0, 0,
				 sizeof(struct virtio_pci_cfg_cap));
	if (!p->nr_vectors)
		return;
	p->cap_msix = at;
	pdev->cfg[prev] = at;
	pdev->cfg[at + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSIX;
	pci_cfg_put16(pdev, at + PCI_MSIX_FLAGS, p->nr_vectors - 1);
	pci_cfg_put32(pdev, at + PCI_MSIX_TABLE, VPCI_MSIX_TABLE);	/* BIR 0 */
	pci_cfg_put32(pdev, at + PCI_MSIX_PBA, VPCI_MSIX_PBA);
}

int virtio_pci__add(struct virtio_dev *vdev)
{
	struct virtio_pci *p;
	unsigned int i;
	int ret;

	if (vdev->config_size > VPCI_DEVICE_SIZE)
		return -EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->vdev = vdev;
	pthread_mutex_init(&p->irq_lock, NULL);
	/* MSI-X only where an MSI can go: to the ITS */
	p->nr_vectors = vdev->vm->gic_its ? vdev->nr_queues + 1 : 0;
	for (i = 0; i < p->nr_vectors; i++)
		p->msix[i].ctrl = MSIX_ENTRY_MASKED;	/* as after a PCI reset */
	vdev->transport = &vpci_transport_ops;
	vdev->transport_priv = p;
	vpci_reset(vdev);
	build_config(p);

	p->pdev.name = vdev->name;
	p->pdev.ops = &vpci_pci_ops;
	p->pdev.opaque = p;
	p->pdev.intx = true;
	p->pdev.bars[0] = (struct pci_bar){
		.size = VPCI_BAR_SIZE, .ops = &bar_ops, .opaque = p,
	};
	ret = pci__add(vdev->vm, &p->pdev);
	if (ret) {
		vdev->transport = NULL;
		vdev->transport_priv = NULL;
		pthread_mutex_destroy(&p->irq_lock);
		free(p);
		return ret;
	}
	pr_debug("%s: virtio-pci, %s%s", vdev->name,
		 p->nr_vectors ? "MSI-X" : p->pdev.intid ? "INTx" : "no interrupt",
		 p->notify_addr ? ", ioeventfd" : "");
	return 0;
}

static void vpci_remove(struct virtio_dev *vdev)
{
	struct virtio_pci *p = vdev->transport_priv;

	pci__remove(vdev->vm, &p->pdev);
	pthread_mutex_destroy(&p->irq_lock);
	free(p);
	vdev->transport_priv = NULL;
	vdev->transport = NULL;
}
