/* SPDX-License-Identifier: GPL-2.0 */
/* unit.h - the unit-test suites, one per file, and a helper to add a test. */
#ifndef VMM_TESTS_UNIT_H
#define VMM_TESTS_UNIT_H

#include <stdbool.h>

#include <check.h>

Suite *rootfs_suite(void);
Suite *options_suite(void);
Suite *image_suite(void);
Suite *fdt_suite(void);
Suite *mmio_suite(void);
Suite *uart_suite(void);
Suite *term_suite(void);
Suite *gunzip_suite(void);
Suite *loader_suite(void);
Suite *cfi_flash_suite(void);
Suite *virtio_suite(void);
Suite *virtio_devices_suite(void);
Suite *virtio_net_suite(void);
Suite *pci_suite(void);
Suite *passt_suite(void);
Suite *p9_suite(void);
Suite *ctlproto_suite(void);
Suite *gdb_suite(void);
Suite *seccomp_suite(void);
Suite *help_suite(void);

/*
 * main.c's stand-in for vm__set_memslot(): the last slot mapped (a size of
 * 0 deleted it), the number of calls, and an error to return instead
 * (0: succeed).
 */
struct memslot_stub {
	unsigned int	calls;
	int		fail;
	unsigned int	slot;
	unsigned long long gpa, size;
	void		*hva;
	bool		readonly;
};
extern struct memslot_stub memslot_stub;

/* The first status main.c's vm__stop() stand-in was given; -1: none. */
extern int vm_stop_status;

/* dtc reads the device tree blob back without a single warning. (main.c) */
void ck_dtc_clean(const void *blob);

/*
 * One TCase per test, named after the test function, so that a result
 * names the exact test that failed.
 */
#define UNIT_TEST(suite, fn)						\
	do {								\
		TCase *__tc = tcase_create(#fn);			\
		tcase_add_test(__tc, fn);				\
		suite_add_tcase(suite, __tc);				\
	} while (0)

/* The same with a fixture run in the test's own process. */
#define UNIT_TEST_FIXTURE(suite, fn, setup, teardown)			\
	do {								\
		TCase *__tc = tcase_create(#fn);			\
		tcase_add_checked_fixture(__tc, setup, teardown);	\
		tcase_add_test(__tc, fn);				\
		suite_add_tcase(suite, __tc);				\
	} while (0)

/* `vmm help run` into a buffer the caller frees (test_options.c). */
char *usage_text(void);

#endif
