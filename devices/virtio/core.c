// SPDX-License-Identifier: GPL-2.0
/*
 * core.c - split virtqueues (VIRTIO 1.2, 2.7) as a device sees them, and
 * what every virtio device shares: features, failing, notifications.
 *
 * Everything in the rings is the guest's and may change under us: each
 * descriptor is read once into a local copy, each index checked against
 * the queue size, and each buffer mapped with guest_ptr() (in RAM, no
 * wrap-around) before a device touches it.
 */
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "virtio.h"

/* Sizes of the three areas (2.7: split virtqueues), event fields included. */
static u64 desc_size(u16 n)
{
	return 16ULL * n;
}

static u64 avail_size(u16 n)
{
	return 6 + 2ULL * n;
}

static u64 used_size(u16 n)
{
	return 6 + 8ULL * n;
}

static u16 load_le16(const void *p)
{
	return le16toh(__atomic_load_n((const u16 *)p, __ATOMIC_RELAXED));
}

int virtq__enable(struct virtqueue *vq, const struct vm *vm, u64 features,
		  char *err, size_t errlen)
{
	u16 n = vq->size;

	if (!n || n > vq->max_size || (n & (n - 1)))
		return errorf(err, errlen, "queue %u: size %u (a power of two up to %u)",
			      vq->index, n, vq->max_size);
	/* 2.7: descriptor table 16-byte, available ring 2-byte, used ring 4-byte aligned */
	if ((vq->desc_gpa & 15) || (vq->avail_gpa & 1) || (vq->used_gpa & 3))
		return errorf(err, errlen, "queue %u: misaligned rings", vq->index);
	vq->desc = guest_ptr(vm, vq->desc_gpa, desc_size(n));
	vq->avail = guest_ptr(vm, vq->avail_gpa, avail_size(n));
	vq->used = guest_ptr(vm, vq->used_gpa, used_size(n));
	if (!vq->desc || !vq->avail || !vq->used)
		return errorf(err, errlen, "queue %u: rings outside guest RAM", vq->index);
	vq->event_idx = features & (1ULL << VIRTIO_RING_F_EVENT_IDX);
	vq->indirect = features & (1ULL << VIRTIO_RING_F_INDIRECT_DESC);
	/* 2.7.6: the device starts at the driver's initial idx, 0 */
	vq->last_avail = vq->used_idx = 0;
	vq->signalled_valid = false;
	return 0;
}

void virtq__reset(struct virtqueue *vq)
{
	vq->size = vq->max_size;
	vq->ready = false;
	vq->desc_gpa = vq->avail_gpa = vq->used_gpa = 0;
	vq->desc = NULL;
	vq->avail = NULL;
	vq->used = NULL;
	vq->last_avail = vq->used_idx = 0;
	vq->signalled_valid = false;
}

/* Does [p, p + len) touch one of the queue's own rings? */
static bool over_rings(const struct virtqueue *vq, const u8 *p, u64 len)
{
	const struct { const void *base; u64 size; } r[] = {
		{ vq->desc, desc_size(vq->size) },
		{ vq->avail, avail_size(vq->size) },
		{ vq->used, used_size(vq->size) },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(r); i++) {
		const u8 *b = r[i].base;

		if (p < b + r[i].size && b < p + len)
			return true;
	}
	return false;
}

/*
 * Descriptor @i of @table, read once into @d in host order: the guest may
 * be rewriting it, and the copy is all that is used.  An indirect table
 * may lie at any address (2.7.5.3 asks no alignment of it, arm64 Linux's
 * kmalloc() gives 8 bytes), so it is copied as bytes, never loaded as a
 * struct vring_desc; the barrier keeps the compiler from reading the
 * guest's bytes again in place of the copy (as Linux's READ_ONCE() of an
 * aggregate).
 */
static void read_desc(const u8 *table, unsigned int i, struct vring_desc *d)
{
	memcpy(d, table + 16 * i, sizeof(*d));
	__asm__ __volatile__("" : : : "memory");
	d->addr = le64toh(d->addr);
	d->len = le32toh(d->len);
	d->flags = le16toh(d->flags);
	d->next = le16toh(d->next);
}

