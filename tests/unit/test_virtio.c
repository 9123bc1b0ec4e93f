// SPDX-License-Identifier: GPL-2.0
/* test_virtio.c - split virtqueues, the virtio-mmio transport and virtio-rng. */
#include "../../devices/virtio/virtio.h"
#include "unit.h"

Suite *virtio_suite(void)
{
	return suite_create("virtio");
}
