// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_virtio_rng.c - a fuzz harness for virtio-rng (devices/virtio/rng.c)
 * on either transport, driven by an input's guest driver (virtio_fuzz.h
 * has the input format and what is checked).  Served on the main loop;
 * its entropy is a getrandom() of the harness's own, so that the same
 * input writes the same bytes.
 *
 *	variant		none
 *	BACKEND b[n]	getrandom()'s behaviour from now on, b[0] % 4: fill
 *			what is asked; fail with EINTR; fill half; at most
 *			b[1] bytes
 *	alive()		a 32-byte request gets 32 bytes
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include <linux/virtio_ids.h>

#include "virtio_fuzz.h"

static int fuzz_getrandom_mode;
static unsigned int fuzz_getrandom_most;
static u64 fuzz_getrandom_state;

/*
 * rng.c's source of entropy: a counter's bytes, from the same start each
 * input.  Nothing else in the harness calls getrandom().
 */
ssize_t getrandom(void *buf, size_t len, unsigned int flags __unused)
{
	u8 *b = buf;
	size_t i;

	switch (fuzz_getrandom_mode) {
	case 1:
		errno = EINTR;
		return -1;
	case 2:
		len /= 2;
		break;
	case 3:
		if (len > fuzz_getrandom_most)
			len = fuzz_getrandom_most;
		break;
	}
	for (i = 0; i < len; i++)
		b[i] = ++fuzz_getrandom_state * 0x9e3779b97f4a7c15ULL >> 56;
	return len;
}

static const struct device_desc *find(const char *name)
{
	const struct device_desc *const *d;

	for (d = __start_vmm_devices; d < __stop_vmm_devices; d++)
		if (!strcmp((*d)->name, name))
			return *d;
	vfz_fail("no device %s", name);
}

static void *create(struct vm *vm, unsigned int variant __unused)
{
	void *state = NULL;
	int ret;

	fuzz_getrandom_mode = 0;
	fuzz_getrandom_state = 0;
	ret = find("virtio-rng")->init(vm, NULL, &state);
	if (ret)
		vfz_fail("init: %d", ret);
	return state;
}

static void destroy(struct vm *vm, void *state)
{
	find("virtio-rng")->exit(vm, state);
}

static void backend(void *state __unused, const u8 *b, size_t len)
{
	fuzz_getrandom_mode = len ? b[0] % 4 : 0;
	fuzz_getrandom_most = len > 1 ? b[1] : 0;
}

static void alive(void *state __unused)
{
	struct vfz_seg seg = { .len = 32, .write = true };
	u32 id, len;
	u16 head;

	fuzz_getrandom_mode = 0;
	head = vfz_chain(0, &seg, 1, NULL, 0);
	vfz_kick(0);
	if (vfz_used_idx(0) != 1)
		vfz_fail("a request after the reset: used idx %u", vfz_used_idx(0));
	vfz_used_elem(0, 0, &id, &len);
	if (id != head || len != 32)
		vfz_fail("a 32-byte request got head %u, %u bytes", id, len);
}

const struct vfz_device vfz_dev = {
	.name		= "virtio-rng",
	.device_id	= VIRTIO_ID_RNG,
	.nr_queues	= 1,
	.max_qsize	= 64,
	.opt_features	= { -1, -1, -1, -1, -1 },
	.create		= create,
	.destroy	= destroy,
	.backend	= backend,
	.alive		= alive,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return vfz_run(data, size);
}
