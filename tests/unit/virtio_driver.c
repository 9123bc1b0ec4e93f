// SPDX-License-Identifier: GPL-2.0
/* virtio_driver.c - a guest's virtio driver for the unit tests, on a fake VM and its RAM. */
#include <endian.h>
#include <pthread.h>
#include <string.h>

#include <linux/virtio_mmio.h>

#include "unit.h"
#include "virtio_driver.h"

static u8 ram[VDRV_RAM_SIZE] __attribute__((aligned(4096)));

struct vm vdrv_vm;
struct vm_config vdrv_cfg;
struct vdrv_queue vdrv_q[VDRV_NR_QUEUES];

/* ---- the VM --------------------------------------------------------------- */

/* vdrv_vm.irq_line: every level change, in order, from any thread */
static pthread_mutex_t irq_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	unsigned int	intid;
	int		level;
} irqs[64];
static unsigned int nr_irqs;

static void record_irq(struct vm *vm __unused, unsigned int intid, int level)
{
	pthread_mutex_lock(&irq_lock);
	if (nr_irqs < ARRAY_SIZE(irqs))
		irqs[nr_irqs] = (typeof(irqs[0])){ intid, level };
	nr_irqs++;
	pthread_mutex_unlock(&irq_lock);
}

void vdrv_make_vm(u16 qsize, enum console_kind console, int out_fd)
{
	unsigned int q;

	memset(&vdrv_vm, 0, sizeof(vdrv_vm));
	memset(&vdrv_cfg, 0, sizeof(vdrv_cfg));
	memset(ram, 0, sizeof(ram));
	vdrv_cfg.console = console;
	vdrv_vm.cfg = &vdrv_cfg;
	vdrv_vm.ram = ram;
	vdrv_vm.ram_base = VDRV_RAM_BASE;
	vdrv_vm.ram_size = VDRV_RAM_SIZE;
	vdrv_vm.nr_vcpus = 1;
	vdrv_vm.gic = GIC_V3;
	vdrv_vm.next_spi = GIC_SPI_BASE;
	vdrv_vm.next_virtio_mmio = LAYOUT_VIRTIO_MMIO_BASE;
	vdrv_vm.irq_line = record_irq;
	mmio_bus__init(&vdrv_vm.bus);
	pci__init(&vdrv_vm.pci);
	console__init(&vdrv_vm.console, -1, out_fd);
	vdrv_irq_clear();
	for (q = 0; q < VDRV_NR_QUEUES; q++)
		vdrv_set_rings(q, qsize, VDRV_DESC_GPA(q), VDRV_AVAIL_GPA(q), VDRV_USED_GPA(q));
}

const struct device_desc *vdrv_find_device(const char *name)
{
	const struct device_desc *const *d;

	for (d = __start_vmm_devices; d < __stop_vmm_devices; d++)
		if (!strcmp((*d)->name, name))
			return *d;
	ck_abort_msg("no device \"%s\" registered", name);
	return NULL;
}

void *vdrv_init_device(const struct device_desc *desc, const char *arg)
{
	void *dev = NULL;
	int ret = desc->init(&vdrv_vm, arg, &dev);

	ck_assert_msg(ret == 0, "%s, option %s: init returned %d", desc->name,
		      arg ? arg : "(none)", ret);
	ck_assert_ptr_nonnull(dev);
	return dev;
}

void vdrv_exit_device(const struct device_desc *desc, void **dev)
{
	if (*dev)
		desc->exit(&vdrv_vm, *dev);
	*dev = NULL;
}

void *vdrv_hva(u64 gpa)
{
	return ram + (gpa - VDRV_RAM_BASE);
}

bool vdrv_all_bytes(const void *p, u8 v, size_t len)
{
	const u8 *b = p;

	while (len--)
		if (*b++ != v)
			return false;
	return true;
}

/* ---- a stub device model ------------------------------------------------- */

static int stub_start(struct virtio_dev *vdev)
{
	struct vdrv_stub *s = vdev->priv;

	s->starts++;
	return s->start_ret;
}

