// SPDX-License-Identifier: GPL-2.0
/* test_options.c - `vmm run` option parsing, sizes and host-based defaults. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "../../vmm/vmm.h"
#include "unit.h"

#define MAX_ARGS	32

static struct vm_config cfg;
static char err[256];

/* Parse a NULL-terminated argument list after "run". */
static int parse_args(const char *first, ...)
{
	char *argv[MAX_ARGS + 1];
	const char *a;
	va_list ap;
	int argc = 0;

	argv[argc++] = (char *)"run";
	va_start(ap, first);
	for (a = first; a; a = va_arg(ap, const char *)) {
		ck_assert_int_lt(argc, MAX_ARGS);
		argv[argc++] = (char *)a;
	}
	va_end(ap);
	argv[argc] = NULL;
	memset(err, 0, sizeof(err));
	return vm_config__parse(&cfg, argc, argv, err, sizeof(err));
}

#define parse(...)	parse_args(__VA_ARGS__, NULL)

/* A parse that must fail with exactly @msg. */
#define ck_parse_fails(msg, ...)					\
	do {								\
		ck_assert_int_eq(parse(__VA_ARGS__), -1);		\
		ck_assert_str_eq(err, msg);				\
	} while (0)

/* --loglevel and --debug set the global level: each test starts at the default. */
static void reset_log_level(void)
{
	log_level = LOG_WARN;
}

/* ---- options that parse ------------------------------------------------- */

START_TEST(parse_kernel_short)
{
	ck_assert_int_eq(parse("-k", "Image"), 0);
	ck_assert_str_eq(cfg.kernel, "Image");
}
END_TEST

START_TEST(parse_kernel_long)
{
	ck_assert_int_eq(parse("--kernel", "Image"), 0);
	ck_assert_str_eq(cfg.kernel, "Image");
	ck_assert_int_eq(parse("--kernel=Other"), 0);
	ck_assert_str_eq(cfg.kernel, "Other");
}
END_TEST

START_TEST(parse_kernel_positional)
{
	ck_assert_int_eq(parse("Image"), 0);
	ck_assert_str_eq(cfg.kernel, "Image");
	/* getopt permutes: the kernel may come before the options */
	ck_assert_int_eq(parse("Image", "-c", "2"), 0);
	ck_assert_str_eq(cfg.kernel, "Image");
	ck_assert_uint_eq(cfg.nr_cpus, 2);
}
END_TEST

START_TEST(parse_defaults_are_zero)
{
	ck_assert_int_eq(parse("Image"), 0);
	ck_assert_ptr_null(cfg.initrd);
	ck_assert_ptr_null(cfg.params);
	ck_assert_ptr_null(cfg.name);
	ck_assert_ptr_null(cfg.dump_dtb);
	ck_assert_ptr_null(cfg.kvm_dev);
	ck_assert_uint_eq(cfg.mem_size, 0);
	ck_assert_uint_eq(cfg.nr_cpus, 0);
	ck_assert_int_eq(cfg.console, CONSOLE_SERIAL);
	ck_assert_int_eq(cfg.irqchip, IRQCHIP_AUTO);
	ck_assert(!cfg.nodefaults);
	ck_assert(!cfg.pmu);
	ck_assert_int_eq(log_level, LOG_WARN);
}
END_TEST

START_TEST(parse_initrd)
{
	ck_assert_int_eq(parse("-k", "Image", "-i", "rd.cpio"), 0);
	ck_assert_str_eq(cfg.initrd, "rd.cpio");
	ck_assert_int_eq(parse("-k", "Image", "--initrd", "rd2.cpio"), 0);
	ck_assert_str_eq(cfg.initrd, "rd2.cpio");
}
END_TEST

START_TEST(parse_params)
{
	ck_assert_int_eq(parse("-k", "Image", "-p", "quiet loglevel=3"), 0);
	ck_assert_str_eq(cfg.params, "quiet loglevel=3");
	ck_assert_int_eq(parse("-k", "Image", "--params", "init=/bin/sh"), 0);
	ck_assert_str_eq(cfg.params, "init=/bin/sh");
}
END_TEST

START_TEST(parse_cpus_option)
{
	ck_assert_int_eq(parse("-k", "Image", "-c", "4"), 0);
	ck_assert_uint_eq(cfg.nr_cpus, 4);
	ck_assert_int_eq(parse("-k", "Image", "--cpus", "1"), 0);
	ck_assert_uint_eq(cfg.nr_cpus, 1);
	ck_assert_int_eq(parse("-k", "Image", "--cpus", "4096"), 0);
	ck_assert_uint_eq(cfg.nr_cpus, VMM_MAX_CPUS);
}
END_TEST

START_TEST(parse_mem_mib)
{
	ck_assert_int_eq(parse("-k", "Image", "-m", "512"), 0);
	ck_assert_uint_eq(cfg.mem_size, 512ULL << 20);
}
END_TEST

START_TEST(parse_mem_suffixes)
{
	ck_assert_int_eq(parse("-k", "Image", "--mem", "1G"), 0);
	ck_assert_uint_eq(cfg.mem_size, 1ULL << 30);
	ck_assert_int_eq(parse("-k", "Image", "-m", "65536K"), 0);
	ck_assert_uint_eq(cfg.mem_size, 64ULL << 20);
	ck_assert_int_eq(parse("-k", "Image", "-m", "512MiB"), 0);
	ck_assert_uint_eq(cfg.mem_size, 512ULL << 20);
	ck_assert_int_eq(parse("-k", "Image", "-m", "1T"), 0);
	ck_assert_uint_eq(cfg.mem_size, VM_MEM_MAX);
	ck_assert_int_eq(parse("-k", "Image", "-m", "64M"), 0);
	ck_assert_uint_eq(cfg.mem_size, VM_MEM_MIN);
}
END_TEST