int virtq__pop(struct virtqueue *vq, const struct vm *vm,
	       struct virtq_chain *chain, char *err, size_t errlen)
{
	const u8 *table = (const u8 *)vq->desc;
	unsigned int n = vq->size, seen = 0;
	bool in_indirect = false;
	u16 avail_idx, idx;

	/* acquire: the ring entry and descriptors were written before idx */
	avail_idx = le16toh(__atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE));
	if (avail_idx == vq->last_avail)
		return 0;
	if ((u16)(avail_idx - vq->last_avail) > vq->size)
		return errorf(err, errlen, "queue %u: avail idx %u is %u ahead of the device",
			      vq->index, avail_idx, (u16)(avail_idx - vq->last_avail));
	idx = load_le16(&vq->avail->ring[vq->last_avail & (vq->size - 1)]);
	vq->last_avail++;

	memset(chain, 0, offsetof(struct virtq_chain, iov));
	chain->head = idx;
	for (;;) {
		struct vring_desc d;
		u16 flags;
		void *p;

		if (idx >= n)
			return errorf(err, errlen, "queue %u: descriptor %u out of range",
				      vq->index, idx);
		read_desc(table, idx, &d);
		flags = d.flags;
		/* a table of n entries has no chain longer than n: a loop */
		if (++seen > n)
			return errorf(err, errlen, "queue %u: descriptor chain loops",
				      vq->index);

		if (flags & VRING_DESC_F_INDIRECT) {
			/* 2.7.5.3.1: not nested, not chained, a whole number of entries */
			if (!vq->indirect || in_indirect || (flags & VRING_DESC_F_NEXT) ||
			    !d.len || d.len % 16)
				return errorf(err, errlen, "queue %u: bad indirect descriptor",
					      vq->index);
			table = guest_ptr(vm, d.addr, d.len);
			if (!table || over_rings(vq, table, d.len))
				return errorf(err, errlen, "queue %u: indirect table at 0x%llx outside guest RAM",
					      vq->index, (unsigned long long)d.addr);
			n = d.len / 16;
			in_indirect = true;
			seen = 0;
			idx = 0;
			continue;
		}

		p = guest_ptr(vm, d.addr, d.len);
		if (!p)
			return errorf(err, errlen, "queue %u: buffer 0x%llx+%u outside guest RAM",
				      vq->index, (unsigned long long)d.addr, d.len);
		if (flags & VRING_DESC_F_WRITE) {
			/* the device writes here: never into the rings it reads */
			if (over_rings(vq, p, d.len))
				return errorf(err, errlen, "queue %u: writable buffer over the queue's rings",
					      vq->index);
			chain->in_len += d.len;
			chain->nr_in++;
		} else {
			/* 2.7.4.2: readable buffers come before writable ones */
			if (chain->nr_in)
				return errorf(err, errlen, "queue %u: readable buffer after a writable one",
					      vq->index);
			chain->out_len += d.len;
			chain->nr_out++;
		}
		if (chain->nr_out + chain->nr_in > VIRTQ_MAX_CHAIN)
			return errorf(err, errlen, "queue %u: chain longer than %u buffers",
				      vq->index, VIRTQ_MAX_CHAIN);
		chain->iov[chain->nr_out + chain->nr_in - 1] =
			(struct iovec){ .iov_base = p, .iov_len = d.len };

		if (!(flags & VRING_DESC_F_NEXT))
			return 1;
		idx = d.next;
	}
}

void virtq__push(struct virtqueue *vq, u16 head, u32 len)
{
	struct vring_used_elem *e = &vq->used->ring[vq->used_idx & (vq->size - 1)];

	e->id = htole32(head);
	e->len = htole32(len);
	vq->used_idx++;
	/* release: the element is visible before the index that covers it */
	__atomic_store_n(&vq->used->idx, htole16(vq->used_idx), __ATOMIC_RELEASE);
}

