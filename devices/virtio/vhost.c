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

/* The features vhost has a say in: the rings' and the header's. */
#define VHOST_RING_FEATURES						\
	((1ULL << VIRTIO_RING_F_EVENT_IDX) | (1ULL << VIRTIO_RING_F_INDIRECT_DESC) | \
	 (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MRG_RXBUF))

/* The kernel signalled a queue's call: the transport interrupts the driver. */
static void on_call(void *opaque, u32 events __unused)
{
	struct virtqueue *vq = opaque;
	u64 n;

	if (read(vq->vdev->vhost->call_fd[vq->index], &n, sizeof(n)) < 0)
		return;
	vq->vdev->transport->interrupt(vq->vdev, vq);
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
		vh->call_fd[i] = -1;
	vh->fd = fd;
	if (ioctl(fd, VHOST_GET_FEATURES, &vh->features)) {
		ret = -errno;
		goto fail;
	}
	vdev->vhost = vh;
	/* the ring features vhost lacks are not offered */
	vdev->features &= ~(VHOST_RING_FEATURES & ~vh->features);
	for (i = 0; i < vdev->nr_queues; i++) {
		vh->call_fd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vh->call_fd[i] < 0) {
			ret = -errno;
			goto fail;
		}
		ret = loop__add(&vdev->vm->loop, vh->call_fd[i], EPOLLIN, on_call,
				&vdev->vqs[i]);
		if (ret) {
			close(vh->call_fd[i]);
			vh->call_fd[i] = -1;
			goto fail;
		}
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
		if (vh->call_fd[i] < 0)
			continue;
		loop__del(&vdev->vm->loop, vh->call_fd[i]);
		close(vh->call_fd[i]);
		vh->call_fd[i] = -1;
	}
	if (vh->fd >= 0)
		close(vh->fd);
	vh->fd = -1;
	vdev->vhost = NULL;
}

int vhost__start(struct vhost *vh, struct virtio_dev *vdev, int backend)
{
	struct {
		struct vhost_memory		mem;
		struct vhost_memory_region	region;
	} table = {
		.mem.nregions = 1,
		.region = {
			.guest_phys_addr = vdev->vm->ram_base,
			.memory_size = vdev->vm->ram_size,
			.userspace_addr = (u64)(uintptr_t)vdev->vm->ram,
		},
	};
	u64 features = vdev->driver_features & vh->features;
	unsigned int i;

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
		struct vhost_vring_file be = { .index = i, .fd = backend };

		/* a queue the driver left disabled stays without a back-end */
		if (!vq->ready)
			continue;
		if (ioctl(vh->fd, VHOST_SET_VRING_NUM, &num) ||
		    ioctl(vh->fd, VHOST_SET_VRING_BASE, &base) ||
		    ioctl(vh->fd, VHOST_SET_VRING_ADDR, &addr) ||
		    ioctl(vh->fd, VHOST_SET_VRING_KICK, &kick) ||
		    ioctl(vh->fd, VHOST_SET_VRING_CALL, &call) ||
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

		/* the worker lets go of the queue; GET_VRING_BASE stops the ring */
		ioctl(vh->fd, VHOST_NET_SET_BACKEND, &be);
		ioctl(vh->fd, VHOST_GET_VRING_BASE, &base);
	}
	vh->running = false;
}
