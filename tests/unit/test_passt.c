// SPDX-License-Identifier: GPL-2.0
/*
 * test_passt.c - starting and stopping passt for -n mode=user (passt.c),
 * with a stand-in passt: a script on a private PATH.
 */
#include <check.h>

#include "../../devices/virtio/virtio.h"
#include "unit.h"

START_TEST(passt_placeholder)
{
}
END_TEST

Suite *passt_suite(void)
{
	Suite *s = suite_create("passt");

	UNIT_TEST(s, passt_placeholder);
	return s;
}
