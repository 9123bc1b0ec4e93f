// SPDX-License-Identifier: GPL-2.0
/*
 * testdev.c - a small MMIO device for the firmware tests (`--testdev`):
 * an ID, a 64-bit scratch register reachable by 1, 2, 4 and 8-byte
 * accesses at any offset inside it, an SPI the guest can raise and lower,
 * and an access counter.  Compatible "vmm,testdev" in the device tree.
 *
 *   0x00  ID       RO  32  0x544d4d56 ("VMMT")
 *   0x08  SCRATCH  RW  any width at 0x08..0x0f, little endian
 *   0x10  IRQ      WO  1 raises the device's SPI, 0 lowers it
 *   0x18  COUNT    RO  64  accesses so far, this one excluded
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <vmm/layout.h>
#include "../vmm/fdt-util.h"
#include "../vmm/vmm.h"

#define TESTDEV_SIZE		0x1000
#define TESTDEV_ID		0x00
#define TESTDEV_SCRATCH		0x08
#define TESTDEV_IRQ		0x10
#define TESTDEV_COUNT		0x18
#define TESTDEV_MAGIC		0x544d4d56

struct testdev {
	pthread_mutex_t	lock;
	struct vm	*vm;
	unsigned int	intid;
	u8		scratch[8];
	u64		count;
};

static void testdev_read(void *opaque, u64 off, void *data, unsigned int len)
{
	struct testdev *t = opaque;
	u32 id = TESTDEV_MAGIC;

	pthread_mutex_lock(&t->lock);
	if (off >= TESTDEV_SCRATCH && off + len <= TESTDEV_SCRATCH + 8)
		memcpy(data, t->scratch + off - TESTDEV_SCRATCH, len);
	else if (off == TESTDEV_ID && len <= 4)
		memcpy(data, &id, len);
	else if (off == TESTDEV_COUNT && len == 8)
		memcpy(data, &t->count, 8);
	t->count++;
	pthread_mutex_unlock(&t->lock);
}

static void testdev_write(void *opaque, u64 off, const void *data,
			  unsigned int len)
{
	struct testdev *t = opaque;
	u8 level;

	pthread_mutex_lock(&t->lock);
	if (off >= TESTDEV_SCRATCH && off + len <= TESTDEV_SCRATCH + 8) {
		memcpy(t->scratch + off - TESTDEV_SCRATCH, data, len);
	} else if (off == TESTDEV_IRQ) {
		level = *(const u8 *)data ? 1 : 0;
		t->vm->irq_line(t->vm, t->intid, level);
	}
	t->count++;
	pthread_mutex_unlock(&t->lock);
}

static const struct mmio_ops testdev_ops = {
	.read	= testdev_read,
	.write	= testdev_write,
};

static int testdev_init(struct vm *vm, const char *arg __unused, void **state)
{
	struct testdev *t;
	int ret;

	if (!vm->cfg->testdev)
		return 1;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	pthread_mutex_init(&t->lock, NULL);
	t->vm = vm;
	t->intid = vm__alloc_spi(vm);
	ret = mmio_bus__register(&vm->bus, LAYOUT_TESTDEV_BASE, TESTDEV_SIZE,
				 "testdev", &testdev_ops, t);
	if (ret) {
		free(t);
		return ret;
	}
	*state = t;
	return 0;
}

static int testdev_fdt(struct vm *vm, void *state, void *fdt)
{
	struct testdev *t = state;
	char name[32];

	snprintf(name, sizeof(name), "testdev@%llx", LAYOUT_TESTDEV_BASE);
	FDT_CHECK(fdt_begin_node(fdt, name));
	FDT_CHECK(fdt_property_string(fdt, "compatible", "vmm,testdev"));
	FDT_CHECK(fdt_prop_reg(fdt, LAYOUT_TESTDEV_BASE, TESTDEV_SIZE));
	FDT_CHECK(fdt_prop_spi(fdt, vm->gic != GIC_NONE, t->intid));
	FDT_CHECK(fdt_end_node(fdt));
	return 0;
}

static void testdev_exit(struct vm *vm __unused, void *state)
{
	struct testdev *t = state;

	pthread_mutex_destroy(&t->lock);
	free(t);
}

static const struct device_desc testdev_dev = {
	.name	= "testdev",
	.order	= 10,
	.init	= testdev_init,
	.fdt	= testdev_fdt,
	.exit	= testdev_exit,
};
DEVICE_REGISTER(testdev_dev);