bool virtq__needs_interrupt(struct virtqueue *vq)
{
	u16 old = vq->signalled_used, new = vq->used_idx, event;

	/* the used idx store is ordered before reading what the driver wants */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!vq->event_idx)
		return !(load_le16(&vq->avail->flags) & VRING_AVAIL_F_NO_INTERRUPT);
	/* 2.7.10: used_event sits after the avail ring's entries */
	event = load_le16(&vq->avail->ring[vq->size]);
	vq->signalled_used = new;
	if (!vq->signalled_valid) {
		vq->signalled_valid = true;
		return true;
	}
	return vring_need_event(event, new, old);
}

bool virtq__arm_notify(struct virtqueue *vq)
{
	u16 avail_idx;

	if (vq->event_idx) {
		/* 2.7.10: avail_event sits after the used ring's entries */
		__atomic_store_n((u16 *)&vq->used->ring[vq->size],
				 htole16(vq->last_avail), __ATOMIC_RELAXED);
	} else {
		__atomic_store_n(&vq->used->flags, 0, __ATOMIC_RELAXED);
	}
	/* the request is visible before we look for buffers once more */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	avail_idx = le16toh(__atomic_load_n(&vq->avail->idx, __ATOMIC_ACQUIRE));
	return avail_idx != vq->last_avail;
}

size_t virtq_chain__read(const struct virtq_chain *c, u64 off, void *dst, size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < c->nr_out && done < len; i++) {
		size_t n, l = c->iov[i].iov_len;

		if (off >= l) {
			off -= l;
			continue;
		}
		n = l - off < len - done ? l - off : len - done;
		memcpy((u8 *)dst + done, (u8 *)c->iov[i].iov_base + off, n);
		done += n;
		off = 0;
	}
	return done;
}

size_t virtq_chain__write(const struct virtq_chain *c, u64 off, const void *src,
			  size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = c->nr_out; i < c->nr_out + c->nr_in && done < len; i++) {
		size_t n, l = c->iov[i].iov_len;

		if (off >= l) {
			off -= l;
			continue;
		}
		n = l - off < len - done ? l - off : len - done;
		memcpy((u8 *)c->iov[i].iov_base + off, (const u8 *)src + done, n);
		done += n;
		off = 0;
	}
	return done;
}

/* ---- the device side every model shares ---------------------------------- */

int virtio_dev__init(struct virtio_dev *vdev, struct vm *vm, const char *name,
		     u32 device_id, u64 features, unsigned int nr_queues,
		     u16 queue_max)
{
	unsigned int i;

	if (!nr_queues || nr_queues > VIRTQ_MAX_QUEUES || !queue_max ||
	    queue_max > VIRTQ_MAX_SIZE || (queue_max & (queue_max - 1)))
		return -EINVAL;
	memset(vdev, 0, sizeof(*vdev));
	vdev->vm = vm;
	vdev->name = name;
	vdev->device_id = device_id;
	vdev->features = features | (1ULL << VIRTIO_F_VERSION_1) |
			 (1ULL << VIRTIO_RING_F_INDIRECT_DESC) |
			 (1ULL << VIRTIO_RING_F_EVENT_IDX);
	vdev->nr_queues = nr_queues;
	pthread_mutex_init(&vdev->lock, NULL);
	for (i = 0; i < VIRTQ_MAX_QUEUES; i++)
		vdev->vqs[i].notify_fd = -1;
	for (i = 0; i < nr_queues; i++) {
		struct virtqueue *vq = &vdev->vqs[i];

		vq->vdev = vdev;
		vq->index = i;
		vq->max_size = queue_max;
		virtq__reset(vq);
		vq->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vq->notify_fd < 0) {
			int ret = -errno;

			virtio_dev__destroy(vdev);
			return ret;
		}
	}
	return 0;
}

