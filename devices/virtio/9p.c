// SPDX-License-Identifier: GPL-2.0
/*
 * 9p.c - virtio-9p (device ID 9, which VIRTIO 1.2 reserves and Linux's
 * 9pnet_virtio and QEMU define: a mount tag in the configuration, one
 * queue): `--9p <dir>,<tag>[,ro]` as lkvm spells it shares a host directory; the
 * guest mounts it with `mount -t 9p -o trans=virtio,version=9p2000.L TAG
 * /mnt`.  One request queue, served on a thread of the device's own (a
 * share on a slow file system stalls its guest's reads, never the main
 * loop): each chain is one T-message in its readable part and room for the
 * R-message in its writable part; the file server is ../9p.c.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/virtio_9p.h>
#include <linux/virtio_ids.h>

#include "../9p.h"
#include "virtio.h"

#define P9_QUEUE_SIZE	128
#define P9_TAG_MAX	64	/* what the tag may be: Linux takes up to 64 bytes */

struct p9_params {
	char	dir[4096];
	char	tag[P9_TAG_MAX + 1];
	bool	ro;
};

struct virtio_9p {
	struct virtio_dev	vdev;
	struct p9_server	*server;
	char			name[32 + P9_TAG_MAX];
	bool			started;
	pthread_t		thread;
	int			stop_fd;	/* eventfd: the thread ends */
	struct {
		__le16		tag_len;
		u8		tag[P9_TAG_MAX];
	} __attribute__((packed)) config;
	u8			req[P9_MAX_MSIZE];
	u8			resp[P9_MAX_MSIZE];
};

/* "<dir>,<tag>[,ro]": 0, or -1 with the reason in @err. */
static int parse_9p(const char *value, struct p9_params *p, char *err, size_t errlen)
{
	const char *comma = strchr(value, ','), *tag, *end;
	size_t dlen, tlen;

	memset(p, 0, sizeof(*p));
	if (!comma)
		return errorf(err, errlen, "--9p %s: expected <host dir>,<tag>[,ro]", value);
	dlen = comma - value;
	if (!dlen || dlen >= sizeof(p->dir))
		return errorf(err, errlen, "--9p %s: the directory must be 1 to %zu bytes",
			      value, sizeof(p->dir) - 1);
	memcpy(p->dir, value, dlen);
	tag = comma + 1;
	end = strchr(tag, ',');
	tlen = end ? (size_t)(end - tag) : strlen(tag);
	if (!tlen || tlen > P9_TAG_MAX)
		return errorf(err, errlen, "--9p %s: the tag must be 1 to %d bytes", value,
			      P9_TAG_MAX);
	memcpy(p->tag, tag, tlen);
	if (end) {
		if (strcmp(end + 1, "ro"))
			return errorf(err, errlen, "--9p %s: unknown flag '%s' (expected ro)",
				      value, end + 1);
		p->ro = true;
	}
	return 0;
}

static int check_9p(const char *value, char *err, size_t errlen)
{
	struct p9_params p;

	return parse_9p(value, &p, err, errlen);
}

/* Answer one request (virtio_dev__serve()): the reply's length. */
static u32 answer(void *opaque, struct virtq_chain *chain)
{
	struct virtio_9p *d = opaque;
	size_t len, out = 0;

	/* a request larger than any msize gets no answer but its chain back */
	if (chain->out_len <= sizeof(d->req)) {
		len = virtq_chain__read(chain, 0, d->req, chain->out_len);
		out = p9__handle(d->server, d->req, len, d->resp,
				 chain->in_len < sizeof(d->resp) ? chain->in_len : sizeof(d->resp));
	}
	return virtq_chain__write(chain, 0, d->resp, out);
}

/* The device's thread: each notification served, until stop_fd. */
static void *worker(void *opaque)
{
	struct virtio_9p *d = opaque;
	struct pollfd pfd[2] = {
		{ .fd = d->vdev.vqs[0].notify_fd, .events = POLLIN },
		{ .fd = d->stop_fd, .events = POLLIN },
	};

	/* once the VM is set up, this thread's privileges are its role's */
	if (sandbox__worker(SANDBOX_9P, "9p"))
		return NULL;
	for (;;) {
		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		if (pfd[1].revents)
			break;
		if (!pfd[0].revents)
			continue;
		/* taken under the lock: see p9_quiesce() */
		pthread_mutex_lock(&d->vdev.lock);
		virtio_dev__clear_notify(&d->vdev.vqs[0]);
		if (d->started && d->vdev.vqs[0].ready)
			virtio_dev__serve(&d->vdev, &d->vdev.vqs[0], answer, d);
		pthread_mutex_unlock(&d->vdev.lock);
	}
	return NULL;
}

static int p9_start(struct virtio_dev *vdev)
{
	struct virtio_9p *d = vdev->priv;

	d->started = true;
	virtio_dev__kick(&vdev->vqs[0]);
	return 0;
}

