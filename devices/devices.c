// SPDX-License-Identifier: GPL-2.0
/* devices.c - bring up the device models that DEVICE_REGISTER collected. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../vmm/vmm.h"

int devices__init(struct vm *vm, struct device_inst *inst, unsigned int *nr)
{
	const struct device_desc *const *d;
	int order, next, ret;

	*nr = 0;
	/* A handful of devices: walk the section once per order level. */
	for (order = INT32_MIN; ; order = next) {
		next = INT32_MAX;
		for (d = __start_vmm_devices; d < __stop_vmm_devices; d++) {
			if ((*d)->order > order && (*d)->order < next)
				next = (*d)->order;
			if ((*d)->order != order)
				continue;
			if (*nr == VM_MAX_DEVICES) {
				ret = -ENOSPC;
				goto out_unwind;
			}
			inst[*nr].desc = *d;
			inst[*nr].state = NULL;
			ret = (*d)->init(vm, &inst[*nr].state);
			if (ret < 0) {
				pr_err("device %s: %s", (*d)->name, strerror(-ret));
				goto out_unwind;
			}
			if (ret == 0)
				(*nr)++;
		}
		if (next == INT32_MAX)
			break;
	}
	return 0;

out_unwind:
	devices__exit(vm, inst, *nr);
	*nr = 0;
	return ret;
}

int devices__fdt(struct vm *vm, struct device_inst *inst, unsigned int nr,
		 void *fdt)
{
	unsigned int i;
	int ret;

	for (i = 0; i < nr; i++) {
		if (!inst[i].desc->fdt)
			continue;
		ret = inst[i].desc->fdt(vm, inst[i].state, fdt);
		if (ret)
			return ret;
	}
	return 0;
}

void devices__exit(struct vm *vm, struct device_inst *inst, unsigned int nr)
{
	while (nr--)
		if (inst[nr].desc->exit)
			inst[nr].desc->exit(vm, inst[nr].state);
}
