/* SPDX-License-Identifier: GPL-2.0 */
/* virtio_driver.h - a guest's virtio driver for the unit tests, on a fake VM and its RAM. */
#ifndef VMM_TESTS_VIRTIO_DRIVER_H
#define VMM_TESTS_VIRTIO_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include <vmm/layout.h>
#include "../../devices/virtio/virtio.h"

/*
 * The driver runs one device: the first a VM gets, in the first virtio-mmio
 * window and on the first SPI.  Its assertions are check's: a driver
 * function that finds the device not doing as it says fails the test.
 */

/* the guest's RAM: 1 MiB at the layout's base */
#define VDRV_RAM_BASE		LAYOUT_RAM_BASE
#define VDRV_RAM_SIZE		SZ_1M
#define VDRV_RAM_END		(VDRV_RAM_BASE + VDRV_RAM_SIZE)

/* the first device's window and SPI */
#define VDRV_MMIO_BASE		LAYOUT_VIRTIO_MMIO_BASE
#define VDRV_SPI		GIC_SPI_BASE

/*
 * Where the driver's rings for queue @q are, unless a test moves them:
 * 4 KiB for each area, room for 256 entries.  RAM below VDRV_DESC_GPA(0),
 * the 4 KiB after each queue's used ring and all from
 * VDRV_DESC_GPA(VDRV_NR_QUEUES) on are the tests' own.
 */
#define VDRV_NR_QUEUES		2
#define VDRV_DESC_GPA(q)	(VDRV_RAM_BASE + 0x1000 + (q) * 0x4000)
#define VDRV_AVAIL_GPA(q)	(VDRV_DESC_GPA(q) + 0x1000)
#define VDRV_USED_GPA(q)	(VDRV_DESC_GPA(q) + 0x2000)

/* feature bits virtio_dev__init() offers for every device */
#define F_INDIRECT		(1ULL << VIRTIO_RING_F_INDIRECT_DESC)
#define F_EVENT_IDX		(1ULL << VIRTIO_RING_F_EVENT_IDX)
#define F_VERSION_1		(1ULL << VIRTIO_F_VERSION_1)

/* device status as a driver builds it up (3.1.1) */
#define S_ACK			VIRTIO_CONFIG_S_ACKNOWLEDGE
#define S_DRIVER		(S_ACK | VIRTIO_CONFIG_S_DRIVER)
#define S_FEATURES		(S_DRIVER | VIRTIO_CONFIG_S_FEATURES_OK)
#define S_RUNNING		(S_FEATURES | VIRTIO_CONFIG_S_DRIVER_OK)
#define S_NEEDS_RESET		VIRTIO_CONFIG_S_NEEDS_RESET

/* The driver's side of one queue: its rings in guest RAM, and their size. */
struct vdrv_queue {
	u64			desc_gpa, avail_gpa, used_gpa;
	struct vring_desc	*desc;
	struct vring_avail	*avail;
	struct vring_used	*used;
	u16			size;
};

extern struct vm vdrv_vm;
extern struct vm_config vdrv_cfg;
extern struct vdrv_queue vdrv_q[VDRV_NR_QUEUES];

/* ---- the VM --------------------------------------------------------------- */

/*
 * vdrv_vm afresh: its RAM zeroed, an empty MMIO bus, a GICv3 with no SPI
 * taken, vdrv_cfg zeroed but for @console, and a console backend writing to
 * @out_fd (-1: none) with no input.  The main loop is not set up.  Every
 * queue's rings are at their VDRV_*_GPA() places, of @qsize entries.  The
 * interrupt record starts empty.
 */
void vdrv_make_vm(u16 qsize, enum console_kind console, int out_fd);

/* The registered device model called @name; fails the test if none. */
const struct device_desc *vdrv_find_device(const char *name);

/*
 * Init device model @desc on vdrv_vm with option @arg (NULL: none), as
 * devices__init() does: the instance it made.  Asserts the model took the
 * option and made one.
 */
void *vdrv_init_device(const struct device_desc *desc, const char *arg);

/* Exit the instance at *@dev of model @desc, if there is one, and forget it. */
void vdrv_exit_device(const struct device_desc *desc, void **dev);

/* The host address of guest address @gpa, which must be in RAM; no check. */
void *vdrv_hva(u64 gpa);

/* Whether all @len bytes at @p are @v. */
bool vdrv_all_bytes(const void *p, u8 v, size_t len);

/* ---- a stub device model ------------------------------------------------- */

/*
 * A device model that only records what its transport does to it, for
 * the transports' tests: starts (returning start_ret), resets, and config
 * writes (applied to config[]).  Its owner sets vdev.ops = &vdrv_stub_ops
 * and vdev.priv to it.
 */