START_TEST(parse_name)
{
	ck_assert_int_eq(parse("-k", "Image", "--name", "vm1"), 0);
	ck_assert_str_eq(cfg.name, "vm1");
	ck_assert_int_eq(parse("-k", "Image", "--name", "ci.run-4_b"), 0);
	/* it names a socket file: no path, no hidden file, not too long */
	ck_assert_int_eq(parse("-k", "Image", "--name", "a/b"), -1);
	ck_assert_int_eq(parse("-k", "Image", "--name", ".."), -1);
	ck_assert_int_eq(parse("-k", "Image", "--name", "a b"), -1);
	ck_assert_int_eq(parse("-k", "Image", "--name",
			       "x1234567890123456789012345678901234567890123456789012345678901234"), -1);
}
END_TEST

START_TEST(parse_console_serial)
{
	ck_assert_int_eq(parse("-k", "Image", "--console", "serial"), 0);
	ck_assert_int_eq(cfg.console, CONSOLE_SERIAL);
}
END_TEST

START_TEST(parse_irqchip)
{
	ck_assert_int_eq(parse("-k", "Image", "--irqchip", "gicv2"), 0);
	ck_assert_int_eq(cfg.irqchip, IRQCHIP_GICV2);
	ck_assert_int_eq(parse("-k", "Image", "--irqchip", "gicv3"), 0);
	ck_assert_int_eq(cfg.irqchip, IRQCHIP_GICV3);
	ck_assert_int_eq(parse("-k", "Image", "--irqchip", "gicv3-its"), 0);
	ck_assert_int_eq(cfg.irqchip, IRQCHIP_GICV3_ITS);
	ck_assert_int_eq(parse("-k", "Image", "--irqchip", "none"), 0);
	ck_assert_int_eq(cfg.irqchip, IRQCHIP_NONE);
	ck_assert_int_eq(parse("-k", "Image", "--irqchip", "auto"), 0);
	ck_assert_int_eq(cfg.irqchip, IRQCHIP_AUTO);
}
END_TEST

/* `vmm help run` into a buffer the caller frees (test_help.c's too). */
char *usage_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	run_usage(f);
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

START_TEST(usage_names_every_irqchip)
{
	char *text = usage_text();

	ck_assert_ptr_nonnull(strstr(text, "--irqchip <gicv2|gicv3|gicv3-its|none|auto>"));
	free(text);
}
END_TEST

/* The core's sections around the devices' own options, each one listed. */
START_TEST(usage_lists_device_options)
{
	const struct device_desc *const *d;
	char *text = usage_text(), *dev, *kernel, *opt;
	char name[64];

	dev = strstr(text, "\nDevice options:\n");
	kernel = strstr(text, "\nKernel options:\n");
	ck_assert_ptr_nonnull(dev);
	ck_assert_ptr_nonnull(kernel);
	ck_assert(dev < kernel);
	for (d = __start_vmm_devices; d < __stop_vmm_devices; d++) {
		if (!(*d)->option)
			continue;
		snprintf(name, sizeof(name), "--%s", (*d)->option->name);
		opt = strstr(dev, name);
		ck_assert_msg(opt && opt < kernel, "%s is not under Device options", name);
	}
	free(text);
}
END_TEST

/* No device option may take a name or a letter the core has. */
START_TEST(device_options_do_not_clash)
{
	const struct device_desc *const *d, *const *e;
	char *text = usage_text(), *dev = strstr(text, "\nDevice options:\n");
	char name[64];

	ck_assert_ptr_nonnull(dev);
	*dev = '\0';		/* what is left: the core's own options */
	for (d = __start_vmm_devices; d < __stop_vmm_devices; d++) {
		const struct device_option *o = (*d)->option;

		if (!o)
			continue;
		for (e = d + 1; e < __stop_vmm_devices; e++)
			ck_assert(!(*e)->option || strcmp((*e)->option->name, o->name));
		snprintf(name, sizeof(name), "--%s ", o->name);
		ck_assert_msg(!strstr(text, name), "%s is a core option too", name);
		ck_assert_ptr_null(strchr("kipcmfFh", o->short_name ? o->short_name : 'X'));
	}
	free(text);
}
END_TEST

START_TEST(parse_virtio_transport)
{
	ck_assert_int_eq(parse("-k", "Image"), 0);
	ck_assert_int_eq(cfg.virtio_transport, VIRTIO_TRANSPORT_AUTO);
	ck_assert_int_eq(parse("-k", "Image", "--virtio-transport", "mmio"), 0);
	ck_assert_int_eq(cfg.virtio_transport, VIRTIO_TRANSPORT_MMIO);
	ck_assert_int_eq(parse("-k", "Image", "--virtio-transport", "pci"), 0);
	ck_assert_int_eq(cfg.virtio_transport, VIRTIO_TRANSPORT_PCI);
	ck_assert_int_eq(parse("-k", "Image", "--virtio-transport", "pci",
			       "--virtio-transport", "mmio"), 0);
	ck_assert_int_eq(cfg.virtio_transport, VIRTIO_TRANSPORT_MMIO);
	ck_parse_fails("--virtio-transport mmio-legacy: expected pci or mmio (vmm offers no legacy virtio)",
		       "-k", "Image", "--virtio-transport", "mmio-legacy");
	ck_parse_fails("--virtio-transport pci-legacy: expected pci or mmio (vmm offers no legacy virtio)",
		       "-k", "Image", "--virtio-transport", "pci-legacy");
	ck_parse_fails("--virtio-transport ccw: expected pci or mmio",
		       "-k", "Image", "--virtio-transport", "ccw");
}
END_TEST

/* Each use of a device's option is one instance, in command-line order. */
START_TEST(parse_disks_in_order)
{
	ck_assert_int_eq(parse("-k", "Image", "-d", "a.img", "--disk", "b.img,ro,direct",
			       "--rng", "--rng"), 0);
	ck_assert_uint_eq(cfg.nr_dev_args, 3);
	ck_assert_str_eq(cfg.dev_args[0].desc->name, "virtio-blk");
	ck_assert_str_eq(cfg.dev_args[0].value, "a.img");
	ck_assert_str_eq(cfg.dev_args[1].desc->name, "virtio-blk");
	ck_assert_str_eq(cfg.dev_args[1].value, "b.img,ro,direct");
	/* a flag asks for one instance however often it is given */
	ck_assert_str_eq(cfg.dev_args[2].desc->name, "virtio-rng");
	ck_assert_ptr_null(cfg.dev_args[2].value);
}
END_TEST