void virtio_dev__destroy(struct virtio_dev *vdev)
{
	unsigned int i;

	for (i = 0; i < VIRTQ_MAX_QUEUES; i++) {
		if (vdev->vqs[i].notify_fd >= 0)
			close(vdev->vqs[i].notify_fd);
		vdev->vqs[i].notify_fd = -1;
	}
	pthread_mutex_destroy(&vdev->lock);
}

void virtio_dev__signal(struct virtio_dev *vdev, struct virtqueue *vq)
{
	if (virtq__needs_interrupt(vq))
		vdev->transport->interrupt(vdev, vq);
}

void virtio_dev__serve(struct virtio_dev *vdev, struct virtqueue *vq,
		       u32 (*fn)(void *opaque, struct virtq_chain *chain),
		       void *opaque)
{
	unsigned int budget = vq->size;
	struct virtq_chain chain;
	bool pushed = false;

	do {
		while (budget && virtio_dev__pop(vdev, vq, &chain) > 0) {
			virtq__push(vq, chain.head, fn(opaque, &chain));
			pushed = true;
			budget--;
		}
		if (!budget) {
			virtio_dev__kick(vq);	/* the rest on the next turn */
			break;
		}
	} while (!vdev->failed && virtq__arm_notify(vq));
	if (pushed)
		virtio_dev__signal(vdev, vq);
}

void virtio_dev__fail(struct virtio_dev *vdev, const char *fmt, ...)
{
	char msg[160];
	va_list ap;

	if (__atomic_exchange_n(&vdev->failed, true, __ATOMIC_ACQ_REL))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* once per device: a guest that breaks it in a loop floods nothing */
	log_print(__atomic_exchange_n(&vdev->warned, true, __ATOMIC_ACQ_REL) ?
		  LOG_DEBUG : LOG_WARN,
		  "%s: the guest driver broke the device (%s); it needs a reset",
		  vdev->name, msg);
	/* 2.1.2: NEEDS_RESET, and a config change notification if running */
	__atomic_or_fetch(&vdev->status, VIRTIO_CONFIG_S_NEEDS_RESET, __ATOMIC_RELEASE);
	if (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)
		vdev->transport->interrupt(vdev, NULL);
}

int virtio_dev__pop(struct virtio_dev *vdev, struct virtqueue *vq,
		    struct virtq_chain *chain)
{
	char err[160];
	int ret;

	if (__atomic_load_n(&vdev->failed, __ATOMIC_ACQUIRE))
		return 0;
	ret = virtq__pop(vq, vdev->vm, chain, err, sizeof(err));
	if (ret < 0) {
		virtio_dev__fail(vdev, "%s", err);
		return 0;
	}
	return ret;
}

void virtio_dev__quiesce(struct virtio_dev *vdev)
{
	if (vdev->ops->quiesce)
		vdev->ops->quiesce(vdev);
}

bool virtio_dev__notify_pending(const struct virtqueue *vq)
{
	struct pollfd pfd = { .fd = vq->notify_fd, .events = POLLIN };

	return poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN);
}