struct vdrv_stub {
	struct virtio_dev	vdev;
	u8			config[16];
	int			start_ret;
	unsigned int		starts, resets, config_writes;
	u32			write_off, write_len;
	bool			live;		/* on a transport; the owner's to keep */
};

extern const struct virtio_dev_ops vdrv_stub_ops;

/* ---- interrupts ----------------------------------------------------------- */

/*
 * vdrv_vm.irq_line records every level change, in order, from any thread
 * (a device's I/O thread raises its interrupt too).
 */

/* How many level changes are recorded. */
unsigned int vdrv_irq_changes(void);

/* Forget the recorded level changes. */
void vdrv_irq_clear(void);

/*
 * How many pulses were recorded: asserts that every change was on
 * VDRV_SPI, each a 1 then a 0, and that the line was left at 0.
 */
unsigned int vdrv_pulses(void);

/* ---- the device's registers ----------------------------------------------- */

/*
 * A guest read of @len bytes at offset @off of the device's window: what
 * it read.  Asserts that the bus took the access (a register that ignores
 * an access still takes it, and reads 0).
 */
u64 vdrv_rd(u64 off, unsigned int len);

/* A guest write of @len bytes of @v there; asserts the same. */
void vdrv_wr(u64 off, u64 v, unsigned int len);

/* vdrv_rd() 32 bits wide: the width of every virtio-mmio register. */
u32 vdrv_rd32(u64 off);

/* vdrv_wr() 32 bits wide. */
void vdrv_wr32(u64 off, u32 v);

/* The Status register. */
u32 vdrv_status(void);

/* The InterruptStatus register. */
u32 vdrv_int_status(void);

/* All 64 bits of DeviceFeatures: selects word 0, then word 1. */
u64 vdrv_device_features(void);

/* Select queue @sel and read its QueueNumMax; @sel stays selected. */
u32 vdrv_queue_num_max(u32 sel);

/* Notify the device of queue @q. */
void vdrv_notify(u32 q);

/* ---- initialisation (3.1.1) ----------------------------------------------- */

/* Write both words of DriverFeatures; nothing else. */
void vdrv_write_features(u64 features);

/*
 * ACKNOWLEDGE, DRIVER, @features and FEATURES_OK, from whatever status the
 * device has: whether the device kept FEATURES_OK.  Asserts nothing.
 */
bool vdrv_negotiate(u64 features);

/*
 * Select queue @sel and write its size and the addresses of its three
 * areas; QueueReady is left as it is.  Any values go: @sel need not be a
 * queue, nor the rest good ones.
 */
void vdrv_write_queue(u32 sel, u32 size, u64 desc, u64 avail, u64 used);

/*
 * vdrv_negotiate(@features), asserting the device is at FEATURES_OK with
 * no other bit; then queues 0 to @nq - 1 (at most VDRV_NR_QUEUES) each
 * given its vdrv_q[] rings and made ready, asserting that QueueReady
 * reads 1.
 */
void vdrv_setup_queues(u64 features, unsigned int nq);

/* Set DRIVER_OK, asserting the status is then S_RUNNING exactly. */
void vdrv_driver_ok(void);

/* A driver's whole init: vdrv_setup_queues(), then vdrv_driver_ok(). */
void vdrv_start(u64 features, unsigned int nq);

/* ---- the rings ------------------------------------------------------------ */

/*
 * Where the driver keeps queue @q's rings (@q below VDRV_NR_QUEUES), of
 * @size entries, from now on; the device is not told (vdrv_write_queue()).
 */
void vdrv_set_rings(unsigned int q, u16 size, u64 desc, u64 avail, u64 used);

/*
 * Zero the rings at queue @q's VDRV_*_GPA() places, all 12 KiB, as a
 * driver allocates them after a reset.
 */
void vdrv_zero_rings(unsigned int q);

/* Entry @i of descriptor table @table: an indirect one, or any a test lays. */
void vdrv_table_desc(struct vring_desc *table, u16 i, u64 addr, u32 len,
		     u16 flags, u16 next);

/* Entry @i of queue @q's descriptor table. */
void vdrv_desc(unsigned int q, u16 i, u64 addr, u32 len, u16 flags, u16 next);

/* Make the chain at @head of queue @q available: avail idx last, released. */
void vdrv_post(unsigned int q, u16 head);

/* Queue @q's used idx, loaded with acquire (the device may be a thread). */
u16 vdrv_used_idx(unsigned int q);

/* The id of used entry @i of queue @q (any index: it wraps at the size). */
u32 vdrv_used_id(unsigned int q, u16 i);

/* The len of used entry @i of queue @q, likewise. */
u32 vdrv_used_len(unsigned int q, u16 i);

/* 2.7.10: queue @q's used_event, after the avail ring's entries. */
u16 *vdrv_used_event(unsigned int q);

/* 2.7.10: queue @q's avail_event, after the used ring's entries. */
u16 *vdrv_avail_event(unsigned int q);

#endif