START_TEST(parse_error_disk)
{
	ck_parse_fails("--disk a.img,rw: unknown flag 'rw' (expected ro or direct)",
		       "-k", "Image", "-d", "a.img,rw");
	ck_parse_fails("--disk a.img,: unknown flag '' (expected ro or direct)",
		       "-k", "Image", "-d", "a.img,");
	ck_parse_fails("--disk ,ro: expected <image>[,ro][,direct]",
		       "-k", "Image", "--disk", ",ro");
	ck_parse_fails("-d: option needs a value (see 'vmm help run')",
		       "-k", "Image", "-d");
	ck_parse_fails("--rng=1: --rng takes no value (see 'vmm help run')",
		       "-k", "Image", "--rng=1");
}
END_TEST

START_TEST(parse_debug_no_eventfd)
{
	ck_assert_int_eq(parse("-k", "Image"), 0);
	ck_assert(!cfg.no_eventfd);
	ck_assert_int_eq(parse("-k", "Image", "--debug-no-eventfd"), 0);
	ck_assert(cfg.no_eventfd);
}
END_TEST

START_TEST(parse_dump_dtb)
{
	ck_assert_int_eq(parse("-k", "Image", "--dump-dtb", "out.dtb"), 0);
	ck_assert_str_eq(cfg.dump_dtb, "out.dtb");
}
END_TEST

START_TEST(parse_nodefaults)
{
	ck_assert_int_eq(parse("-k", "Image", "--nodefaults"), 0);
	ck_assert(cfg.nodefaults);
}
END_TEST

START_TEST(parse_loglevel)
{
	ck_assert_int_eq(parse("-k", "Image", "--loglevel", "info"), 0);
	ck_assert_int_eq(log_level, LOG_INFO);
	ck_assert_int_eq(parse("-k", "Image", "--loglevel", "error"), 0);
	ck_assert_int_eq(log_level, LOG_ERR);
	ck_assert_int_eq(parse("-k", "Image", "--loglevel", "3"), 0);
	ck_assert_int_eq(log_level, LOG_DEBUG);
	ck_assert_int_eq(parse("-k", "Image", "--loglevel", "warning"), 0);
	ck_assert_int_eq(log_level, LOG_WARN);
}
END_TEST

START_TEST(parse_debug)
{
	ck_assert_int_eq(parse("-k", "Image", "--debug"), 0);
	ck_assert_int_eq(log_level, LOG_DEBUG);
}
END_TEST

START_TEST(parse_pmu)
{
	ck_assert_int_eq(parse("-k", "Image", "--pmu"), 0);
	ck_assert(cfg.pmu);
}
END_TEST

START_TEST(parse_kvm_dev)
{
	ck_assert_int_eq(parse("-k", "Image", "--kvm-dev", "/dev/kvm"), 0);
	ck_assert_str_eq(cfg.kvm_dev, "/dev/kvm");
}
END_TEST

START_TEST(parse_network_none)
{
	ck_assert_int_eq(parse("-k", "Image", "-n", "mode=none"), 0);
	ck_assert_int_eq(parse("-k", "Image", "--network", "mode=none"), 0);
}
END_TEST

/* Each -n is a NIC, in order, as lkvm spells its keys. */
START_TEST(parse_network_tap)
{
	ck_assert_int_eq(parse("-k", "Image", "-n", "mode=tap",
			       "--network", "tapif=vm0,guest_mac=02:00:00:aa:BB:cc,mode=tap"), 0);
	ck_assert_uint_eq(cfg.nr_dev_args, 2);
	ck_assert_str_eq(cfg.dev_args[0].desc->name, "virtio-net");
	ck_assert_str_eq(cfg.dev_args[0].value, "mode=tap");
	ck_assert_str_eq(cfg.dev_args[1].value, "tapif=vm0,guest_mac=02:00:00:aa:BB:cc,mode=tap");
}
END_TEST

START_TEST(parse_help)
{
	ck_assert_int_eq(parse("--help"), 1);
	ck_assert_int_eq(parse("-h"), 1);
	/* help wins over a missing kernel */
	ck_assert_int_eq(parse("-c", "2", "-h"), 1);
}
END_TEST

START_TEST(parse_all_options)
{
	ck_assert_int_eq(parse("-k", "Image", "-i", "rd", "-p", "quiet",
			       "-c", "3", "-m", "256", "--name", "g",
			       "--console", "serial", "--irqchip", "gicv3",
			       "--dump-dtb", "d.dtb", "--nodefaults", "--pmu",
			       "--kvm-dev", "/dev/vmm"), 0);
	ck_assert_str_eq(cfg.kernel, "Image");
	ck_assert_str_eq(cfg.initrd, "rd");
	ck_assert_str_eq(cfg.params, "quiet");
	ck_assert_uint_eq(cfg.nr_cpus, 3);
	ck_assert_uint_eq(cfg.mem_size, 256ULL << 20);
	ck_assert_str_eq(cfg.name, "g");
	ck_assert_int_eq(cfg.irqchip, IRQCHIP_GICV3);
	ck_assert_str_eq(cfg.dump_dtb, "d.dtb");
	ck_assert(cfg.nodefaults);
	ck_assert(cfg.pmu);
	ck_assert_str_eq(cfg.kvm_dev, "/dev/vmm");
}
END_TEST

/* ---- every error path, with its text ------------------------------------ */

START_TEST(parse_error_no_kernel)
{
	ck_parse_fails("no kernel: give one with -k/--kernel, or a firmware with -f (see 'vmm help run')",
		       "-c", "2");
}
END_TEST

START_TEST(parse_error_unknown_long)
{
	ck_parse_fails("--bogus: unknown option (see 'vmm help run')",
		       "--bogus", "Image");
}
END_TEST

START_TEST(parse_error_ambiguous_long)
{
	/* --n could be --name, --nodefaults or --network */
	ck_parse_fails("--n: ambiguous option (see 'vmm help run')",
		       "--n", "x", "Image");
}
END_TEST

START_TEST(parse_error_unknown_short)
{
	ck_parse_fails("-z: unknown option (see 'vmm help run')",
		       "-z", "Image");
}
END_TEST

