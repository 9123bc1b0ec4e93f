// SPDX-License-Identifier: GPL-2.0
/* mmio.c - guest memory translation and the MMIO bus devices register on. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <vmm/layout.h>
#include "vmm.h"

unsigned int vm__alloc_spi(struct vm *vm)
{
	return vm->next_spi++;
}

u64 vm__alloc_virtio_mmio(struct vm *vm)
{
	/* the lowest the GIC's frames reach with this many vCPUs */
	u64 end = LAYOUT_GIC_ITS_BASE(vm->nr_vcpus), base = vm->next_virtio_mmio;

	if (base < LAYOUT_VIRTIO_MMIO_BASE || base + LAYOUT_VIRTIO_MMIO_SIZE > end)
		return 0;
	vm->next_virtio_mmio += LAYOUT_VIRTIO_MMIO_SIZE;
	return base;
}

void *guest_ptr(const struct vm *vm, u64 gpa, u64 size)
{
	u64 off;

	if (gpa < vm->ram_base)
		return NULL;
	off = gpa - vm->ram_base;
	if (off > vm->ram_size || size > vm->ram_size - off)
		return NULL;
	return (char *)vm->ram + off;
}

void mmio_bus__init(struct mmio_bus *bus)
{
	memset(bus, 0, sizeof(*bus));
	pthread_mutex_init(&bus->unknown_lock, NULL);
}

int mmio_bus__register(struct mmio_bus *bus, u64 base, u64 size,
		       const char *name, const struct mmio_ops *ops,
		       void *opaque)
{
	unsigned int i;

	if (!size || base + size - 1 < base)
		return -EINVAL;
	if (bus->nr == MMIO_MAX_REGIONS)
		return -ENOSPC;

	/* Find the insertion point; refuse overlap with either neighbour. */
	for (i = 0; i < bus->nr && bus->regions[i].base < base; i++)
		;
	if (i > 0) {
		const struct mmio_region *prev = &bus->regions[i - 1];

		if (prev->base + prev->size - 1 >= base)
			return -EBUSY;
	}
	if (i < bus->nr && base + size - 1 >= bus->regions[i].base)
		return -EBUSY;

	memmove(&bus->regions[i + 1], &bus->regions[i],
		(bus->nr - i) * sizeof(bus->regions[0]));
	bus->regions[i] = (struct mmio_region){
		.base = base, .size = size, .name = name,
		.ops = ops, .opaque = opaque,
	};
	bus->nr++;
	return 0;
}

const struct mmio_region *mmio_bus__find(const struct mmio_bus *bus, u64 addr,
					 unsigned int len)
{
	unsigned int lo = 0, hi = bus->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct mmio_region *r = &bus->regions[mid];

		if (addr < r->base) {
			hi = mid;
		} else if (addr - r->base >= r->size) {
			lo = mid + 1;
		} else {
			/* the access must not run past the region's end */
			return len <= r->size - (addr - r->base) ? r : NULL;
		}
	}
	return NULL;
}

static void log_unknown(struct mmio_bus *bus, u64 addr, unsigned int len,
			bool is_write)
{
	unsigned int i;

	pthread_mutex_lock(&bus->unknown_lock);
	for (i = 0; i < bus->nr_unknown; i++)
		if (bus->unknown[i] == addr)
			goto out;
	if (bus->nr_unknown < MMIO_UNKNOWN_LOG_MAX) {
		bus->unknown[bus->nr_unknown++] = addr;
		pr_debug("guest %s of %u bytes at unbacked address 0x%" PRIx64 " (%s)",
			 is_write ? "write" : "read", len, addr,
			 is_write ? "dropped" : "reads as zero");
	}
out:
	pthread_mutex_unlock(&bus->unknown_lock);
}

bool mmio_bus__access(struct mmio_bus *bus, u64 addr, void *data,
		      unsigned int len, bool is_write)
{
	const struct mmio_region *r = mmio_bus__find(bus, addr, len);

	if (!r) {
		log_unknown(bus, addr, len, is_write);
		if (!is_write)
			memset(data, 0, len);
		return false;
	}
	if (is_write) {
		if (r->ops->write)
			r->ops->write(r->opaque, addr - r->base, data, len);
	} else {
		memset(data, 0, len);
		if (r->ops->read)
			r->ops->read(r->opaque, addr - r->base, data, len);
	}
	return true;
}