static void stub_reset(struct virtio_dev *vdev)
{
	struct vdrv_stub *s = vdev->priv;

	s->resets++;
}

static void stub_write_config(struct virtio_dev *vdev, u32 off, const void *data,
			      u32 len)
{
	struct vdrv_stub *s = vdev->priv;

	s->config_writes++;
	s->write_off = off;
	s->write_len = len;
	memcpy(s->config + off, data, len);
}

const struct virtio_dev_ops vdrv_stub_ops = {
	.start		= stub_start,
	.reset		= stub_reset,
	.write_config	= stub_write_config,
};

/* ---- interrupts ----------------------------------------------------------- */

unsigned int vdrv_irq_changes(void)
{
	unsigned int n;

	pthread_mutex_lock(&irq_lock);
	n = nr_irqs;
	pthread_mutex_unlock(&irq_lock);
	return n;
}

void vdrv_irq_clear(void)
{
	pthread_mutex_lock(&irq_lock);
	nr_irqs = 0;
	pthread_mutex_unlock(&irq_lock);
}

unsigned int vdrv_pulses(void)
{
	typeof(irqs) seen;
	unsigned int i, n;

	pthread_mutex_lock(&irq_lock);
	n = nr_irqs;
	memcpy(seen, irqs, sizeof(seen));
	pthread_mutex_unlock(&irq_lock);
	ck_assert_uint_le(n, ARRAY_SIZE(seen));
	ck_assert_msg(n % 2 == 0, "the line was left at %d", seen[n - 1].level);
	for (i = 0; i < n; i++) {
		ck_assert_uint_eq(seen[i].intid, VDRV_SPI);
		ck_assert_int_eq(seen[i].level, i % 2 ? 0 : 1);
	}
	return n / 2;
}

/* ---- the device's registers ----------------------------------------------- */

u64 vdrv_rd(u64 off, unsigned int len)
{
	u64 v = 0;

	ck_assert(mmio_bus__access(&vdrv_vm.bus, VDRV_MMIO_BASE + off, &v, len, false));
	return v;
}

void vdrv_wr(u64 off, u64 v, unsigned int len)
{
	ck_assert(mmio_bus__access(&vdrv_vm.bus, VDRV_MMIO_BASE + off, &v, len, true));
}

u32 vdrv_rd32(u64 off)
{
	return vdrv_rd(off, 4);
}

void vdrv_wr32(u64 off, u32 v)
{
	vdrv_wr(off, v, 4);
}

u32 vdrv_status(void)
{
	return vdrv_rd32(VIRTIO_MMIO_STATUS);
}

u32 vdrv_int_status(void)
{
	return vdrv_rd32(VIRTIO_MMIO_INTERRUPT_STATUS);
}

u64 vdrv_device_features(void)
{
	u64 f;

	vdrv_wr32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	f = vdrv_rd32(VIRTIO_MMIO_DEVICE_FEATURES);
	vdrv_wr32(VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	return f | (u64)vdrv_rd32(VIRTIO_MMIO_DEVICE_FEATURES) << 32;
}

u32 vdrv_queue_num_max(u32 sel)
{
	vdrv_wr32(VIRTIO_MMIO_QUEUE_SEL, sel);
	return vdrv_rd32(VIRTIO_MMIO_QUEUE_NUM_MAX);
}

void vdrv_notify(u32 q)
{
	vdrv_wr32(VIRTIO_MMIO_QUEUE_NOTIFY, q);
}

/* ---- initialisation (3.1.1) ----------------------------------------------- */

void vdrv_write_features(u64 features)
{
	vdrv_wr32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	vdrv_wr32(VIRTIO_MMIO_DRIVER_FEATURES, (u32)features);
	vdrv_wr32(VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	vdrv_wr32(VIRTIO_MMIO_DRIVER_FEATURES, features >> 32);
}

bool vdrv_negotiate(u64 features)
{
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_ACK);
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_DRIVER);
	vdrv_write_features(features);
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_FEATURES);
	return vdrv_status() & VIRTIO_CONFIG_S_FEATURES_OK;
}

