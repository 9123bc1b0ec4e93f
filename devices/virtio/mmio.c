// SPDX-License-Identifier: GPL-2.0
/*
 * mmio.c - the virtio-mmio transport, version 2 ("modern", VIRTIO 1.2
 * section 4.2): registers on the MMIO bus, one edge-triggered SPI per
 * device as kvmtool declares it, QueueNotify through an ioeventfd where
 * the hypervisor has them.  Register accesses come from vCPU threads and
 * are serialised by the device's lock.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <libfdt.h>
#include <linux/virtio_mmio.h>

#include <vmm/layout.h>
#include "../../vmm/fdt-util.h"
#include "virtio.h"

#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */
#define VIRTIO_MMIO_VERSION_2	2
#define VIRTIO_VENDOR_VMM	0x004d4d56	/* "VMM" */

struct virtio_mmio {
	struct virtio_dev	*vdev;
	u64			base;
	unsigned int		intid;
	u32			device_features_sel;
	u32			driver_features_sel;
	u32			queue_sel;
	u32			int_status;	/* atomic: devices raise, the driver acks */
	int			irqfd;		/* -1: KVM_IRQ_LINE pulses */
	bool			irqfd_tried;
	bool			ioeventfd;	/* QueueNotify never exits to us */
};

static void mmio_interrupt(struct virtio_dev *vdev, struct virtqueue *vq)
{
	struct virtio_mmio *m = vdev->transport_priv;
	struct vm *vm = vdev->vm;
	u64 one = 1;

	__atomic_or_fetch(&m->int_status, vq ? VIRTIO_MMIO_INT_VRING :
			  VIRTIO_MMIO_INT_CONFIG, __ATOMIC_SEQ_CST);
	if (m->irqfd >= 0) {
		if (write(m->irqfd, &one, sizeof(one)) == sizeof(one))
			return;
		pr_debug("%s: irqfd: %s", vdev->name, strerror(errno));
	}
	/* an edge: the vGIC latches the rising one */
	vm->irq_line(vm, m->intid, 1);
	vm->irq_line(vm, m->intid, 0);
}

/* Interrupts through an irqfd from now on, if the hypervisor takes one. */
static void mmio_driver_ok(struct virtio_dev *vdev)
{
	struct virtio_mmio *m = vdev->transport_priv;
	struct vm *vm = vdev->vm;
	int fd, ret;

	if (m->irqfd_tried)
		return;
	m->irqfd_tried = true;
	if (!vm->has_irqfd || vm->gic == GIC_NONE)
		return;
	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return;
	ret = vm__irqfd(vm, m->intid, fd);
	if (ret) {
		pr_debug("%s: no irqfd (%s): interrupts through KVM_IRQ_LINE",
			 vdev->name, strerror(-ret));
		close(fd);
		return;
	}
	m->irqfd = fd;
}

static void mmio_reset(struct virtio_dev *vdev)
{
	struct virtio_mmio *m = vdev->transport_priv;

	__atomic_store_n(&m->int_status, 0, __ATOMIC_RELEASE);
	m->device_features_sel = m->driver_features_sel = m->queue_sel = 0;
}

/* The selected queue, or NULL past the device's last one. */
static struct virtqueue *selected(struct virtio_mmio *m)
{
	return m->queue_sel < m->vdev->nr_queues ? &m->vdev->vqs[m->queue_sel] : NULL;
}

static u32 read_reg(struct virtio_mmio *m, u64 off)
{
	struct virtio_dev *vdev = m->vdev;
	struct virtqueue *vq = selected(m);

	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_2;
	case VIRTIO_MMIO_DEVICE_ID:
		return vdev->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_VENDOR_VMM;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return virtio_dev__features_word(vdev, m->device_features_sel);
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return vq ? vq->max_size : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return vq ? vq->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return __atomic_load_n(&m->int_status, __ATOMIC_ACQUIRE);
	case VIRTIO_MMIO_STATUS:
		return __atomic_load_n(&vdev->status, __ATOMIC_ACQUIRE);
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		return 0xffffffff;	/* 4.2.2: no shared memory region */
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return vdev->config_generation;
	}
	return 0;
}

/* Set the low or high half of a 64-bit queue address. */
static void set_half(u64 *addr, u64 off, u32 v)
{
	if (off & 4)
		*addr = (*addr & 0xffffffffULL) | (u64)v << 32;
	else
		*addr = (*addr & ~0xffffffffULL) | v;
}

static void write_reg(struct virtio_mmio *m, u64 off, u32 v)
{
	struct virtio_dev *vdev = m->vdev;
	struct virtqueue *vq = selected(m);

	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		m->device_features_sel = v;
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		virtio_dev__set_features_word(vdev, m->driver_features_sel, v);
		break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		m->driver_features_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_SEL:
		m->queue_sel = v;
		break;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (vq && !vq->ready)
			vq->size = v > 0xffff ? 0 : v;	/* checked at QueueReady */
		break;
	case VIRTIO_MMIO_QUEUE_READY:
		if (vq)
			virtio_dev__queue_ready(vdev, vq, v);
		break;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		/* with ioeventfds, only a bad queue index gets here */
		if (v < vdev->nr_queues)
			virtio_dev__kick(&vdev->vqs[v]);
		break;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		__atomic_and_fetch(&m->int_status, ~v, __ATOMIC_SEQ_CST);
		break;
	case VIRTIO_MMIO_STATUS:
		virtio_dev__write_status(vdev, v);
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (vq && !vq->ready)
			set_half(&vq->desc_gpa, off, v);
		break;
	case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
	case VIRTIO_MMIO_QUEUE_AVAIL_HIGH:
		if (vq && !vq->ready)
			set_half(&vq->avail_gpa, off, v);
		break;
	case VIRTIO_MMIO_QUEUE_USED_LOW:
	case VIRTIO_MMIO_QUEUE_USED_HIGH:
		if (vq && !vq->ready)
			set_half(&vq->used_gpa, off, v);
		break;
	}
}