/* A flag given a value: the message must name the argument as typed. */
START_TEST(parse_error_flag_with_value)
{
	const char *p;

	ck_assert_int_eq(parse("--pmu=1", "Image"), -1);
	for (p = err; *p; p++)
		ck_assert_msg(*p >= ' ', "control character 0x%02x at offset %d of the message",
			      (unsigned char)*p, (int)(p - err));
	ck_assert_msg(!strncmp(err, "--pmu=1: ", 9),
		      "\"%s\" does not name --pmu=1", err);
}
END_TEST

START_TEST(parse_error_help_with_value)
{
	/* not "-h: unknown option": -h alone is a valid option */
	ck_assert_int_eq(parse("--help=x", "Image"), -1);
	ck_assert_msg(!strncmp(err, "--help=x: ", 10),
		      "\"%s\" does not name --help=x", err);
}
END_TEST

START_TEST(parse_error_missing_value)
{
	ck_parse_fails("-c: option needs a value (see 'vmm help run')",
		       "Image", "-c");
	ck_parse_fails("--mem: option needs a value (see 'vmm help run')",
		       "Image", "--mem");
	ck_parse_fails("-k: option needs a value (see 'vmm help run')", "-k");
}
END_TEST

START_TEST(parse_error_cpus_zero)
{
	ck_parse_fails("--cpus 0: a guest needs at least 1 CPU",
		       "-k", "Image", "-c", "0");
}
END_TEST

START_TEST(parse_error_cpus_not_a_number)
{
	ck_parse_fails("--cpus abc: expected a number of CPUs from 1 to 4096",
		       "-k", "Image", "-c", "abc");
	ck_parse_fails("--cpus 2x: expected a number of CPUs from 1 to 4096",
		       "-k", "Image", "-c", "2x");
	ck_parse_fails("--cpus -1: expected a number of CPUs from 1 to 4096",
		       "-k", "Image", "--cpus", "-1");
	ck_parse_fails("--cpus : expected a number of CPUs from 1 to 4096",
		       "-k", "Image", "--cpus=");
}
END_TEST

START_TEST(parse_error_cpus_too_many)
{
	ck_parse_fails("--cpus 99999: expected a number of CPUs from 1 to 4096",
		       "-k", "Image", "-c", "99999");
	ck_parse_fails("--cpus 4097: expected a number of CPUs from 1 to 4096",
		       "-k", "Image", "-c", "4097");
	ck_parse_fails("--cpus 99999999999999999999: expected a number of CPUs from 1 to 4096",
		       "-k", "Image", "-c", "99999999999999999999");
}
END_TEST

START_TEST(parse_error_mem_zero)
{
	ck_parse_fails("--mem 0: memory size must be at least 64M",
		       "-k", "Image", "-m", "0");
}
END_TEST

START_TEST(parse_error_mem_bad_suffix)
{
	ck_parse_fails("--mem 12Q: expected a size in MiB or with a K, M, G or T suffix",
		       "-k", "Image", "-m", "12Q");
}
END_TEST

START_TEST(parse_error_mem_too_small)
{
	ck_parse_fails("--mem 63M: memory size must be at least 64M",
		       "-k", "Image", "-m", "63M");
	ck_parse_fails("--mem 65535K: memory size must be at least 64M",
		       "-k", "Image", "-m", "65535K");
}
END_TEST

START_TEST(parse_error_mem_too_big)
{
	ck_parse_fails("--mem 2T: memory size must be at most 1T",
		       "-k", "Image", "-m", "2T");
	ck_parse_fails("--mem 1048577: memory size must be at most 1T",
		       "-k", "Image", "--mem", "1048577");
}
END_TEST

/* The value quoted as it is, but for control bytes: the reason stays one line. */
START_TEST(parse_error_one_line)
{
	ck_parse_fails("--mem 1?2: expected a size in MiB or with a K, M, G or T suffix",
		       "-k", "Image", "-m", "1\n2");
	ck_parse_fails("--name a?[31mb\xc3\xa9: a VM's name is 1 to 64 letters, digits, '.', '_' and '-' (not first '.'): it names its control socket",
		       "-k", "Image", "--name", "a\x1b[31mb\xc3\xa9");
}
END_TEST

START_TEST(parse_firmware)
{
	ck_assert_int_eq(parse("-f", "fw.bin"), 0);
	ck_assert_str_eq(cfg.firmware, "fw.bin");
	ck_assert_ptr_null(cfg.kernel);
	ck_assert_uint_eq(cfg.firmware_addr, 0);
	ck_assert_int_eq(parse("--firmware", "fw.bin", "--firmware-address", "0x80200000"), 0);
	ck_assert_uint_eq(cfg.firmware_addr, 0x80200000);
	ck_assert_int_eq(parse("--firmware=fw.bin", "--firmware-address=2149580800"), 0);
	ck_assert_uint_eq(cfg.firmware_addr, 2149580800ULL);
	/* -p goes to the generated DTB as ever */
	ck_assert_int_eq(parse("-f", "fw.bin", "-p", "console=ttyS0"), 0);
	ck_assert_str_eq(cfg.params, "console=ttyS0");
}
END_TEST

START_TEST(parse_flash_and_dtb)
{
	ck_assert_int_eq(parse("-k", "Image", "-F", "vars.img", "--dtb", "my.dtb"), 0);
	ck_assert_str_eq(cfg.flash, "vars.img");
	ck_assert_str_eq(cfg.dtb, "my.dtb");
	ck_assert_int_eq(parse("-f", "fw.bin", "--flash", "vars.img"), 0);
	ck_assert_str_eq(cfg.flash, "vars.img");
}
END_TEST

START_TEST(parse_lkvm_noops_accepted)
{
	ck_assert_int_eq(parse("-k", "Image", "--disable-sve", "--disable-mte", "--no-pvtime"), 0);
	ck_assert_str_eq(cfg.kernel, "Image");
}
END_TEST

