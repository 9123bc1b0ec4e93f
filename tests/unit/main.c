// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - run every unit-test suite and record one result line per test;
 * the stand-ins for the KVM side and the helpers the suites share.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libfdt.h>

#include "../../vmm/vmm.h"
#include "unit.h"

/*
 * vm.c and memslot.c (the KVM side) are not linked into the unit tests; the
 * device models call into them to map memory into the guest (recorded, for
 * the tests to see) and to stop the VM on a host failure (recorded too).
 */
struct memslot_stub memslot_stub;

int vm__set_memslot(struct vm *vm __unused, u32 slot, u64 gpa, u64 size,
		    void *hva, bool readonly)
{
	memslot_stub.calls++;
	if (memslot_stub.fail)
		return memslot_stub.fail;
	memslot_stub.slot = slot;
	memslot_stub.gpa = gpa;
	memslot_stub.size = size;
	memslot_stub.hva = hva;
	memslot_stub.readonly = readonly;
	return 0;
}

/* No hypervisor: virtio devices take the MMIO exit and KVM_IRQ_LINE paths. */
int vm__ioeventfd(struct vm *vm __unused, u64 addr __unused, u32 len __unused,
		  u64 datamatch __unused, int fd __unused, bool assign __unused)
{
	return -ENOSYS;
}

int vm__irqfd(struct vm *vm __unused, unsigned int intid __unused, int fd __unused)
{
	return -ENOSYS;
}

int vm_stop_status = -1;

void vm__stop(struct vm *vm __unused, int status)
{
	if (vm_stop_status < 0)
		vm_stop_status = status;
}

void ck_dtc_clean(const void *blob)
{
	char path[] = "/tmp/vmm-unit-XXXXXX.dtb", cmd[128], out[4096];
	size_t len = 0, n;
	FILE *p;
	int fd, status;

	fd = mkstemps(path, 4);
	ck_assert_msg(fd >= 0, "mkstemps: %s", strerror(errno));
	ck_assert_int_eq(write(fd, blob, fdt_totalsize(blob)), (ssize_t)fdt_totalsize(blob));
	close(fd);

	snprintf(cmd, sizeof(cmd), "dtc -I dtb -O dts -o /dev/null %s 2>&1", path);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while ((n = fread(out + len, 1, sizeof(out) - 1 - len, p)) > 0)
		len += n;
	out[len] = '\0';
	status = pclose(p);
	unlink(path);

	ck_assert_msg(len == 0, "dtc printed: %s", out);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "dtc failed with status 0x%x", status);
}

static const struct {
	const char	*name;
	Suite		*(*create)(void);
} suites[] = {
	{ "options",	options_suite },
	{ "image",	image_suite },
	{ "fdt",	fdt_suite },
	{ "mmio",	mmio_suite },
	{ "uart",	uart_suite },
	{ "term",	term_suite },
	{ "gunzip",	gunzip_suite },
	{ "loader",	loader_suite },
	{ "cfi_flash",	cfi_flash_suite },
	{ "virtio",	virtio_suite },
	{ "virtio_devices", virtio_devices_suite },
	{ "virtio_net",	virtio_net_suite },
	{ "pci",	pci_suite },
	{ "passt",	passt_suite },
	{ "9p",		p9_suite },
	{ "rootfs",	rootfs_suite },
	{ "ctlproto",	ctlproto_suite },
	{ "gdb",	gdb_suite },
	{ "seccomp",	seccomp_suite },
	{ "help",	help_suite },
};

/* Check gives a result its TCase's name; the suite is the one holding it. */
static const char *suite_of(Suite *const *s, const char *tcname)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(suites); i++)
		if (suite_tcase(s[i], tcname))
			return suites[i].name;
	return "unknown";
}

/* One line per result: control characters in a message are escaped. */
static void put_message(FILE *f, const char *msg)
{
	for (; *msg; msg++) {
		unsigned char c = *msg;

		if (c < ' ' || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

static void write_results(FILE *f, SRunner *sr, Suite *const *s)
{
	TestResult **tr = srunner_results(sr);
	int i, n = srunner_ntests_run(sr);

	for (i = 0; i < n; i++) {
		const char *sname = suite_of(s, tr_tcname(tr[i]));

		if (tr_rtype(tr[i]) == CK_PASS) {
			fprintf(f, "PASS unit/%s/%s\n", sname, tr_tcname(tr[i]));
			continue;
		}
		fprintf(f, "FAIL unit/%s/%s: ", sname, tr_tcname(tr[i]));
		put_message(f, tr_msg(tr[i]) ? tr_msg(tr[i]) : "(no message)");
		fprintf(f, " (%s:%d)\n", tr_lfile(tr[i]) ? tr_lfile(tr[i]) : "?",
			tr_lno(tr[i]));
	}
	free(tr);
}

int main(int argc, char **argv)
{
	Suite *s[ARRAY_SIZE(suites)];
	SRunner *sr = NULL;
	unsigned int i;
	int failed;

	for (i = 0; i < ARRAY_SIZE(suites); i++) {
		s[i] = suites[i].create();
		if (!sr)
			sr = srunner_create(s[i]);
		else
			srunner_add_suite(sr, s[i]);
	}
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);

	if (argc > 1) {
		FILE *f = fopen(argv[1], "w");

		if (!f) {
			perror(argv[1]);
			failed = 1;
		} else {
			write_results(f, sr, s);
			if (fclose(f)) {
				perror(argv[1]);
				failed = 1;
			}
		}
	}
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
