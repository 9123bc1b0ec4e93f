// SPDX-License-Identifier: GPL-2.0
/*
 * console.c - virtio-console (VIRTIO 1.2, 5.3) as the guest's console with
 * `--console virtio`: one port, hvc0 in the guest, on the VM's console
 * backend like the 8250 (stdin and stdout, Ctrl-A x).  Both queues are
 * served on the main loop, under the device's lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#include "virtio.h"

#define CONSOLE_QUEUE_SIZE	128
#define RX_QUEUE		0	/* receiveq: host to guest */
#define TX_QUEUE		1	/* transmitq: guest to host */

struct vconsole {
	struct virtio_dev		vdev;
	struct virtio_console_config	config;
	bool				started;
};

/*
 * The guest's output: each chain's readable part, to stdout; at most a
 * queue's worth per turn of the main loop (virtio_dev__serve()).  A stdout
 * that does not drain (a full pipe) blocks the loop as it blocks the
 * 8250's vCPU: output is never dropped while stdout is open.
 */
static u32 transmit(void *opaque, struct virtq_chain *chain)
{
	struct vconsole *con = opaque;

	console__output(&con->vdev.vm->console, chain->iov, chain->nr_out);
	return 0;
}

static void on_tx(void *opaque, u32 events __unused)
{
	struct vconsole *con = opaque;

	virtio_dev__clear_notify(&con->vdev.vqs[TX_QUEUE]);
	pthread_mutex_lock(&con->vdev.lock);
	if (con->started && con->vdev.vqs[TX_QUEUE].ready)
		virtio_dev__serve(&con->vdev, &con->vdev.vqs[TX_QUEUE], transmit, con);
	pthread_mutex_unlock(&con->vdev.lock);
}

/*
 * New receive buffers: nothing to do now, input waiting for them is
 * retried by the console backend.  Read the eventfd so it stops firing.
 */
static void on_rx(void *opaque, u32 events __unused)
{
	struct vconsole *con = opaque;

	virtio_dev__clear_notify(&con->vdev.vqs[RX_QUEUE]);
}

/* Input for the guest, from the console backend (the main loop). */
static size_t receive(void *opaque, const u8 *buf, size_t len)
{
	struct vconsole *con = opaque;
	struct virtio_dev *vdev = &con->vdev;
	struct virtqueue *vq = &vdev->vqs[RX_QUEUE];
	struct virtq_chain chain;
	unsigned int budget = vq->size;
	bool pushed = false;
	size_t done = 0, n;

	pthread_mutex_lock(&vdev->lock);
	while (done < len && budget-- && con->started && vq->ready &&
	       virtio_dev__pop(vdev, vq, &chain) > 0) {
		n = virtq_chain__write(&chain, 0, buf + done, len - done);
		virtq__push(vq, chain.head, n);
		pushed = true;
		done += n;
	}
	if (pushed)
		virtio_dev__signal(vdev, vq);
	pthread_mutex_unlock(&vdev->lock);
	return done;
}

static const struct console_ops vconsole_ops = {
	.receive	= receive,
};

static int vconsole_start(struct virtio_dev *vdev)
{
	struct vconsole *con = vdev->priv;

	con->started = true;
	/* output queued before DRIVER_OK: write it out from the loop */
	virtio_dev__kick(&vdev->vqs[TX_QUEUE]);
	return 0;
}

static void vconsole_reset(struct virtio_dev *vdev)
{
	struct vconsole *con = vdev->priv;

	con->started = false;
}

static const struct virtio_dev_ops vconsole_dev_ops = {
	.start	= vconsole_start,
	.reset	= vconsole_reset,
};

static void vconsole_free(struct vm *vm, struct vconsole *con)
{
	console__detach(vm, con);
	loop__del(&vm->loop, con->vdev.vqs[RX_QUEUE].notify_fd);
	loop__del(&vm->loop, con->vdev.vqs[TX_QUEUE].notify_fd);
	virtio_dev__remove(&con->vdev);
	virtio_dev__destroy(&con->vdev);
	free(con);
}

static int vconsole_init(struct vm *vm, const char *arg __unused, void **state)
{
	struct vconsole *con;
	int ret;

	if (vm->cfg->console != CONSOLE_VIRTIO)
		return 1;
	con = calloc(1, sizeof(*con));
	if (!con)
		return -ENOMEM;
	ret = virtio_dev__init(&con->vdev, vm, "virtio-console", VIRTIO_ID_CONSOLE,
			       0, 2, CONSOLE_QUEUE_SIZE);
	if (ret) {
		free(con);
		return ret;
	}
	con->vdev.ops = &vconsole_dev_ops;
	con->vdev.priv = con;
	con->vdev.config = (u8 *)&con->config;
	con->vdev.config_size = sizeof(con->config);
	ret = loop__add(&vm->loop, con->vdev.vqs[RX_QUEUE].notify_fd, EPOLLIN, on_rx, con);
	if (!ret)
		ret = loop__add(&vm->loop, con->vdev.vqs[TX_QUEUE].notify_fd, EPOLLIN,
				on_tx, con);
	/* hvc0 is not in the device tree: no stdout-path */
	if (!ret)
		ret = console__attach(vm, &vconsole_ops, con, NULL);
	if (!ret)
		ret = virtio_dev__add(&con->vdev);
	if (ret) {
		vconsole_free(vm, con);
		return ret;
	}
	*state = con;
	return 0;
}

static int vconsole_fdt(struct vm *vm __unused, void *state, void *fdt)
{
	struct vconsole *con = state;

	return virtio_dev__fdt(&con->vdev, fdt);
}

static void vconsole_exit(struct vm *vm, void *state)
{
	vconsole_free(vm, state);
}

static const struct device_desc vconsole_dev = {
	.name	= "virtio-console",
	.order	= 0,
	.init	= vconsole_init,
	.fdt	= vconsole_fdt,
	.exit	= vconsole_exit,
};
DEVICE_REGISTER(vconsole_dev);