START_TEST(parse_error_firmware_rules)
{
	ck_parse_fails("--firmware-address: only valid with -f/--firmware",
		       "-k", "Image", "--firmware-address", "0x80000000");
	ck_parse_fails("--firmware fw.bin: vmm loads no kernel with a firmware; the firmware loads it",
		       "-f", "fw.bin", "-k", "Image");
	ck_parse_fails("--firmware fw.bin: vmm loads no initrd with a firmware; the firmware loads it",
		       "-f", "fw.bin", "-i", "initrd");
	ck_parse_fails("--firmware-address 0x8zz: expected an address (0x... or decimal)",
		       "-f", "fw.bin", "--firmware-address", "0x8zz");
	ck_parse_fails("--firmware-address -1: expected an address (0x... or decimal)",
		       "-f", "fw.bin", "--firmware-address", "-1");
	ck_parse_fails("--firmware-address 0x10000000000000000: expected an address (0x... or decimal)",
		       "-f", "fw.bin", "--firmware-address", "0x10000000000000000");
}
END_TEST

START_TEST(parse_error_lkvm_unsupported_named)
{
	ck_parse_fails("--tty: lkvm's option is not supported by vmm (see 'vmm help run')",
		       "-k", "Image", "--tty", "0");
	ck_parse_fails("--balloon: lkvm's option is not supported by vmm (see 'vmm help run')",
		       "-k", "Image", "--balloon");
	ck_parse_fails("--vfio-pci: lkvm's option is not supported by vmm (see 'vmm help run')",
		       "-k", "Image", "--vfio-pci=0000:00:01.0");
	/* a value-taking one without its value is still "needs a value" */
	ck_parse_fails("--hugetlbfs: option needs a value (see 'vmm help run')",
		       "-k", "Image", "--hugetlbfs");
}
END_TEST

START_TEST(parse_error_mem_not_whole_mib)
{
	ck_parse_fails("--mem 65537K: memory size must be a whole number of MiB",
		       "-k", "Image", "-m", "65537K");
	ck_assert_int_eq(parse("-k", "Image", "-m", "65536K"), 0);
	ck_assert_uint_eq(cfg.mem_size, 64ULL << 20);
}
END_TEST

START_TEST(parse_console_virtio)
{
	ck_assert_int_eq(parse("-k", "Image", "--console", "virtio"), 0);
	ck_assert_int_eq(cfg.console, CONSOLE_VIRTIO);
	ck_assert_int_eq(parse("-k", "Image", "--console", "serial"), 0);
	ck_assert_int_eq(cfg.console, CONSOLE_SERIAL);
}
END_TEST

START_TEST(parse_error_console_bogus)
{
	ck_parse_fails("--console bogus: expected serial or virtio",
		       "-k", "Image", "--console", "bogus");
}
END_TEST

START_TEST(parse_error_irqchip_bogus)
{
	ck_parse_fails("--irqchip bogus: expected gicv2, gicv3, gicv3-its, none or auto",
		       "-k", "Image", "--irqchip", "bogus");
}
END_TEST

/* lkvm spells it gicv3-its; no prefix, case or "=" variant is taken */
START_TEST(parse_error_irqchip_its_misspelt)
{
	ck_parse_fails("--irqchip gicv3-ITS: expected gicv2, gicv3, gicv3-its, none or auto",
		       "-k", "Image", "--irqchip", "gicv3-ITS");
	ck_parse_fails("--irqchip gicv3-it: expected gicv2, gicv3, gicv3-its, none or auto",
		       "-k", "Image", "--irqchip", "gicv3-it");
	ck_parse_fails("--irqchip its: expected gicv2, gicv3, gicv3-its, none or auto",
		       "-k", "Image", "--irqchip", "its");
}
END_TEST

START_TEST(parse_error_loglevel_bogus)
{
	ck_parse_fails("--loglevel loud: expected error, warning, info or debug",
		       "-k", "Image", "--loglevel", "loud");
	ck_assert_int_eq(log_level, LOG_WARN);
}
END_TEST

START_TEST(parse_error_network)
{
	ck_parse_fails("--network tap: 'tap' is not key=value", "-k", "Image", "-n", "tap");
	ck_parse_fails("--network mode=vde: unknown mode 'vde' (expected user, tap, passt or none)",
		       "-k", "Image", "-n", "mode=vde");
	ck_parse_fails("--network tapif=x: give a mode (mode=user, mode=tap, mode=passt or mode=none)",
		       "-k", "Image", "-n", "tapif=x");
	ck_parse_fails("--network mode=none,tapif=x: mode=none takes no other key",
		       "-k", "Image", "-n", "mode=none,tapif=x");
	ck_parse_fails("--network mode=tap,script=/x: 'script' is not supported: set the tap up beforehand (ip link, a bridge)",
		       "-k", "Image", "-n", "mode=tap,script=/x");
	ck_parse_fails("--network mode=tap,colour=red: unknown key 'colour' (expected mode, hostfwd, tapif, vhost, socket or guest_mac)",
		       "-k", "Image", "-n", "mode=tap,colour=red");
	ck_parse_fails("--network mode=tap,tapif=0123456789abcdef: tapif must be an interface name: 1 to 15 characters, no '/', ':' or space, not . or ..",
		       "-k", "Image", "-n", "mode=tap,tapif=0123456789abcdef");
	ck_parse_fails("--network mode=tap,tapif=: tapif must be an interface name: 1 to 15 characters, no '/', ':' or space, not . or ..",
		       "-k", "Image", "-n", "mode=tap,tapif=");
	ck_parse_fails("--network mode=tap,tapif=a b: tapif must be an interface name: 1 to 15 characters, no '/', ':' or space, not . or ..",
		       "-k", "Image", "-n", "mode=tap,tapif=a b");
	ck_parse_fails("--network mode=tap,tapif=..: tapif must be an interface name: 1 to 15 characters, no '/', ':' or space, not . or ..",
		       "-k", "Image", "-n", "mode=tap,tapif=..");
	ck_parse_fails("--network mode=tap,tapif=a:b: tapif must be an interface name: 1 to 15 characters, no '/', ':' or space, not . or ..",
		       "-k", "Image", "-n", "mode=tap,tapif=a:b");
	ck_parse_fails("--network mode=tap,: an empty item", "-k", "Image", "-n", "mode=tap,");
	ck_parse_fails("--network mode=passt: mode=passt needs socket=PATH, passt's (passt -s PATH)",
		       "-k", "Image", "-n", "mode=passt");
	ck_parse_fails("--network mode=tap,socket=/x: socket= is for mode=passt",
		       "-k", "Image", "-n", "mode=tap,socket=/x");
	ck_parse_fails("--network mode=passt,socket=/x,tapif=t: tapif= is for mode=tap",
		       "-k", "Image", "-n", "mode=passt,socket=/x,tapif=t");
	ck_parse_fails("--network mode=tap,,tapif=x: an empty item", "-k", "Image", "-n",
		       "mode=tap,,tapif=x");
	ck_parse_fails("--network : an empty item", "-k", "Image", "-n", "");
	ck_parse_fails("--network mode=none,mode=tap: mode given twice", "-k", "Image", "-n",
		       "mode=none,mode=tap");
	ck_parse_fails("--network mode=tap,tapif=a,tapif=b: tapif given twice", "-k", "Image",
		       "-n", "mode=tap,tapif=a,tapif=b");
	ck_parse_fails("--network mode=tap,guest_mac=02:00:00:00:00:01,guest_mac=02:00:00:00:00:02: guest_mac given twice",
		       "-k", "Image", "-n",
		       "mode=tap,guest_mac=02:00:00:00:00:01,guest_mac=02:00:00:00:00:02");
	ck_parse_fails("--network mode=tap,guest_mac=00:00:00:00:00:00: guest_mac must not be all zeroes",
		       "-k", "Image", "-n", "mode=tap,guest_mac=00:00:00:00:00:00");
	ck_parse_fails("--network mode=tap,guest_mac=02:00:00:00:00: guest_mac must be six hex bytes, aa:bb:cc:dd:ee:ff",
		       "-k", "Image", "-n", "mode=tap,guest_mac=02:00:00:00:00");
	ck_parse_fails("--network mode=tap,guest_mac=02:00:00:00:00:0g: guest_mac must be six hex bytes, aa:bb:cc:dd:ee:ff",
		       "-k", "Image", "-n", "mode=tap,guest_mac=02:00:00:00:00:0g");
	ck_parse_fails("--network mode=tap,guest_mac=01:00:5e:00:00:01: guest_mac must not be a multicast address",
		       "-k", "Image", "-n", "mode=tap,guest_mac=01:00:5e:00:00:01");
	ck_parse_fails("--network mode=tap,=x: unknown key '' (expected mode, hostfwd, tapif, vhost, socket or guest_mac)",
		       "-k", "Image", "-n", "mode=tap,=x");
}
END_TEST

