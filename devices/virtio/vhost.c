// SPDX-License-Identifier: GPL-2.0
/*
 * vhost.c - a device's queues served by a vhost worker in the host kernel
 * (vhost-net for `-n mode=tap,vhost=on`).
 *
 * The kernel reads and writes the rings in guest memory itself: it is
 * given the guest's RAM (one region), each queue's size, rings and next
 * avail index, the queue's notify eventfd as its kick (the transport's
 * ioeventfd, or the vmm's own write on an MMIO exit), and a call eventfd
 * per queue that it signals when the driver wants an interrupt.  The
 * calls come back to the main loop and go out through the transport, so
 * that virtio-mmio's interrupt status and virtio-pci's MSI-X vectors and
 * masks stay the transport's business.  The vmm keeps the configuration,
 * the status and the feature negotiation; the queues are the kernel's
 * from DRIVER_OK to the reset.  (The back-end ioctl is vhost-net's; the
 * rest is any vhost device's.)
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "virtio.h"

/*
 * The features vhost has a say in: every transport feature (bits 24 to
 * 41: the ring layout, EVENT_IDX, VERSION_1, ...) and the header's
 * (MRG_RXBUF).  One vhost lacks is never offered, so a guest can never
 * have the kernel run a ring it does not know (a packed one, say).
 */
#define VHOST_CHECKED_FEATURES						\
	((((1ULL << 42) - 1) & ~((1ULL << 24) - 1)) | (1ULL << VIRTIO_NET_F_MRG_RXBUF))

/*
 * The kernel signalled a queue's call: the transport interrupts the
 * driver, unless the device was reset meanwhile (the worker's last pass
 * may signal after vhost__stop()).
 */
static void on_call(void *opaque, u32 events __unused)
{
	struct virtqueue *vq = opaque;
	struct virtio_dev *vdev = vq->vdev;
	u64 n;

	if (read(vdev->vhost->call_fd[vq->index], &n, sizeof(n)) < 0)
		return;
	pthread_mutex_lock(&vdev->lock);
	if (vdev->vhost->running)
		vdev->transport->interrupt(vdev, vq);
	pthread_mutex_unlock(&vdev->lock);
}

/* The kernel refused a queue (the driver broke its ring): the device needs a reset. */
static void on_err(void *opaque, u32 events __unused)
{
	struct virtqueue *vq = opaque;
	struct virtio_dev *vdev = vq->vdev;
	u64 n;

	if (read(vdev->vhost->err_fd[vq->index], &n, sizeof(n)) < 0)
		return;
	pthread_mutex_lock(&vdev->lock);
	if (vdev->vhost->running)
		virtio_dev__fail(vdev, "vhost-net stopped queue %u", vq->index);
	pthread_mutex_unlock(&vdev->lock);
}

/* An eventfd for queue @i's @fn, in the loop: 0 or -errno. */
static int add_eventfd(struct virtio_dev *vdev, unsigned int i, int *fd, loop_fn fn)
{
	int ret;

	*fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (*fd < 0)
		return -errno;
	ret = loop__add(&vdev->vm->loop, *fd, EPOLLIN, fn, &vdev->vqs[i]);
	if (ret) {
		close(*fd);
		*fd = -1;
	}
	return ret;
}

