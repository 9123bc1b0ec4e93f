// SPDX-License-Identifier: GPL-2.0
/* devices.c - bring up the device models that DEVICE_REGISTER collected. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../vmm/vmm.h"

int devices__init(struct vm *vm, struct device_inst *inst, unsigned int *nr)
{
	const struct device_desc *sorted[VM_MAX_DEVICES];
	const struct device_desc *const *d;
	unsigned int n = 0, i, j;
	int ret;

	/* Sort by order (stable: equal orders keep link order). */
	for (d = __start_vmm_devices; d < __stop_vmm_devices; d++) {
		if (n == VM_MAX_DEVICES)
			return -ENOSPC;
		for (j = n++; j > 0 && sorted[j - 1]->order > (*d)->order; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = *d;
	}

	*nr = 0;
	for (i = 0; i < n; i++) {
		inst[*nr].desc = sorted[i];
		inst[*nr].state = NULL;
		ret = sorted[i]->init(vm, &inst[*nr].state);
		if (ret < 0) {
			if (ret != -DEVICE_EREPORTED)
				pr_err("device %s: %s", sorted[i]->name,
				       strerror(-ret));
			devices__exit(vm, inst, *nr);
			*nr = 0;
			return ret;
		}
		if (ret == 0)
			(*nr)++;
	}
	return 0;
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
