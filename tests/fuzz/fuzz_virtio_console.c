// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_virtio_console.c - a fuzz harness for virtio-console
 * (devices/virtio/console.c) on either transport, driven by an input's
 * guest driver (virtio_fuzz.h has the input format and what is checked).
 * The VM's console backend writes the guest's output to a non-blocking
 * pipe the harness drains after each operation; both queues are served on
 * the main loop.
 *
 *	variant		none
 *	BACKEND b[n]	@b typed at the console: handed to the device
 *			(console__receive()), which takes what its receive
 *			buffers hold
 *	alive()		"ok\n" transmitted comes out of the pipe; "hi" typed
 *			fills a receive buffer
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <linux/virtio_console.h>
#include <linux/virtio_ids.h>

#include "virtio_fuzz.h"

#define RXQ	0
#define TXQ	1

static const struct device_desc *con_desc;
static int out[2] = { -1, -1 };
static struct vm *con_vm;
static char last_out[64];	/* the end of the output, for alive() */
static size_t last_len;

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

	if (!con_desc)
		con_desc = find("virtio-console");
	if (pipe2(out, O_CLOEXEC | O_NONBLOCK))
		vfz_fail("pipe2: %s", strerror(errno));
	console__init(&vm->console, -1, out[1]);
	con_vm = vm;
	last_len = 0;
	ret = con_desc->init(vm, NULL, &state);
	if (ret)
		vfz_fail("init: %d", ret);
	if (vm->console.opaque != state)
		vfz_fail("not the VM's console");
	return state;
}

static void destroy(struct vm *vm, void *state)
{
	con_desc->exit(vm, state);
	if (vm->console.ops)
		vfz_fail("still the VM's console after its exit");
	close(out[0]);
	close(out[1]);
	out[0] = out[1] = -1;
}

static void backend(void *state __unused, const u8 *b, size_t len)
{
	size_t took = console__receive(&con_vm->console, b, len);

	if (took > len)
		vfz_fail("%zu bytes of input taken of %zu", took, len);
	vfz_digest(&took, sizeof(took));
}

/* What the guest wrote: into the digest, its last bytes kept. */
static void drain(void *state __unused)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(out[0], buf, sizeof(buf))) > 0) {
		vfz_digest(buf, n);
		if ((size_t)n >= sizeof(last_out)) {
			memcpy(last_out, buf + n - sizeof(last_out), sizeof(last_out));
			last_len = sizeof(last_out);
		} else {
			size_t keep = last_len + n > sizeof(last_out) ? sizeof(last_out) - n : last_len;

			memmove(last_out, last_out + last_len - keep, keep);
			memcpy(last_out + keep, buf, n);
			last_len = keep + n;
		}
	}
	if (n < 0 && errno != EAGAIN)
		vfz_fail("reading the console: %s", strerror(errno));
}

static void alive(void *state __unused)
{
	struct vfz_seg seg = { .len = 3 };
	u32 id, len;
	u16 head;

	last_len = 0;
	head = vfz_chain(TXQ, &seg, 1, "ok\n", 3);
	vfz_kick(TXQ);
	vfz_used_elem(TXQ, 0, &id, &len);
	if (vfz_used_idx(TXQ) != 1 || id != head || len)
		vfz_fail("a transmit after the reset: used idx %u, head %u, %u bytes",
			 vfz_used_idx(TXQ), id, len);
	if (last_len != 3 || memcmp(last_out, "ok\n", 3))
		vfz_fail("transmitted \"ok\\n\", the console got %zu bytes", last_len);

	seg = (struct vfz_seg){ .len = 8, .write = true };
	head = vfz_chain(RXQ, &seg, 1, NULL, 0);
	vfz_kick(RXQ);
	if (console__receive(&con_vm->console, (const u8 *)"hi", 2) != 2)
		vfz_fail("typed \"hi\": not taken");
	vfz_settle();
	vfz_used_elem(RXQ, 0, &id, &len);
	if (vfz_used_idx(RXQ) != 1 || id != head || len != 2 ||
	    memcmp(vfz_hva(seg.gpa, 2), "hi", 2))
		vfz_fail("typed \"hi\": used idx %u, head %u, %u bytes", vfz_used_idx(RXQ), id, len);
}

const struct vfz_device vfz_dev = {
	.name		= "virtio-console",
	.device_id	= VIRTIO_ID_CONSOLE,
	.nr_queues	= 2,
	.max_qsize	= 128,
	.opt_features	= { -1, -1, -1, -1, -1 },
	.create		= create,
	.destroy	= destroy,
	.backend	= backend,
	.drain		= drain,
	.alive		= alive,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return vfz_run(data, size);
}