START_TEST(parse_network_user)
{
	ck_assert_int_eq(parse("-k", "Image", "-n", "mode=user"), 0);
	ck_assert_int_eq(parse("-k", "Image", "-n",
			       "mode=user,hostfwd=tcp:2222:22,hostfwd=udp:5353:53,hostfwd=tcp:65535:1"), 0);
	ck_assert_int_eq(parse("-k", "Image", "-n", "hostfwd=tcp:8080:80,mode=user"), 0);
	ck_assert_int_eq(parse("-k", "Image", "-n", "mode=tap,vhost=on"), 0);
	ck_assert_int_eq(parse("-k", "Image", "-n", "mode=tap,tapif=t0,vhost=off"), 0);
	/* one port to both protocols is two forwards */
	ck_assert_int_eq(parse("-k", "Image", "-n", "mode=user,hostfwd=tcp:53:53,hostfwd=udp:53:53"), 0);
}
END_TEST

START_TEST(parse_error_network_user)
{
	static const char *const bad[] = {
		"tcp", "tcp:", "tcp:1", "tcp:1:", "tcp::1", "sctp:1:1", "tcp:0:1", "tcp:1:0",
		"tcp:65536:1", "tcp:1:65536", "tcp:01:1", "tcp:1:2:3", "tcp:-1:1", "tcp: 1:1",
		"TCP:1:1", "tcp:1:1x", "tcp:123456:1",
	};
	char arg[64], msg[160];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(arg, sizeof(arg), "mode=user,hostfwd=%s", bad[i]);
		snprintf(msg, sizeof(msg), "--network %s: hostfwd must be tcp:HOSTPORT:GUESTPORT or udp:HOSTPORT:GUESTPORT, ports 1 to 65535",
			 arg);
		ck_parse_fails(msg, "-k", "Image", "-n", arg);
	}
	ck_parse_fails("--network mode=tap,hostfwd=tcp:1:1: hostfwd= is for mode=user (a running passt takes -t and -u itself)",
		       "-k", "Image", "-n", "mode=tap,hostfwd=tcp:1:1");
	ck_parse_fails("--network mode=user,hostfwd=tcp:80:80,hostfwd=tcp:80:81: host port tcp:80 forwarded twice",
		       "-k", "Image", "-n", "mode=user,hostfwd=tcp:80:80,hostfwd=tcp:80:81");
	ck_parse_fails("--network mode=user,vhost=on: vhost=on is for mode=tap",
		       "-k", "Image", "-n", "mode=user,vhost=on");
	ck_parse_fails("--network mode=tap,vhost=yes: vhost is on or off",
		       "-k", "Image", "-n", "mode=tap,vhost=yes");
	ck_parse_fails("--network mode=tap,vhost=on,vhost=on: vhost given twice",
		       "-k", "Image", "-n", "mode=tap,vhost=on,vhost=on");
	ck_parse_fails("--network mode=user,socket=/x: socket= is for mode=passt",
		       "-k", "Image", "-n", "mode=user,socket=/x");
	ck_parse_fails("--network: more than 16 hostfwd in one NIC",
		       "-k", "Image", "-n", "mode=user,hostfwd=tcp:1:1,hostfwd=tcp:2:1,hostfwd=tcp:3:1,hostfwd=tcp:4:1,hostfwd=tcp:5:1,hostfwd=tcp:6:1,hostfwd=tcp:7:1,hostfwd=tcp:8:1,hostfwd=tcp:9:1,hostfwd=tcp:10:1,hostfwd=tcp:11:1,hostfwd=tcp:12:1,hostfwd=tcp:13:1,hostfwd=tcp:14:1,hostfwd=tcp:15:1,hostfwd=tcp:16:1,hostfwd=tcp:17:1");
}
END_TEST

