/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio.h - the virtio core the device models share: split virtqueues
 * (VIRTIO 1.2, 2.7) with indirect descriptors and VIRTIO_F_EVENT_IDX, and
 * the device/transport split.  A device model (blk, console, rng) knows
 * nothing of the transport; the transport (virtio-mmio, 4.2) owns the
 * registers, the interrupt and the queue notifications.
 *
 * Notifications always reach a device as an eventfd per queue: the
 * hypervisor signals it on the guest's QueueNotify write (KVM_IOEVENTFD),
 * or the transport does from the MMIO exit when it cannot.  Interrupts go
 * out through an irqfd, or KVM_IRQ_LINE pulses when there is none.
 *
 * The guest is hostile: every index, address and length it controls is
 * checked before use.  A queue the driver corrupted stops the device with
 * DEVICE_NEEDS_RESET (2.1.1) and one log line; the vmm runs on.
 */
#ifndef VMM_VIRTIO_H
#define VMM_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <sys/types.h>
#include <sys/uio.h>

#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "../../vmm/vmm.h"

#define VIRTQ_MAX_QUEUES	8
#define VIRTQ_MAX_SIZE		1024	/* the largest QueueNumMax we offer */
/* Buffers in one chain, indirect ones included; virtio-blk's seg_max + 2. */
#define VIRTQ_MAX_CHAIN		130

struct virtio_dev;

/*
 * One split virtqueue.  The driver's half (size, addresses, ready) is set
 * through the transport while the queue is not ready; the device's half
 * is used by exactly one thread, the device's, between the queue's enable
 * and the device's reset.
 */
struct virtqueue {
	struct virtio_dev	*vdev;
	unsigned int		index;
	u16			max_size;	/* QueueNumMax */
	int			notify_fd;	/* eventfd: the driver has buffers */

	/* the driver's configuration */
	u16			size;
	bool			ready;
	u64			desc_gpa, avail_gpa, used_gpa;

	/* resolved by virtq__enable(), checked to lie in guest RAM */
	struct vring_desc	*desc;
	struct vring_avail	*avail;
	struct vring_used	*used;

	/* the device's side */
	u16			last_avail;	/* next avail entry to take */
	u16			used_idx;	/* our copy of used->idx */
	u16			signalled_used;	/* used_idx at the last interrupt */
	bool			signalled_valid;
	bool			event_idx;	/* VIRTIO_F_EVENT_IDX negotiated */
	bool			indirect;	/* VIRTIO_F_INDIRECT_DESC negotiated */
};

/* A descriptor chain taken from the avail ring, as host memory. */
struct virtq_chain {
	u16		head;
	unsigned int	nr_out;		/* device-readable buffers, first */
	unsigned int	nr_in;		/* device-writable ones, after them */
	u64		out_len, in_len;	/* their total lengths */
	struct iovec	iov[VIRTQ_MAX_CHAIN];
};

/*
 * Check the driver's queue configuration (size a power of two up to
 * max_size, addresses aligned as 2.7 requires, the three areas in guest
 * RAM) and map it.  0, or -1 with the reason in @err.
 */
int virtq__enable(struct virtqueue *vq, const struct vm *vm, u64 features,
		  char *err, size_t errlen) __must_check;

/* Forget the driver's configuration: the queue is as after a reset. */
void virtq__reset(struct virtqueue *vq);

/*
 * Take the next available chain.  Returns 1 with @chain filled, 0 when the
 * ring is empty, or -1 with the reason in @err when the driver broke the
 * ring or the chain (an index out of range, a loop, too long a chain, a
 * buffer outside guest RAM or over the queue's own rings, a readable
 * buffer after a writable one, a nested indirect table).
 */
int virtq__pop(struct virtqueue *vq, const struct vm *vm,
	       struct virtq_chain *chain, char *err, size_t errlen) __must_check;

/* Give the chain @head back with @len bytes written into it. */
void virtq__push(struct virtqueue *vq, u16 head, u32 len);

/*
 * After pushes: whether the driver asked for an interrupt now (its
 * used_event with EVENT_IDX, else VRING_AVAIL_F_NO_INTERRUPT).
 */
bool virtq__needs_interrupt(struct virtqueue *vq);