static void mmio_read(void *opaque, u64 off, void *data, unsigned int len)
{
	struct virtio_mmio *m = opaque;
	struct virtio_dev *vdev = m->vdev;
	u32 v;

	pthread_mutex_lock(&vdev->lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		off -= VIRTIO_MMIO_CONFIG;
		/* 4.2.2.2: the config space takes any access width */
		if (off < vdev->config_size && len <= vdev->config_size - off)
			memcpy(data, vdev->config + off, len);
	} else if (len == 4 && !(off & 3)) {
		/* 4.2.2.2: registers are read 32 bits at a time */
		v = read_reg(m, off);
		memcpy(data, &v, 4);
	}
	pthread_mutex_unlock(&vdev->lock);
}

static void mmio_write(void *opaque, u64 off, const void *data, unsigned int len)
{
	struct virtio_mmio *m = opaque;
	struct virtio_dev *vdev = m->vdev;
	u32 v;

	pthread_mutex_lock(&vdev->lock);
	if (off >= VIRTIO_MMIO_CONFIG) {
		off -= VIRTIO_MMIO_CONFIG;
		if (vdev->ops->write_config && off < vdev->config_size &&
		    len <= vdev->config_size - off)
			vdev->ops->write_config(vdev, off, data, len);
	} else if (len == 4 && !(off & 3)) {
		memcpy(&v, data, 4);
		write_reg(m, off, v);
	}
	pthread_mutex_unlock(&vdev->lock);
}

static void mmio_remove(struct virtio_dev *vdev)
{
	struct virtio_mmio *m = vdev->transport_priv;

	/* the VM's end: its fd going away removes the ioeventfds */
	if (m->irqfd >= 0)
		close(m->irqfd);
	free(m);
	vdev->transport_priv = NULL;
	vdev->transport = NULL;
}

static int mmio_fdt(struct virtio_dev *vdev, void *fdt)
{
	struct virtio_mmio *m = vdev->transport_priv;
	fdt32_t irq[3] = {
		cpu_to_fdt32(FDT_GIC_SPI),
		cpu_to_fdt32(m->intid - GIC_SPI_BASE),
		cpu_to_fdt32(FDT_IRQ_EDGE_RISING),
	};
	char name[32];

	snprintf(name, sizeof(name), "virtio@%llx", (unsigned long long)m->base);
	FDT_CHECK(fdt_begin_node(fdt, name));
	FDT_CHECK(fdt_property_string(fdt, "compatible", "virtio,mmio"));
	FDT_CHECK(fdt_prop_reg(fdt, m->base, LAYOUT_VIRTIO_MMIO_SIZE));
	if (vdev->vm->gic != GIC_NONE)
		FDT_CHECK(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	/* no IOMMU and coherent with the CPUs: no cache maintenance for DMA */
	FDT_CHECK(fdt_property(fdt, "dma-coherent", NULL, 0));
	FDT_CHECK(fdt_end_node(fdt));
	return 0;
}

static const struct virtio_transport_ops mmio_transport_ops = {
	.interrupt	= mmio_interrupt,
	.driver_ok	= mmio_driver_ok,
	.reset		= mmio_reset,
	.remove		= mmio_remove,
	.fdt		= mmio_fdt,
};

static const struct mmio_ops virtio_mmio_ops = {
	.read	= mmio_read,
	.write	= mmio_write,
};

/* QueueNotify writes of each queue's index signal its eventfd in the kernel. */
static void setup_ioeventfds(struct virtio_mmio *m)
{
	struct virtio_dev *vdev = m->vdev;
	unsigned int i;
	int ret = 0;

	if (!vdev->vm->has_ioeventfd)
		return;
	for (i = 0; i < vdev->nr_queues; i++) {
		ret = vm__ioeventfd(vdev->vm, m->base + VIRTIO_MMIO_QUEUE_NOTIFY, 4,
				    i, vdev->vqs[i].notify_fd, true);
		if (ret)
			break;
	}
	if (!ret) {
		m->ioeventfd = true;
		return;
	}
	pr_debug("%s: no ioeventfd (%s): notifications exit to the vmm",
		 vdev->name, strerror(-ret));
	while (i--)
		vm__ioeventfd(vdev->vm, m->base + VIRTIO_MMIO_QUEUE_NOTIFY, 4,
			      i, vdev->vqs[i].notify_fd, false);
}

int virtio_mmio__add(struct virtio_dev *vdev)
{
	struct virtio_mmio *m;
	int ret;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->vdev = vdev;
	m->irqfd = -1;
	m->base = vm__alloc_virtio_mmio(vdev->vm);
	if (!m->base) {
		pr_err("%s: no room left in the virtio-mmio window", vdev->name);
		free(m);
		return -DEVICE_EREPORTED;
	}
	m->intid = vm__alloc_spi(vdev->vm);
	ret = mmio_bus__register(&vdev->vm->bus, m->base, LAYOUT_VIRTIO_MMIO_SIZE,
				 vdev->name, &virtio_mmio_ops, m);
	if (ret) {
		free(m);
		return ret;
	}
	vdev->transport = &mmio_transport_ops;
	vdev->transport_priv = m;
	setup_ioeventfds(m);
	pr_debug("%s: virtio-mmio at 0x%" PRIx64 ", SPI %u%s", vdev->name,
		 m->base, m->intid, m->ioeventfd ? ", ioeventfd" : "");
	return 0;
}