START_TEST(parse_error_two_positional)
{
	ck_parse_fails("b: unexpected argument (see 'vmm help run')", "a", "b");
	ck_parse_fails("a: unexpected argument (see 'vmm help run')",
		       "-k", "Image", "a");
}
END_TEST

START_TEST(parse_error_empty_name)
{
	ck_parse_fails("--name: the name must not be empty",
		       "-k", "Image", "--name", "");
}
END_TEST

START_TEST(parse_error_fits_small_buffer)
{
	char small[8];
	char *argv[] = { (char *)"run", (char *)"-c", (char *)"0", NULL };

	memset(small, 'X', sizeof(small));
	ck_assert_int_eq(vm_config__parse(&cfg, 3, argv, small, sizeof(small)), -1);
	ck_assert_str_eq(small, "--cpus ");
}
END_TEST

/* ---- parse_size --------------------------------------------------------- */

/* Durations: seconds by default, ms/s/m/h suffixes, at most a year. */
START_TEST(duration_units)
{
	u64 ns;

	ck_assert_int_eq(parse_duration("90", &ns), 0);
	ck_assert_uint_eq(ns, 90000000000ULL);
	ck_assert_int_eq(parse_duration("90s", &ns), 0);
	ck_assert_uint_eq(ns, 90000000000ULL);
	ck_assert_int_eq(parse_duration("1500ms", &ns), 0);
	ck_assert_uint_eq(ns, 1500000000ULL);
	ck_assert_int_eq(parse_duration("5m", &ns), 0);
	ck_assert_uint_eq(ns, 300000000000ULL);
	ck_assert_int_eq(parse_duration("1h", &ns), 0);
	ck_assert_uint_eq(ns, 3600000000000ULL);
	ck_assert_int_eq(parse_duration("8784h", &ns), 0);
	ck_assert_int_eq(parse_duration("8785h", &ns), -1);
	ck_assert_int_eq(parse_duration("99999999999999999999", &ns), -1);
	ck_assert_int_eq(parse_duration("", &ns), -1);
	ck_assert_int_eq(parse_duration("-5", &ns), -1);
	ck_assert_int_eq(parse_duration(" 5", &ns), -1);
	ck_assert_int_eq(parse_duration("5 s", &ns), -1);
	ck_assert_int_eq(parse_duration("5d", &ns), -1);
	ck_assert_int_eq(parse_duration("1.5s", &ns), -1);
}
END_TEST

/* --timeout and --console-log; a zero or malformed timeout is refused. */
START_TEST(parse_timeout_console_log)
{
	ck_assert_int_eq(parse("-k", "Image", "--timeout", "2m", "--console-log", "c.log"), 0);
	ck_assert_uint_eq(cfg.timeout_ns, 120000000000ULL);
	ck_assert_str_eq(cfg.console_log, "c.log");
	ck_assert_int_eq(parse("-k", "Image", "--timeout", "0"), -1);
	ck_assert_int_eq(parse("-k", "Image", "--timeout", "soon"), -1);
	ck_assert_int_eq(parse("-k", "Image", "--console-log", ""), -1);
}
END_TEST

START_TEST(size_units)
{
	u64 b;

	ck_assert_int_eq(parse_size("0", &b), 0);
	ck_assert_uint_eq(b, 0);
	ck_assert_int_eq(parse_size("3", &b), 0);
	ck_assert_uint_eq(b, 3ULL << 20);
	ck_assert_int_eq(parse_size("4k", &b), 0);
	ck_assert_uint_eq(b, 4096);
	ck_assert_int_eq(parse_size("2m", &b), 0);
	ck_assert_uint_eq(b, 2ULL << 20);
	ck_assert_int_eq(parse_size("5g", &b), 0);
	ck_assert_uint_eq(b, 5ULL << 30);
	ck_assert_int_eq(parse_size("3t", &b), 0);
	ck_assert_uint_eq(b, 3ULL << 40);
	ck_assert_int_eq(parse_size("1GB", &b), 0);
	ck_assert_uint_eq(b, 1ULL << 30);
	ck_assert_int_eq(parse_size("8KiB", &b), 0);
	ck_assert_uint_eq(b, 8192);
}
END_TEST

START_TEST(size_largest)
{
	u64 b;

	ck_assert_int_eq(parse_size("16777215T", &b), 0);
	ck_assert_uint_eq(b, 16777215ULL << 40);
	ck_assert_int_eq(parse_size("18014398509481983K", &b), 0);
	ck_assert_uint_eq(b, 18014398509481983ULL << 10);
}
END_TEST

START_TEST(size_overflow)
{
	u64 b = 42;

	ck_assert_int_eq(parse_size("16777216T", &b), -1);
	ck_assert_int_eq(parse_size("17592186044416", &b), -1);	/* MiB */
	ck_assert_int_eq(parse_size("18014398509481984K", &b), -1);
	ck_assert_int_eq(parse_size("18446744073709551616", &b), -1);
	ck_assert_int_eq(parse_size("99999999999999999999999G", &b), -1);
	ck_assert_uint_eq(b, 42);
}
END_TEST

START_TEST(size_malformed)
{
	u64 b = 42;

	ck_assert_int_eq(parse_size("-1", &b), -1);
	ck_assert_int_eq(parse_size("+1", &b), -1);
	ck_assert_int_eq(parse_size("", &b), -1);
	ck_assert_int_eq(parse_size(" 1", &b), -1);
	ck_assert_int_eq(parse_size("1.5G", &b), -1);
	ck_assert_int_eq(parse_size("G", &b), -1);
	ck_assert_int_eq(parse_size("1GG", &b), -1);
	ck_assert_int_eq(parse_size("1Gi", &b), -1);
	ck_assert_int_eq(parse_size("1GiBx", &b), -1);
	ck_assert_int_eq(parse_size("1 G", &b), -1);
	ck_assert_int_eq(parse_size("0x10", &b), -1);
	ck_assert_int_eq(parse_size("1P", &b), -1);
	ck_assert_uint_eq(b, 42);
}
END_TEST

START_TEST(size_leading_whitespace_refused)
{
	u64 b = 42;

	/* " 1" is refused above; strtoull() would skip any other space too */
	ck_assert_int_eq(parse_size("\t512", &b), -1);
	ck_assert_int_eq(parse_size("\n512", &b), -1);
	ck_assert_uint_eq(b, 42);
}
END_TEST