/*
 * The device is going to sleep until the next notification: ask for one
 * (avail_event with EVENT_IDX, else clear VRING_USED_F_NO_NOTIFY).  Returns
 * true if buffers arrived meanwhile, so the caller must pop again instead.
 */
bool virtq__arm_notify(struct virtqueue *vq);

/* ---- devices and transports ---------------------------------------------- */

struct virtio_dev_ops {
	/* 0 with the device running its queues, or -errno. */
	int	(*start)(struct virtio_dev *vdev);
	/*
	 * Stop using every queue and wait until nothing is in flight: after
	 * it returns the transport forgets the queues.  Called with the
	 * device's lock held, on a vCPU thread, also for a device that was
	 * never started.
	 */
	void	(*reset)(struct virtio_dev *vdev);
	/* The driver wrote device config bytes [off, off + len); optional. */
	void	(*write_config)(struct virtio_dev *vdev, u32 off, const void *data,
				u32 len);
	/*
	 * Return once every notification so far has been served and nothing
	 * is in flight: for a device whose queues a thread of its own serves
	 * (tests and fuzzing, which drive the guest's side from one thread
	 * and must not write its RAM under the device).  Without the device's
	 * lock.  Optional: a device served on the main loop is idle once the
	 * loop is.
	 */
	void	(*quiesce)(struct virtio_dev *vdev);
};

/* What the transport does for a device. */
struct virtio_transport_ops {
	/*
	 * Raise the device's interrupt for used buffers on @vq, or for a
	 * configuration change if @vq is NULL.  From any thread.
	 */
	void	(*interrupt)(struct virtio_dev *vdev, struct virtqueue *vq);
	/* The driver set DRIVER_OK: ready the interrupts.  Optional. */
	void	(*driver_ok)(struct virtio_dev *vdev);
	/* The device was reset: forget the transport's registers.  Optional. */
	void	(*reset)(struct virtio_dev *vdev);
	/* Take the device off the transport, at the VM's end. */
	void	(*remove)(struct virtio_dev *vdev);
	/* The device's own device-tree node, if the transport needs one. */
	int	(*fdt)(struct virtio_dev *vdev, void *fdt);
};

struct virtio_dev {
	struct vm			*vm;
	const char			*name;		/* "virtio-blk vda" */
	u32				device_id;	/* VIRTIO_ID_* */
	u64				features;	/* offered: device + ring + VERSION_1 */
	const struct virtio_dev_ops	*ops;
	void				*priv;		/* the device model's own */

	/* the device configuration space, read by the driver as bytes */
	u8				*config;
	u32				config_size;
	u32				config_generation;

	unsigned int			nr_queues;
	struct virtqueue		vqs[VIRTQ_MAX_QUEUES];

	/*
	 * The transport's registers and the device's status: taken by the
	 * transport around each register access (vCPU threads) and by
	 * devices whose queues the main loop runs.
	 */
	pthread_mutex_t			lock;
	u64				driver_features;
	u8				status;
	bool				failed;		/* DEVICE_NEEDS_RESET, until reset */
	bool				warned;		/* failing was logged once */

	const struct virtio_transport_ops *transport;
	void				*transport_priv;

	struct vhost			*vhost;		/* the queues are the kernel's */
};

/*
 * Set up @vdev for a device model before it is given to a transport:
 * @nr_queues queues of at most @queue_max buffers, each with its notify
 * eventfd.  VIRTIO_F_VERSION_1 and the ring features are added to
 * @features.  0 or -errno.
 */
int virtio_dev__init(struct virtio_dev *vdev, struct vm *vm, const char *name,
		     u32 device_id, u64 features, unsigned int nr_queues,
		     u16 queue_max) __must_check;
void virtio_dev__destroy(struct virtio_dev *vdev);

/* Whether the driver accepted feature @bit. */
static inline bool virtio_dev__has(const struct virtio_dev *vdev, unsigned int bit)
{
	return vdev->driver_features & (1ULL << bit);
}

/*
 * The device gave buffers back on @vq: interrupt the driver if it asked
 * for one.  From the thread that owns the queue.
 */
void virtio_dev__signal(struct virtio_dev *vdev, struct virtqueue *vq);