int vhost__open(const char *path, char *err, size_t errlen)
{
	u64 features;
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errorf(err, errlen, "%s: %s%s", path, strerror(errno),
			      errno == ENOENT ? " (load the vhost_net module)" :
			      errno == EACCES ? " (no access: ask for the device's group, or run as root)" : "");
	if (ioctl(fd, VHOST_SET_OWNER) || ioctl(fd, VHOST_GET_FEATURES, &features)) {
		errorf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (!(features & (1ULL << VIRTIO_F_VERSION_1))) {
		errorf(err, errlen, "%s: this kernel's vhost lacks VIRTIO_F_VERSION_1", path);
		close(fd);
		return -1;
	}
	return fd;
}

int vhost__init(struct vhost *vh, struct virtio_dev *vdev, int fd)
{
	unsigned int i;
	int ret;

	memset(vh, 0, sizeof(*vh));
	for (i = 0; i < VIRTQ_MAX_QUEUES; i++)
		vh->call_fd[i] = vh->err_fd[i] = -1;
	vh->fd = fd;
	if (ioctl(fd, VHOST_GET_FEATURES, &vh->features)) {
		ret = -errno;
		goto fail;
	}
	vdev->vhost = vh;
	/* the ring features vhost lacks are not offered */
	vdev->features &= ~(VHOST_CHECKED_FEATURES & ~vh->features);
	for (i = 0; i < vdev->nr_queues; i++) {
		ret = add_eventfd(vdev, i, &vh->call_fd[i], on_call);
		if (!ret)
			ret = add_eventfd(vdev, i, &vh->err_fd[i], on_err);
		if (ret)
			goto fail;
	}
	return 0;
fail:
	vhost__destroy(vh, vdev);
	return ret;
}

void vhost__destroy(struct vhost *vh, struct virtio_dev *vdev)
{
	unsigned int i;

	vhost__stop(vh, vdev);
	for (i = 0; i < VIRTQ_MAX_QUEUES; i++) {
		if (vh->call_fd[i] >= 0) {
			loop__del(&vdev->vm->loop, vh->call_fd[i]);
			close(vh->call_fd[i]);
		}
		if (vh->err_fd[i] >= 0) {
			loop__del(&vdev->vm->loop, vh->err_fd[i]);
			close(vh->err_fd[i]);
		}
		vh->call_fd[i] = vh->err_fd[i] = -1;
	}
	if (vh->fd >= 0)
		close(vh->fd);
	vh->fd = -1;
	vdev->vhost = NULL;
}

int vhost__start(struct vhost *vh, struct virtio_dev *vdev, int backend)
{
	/* the table and its one region, in room for both (regions[] is flexible) */
	union {
		struct vhost_memory	mem;
		u8			room[sizeof(struct vhost_memory) +
					     sizeof(struct vhost_memory_region)];
	} table = { .mem.nregions = 1 };
	u64 features = vdev->driver_features & vh->features;
	unsigned int i;

	/* never offered (vhost__init()); a driver cannot have accepted them */
	if (vdev->driver_features & VHOST_CHECKED_FEATURES & ~vh->features)
		return -EINVAL;
	table.mem.regions[0] = (struct vhost_memory_region){
		.guest_phys_addr = vdev->vm->ram_base,
		.memory_size = vdev->vm->ram_size,
		.userspace_addr = (u64)(uintptr_t)vdev->vm->ram,
	};
	if (ioctl(vh->fd, VHOST_SET_FEATURES, &features) ||
	    ioctl(vh->fd, VHOST_SET_MEM_TABLE, &table))
		return -errno;
	for (i = 0; i < vdev->nr_queues; i++) {
		struct virtqueue *vq = &vdev->vqs[i];
		struct vhost_vring_state num = { .index = i, .num = vq->size };
		struct vhost_vring_state base = { .index = i, .num = vq->last_avail };
		struct vhost_vring_addr addr = {
			.index = i,
			.desc_user_addr = (u64)(uintptr_t)vq->desc,
			.avail_user_addr = (u64)(uintptr_t)vq->avail,
			.used_user_addr = (u64)(uintptr_t)vq->used,
		};
		struct vhost_vring_file kick = { .index = i, .fd = vq->notify_fd };
		struct vhost_vring_file call = { .index = i, .fd = vh->call_fd[i] };
		struct vhost_vring_file error = { .index = i, .fd = vh->err_fd[i] };
		struct vhost_vring_file be = { .index = i, .fd = backend };

		/* a queue the driver left disabled stays without a back-end */
		if (!vq->ready)
			continue;
		if (ioctl(vh->fd, VHOST_SET_VRING_NUM, &num) ||
		    ioctl(vh->fd, VHOST_SET_VRING_BASE, &base) ||
		    ioctl(vh->fd, VHOST_SET_VRING_ADDR, &addr) ||
		    ioctl(vh->fd, VHOST_SET_VRING_KICK, &kick) ||
		    ioctl(vh->fd, VHOST_SET_VRING_CALL, &call) ||
		    ioctl(vh->fd, VHOST_SET_VRING_ERR, &error) ||
		    ioctl(vh->fd, VHOST_NET_SET_BACKEND, &be)) {
			int ret = -errno;

			vh->running = true;	/* what was set up is undone */
			vhost__stop(vh, vdev);
			return ret;
		}
		vh->running = true;
	}
	return 0;
}

void vhost__stop(struct vhost *vh, struct virtio_dev *vdev)
{
	unsigned int i;

	if (!vh->running)
		return;
	for (i = 0; i < vdev->nr_queues; i++) {
		struct vhost_vring_file be = { .index = i, .fd = -1 };
		struct vhost_vring_state base = { .index = i };
		u64 n;

		/*
		 * No back-end: the worker is flushed and touches the ring no
		 * more (QEMU's order: then the ring's index is read back).
		 * What it signalled last is dropped: a reset device raises
		 * nothing.
		 */
		ioctl(vh->fd, VHOST_NET_SET_BACKEND, &be);
		ioctl(vh->fd, VHOST_GET_VRING_BASE, &base);
		if (read(vh->call_fd[i], &n, sizeof(n)) < 0 ||
		    read(vh->err_fd[i], &n, sizeof(n)) < 0)
			n = 0;
	}
	vh->running = false;
}
