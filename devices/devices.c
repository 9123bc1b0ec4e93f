// SPDX-License-Identifier: GPL-2.0
/* devices.c - bring up the device models that DEVICE_REGISTER collected. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../vmm/vmm.h"

/* Run @desc's init once for @arg; a new instance unless it is not wanted. */
static int init_one(struct vm *vm, const struct device_desc *desc,
		    const char *arg, struct device_inst *inst, unsigned int *nr)
{
	int ret;

	if (*nr == VM_MAX_DEVICES) {
		pr_err("device %s: more than %d device instances", desc->name,
		       VM_MAX_DEVICES);
		return -DEVICE_EREPORTED;
	}
	inst[*nr].desc = desc;
	inst[*nr].state = NULL;
	ret = desc->init(vm, arg, &inst[*nr].state);
	if (ret < 0) {
		if (ret != -DEVICE_EREPORTED)
			pr_err("device %s: %s", desc->name, strerror(-ret));
		return ret;
	}
	if (ret == 0)
		(*nr)++;
	return 0;
}

const struct device_desc *devices__find(const char *name)
{
	const struct device_desc *const *d;

	for (d = __start_vmm_devices; d < __stop_vmm_devices; d++)
		if (!strcmp((*d)->name, name))
			return *d;
	return NULL;
}

void devices__implicit(struct vm_config *cfg)
{
	const struct device_desc *const *d;
	const char *value;
	unsigned int i;

	for (d = __start_vmm_devices; d < __stop_vmm_devices; d++) {
		if (!(*d)->implicit)
			continue;
		for (i = 0; i < cfg->nr_dev_args && cfg->dev_args[i].desc != *d; i++)
			;
		if (i < cfg->nr_dev_args || cfg->nr_dev_args == VM_MAX_DEVICE_ARGS)
			continue;
		value = (*d)->implicit(cfg);
		if (value)
			cfg->dev_args[cfg->nr_dev_args++] = (struct device_arg){
				.desc = *d, .value = value,
			};
	}
}

int devices__init(struct vm *vm, struct device_inst *inst, unsigned int *nr)
{
	const struct device_desc *sorted[VM_MAX_DEVICES];
	const struct device_desc *const *d;
	const struct vm_config *cfg = vm->cfg;
	unsigned int n = 0, i, j;
	int ret = 0;

	/* Sort by order (stable: equal orders keep link order). */
	for (d = __start_vmm_devices; d < __stop_vmm_devices; d++) {
		if (n == VM_MAX_DEVICES)
			return -ENOSPC;
		for (j = n++; j > 0 && sorted[j - 1]->order > (*d)->order; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = *d;
	}

	*nr = 0;
	for (i = 0; i < n && !ret; i++) {
		if (!sorted[i]->option) {
			ret = init_one(vm, sorted[i], NULL, inst, nr);
			continue;
		}
		for (j = 0; j < cfg->nr_dev_args && !ret; j++)
			if (cfg->dev_args[j].desc == sorted[i])
				ret = init_one(vm, sorted[i], cfg->dev_args[j].value,
					       inst, nr);
	}
	if (ret) {
		devices__exit(vm, inst, *nr);
		*nr = 0;
	}
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
