// SPDX-License-Identifier: GPL-2.0
/*
 * rng.c - virtio-rng (VIRTIO 1.2, 5.4): `--rng` gives the guest a
 * /dev/hwrng fed from the host's getrandom().  One request queue, served
 * on the main loop.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <unistd.h>

#include <linux/virtio_ids.h>

#include "virtio.h"

#define RNG_QUEUE_SIZE	64
/* a request gets at most this much at a time; the guest asks again */
#define RNG_CHUNK	4096

struct rng {
	struct virtio_dev	vdev;
	bool			started;
};

/* Fill a chain's writable part with random bytes (virtio_dev__serve()). */
static u32 fill(void *opaque __unused, struct virtq_chain *chain)
{
	u8 buf[RNG_CHUNK];
	size_t want = chain->in_len < sizeof(buf) ? chain->in_len : sizeof(buf);
	ssize_t n = getrandom(buf, want, 0);

	if (n < 0)
		n = 0;	/* EINTR: an empty answer, the guest asks again */
	return virtq_chain__write(chain, 0, buf, n);
}

static void on_notify(void *opaque, u32 events __unused)
{
	struct rng *rng = opaque;

	virtio_dev__clear_notify(&rng->vdev.vqs[0]);
	pthread_mutex_lock(&rng->vdev.lock);
	if (rng->started && rng->vdev.vqs[0].ready)
		virtio_dev__serve(&rng->vdev, &rng->vdev.vqs[0], fill, NULL);
	pthread_mutex_unlock(&rng->vdev.lock);
}

static int rng_start(struct virtio_dev *vdev)
{
	struct rng *rng = vdev->priv;

	rng->started = true;
	/* buffers posted before DRIVER_OK: serve them on the loop */
	virtio_dev__kick(&vdev->vqs[0]);
	return 0;
}

static void rng_reset(struct virtio_dev *vdev)
{
	struct rng *rng = vdev->priv;

	rng->started = false;	/* under the lock serve() runs with */
}

static const struct virtio_dev_ops rng_ops = {
	.start	= rng_start,
	.reset	= rng_reset,
};

static int rng_init(struct vm *vm, const char *arg __unused, void **state)
{
	struct rng *rng = calloc(1, sizeof(*rng));
	int ret;

	if (!rng)
		return -ENOMEM;
	ret = virtio_dev__init(&rng->vdev, vm, "virtio-rng", VIRTIO_ID_RNG, 0, 1,
			       RNG_QUEUE_SIZE);
	if (ret)
		goto out_free;
	rng->vdev.ops = &rng_ops;
	rng->vdev.priv = rng;
	ret = loop__add(&vm->loop, rng->vdev.vqs[0].notify_fd, EPOLLIN, on_notify, rng);
	if (ret)
		goto out_destroy;
	ret = virtio_dev__add(&rng->vdev);
	if (ret)
		goto out_loop;
	*state = rng;
	return 0;

out_loop:
	loop__del(&vm->loop, rng->vdev.vqs[0].notify_fd);
out_destroy:
	virtio_dev__destroy(&rng->vdev);
out_free:
	free(rng);
	return ret;
}

static int rng_fdt(struct vm *vm __unused, void *state, void *fdt)
{
	struct rng *rng = state;

	return virtio_dev__fdt(&rng->vdev, fdt);
}

static void rng_exit(struct vm *vm, void *state)
{
	struct rng *rng = state;

	loop__del(&vm->loop, rng->vdev.vqs[0].notify_fd);
	virtio_dev__remove(&rng->vdev);
	virtio_dev__destroy(&rng->vdev);
	free(rng);
}

static const struct device_option rng_option = {
	.name	= "rng",
	.help	= "a virtio-rng device (/dev/hwrng) fed by the host's\n"
		  "getrandom()",
};

static const struct device_desc rng_dev = {
	.name	= "virtio-rng",
	.order	= 20,
	.option	= &rng_option,
	.init	= rng_init,
	.fdt	= rng_fdt,
	.exit	= rng_exit,
};
DEVICE_REGISTER(rng_dev);
