/* SPDX-License-Identifier: GPL-2.0 */
/* unit.h - the unit-test suites, one per file, and a helper to add a test. */
#ifndef VMM_TESTS_UNIT_H
#define VMM_TESTS_UNIT_H

#include <check.h>

Suite *options_suite(void);
Suite *image_suite(void);
Suite *fdt_suite(void);
Suite *mmio_suite(void);
Suite *uart_suite(void);
Suite *term_suite(void);
Suite *gunzip_suite(void);
Suite *loader_suite(void);

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

#endif