/*
 * Serve @vq: each available chain goes to @fn, which answers it (its
 * iovecs are @fn's to use up) and returns how many bytes it wrote into
 * it, and is given back; at most a queue's worth at a time (the rest
 * after a kick of the queue's own, so that a guest reposting buffers as
 * fast as they come back cannot keep the thread from its other work), then
 * one interrupt if the driver wants it.  Under the device's lock, by the
 * thread that owns the queue.
 */
void virtio_dev__serve(struct virtio_dev *vdev, struct virtqueue *vq,
		       u32 (*fn)(void *opaque, struct virtq_chain *chain),
		       void *opaque);

/*
 * The driver broke the device's queues (@fmt says how): log once, set
 * DEVICE_NEEDS_RESET and tell the driver through a config interrupt.
 * The device stops using its queues; only a reset brings it back.
 */
void virtio_dev__fail(struct virtio_dev *vdev, const char *fmt, ...) __printf(2, 3);

/*
 * Pop the next chain from @vq, failing the device on a broken ring.
 * 1 with @chain, 0 when empty or failed.
 */
int virtio_dev__pop(struct virtio_dev *vdev, struct virtqueue *vq,
		    struct virtq_chain *chain);

/*
 * Wait for the device's own thread to be idle (its ops' quiesce), if it
 * has one.  Without the device's lock.
 */
void virtio_dev__quiesce(struct virtio_dev *vdev);

/* Whether a notification of @vq is waiting to be taken (its eventfd's count). */
bool virtio_dev__notify_pending(const struct virtqueue *vq);

/* Consume the eventfd count of a notification (the caller polls it). */
void virtio_dev__clear_notify(struct virtqueue *vq);

/* Notify @vq as the driver would: its device looks at it again. */
void virtio_dev__kick(struct virtqueue *vq);

/*
 * The registers every transport has (4.1.4.3, 4.2.2), for the transport
 * to call with the device's lock held.
 */

/* Word @sel of the device's features (0 past the 64 bits). */
u32 virtio_dev__features_word(const struct virtio_dev *vdev, u32 sel);

/* The driver wrote word @sel of its features; ignored from FEATURES_OK on. */
void virtio_dev__set_features_word(struct virtio_dev *vdev, u32 sel, u32 v);

/*
 * The driver wrote device status @v: 0 resets the device; FEATURES_OK
 * holds only for features the device offered, VERSION_1 among them; a
 * bit once set stays until the reset; DRIVER_OK starts the device.
 */
void virtio_dev__write_status(struct virtio_dev *vdev, u8 v);

/*
 * Reset the device: the model stops its queues, then the queues, the
 * features and the status are forgotten and the transport is told.
 */
void virtio_dev__reset(struct virtio_dev *vdev);

/*
 * The driver enabled (@ready) or disabled queue @vq.  Enabling checks and
 * maps the queue and is allowed only between FEATURES_OK and DRIVER_OK;
 * a bad queue fails the device.  Disabling a running queue is ignored.
 */
void virtio_dev__queue_ready(struct virtio_dev *vdev, struct virtqueue *vq,
			     bool ready);

/*
 * Copy @len bytes between a chain's buffers and flat memory, from byte
 * @off of its device-readable (out) or device-writable (in) part.
 * Return how many were copied: fewer if the chain is shorter.
 */
size_t virtq_chain__read(const struct virtq_chain *c, u64 off, void *dst, size_t len);
size_t virtq_chain__write(const struct virtq_chain *c, u64 off, const void *src,
			  size_t len);

/*
 * Put @vdev on the transport the VM's configuration chose (--virtio-transport):
 * 0, or -errno after a log line.
 */
int virtio_dev__add(struct virtio_dev *vdev) __must_check;

/* Take @vdev off its transport, if it is on one. */
void virtio_dev__remove(struct virtio_dev *vdev);

/* The device-tree node @vdev's transport gives it, if any. */
int virtio_dev__fdt(struct virtio_dev *vdev, void *fdt);

/*
 * A virtio-net NIC (net.c), eth@index with MAC @mac, on @fd: a file whose
 * every read and write is one frame after a 12-byte struct
 * virtio_net_hdr_v1 (a tap with IFF_VNET_HDR; a datagram socket does too),
 * or a stream socket to passt (each frame after its 32-bit big-endian
 * length).  The NIC owns @fd from now on, also on failure.  @backend names
 * it in the log.  0 with the NIC in *@state, or -errno.
 */