void vdrv_write_queue(u32 sel, u32 size, u64 desc, u64 avail, u64 used)
{
	vdrv_wr32(VIRTIO_MMIO_QUEUE_SEL, sel);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_NUM, size);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_DESC_LOW, (u32)desc);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_DESC_HIGH, desc >> 32);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_AVAIL_LOW, (u32)avail);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_AVAIL_HIGH, avail >> 32);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_USED_LOW, (u32)used);
	vdrv_wr32(VIRTIO_MMIO_QUEUE_USED_HIGH, used >> 32);
}

void vdrv_setup_queues(u64 features, unsigned int nq)
{
	unsigned int q;

	ck_assert_uint_le(nq, VDRV_NR_QUEUES);
	vdrv_negotiate(features);
	ck_assert_msg(vdrv_status() == S_FEATURES, "features 0x%llx: status 0x%x",
		      (unsigned long long)features, vdrv_status());
	for (q = 0; q < nq; q++) {
		vdrv_write_queue(q, vdrv_q[q].size, vdrv_q[q].desc_gpa,
				 vdrv_q[q].avail_gpa, vdrv_q[q].used_gpa);
		vdrv_wr32(VIRTIO_MMIO_QUEUE_READY, 1);
		ck_assert_msg(vdrv_rd32(VIRTIO_MMIO_QUEUE_READY) == 1, "queue %u not ready", q);
	}
}

void vdrv_driver_ok(void)
{
	vdrv_wr32(VIRTIO_MMIO_STATUS, S_RUNNING);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
}

void vdrv_start(u64 features, unsigned int nq)
{
	vdrv_setup_queues(features, nq);
	vdrv_driver_ok();
}

/* ---- the rings ------------------------------------------------------------ */

void vdrv_set_rings(unsigned int q, u16 size, u64 desc, u64 avail, u64 used)
{
	ck_assert_uint_lt(q, VDRV_NR_QUEUES);
	vdrv_q[q] = (struct vdrv_queue){
		.desc_gpa	= desc,
		.avail_gpa	= avail,
		.used_gpa	= used,
		.desc		= vdrv_hva(desc),
		.avail		= vdrv_hva(avail),
		.used		= vdrv_hva(used),
		.size		= size,
	};
}

void vdrv_zero_rings(unsigned int q)
{
	memset(vdrv_hva(VDRV_DESC_GPA(q)), 0, VDRV_USED_GPA(q) + 0x1000 - VDRV_DESC_GPA(q));
}

void vdrv_table_desc(struct vring_desc *table, u16 i, u64 addr, u32 len,
		     u16 flags, u16 next)
{
	table[i].addr = htole64(addr);
	table[i].len = htole32(len);
	table[i].flags = htole16(flags);
	table[i].next = htole16(next);
}

void vdrv_desc(unsigned int q, u16 i, u64 addr, u32 len, u16 flags, u16 next)
{
	vdrv_table_desc(vdrv_q[q].desc, i, addr, len, flags, next);
}

void vdrv_post(unsigned int q, u16 head)
{
	struct vdrv_queue *d = &vdrv_q[q];
	u16 idx = le16toh(d->avail->idx);

	d->avail->ring[idx % d->size] = htole16(head);
	__atomic_store_n(&d->avail->idx, htole16(idx + 1), __ATOMIC_RELEASE);
}

u16 vdrv_used_idx(unsigned int q)
{
	return le16toh(__atomic_load_n(&vdrv_q[q].used->idx, __ATOMIC_ACQUIRE));
}

u32 vdrv_used_id(unsigned int q, u16 i)
{
	return le32toh(vdrv_q[q].used->ring[i % vdrv_q[q].size].id);
}

u32 vdrv_used_len(unsigned int q, u16 i)
{
	return le32toh(vdrv_q[q].used->ring[i % vdrv_q[q].size].len);
}

u16 *vdrv_used_event(unsigned int q)
{
	return &vdrv_q[q].avail->ring[vdrv_q[q].size];
}

u16 *vdrv_avail_event(unsigned int q)
{
	return (u16 *)&vdrv_q[q].used->ring[vdrv_q[q].size];
}