/* ---- vm_config__defaults ------------------------------------------------ */

START_TEST(defaults_cpus_from_host)
{
	memset(&cfg, 0, sizeof(cfg));
	vm_config__defaults(&cfg, 8, 64ULL << 30);
	ck_assert_uint_eq(cfg.nr_cpus, 8);

	memset(&cfg, 0, sizeof(cfg));
	vm_config__defaults(&cfg, 0, 64ULL << 30);
	ck_assert_uint_eq(cfg.nr_cpus, 1);
}
END_TEST

START_TEST(defaults_keep_given_values)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.nr_cpus = 2;
	cfg.mem_size = 100ULL << 20;
	vm_config__defaults(&cfg, 8, 64ULL << 30);
	ck_assert_uint_eq(cfg.nr_cpus, 2);
	ck_assert_uint_eq(cfg.mem_size, 100ULL << 20);

	/* an explicit --mem is not capped by the host's RAM */
	cfg.mem_size = 1ULL << 30;
	vm_config__defaults(&cfg, 8, 256ULL << 20);
	ck_assert_uint_eq(cfg.mem_size, 1ULL << 30);
}
END_TEST

START_TEST(defaults_mem_lkvm_rule)
{
	memset(&cfg, 0, sizeof(cfg));
	vm_config__defaults(&cfg, 1, 64ULL << 30);
	ck_assert_uint_eq(cfg.mem_size, 256ULL << 20);		/* 64M x (1 + 3) */

	memset(&cfg, 0, sizeof(cfg));
	cfg.nr_cpus = 4;
	vm_config__defaults(&cfg, 1, 64ULL << 30);
	ck_assert_uint_eq(cfg.mem_size, 448ULL << 20);		/* 64M x (4 + 3) */

	/* host memory unknown: no cap */
	memset(&cfg, 0, sizeof(cfg));
	cfg.nr_cpus = 61;
	vm_config__defaults(&cfg, 1, 0);
	ck_assert_uint_eq(cfg.mem_size, 4ULL << 30);		/* 64M x 64 */
}
END_TEST

START_TEST(defaults_mem_capped_at_80_percent)
{
	/* 8 CPUs want 704M; 80% of 500M is 400M */
	memset(&cfg, 0, sizeof(cfg));
	vm_config__defaults(&cfg, 8, 500ULL << 20);
	ck_assert_uint_eq(cfg.mem_size, 400ULL << 20);

	/* the cap is rounded down to a MiB */
	memset(&cfg, 0, sizeof(cfg));
	vm_config__defaults(&cfg, 8, (500ULL << 20) + 4095);
	ck_assert_uint_eq(cfg.mem_size, 400ULL << 20);

	/* exactly at the cap: unchanged */
	memset(&cfg, 0, sizeof(cfg));
	vm_config__defaults(&cfg, 1, 320ULL << 20);
	ck_assert_uint_eq(cfg.mem_size, 256ULL << 20);
}
END_TEST

START_TEST(defaults_mem_cap_never_below_min)
{
	memset(&cfg, 0, sizeof(cfg));
	vm_config__defaults(&cfg, 4, 32ULL << 20);
	ck_assert_uint_eq(cfg.mem_size, VM_MEM_MIN);
}
END_TEST

Suite *options_suite(void)
{
	Suite *s = suite_create("options");

#define T(fn)	UNIT_TEST_FIXTURE(s, fn, reset_log_level, reset_log_level)
	T(parse_kernel_short);
	T(parse_kernel_long);
	T(parse_kernel_positional);
	T(parse_defaults_are_zero);
	T(parse_initrd);
	T(parse_params);
	T(parse_cpus_option);
	T(parse_mem_mib);
	T(parse_mem_suffixes);
	T(parse_name);
	T(parse_console_serial);
	T(parse_irqchip);
	T(usage_names_every_irqchip);
	T(parse_dump_dtb);
	T(parse_nodefaults);
	T(parse_loglevel);
	T(parse_debug);
	T(parse_pmu);
	T(parse_kvm_dev);
	T(parse_network_none);
	T(parse_network_tap);
	T(parse_help);
	T(parse_all_options);
	T(parse_error_no_kernel);
	T(parse_error_unknown_long);
	T(parse_error_ambiguous_long);
	T(parse_error_unknown_short);
	T(parse_error_flag_with_value);
	T(parse_error_help_with_value);
	T(parse_error_missing_value);
	T(parse_error_cpus_zero);
	T(parse_error_cpus_not_a_number);
	T(parse_error_cpus_too_many);
	T(parse_error_mem_zero);
	T(parse_error_mem_bad_suffix);
	T(parse_error_mem_too_small);
	T(parse_error_mem_too_big);
	T(parse_error_one_line);
	T(parse_error_mem_not_whole_mib);
	T(parse_firmware);
	T(parse_flash_and_dtb);
	T(parse_lkvm_noops_accepted);
	T(parse_error_firmware_rules);
	T(parse_error_lkvm_unsupported_named);
	T(parse_console_virtio);
	T(parse_virtio_transport);
	T(parse_debug_no_eventfd);
	T(parse_disks_in_order);
	T(parse_error_disk);
	T(usage_lists_device_options);
	T(device_options_do_not_clash);
	T(parse_error_console_bogus);
	T(parse_error_irqchip_bogus);
	T(parse_error_irqchip_its_misspelt);
	T(parse_error_loglevel_bogus);
	T(parse_error_network);
	T(parse_network_user);
	T(parse_error_network_user);
	T(parse_error_two_positional);
	T(parse_error_empty_name);
	T(parse_error_fits_small_buffer);
	T(duration_units);
	T(parse_timeout_console_log);
	T(size_units);
	T(size_largest);
	T(size_overflow);
	T(size_malformed);
	T(size_leading_whitespace_refused);
	T(defaults_cpus_from_host);
	T(defaults_keep_given_values);
	T(defaults_mem_lkvm_rule);
	T(defaults_mem_capped_at_80_percent);
	T(defaults_mem_cap_never_below_min);
#undef T
	return s;
}