void virtio_dev__clear_notify(struct virtqueue *vq)
{
	u64 n;

	if (read(vq->notify_fd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		pr_debug("queue %u: reading its notify eventfd: %s", vq->index,
			 strerror(errno));
}

void virtio_dev__kick(struct virtqueue *vq)
{
	u64 one = 1;

	if (write(vq->notify_fd, &one, sizeof(one)) < 0)
		pr_debug("queue %u: writing its notify eventfd: %s", vq->index,
			 strerror(errno));
}

/* ---- the driver's side of the common configuration (3.1.1) ------------- */

u32 virtio_dev__features_word(const struct virtio_dev *vdev, u32 sel)
{
	return sel < 2 ? (u32)(vdev->features >> (32 * sel)) : 0;
}

void virtio_dev__set_features_word(struct virtio_dev *vdev, u32 sel, u32 v)
{
	unsigned int shift = 32 * sel;

	/* fixed from FEATURES_OK on; there are 64 bits */
	if ((vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) || sel >= 2)
		return;
	vdev->driver_features &= ~(0xffffffffULL << shift);
	vdev->driver_features |= (u64)v << shift;
}

void virtio_dev__reset(struct virtio_dev *vdev)
{
	unsigned int i;

	vdev->ops->reset(vdev);
	for (i = 0; i < vdev->nr_queues; i++)
		virtq__reset(&vdev->vqs[i]);
	vdev->driver_features = 0;
	__atomic_store_n(&vdev->status, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&vdev->failed, false, __ATOMIC_RELEASE);
	if (vdev->transport->reset)
		vdev->transport->reset(vdev);
}

void virtio_dev__write_status(struct virtio_dev *vdev, u8 v)
{
	u8 old = vdev->status;
	int ret;

	if (!v) {
		virtio_dev__reset(vdev);
		return;
	}
	/* 3.1.1: the features are fixed at FEATURES_OK, if the device agrees */
	if ((v & VIRTIO_CONFIG_S_FEATURES_OK) && !(old & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    ((vdev->driver_features & ~vdev->features) ||
	     !virtio_dev__has(vdev, VIRTIO_F_VERSION_1))) {
		pr_debug("%s: refusing driver features 0x%" PRIx64, vdev->name,
			 vdev->driver_features);
		v &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	}
	if ((v & VIRTIO_CONFIG_S_DRIVER_OK) && !(v & VIRTIO_CONFIG_S_FEATURES_OK))
		v &= ~VIRTIO_CONFIG_S_DRIVER_OK;
	/*
	 * Bits are only ever set until a reset (2.1.1): a driver clearing
	 * FEATURES_OK or DRIVER_OK must not reopen setup on a running device.
	 * NEEDS_RESET is the device's to set, maybe right now from its own
	 * thread: never lose it.
	 */
	v &= ~VIRTIO_CONFIG_S_NEEDS_RESET;
	while (!__atomic_compare_exchange_n(&vdev->status, &old, v | old, false,
					    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		;
	v |= old;

	if ((v & VIRTIO_CONFIG_S_DRIVER_OK) && !(old & VIRTIO_CONFIG_S_DRIVER_OK)) {
		if (vdev->transport->driver_ok)
			vdev->transport->driver_ok(vdev);
		ret = vdev->ops->start(vdev);
		if (ret)
			virtio_dev__fail(vdev, "cannot start: %s", strerror(-ret));
	}
}

void virtio_dev__queue_ready(struct virtio_dev *vdev, struct virtqueue *vq, bool ready)
{
	char err[128];

	if (!ready) {
		/* disabling a queue the device runs needs VIRTIO_F_RING_RESET */
		if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK))
			vq->ready = false;
		return;
	}
	if (vq->ready)
		return;
	/*
	 * 3.1.1: queues are set up between FEATURES_OK and DRIVER_OK; after
	 * it, a device thread may be running the queues (and no
	 * VIRTIO_F_RING_RESET is offered to make that safe).
	 */
	if ((vdev->status & (VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)) !=
	    VIRTIO_CONFIG_S_FEATURES_OK) {
		virtio_dev__fail(vdev, "queue %u enabled %s", vq->index,
				 vdev->status & VIRTIO_CONFIG_S_DRIVER_OK ?
				 "after DRIVER_OK" : "before FEATURES_OK");
		return;
	}
	if (virtq__enable(vq, vdev->vm, vdev->driver_features, err, sizeof(err))) {
		virtio_dev__fail(vdev, "%s", err);
		return;
	}
	__atomic_store_n(&vq->ready, true, __ATOMIC_RELEASE);
}

/* ---- transports ---------------------------------------------------------- */

int virtio_dev__add(struct virtio_dev *vdev)
{
	if (vdev->vm->virtio_pci)
		return virtio_pci__add(vdev);
	return virtio_mmio__add(vdev);
}

void virtio_dev__remove(struct virtio_dev *vdev)
{
	if (vdev->transport)
		vdev->transport->remove(vdev);
}

int virtio_dev__fdt(struct virtio_dev *vdev, void *fdt)
{
	return vdev->transport->fdt ? vdev->transport->fdt(vdev, fdt) : 0;
}