static void p9_reset(struct virtio_dev *vdev)
{
	struct virtio_9p *d = vdev->priv;

	d->started = false;	/* under the lock the queue is served with */
	p9__reset(d->server);	/* the guest's fids are gone with its driver */
}

/*
 * The thread takes a notification and serves it under the device's lock:
 * whoever holds the lock and finds none waiting knows every one so far
 * is served.
 */
static void p9_quiesce(struct virtio_dev *vdev)
{
	bool pending;

	for (;;) {
		pthread_mutex_lock(&vdev->lock);
		pending = virtio_dev__notify_pending(&vdev->vqs[0]);
		pthread_mutex_unlock(&vdev->lock);
		if (!pending)
			return;
		sched_yield();
	}
}

static const struct virtio_dev_ops p9_ops = {
	.start		= p9_start,
	.reset		= p9_reset,
	.quiesce	= p9_quiesce,
};

static void stop_worker(struct virtio_9p *d)
{
	u64 one = 1;

	if (write(d->stop_fd, &one, sizeof(one)) != sizeof(one))
		pr_warn("%s: cannot stop its thread: %s", d->name, strerror(errno));
	pthread_join(d->thread, NULL);
}

static int p9_init(struct vm *vm, const char *arg, void **state)
{
	char err[256];
	struct p9_params p;
	struct virtio_9p *d;
	int fd, ret;

	if (parse_9p(arg, &p, err, sizeof(err))) {
		pr_err("%s", err);
		return -DEVICE_EREPORTED;
	}
	fd = open(p.dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		pr_err("--9p %s: %s: %s", arg, p.dir, strerror(errno));
		return -DEVICE_EREPORTED;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		close(fd);
		return -ENOMEM;
	}
	/* mounts below the share are entered, but only data file systems */
	d->server = p9__create(fd, (p.ro ? P9_RO : 0) | P9_CROSS_MOUNTS, err, sizeof(err));
	if (!d->server) {
		pr_err("--9p %s: %s", arg, err);
		free(d);
		return -DEVICE_EREPORTED;
	}
	snprintf(d->name, sizeof(d->name), "virtio-9p %s", p.tag);
	ret = virtio_dev__init(&d->vdev, vm, d->name, VIRTIO_ID_9P,
			       1ULL << VIRTIO_9P_MOUNT_TAG, 1, P9_QUEUE_SIZE);
	if (ret)
		goto out_server;
	d->vdev.ops = &p9_ops;
	d->vdev.priv = d;
	d->config.tag_len = htole16(strlen(p.tag));
	memcpy(d->config.tag, p.tag, strlen(p.tag));
	d->vdev.config = (u8 *)&d->config;
	d->vdev.config_size = 2 + strlen(p.tag);
	d->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->stop_fd < 0) {
		ret = -errno;
		goto out_destroy;
	}
	ret = -pthread_create(&d->thread, NULL, worker, d);
	if (ret)
		goto out_stop;
	ret = virtio_dev__add(&d->vdev);
	if (ret)
		goto out_thread;
	pr_info("%s: %s, %s", d->name, p.dir, p.ro ? "read-only" : "read-write");
	*state = d;
	return 0;

out_thread:
	stop_worker(d);
out_stop:
	close(d->stop_fd);
out_destroy:
	virtio_dev__destroy(&d->vdev);
out_server:
	p9__destroy(d->server);
	free(d);
	return ret;
}

static int p9_fdt(struct vm *vm __unused, void *state, void *fdt)
{
	struct virtio_9p *d = state;

	return virtio_dev__fdt(&d->vdev, fdt);
}

static void p9_exit(struct vm *vm __unused, void *state)
{
	struct virtio_9p *d = state;

	stop_worker(d);
	close(d->stop_fd);
	virtio_dev__remove(&d->vdev);
	virtio_dev__destroy(&d->vdev);
	p9__destroy(d->server);
	free(d);
}

static const struct device_option p9_option = {
	.name		= "9p",
	.metavar	= "<host dir>,<tag>[,ro]",
	.help		= "share a host directory with the guest (virtio-9p):\n"
			  "mount -t 9p -o trans=virtio TAG DIR in the guest.\n"
			  "The guest never reaches outside it: no symlink is\n"
			  "followed, no device node opened, only data file\n"
			  "systems mounted below it entered (never /proc, /sys).\n"
			  "Files are the vmm user's: a guest chown changes\n"
			  "nothing, setuid/setgid bits are dropped",
	.check		= check_9p,
};

static const struct device_desc p9_dev = {
	.name	= "virtio-9p",
	.order	= 14,
	.option	= &p9_option,
	.init	= p9_init,
	.fdt	= p9_fdt,
	.exit	= p9_exit,
};
DEVICE_REGISTER(p9_dev);