int virtio_net__create(struct vm *vm, int fd, const u8 *mac, unsigned int index,
		       const char *backend, void **state) __must_check;
void virtio_net__destroy(void *state);

/*
 * The largest frame, its 12-byte virtio-net header included: a GSO frame
 * of 64 KiB (the kernel's GSO_MAX_SIZE) behind an Ethernet header with a
 * VLAN tag.  What passt's stream holds of a frame: its length, the frame.
 */
#define VIRTIO_NET_FRAME_MAX	(12 + 65536 + 18)
#define VIRTIO_NET_STREAM_ROOM	(4 + VIRTIO_NET_FRAME_MAX)

/*
 * passt's stream as the NIC reads it, without the reading (net.c; pure):
 * each frame after its length, 32 bits big-endian, of ETH_HLEN to
 * VIRTIO_NET_FRAME_MAX - 12 bytes.  What came in is @in[*@off, *@len), in
 * VIRTIO_NET_STREAM_ROOM bytes.  A whole frame first: copied to @frame
 * (VIRTIO_NET_FRAME_MAX bytes) behind a zeroed virtio-net header, *@off
 * past it, its length with the header returned.  Else 0, what there is
 * moved to the front (*@off 0) where the frame's rest has room after
 * *@len: read more there.  A length no Ethernet frame has: -1 with it in
 * *@bad and nothing moved; the stream cannot be resynchronised.
 */
ssize_t virtio_net__stream_next(u8 *in, u32 *off, u32 *len, u8 *frame, u32 *bad);

/*
 * A device's queues in a vhost worker (vhost.c): its device, the features
 * it takes, per queue a call eventfd relayed to the transport and an
 * error eventfd that fails the device.  @running under the device's lock.
 */
struct vhost {
	int	fd;
	u64	features;
	int	call_fd[VIRTQ_MAX_QUEUES];
	int	err_fd[VIRTQ_MAX_QUEUES];
	bool	running;
};

/* Open vhost device @path (/dev/vhost-net): its fd, or -1 with why in @err. */
int vhost__open(const char *path, char *err, size_t errlen);
/*
 * Serve @vdev's queues with the vhost @fd (owned from now on, also on
 * failure), after virtio_dev__init(): the ring features it lacks are no
 * longer offered.  0 or -errno.
 */
int vhost__init(struct vhost *vh, struct virtio_dev *vdev, int fd) __must_check;
void vhost__destroy(struct vhost *vh, struct virtio_dev *vdev);
/*
 * At DRIVER_OK: the negotiated features, guest RAM, each ready queue and
 * its back-end fd @backend to the kernel.  0 or -errno (nothing running).
 */
int vhost__start(struct vhost *vh, struct virtio_dev *vdev, int backend) __must_check;
/* At reset: the kernel lets go of the queues. */
void vhost__stop(struct vhost *vh, struct virtio_dev *vdev);

/* A passt the vmm started (passt.c), and our end of its socket. */
struct passt {
	pid_t	pid;		/* -1: none, or reaped */
	int	fd;
};

#define PASST_MAX_ARGS	16

/* passt's path on $PATH, into @path; false if there is none. */
bool passt__find(char *path, size_t len);
/*
 * Start passt at @path with @args (NULL-terminated) after the vmm's own
 * (-f -q -F): 0 with it in @p (the socket non-blocking), or -1 with the
 * reason in @err (exec's failure included).
 */
int passt__start(struct passt *p, const char *path, const char *const *args,
		 char *err, size_t errlen) __must_check;
/* Has it ended?  If so, reaped, and how in @why ("exited with status 1"). */
bool passt__exited(struct passt *p, char *why, size_t len);
/* End it now and reap it (its socket is the caller's). */
void passt__stop(struct passt *p);

/*
 * The transports: virtio-mmio (a window in the memory map, an SPI,
 * ioeventfds where the hypervisor has them; mmio.c) and virtio-pci (a
 * device on the PCI host bridge; pci.c).  0, or -errno after a log line.
 */
int virtio_mmio__add(struct virtio_dev *vdev) __must_check;
int virtio_pci__add(struct virtio_dev *vdev) __must_check;

#endif
