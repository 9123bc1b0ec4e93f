// SPDX-License-Identifier: GPL-2.0
/* test_fdt.c - the guest device tree, read back node by node and by dtc. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libfdt.h>

#include <vmm/layout.h>
#include "../../vmm/vmm.h"
#include "unit.h"

#define MAX_VCPUS	20
#define RAM_SIZE	(256ULL << 20)
#define BOOTARGS	"console=ttyS0 earlycon panic=-1"

static struct vm vm;
static struct vm_config vcfg;
static struct vcpu vcpus[MAX_VCPUS];
static struct device_inst inst[VM_MAX_DEVICES];
static unsigned int nr_inst;
static u8 seed[72];
static u64 blob_words[FDT_MAX_SIZE / sizeof(u64)];
static void *const blob = blob_words;

static unsigned int last_intid;
static int last_level = -1;

static void stub_irq_line(struct vm *v __unused, unsigned int intid, int level)
{
	last_intid = intid;
	last_level = level;
}

/* A VM as vm.c leaves it before building the DTB, with @n vCPUs. */
static void make_vm(unsigned int n, enum gic_kind gic)
{
	unsigned int i;

	ck_assert_uint_le(n, MAX_VCPUS);
	if (vm.loop.epoll_fd > 0)	/* the last test's; 0: none yet */
		loop__destroy(&vm.loop);
	memset(&vm, 0, sizeof(vm));
	memset(&vcfg, 0, sizeof(vcfg));
	memset(vcpus, 0, sizeof(vcpus));
	vcfg.console = CONSOLE_SERIAL;
	vm.cfg = &vcfg;
	vm.vcpus = vcpus;
	vm.nr_vcpus = n;
	for (i = 0; i < n; i++) {
		vcpus[i].vm = &vm;
		vcpus[i].id = i;
		/* as KVM sets it: Aff0 = i[3:0], Aff1 = i[11:4]; bit 31 RES1 */
		vcpus[i].mpidr = 0x80000000ULL | (i & 0xf) | (((i >> 4) & 0xff) << 8);
	}
	vm.ram_base = LAYOUT_RAM_BASE;
	vm.ram_size = RAM_SIZE;
	vm.gic = gic;
	vm.next_spi = GIC_SPI_BASE;
	vm.irq_line = stub_irq_line;
	vm.next_virtio_mmio = LAYOUT_VIRTIO_MMIO_BASE;
	mmio_bus__init(&vm.bus);
	console__init(&vm.console, -1, -1);
	ck_assert_int_eq(loop__init(&vm.loop), 0);
	for (i = 0; i < sizeof(seed); i++)
		seed[i] = 0x10 + i;
	nr_inst = 0;
}

/*
 * Bring up the registered devices: in the unit tests, the serial console,
 * and the power button where there is an interrupt controller.
 */
static void add_console(void)
{
	ck_assert_int_eq(devices__init(&vm, inst, &nr_inst), 0);
	ck_assert_uint_eq(nr_inst, vm.gic == GIC_NONE ? 1 : 2);
	ck_assert_str_eq(inst[0].desc->name, "console");
	if (vm.gic != GIC_NONE)
		ck_assert_str_eq(inst[1].desc->name, "pl061");
	ck_assert_str_eq(vm.console.dt_path, "/serial@1000000");
}

static void remove_devices(void)
{
	devices__exit(&vm, inst, nr_inst);
	nr_inst = 0;
}

static void build(void)
{
	memset(blob_words, 0xff, sizeof(blob_words));
	ck_assert_int_eq(fdt__build(&vm, inst, nr_inst, BOOTARGS, seed, blob), 0);
	ck_assert_int_eq(fdt_check_header(blob), 0);
	ck_assert_uint_le(fdt_totalsize(blob), FDT_MAX_SIZE);
}

static void build_vm(unsigned int n, enum gic_kind gic, bool console)
{
	make_vm(n, gic);
	if (console)
		add_console();
	build();
	if (console)
		remove_devices();
}

/* ---- reading the blob back ---------------------------------------------- */

static int node(const char *path)
{
	int off = fdt_path_offset(blob, path);

	ck_assert_msg(off >= 0, "no node %s: %s", path, fdt_strerror(off));
	return off;
}

static const void *prop(const char *path, const char *name, int *len)
{
	const void *p = fdt_getprop(blob, node(path), name, len);

	ck_assert_msg(p != NULL, "no property %s in %s", name, path);
	return p;
}

static bool has_prop(const char *path, const char *name)
{
	return fdt_getprop(blob, node(path), name, NULL) != NULL;
}

static u32 prop_u32(const char *path, const char *name)
{
	int len;
	const fdt32_t *p = prop(path, name, &len);

	ck_assert_int_eq(len, 4);
	return fdt32_to_cpu(*p);
}

static u64 prop_u64(const char *path, const char *name)
{
	int len;
	const void *p = prop(path, name, &len);
	fdt64_t v;

	ck_assert_int_eq(len, 8);
	memcpy(&v, p, sizeof(v));
	return fdt64_to_cpu(v);
}

/* The property is exactly these @n cells. */
static void ck_cells(const char *path, const char *name, const u32 *cells,
		     unsigned int n)
{
	const fdt32_t *p;
	unsigned int i;
	int len;

	p = prop(path, name, &len);
	ck_assert_int_eq(len, (int)(n * 4));
	for (i = 0; i < n; i++)
		ck_assert_msg(fdt32_to_cpu(p[i]) == cells[i],
			      "%s %s cell %u: 0x%x, expected 0x%x", path, name,
			      i, fdt32_to_cpu(p[i]), cells[i]);
}

/* The property is exactly these @len bytes (a string list includes its NULs). */
static void ck_bytes(const char *path, const char *name, const void *bytes,
		     int len)
{
	int plen;
	const void *p = prop(path, name, &plen);

	ck_assert_int_eq(plen, len);
	ck_assert_mem_eq(p, bytes, len);
}

#define ck_string(path, name, s)	ck_bytes(path, name, s, sizeof(s))

#define HI(x)	((u32)((u64)(x) >> 32))
#define LO(x)	((u32)(x))

/* ---- the root and /chosen ----------------------------------------------- */

START_TEST(fdt_root)
{
	build_vm(1, GIC_V3, false);
	ck_string("/", "compatible", "linux,dummy-virt");
	ck_assert_uint_eq(prop_u32("/", "#address-cells"), 2);
	ck_assert_uint_eq(prop_u32("/", "#size-cells"), 2);
	ck_assert_uint_eq(prop_u32("/", "interrupt-parent"), FDT_PHANDLE_GIC);
}
END_TEST

START_TEST(fdt_chosen_bootargs)
{
	build_vm(1, GIC_V3, false);
	ck_string("/chosen", "bootargs", BOOTARGS);
}
END_TEST

START_TEST(fdt_chosen_no_stdout_path_without_console)
{
	build_vm(1, GIC_V3, false);
	ck_assert(!has_prop("/chosen", "stdout-path"));
}
END_TEST

START_TEST(fdt_chosen_stdout_path)
{
	build_vm(1, GIC_V3, true);
	ck_string("/chosen", "stdout-path", "/serial@1000000");
	/* and the path names a node */
	node("/serial@1000000");
}
END_TEST

START_TEST(fdt_chosen_initrd)
{
	make_vm(1, GIC_V3);
	vm.boot.initrd = 0x8f000000;
	vm.initrd_size = 0x123456;
	build();
	ck_assert_uint_eq(prop_u64("/chosen", "linux,initrd-start"), 0x8f000000);
	ck_assert_uint_eq(prop_u64("/chosen", "linux,initrd-end"), 0x8f123456);
}
END_TEST

START_TEST(fdt_chosen_no_initrd)
{
	build_vm(1, GIC_V3, false);
	ck_assert(!has_prop("/chosen", "linux,initrd-start"));
	ck_assert(!has_prop("/chosen", "linux,initrd-end"));
}
END_TEST

START_TEST(fdt_chosen_seeds)
{
	build_vm(1, GIC_V3, false);
	ck_bytes("/chosen", "kaslr-seed", seed, 8);
	ck_bytes("/chosen", "rng-seed", seed + 8, 64);
}
END_TEST

/* ---- memory and CPUs ---------------------------------------------------- */

START_TEST(fdt_memory)
{
	const u32 reg[] = { 0, 0x80000000, 0, RAM_SIZE };

	build_vm(1, GIC_V3, false);
	ck_string("/memory@80000000", "device_type", "memory");
	ck_cells("/memory@80000000", "reg", reg, 4);
}
END_TEST

START_TEST(fdt_memory_above_4g)
{
	const u32 reg[] = { 0, 0x80000000, HI(6 * SZ_1G), LO(6 * SZ_1G) };

	make_vm(1, GIC_V3);
	vm.ram_size = 6 * SZ_1G;
	build();
	ck_cells("/memory@80000000", "reg", reg, 4);
}
END_TEST

/* @n cpu@<hwid> nodes under /cpus, and nothing else. */
static void ck_cpus(unsigned int n)
{
	unsigned int i, count = 0;
	char path[64];
	int child;

	ck_assert_uint_eq(prop_u32("/cpus", "#address-cells"), 1);
	ck_assert_uint_eq(prop_u32("/cpus", "#size-cells"), 0);
	fdt_for_each_subnode(child, blob, node("/cpus"))
		count++;
	ck_assert_uint_eq(count, n);

	for (i = 0; i < n; i++) {
		u32 hwid = (u32)(vcpus[i].mpidr & 0xff00ffffffULL);

		snprintf(path, sizeof(path), "/cpus/cpu@%x", hwid);
		ck_assert_uint_eq(prop_u32(path, "reg"), hwid);
		ck_string(path, "device_type", "cpu");
		ck_string(path, "compatible", "arm,arm-v8");
		ck_string(path, "enable-method", "psci");
	}
}

START_TEST(fdt_cpus_one)
{
	build_vm(1, GIC_V3, false);
	ck_cpus(1);
	node("/cpus/cpu@0");
}
END_TEST

START_TEST(fdt_cpus_four)
{
	build_vm(4, GIC_V3, false);
	ck_cpus(4);
	ck_assert_uint_eq(prop_u32("/cpus/cpu@3", "reg"), 3);
}
END_TEST

START_TEST(fdt_cpus_aff1)
{
	/* vCPU 16 is Aff1 = 1: cpu@100, the RES1 bit 31 masked off */
	build_vm(MAX_VCPUS, GIC_V3, false);
	ck_cpus(MAX_VCPUS);
	ck_assert_uint_eq(prop_u32("/cpus/cpu@100", "reg"), 0x100);
	ck_assert_uint_eq(prop_u32("/cpus/cpu@103", "reg"), 0x103);
}
END_TEST

START_TEST(fdt_cpus_aff2)
{
	make_vm(2, GIC_V3);
	vcpus[1].mpidr = 0x80000000ULL | (0x12 << 16) | (0x34 << 8) | 0x5;
	build();
	ck_assert_uint_eq(prop_u32("/cpus/cpu@123405", "reg"), 0x123405);
}
END_TEST

START_TEST(fdt_cpus_aff3_refused)
{
	/* reg has one cell: an MPIDR with Aff3 set does not fit */
	make_vm(2, GIC_V3);
	vcpus[1].mpidr = 0x80000000ULL | (1ULL << 32);
	ck_assert_int_eq(fdt__build(&vm, NULL, 0, BOOTARGS, seed, blob), -EINVAL);
}
END_TEST

/* ---- PSCI, GIC, timer, PMU ---------------------------------------------- */

START_TEST(fdt_psci)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";

	build_vm(1, GIC_V3, false);
	ck_bytes("/psci", "compatible", compat, sizeof(compat));
	ck_string("/psci", "method", "hvc");
}
END_TEST

/* What both GIC versions share. */
static void ck_gic_common(void)
{
	int off = node("/intc@3fff0000");

	ck_assert_uint_eq(prop_u32("/intc@3fff0000", "#interrupt-cells"), 3);
	ck_assert(has_prop("/intc@3fff0000", "interrupt-controller"));
	ck_assert_uint_eq(prop_u32("/intc@3fff0000", "phandle"), FDT_PHANDLE_GIC);
	ck_assert_int_eq(fdt_node_offset_by_phandle(blob, FDT_PHANDLE_GIC), off);
}

static void ck_gicv3(unsigned int n)
{
	const u64 rd_size = n * 0x20000ULL, rd_base = 0x3fff0000 - rd_size;
	const u32 reg[] = {
		0, 0x3fff0000, 0, 0x10000,
		HI(rd_base), LO(rd_base), HI(rd_size), LO(rd_size),
	};

	build_vm(n, GIC_V3, false);
	ck_string("/intc@3fff0000", "compatible", "arm,gic-v3");
	ck_cells("/intc@3fff0000", "reg", reg, 8);
	ck_gic_common();
}

START_TEST(fdt_gicv3_one_cpu)
{
	ck_gicv3(1);
}
END_TEST

START_TEST(fdt_gicv3_four_cpus)
{
	ck_gicv3(4);
}
END_TEST

/* --irqchip gicv3-its: the ITS below the redistributors, a child of the GIC */
static void ck_gicv3_its(unsigned int n)
{
	const u64 its = 0x3fff0000 - n * 0x20000ULL - 0x20000;
	const u32 reg[] = { HI(its), LO(its), 0, 0x20000 };
	char path[64];
	int off;

	make_vm(n, GIC_V3);
	vm.gic_its = true;
	build();
	ck_gic_common();
	snprintf(path, sizeof(path), "/intc@3fff0000/msi-controller@%llx",
		 (unsigned long long)its);
	ck_string(path, "compatible", "arm,gic-v3-its");
	ck_assert(has_prop(path, "msi-controller"));
	ck_assert_uint_eq(prop_u32(path, "#msi-cells"), 1);
	ck_cells(path, "reg", reg, 4);
	/* the GIC's empty "ranges" and 2+2 cells: the address is the CPU's */
	ck_assert(has_prop("/intc@3fff0000", "ranges"));
	ck_assert_uint_eq(prop_u32("/intc@3fff0000", "#address-cells"), 2);
	ck_assert_uint_eq(prop_u32("/intc@3fff0000", "#size-cells"), 2);
	off = node(path);
	ck_assert_uint_eq(prop_u32(path, "phandle"), FDT_PHANDLE_ITS);
	ck_assert_int_eq(fdt_node_offset_by_phandle(blob, FDT_PHANDLE_ITS), off);
	ck_assert_int_eq(fdt_node_offset_by_compatible(blob, -1, "arm,gic-v3-its"), off);
	ck_assert_int_eq(fdt_parent_offset(blob, off), node("/intc@3fff0000"));
}

START_TEST(fdt_gicv3_its_one_cpu)
{
	ck_gicv3_its(1);
}
END_TEST

START_TEST(fdt_gicv3_its_four_cpus)
{
	ck_gicv3_its(4);
}
END_TEST

START_TEST(fdt_gicv3_no_its_by_default)
{
	build_vm(2, GIC_V3, false);
	ck_assert_int_lt(fdt_node_offset_by_compatible(blob, -1, "arm,gic-v3-its"), 0);
	ck_assert_int_lt(fdt_node_offset_by_phandle(blob, FDT_PHANDLE_ITS), 0);
}
END_TEST

START_TEST(fdt_no_gic)
{
	int len;

	/* --irqchip none, or a hypervisor without an in-kernel GIC */
	make_vm(2, GIC_NONE);
	vcfg.pmu = true;	/* refused by vm.c; the DTB still omits it */
	add_console();
	build();
	remove_devices();
	ck_assert_ptr_null(fdt_getprop(blob, 0, "interrupt-parent", &len));
	ck_assert_int_lt(fdt_path_offset(blob, "/intc@3fff0000"), 0);
	ck_assert_int_lt(fdt_path_offset(blob, "/timer"), 0);
	ck_assert_int_lt(fdt_path_offset(blob, "/pmu"), 0);
	ck_assert_ptr_null(fdt_getprop(blob, node("/serial@1000000"), "interrupts", &len));
	ck_assert_ptr_nonnull(prop("/serial@1000000", "reg", &len));
	ck_assert_ptr_nonnull(prop("/cpus/cpu@1", "reg", &len));
}
END_TEST

START_TEST(fdt_gicv2)
{
	const u32 reg[] = {
		0, 0x3fff0000, 0, 0x1000,
		0, 0x3ffd0000, 0, 0x2000,
	};

	build_vm(4, GIC_V2, false);
	ck_string("/intc@3fff0000", "compatible", "arm,cortex-a15-gic");
	ck_cells("/intc@3fff0000", "reg", reg, 8);
	ck_gic_common();
}
END_TEST

static void ck_timer(u32 flags)
{
	static const char compat[] = "arm,armv8-timer\0arm,armv7-timer";
	const u32 irqs[] = {
		1, 13, flags, 1, 14, flags, 1, 11, flags, 1, 10, flags,
	};

	ck_bytes("/timer", "compatible", compat, sizeof(compat));
	ck_cells("/timer", "interrupts", irqs, 12);
	ck_assert(has_prop("/timer", "always-on"));
}

START_TEST(fdt_timer_gicv3)
{
	/* GICv3 PPI flags carry no CPU mask: level-low only */
	build_vm(4, GIC_V3, false);
	ck_timer(0x8);
}
END_TEST

START_TEST(fdt_timer_gicv2_one_cpu)
{
	build_vm(1, GIC_V2, false);
	ck_timer(0x108);
}
END_TEST

START_TEST(fdt_timer_gicv2_four_cpus)
{
	build_vm(4, GIC_V2, false);
	ck_timer(0xf08);
}
END_TEST

START_TEST(fdt_pmu_absent_by_default)
{
	build_vm(1, GIC_V3, false);
	ck_assert_int_eq(fdt_path_offset(blob, "/pmu"), -FDT_ERR_NOTFOUND);
}
END_TEST

START_TEST(fdt_pmu_gicv3)
{
	const u32 irq[] = { 1, 7, 4 };

	make_vm(4, GIC_V3);
	vcfg.pmu = true;
	build();
	ck_string("/pmu", "compatible", "arm,armv8-pmuv3");
	ck_cells("/pmu", "interrupts", irq, 3);
}
END_TEST

START_TEST(fdt_pmu_gicv2)
{
	const u32 irq[] = { 1, 7, 0xf04 };

	make_vm(4, GIC_V2);
	vcfg.pmu = true;
	build();
	ck_cells("/pmu", "interrupts", irq, 3);
}
END_TEST

/* ---- devices ------------------------------------------------------------ */

START_TEST(fdt_no_devices_no_serial)
{
	build_vm(1, GIC_V3, false);
	ck_assert_int_eq(fdt_path_offset(blob, "/serial@1000000"), -FDT_ERR_NOTFOUND);
}
END_TEST

START_TEST(fdt_serial)
{
	const u32 reg[] = { 0, 0x1000000, 0, 8 };
	const u32 irq[] = { 0, 0, 4 };		/* SPI 0 = INTID 32, level high */

	build_vm(1, GIC_V3, true);
	ck_string("/serial@1000000", "compatible", "ns16550a");
	ck_cells("/serial@1000000", "reg", reg, 4);
	ck_cells("/serial@1000000", "interrupts", irq, 3);
	ck_assert_uint_eq(prop_u32("/serial@1000000", "clock-frequency"), 1843200);
}
END_TEST

/* The power button: a PL061 with its clock, and gpio-keys on its line 3. */
START_TEST(fdt_power_button)
{
	static const u32 reg[] = { 0, 0x1011000, 0, 0x1000 };
	static const u32 gpios[] = { 3, 3, 0 };

	build_vm(1, GIC_V3, true);
	ck_assert_int_eq(fdt_node_check_compatible(blob, node("/pl061@1011000"), "arm,primecell"), 0);
	ck_cells("/pl061@1011000", "reg", reg, 4);
	ck_assert_uint_eq(prop_u32("/pl061@1011000", "#gpio-cells"), 2);
	ck_assert_uint_eq(prop_u32("/pl061@1011000", "clocks"), prop_u32("/apb-pclk", "phandle"));
	ck_string("/pl061@1011000", "clock-names", "apb_pclk");
	ck_string("/gpio-keys", "compatible", "gpio-keys");
	ck_assert_uint_eq(prop_u32("/gpio-keys/poweroff", "linux,code"), 116);
	ck_cells("/gpio-keys/poweroff", "gpios", gpios, 3);
	/* none without an interrupt controller */
	build_vm(1, GIC_NONE, true);
	ck_assert_int_lt(fdt_path_offset(blob, "/gpio-keys"), 0);
}
END_TEST

static u32 gpio_read(u64 off)
{
	u32 v = 0;

	ck_assert(mmio_bus__access(&vm.bus, 0x1011000 + off, &v, 4, false));
	return v;
}

static void gpio_write(u64 off, u32 v)
{
	ck_assert(mmio_bus__access(&vm.bus, 0x1011000 + off, &v, 4, true));
}

/*
 * The PL061 as gpio_keys drives it: both edges on line 3, unmasked; a
 * press raises the SPI with the line's bit in RIS/MIS and the masked data
 * read; a clear lowers it; a masked line raises nothing.  The PrimeCell
 * ID the AMBA bus probes.
 */
START_TEST(pl061_power_button)
{
	make_vm(1, GIC_V3);
	ck_assert_int_eq(devices__init(&vm, inst, &nr_inst), 0);
	ck_assert_uint_eq(gpio_read(0xff0), 0x0d);
	ck_assert_uint_eq(gpio_read(0xffc), 0xb1);
	ck_assert_uint_eq(gpio_read(0xfe0), 0x61);
	/* masked: a press is latched, no interrupt */
	last_level = -1;
	ck_assert_int_eq(vm__power_button(&vm), 0);
	ck_assert_int_eq(last_level, -1);
	ck_assert_uint_eq(gpio_read(0x414), 0);	/* no edge sense yet: not both edges, IEV low */
	ck_assert_uint_eq(gpio_read(0x3fc), 0x08);	/* all lines: 3 is high */
	ck_assert_uint_eq(gpio_read(0x020), 0x08);	/* address bit 3+2 selects line 3 */
	ck_assert_uint_eq(gpio_read(0x010), 0);
	gpio_write(0x408, 0x08);		/* IBE: both edges */
	gpio_write(0x410, 0x08);		/* IE */
	remove_devices();
	/* from the top: both edges, unmasked, then a press */
	make_vm(1, GIC_V3);
	ck_assert_int_eq(devices__init(&vm, inst, &nr_inst), 0);
	gpio_write(0x408, 0x08);
	gpio_write(0x410, 0x08);
	last_level = -1;
	ck_assert_int_eq(vm__power_button(&vm), 0);
	ck_assert_int_eq(last_level, 1);
	ck_assert_uint_eq(last_intid, GIC_SPI_BASE + 1);
	ck_assert_uint_eq(gpio_read(0x414), 0x08);
	ck_assert_uint_eq(gpio_read(0x418), 0x08);
	gpio_write(0x41c, 0x08);		/* IC */
	ck_assert_int_eq(last_level, 0);
	ck_assert_uint_eq(gpio_read(0x418), 0);
	remove_devices();
	/* no button without an interrupt controller */
	make_vm(1, GIC_NONE);
	ck_assert_int_eq(devices__init(&vm, inst, &nr_inst), 0);
	ck_assert_int_eq(vm__power_button(&vm), -ENODEV);
	remove_devices();
}
END_TEST

START_TEST(fdt_console_device_registers)
{
	make_vm(1, GIC_V3);
	add_console();
	ck_assert_ptr_nonnull(vm.console.ops);
	ck_assert_ptr_eq(inst[0].state, vm.console.opaque);
	ck_assert_str_eq(inst[0].desc->name, "console");
	ck_assert_uint_eq(vm.next_spi, GIC_SPI_BASE + 2);	/* and the power button's */
	ck_assert_ptr_nonnull(mmio_bus__find(&vm.bus, 0x1000000, 1));
	ck_assert_ptr_null(mmio_bus__find(&vm.bus, 0x1000008, 1));
	remove_devices();
	ck_assert_ptr_null(vm.console.ops);
}
END_TEST

/* --console virtio: virtio-console instead, and no stdout-path */
START_TEST(fdt_console_device_not_wanted)
{
	make_vm(1, GIC_V3);
	vcfg.console = CONSOLE_VIRTIO;
	ck_assert_int_eq(devices__init(&vm, inst, &nr_inst), 0);
	ck_assert_uint_eq(nr_inst, 2);		/* and the power button */
	ck_assert_str_eq(inst[0].desc->name, "virtio-console");
	ck_assert_ptr_eq(vm.console.opaque, inst[0].state);
	ck_assert_str_eq(vm.console.dt_path, "");
	ck_assert_uint_eq(vm.bus.nr, 2);
	ck_assert_ptr_nonnull(mmio_bus__find(&vm.bus, LAYOUT_VIRTIO_MMIO_BASE, 4));
	remove_devices();
	ck_assert_ptr_null(vm.console.ops);
}
END_TEST

/*
 * ---- devices__init: order, "not wanted", unwinding -----------------------
 *
 * Three probe devices around the console (order 0).  They stay out of the
 * way (init returns 1, "not wanted") unless a test arms them, so the other
 * tests see the console alone.
 */
enum probe_mode { PROBE_OFF, PROBE_RECORD, PROBE_LATE_FAILS };

static enum probe_mode probe_mode;
static char probe_log[8];	/* 'e'arly, 'c'onsole seen, 'l'ate, 'm'ax */
static unsigned int probe_calls, probe_exits;

static void probe_record(char c)
{
	if (probe_calls < sizeof(probe_log) - 1)
		probe_log[probe_calls++] = c;
}

static int probe_early_init(struct vm *v __unused, const char *arg __unused, void **state __unused)
{
	if (probe_mode != PROBE_OFF)
		probe_record(vm.console.ops ? 'c' : 'e');
	return 1;
}

static int probe_late_init(struct vm *v __unused, const char *arg __unused, void **state)
{
	if (probe_mode == PROBE_OFF)
		return 1;
	probe_record(vm.console.ops ? 'l' : 'e');
	if (probe_mode == PROBE_LATE_FAILS)
		return -EIO;
	*state = &probe_calls;
	return 0;
}

static int probe_max_init(struct vm *v __unused, const char *arg __unused, void **state __unused)
{
	if (probe_mode != PROBE_OFF)
		probe_record('m');
	return 1;
}

static void probe_exit(struct vm *v __unused, void *state)
{
	ck_assert_ptr_eq(state, &probe_calls);
	probe_exits++;
}

static const struct device_desc probe_early = {
	.name = "probe-early", .order = -10, .init = probe_early_init,
};
static const struct device_desc probe_late = {
	.name = "probe-late", .order = 10, .init = probe_late_init,
	.exit = probe_exit,
};
static const struct device_desc probe_max = {
	.name = "probe-max", .order = INT32_MAX, .init = probe_max_init,
};
DEVICE_REGISTER(probe_early);
DEVICE_REGISTER(probe_late);
DEVICE_REGISTER(probe_max);

static void arm_probes(enum probe_mode mode)
{
	probe_mode = mode;
	memset(probe_log, 0, sizeof(probe_log));
	probe_calls = probe_exits = 0;
}

START_TEST(devices_init_ascending_order)
{
	make_vm(1, GIC_V3);
	arm_probes(PROBE_RECORD);
	ck_assert_int_eq(devices__init(&vm, inst, &nr_inst), 0);
	/* early before the console, late after it */
	ck_assert_uint_ge(probe_calls, 2);
	ck_assert_int_eq(probe_log[0], 'e');
	ck_assert_int_eq(probe_log[1], 'l');
	ck_assert_uint_eq(nr_inst, 3);
	ck_assert_str_eq(inst[0].desc->name, "console");
	ck_assert_str_eq(inst[1].desc->name, "probe-late");
	ck_assert_str_eq(inst[2].desc->name, "pl061");
	remove_devices();
	ck_assert_uint_eq(probe_exits, 1);
}
END_TEST

START_TEST(devices_init_runs_order_int_max)
{
	make_vm(1, GIC_V3);
	arm_probes(PROBE_RECORD);
	ck_assert_int_eq(devices__init(&vm, inst, &nr_inst), 0);
	ck_assert_msg(!strcmp(probe_log, "elm"),
		      "inits ran as \"%s\", expected \"elm\" (e: early, l: late, m: order INT32_MAX)",
		      probe_log);
	remove_devices();
}
END_TEST

START_TEST(devices_init_failure_unwinds)
{
	int err_fd = dup(STDERR_FILENO), null_fd = open("/dev/null", O_WRONLY);
	int ret;

	make_vm(1, GIC_V3);
	arm_probes(PROBE_LATE_FAILS);
	/* the failure is expected: keep its pr_err() off the test's output */
	ck_assert_int_ge(err_fd, 0);
	ck_assert_int_ge(null_fd, 0);
	dup2(null_fd, STDERR_FILENO);
	ret = devices__init(&vm, inst, &nr_inst);
	dup2(err_fd, STDERR_FILENO);
	close(err_fd);
	close(null_fd);
	ck_assert_int_eq(ret, -EIO);
	ck_assert_uint_eq(nr_inst, 0);
	/* the console, initialised before, was torn down */
	ck_assert_ptr_null(vm.console.ops);
	ck_assert_uint_eq(probe_exits, 0);
}
END_TEST

/* ---- limits ------------------------------------------------------------- */

START_TEST(fdt_huge_bootargs_enospc)
{
	char *args = malloc(70001);

	ck_assert_ptr_nonnull(args);
	memset(args, 'a', 70000);
	args[70000] = '\0';
	make_vm(4, GIC_V3);
	ck_assert_int_eq(fdt__build(&vm, NULL, 0, args, seed, blob), -ENOSPC);
	free(args);
}
END_TEST

/* ---- dtc must accept the blob without a single warning ------------------ */

static void dtc_vm(unsigned int n, enum gic_kind gic, bool pmu, bool its)
{
	make_vm(n, gic);
	vcfg.pmu = pmu;
	vm.gic_its = its;
	vm.boot.initrd = 0x8f000000;
	vm.initrd_size = 0x100000;
	add_console();
	build();
	remove_devices();
	ck_dtc_clean(blob);
}

START_TEST(fdt_dtc_gicv3_one_cpu)
{
	dtc_vm(1, GIC_V3, false, false);
}
END_TEST

START_TEST(fdt_dtc_gicv3_four_cpus)
{
	dtc_vm(4, GIC_V3, false, false);
}
END_TEST

START_TEST(fdt_dtc_gicv2_one_cpu)
{
	dtc_vm(1, GIC_V2, false, false);
}
END_TEST

START_TEST(fdt_dtc_gicv2_four_cpus)
{
	dtc_vm(4, GIC_V2, false, false);
}
END_TEST

START_TEST(fdt_dtc_pmu)
{
	dtc_vm(4, GIC_V3, true, false);
	dtc_vm(2, GIC_NONE, false, false);
}
END_TEST

START_TEST(fdt_dtc_gicv3_its)
{
	dtc_vm(1, GIC_V3, false, true);
	dtc_vm(4, GIC_V3, true, true);
}
END_TEST

START_TEST(fdt_dtc_no_devices)
{
	build_vm(4, GIC_V3, false);
	ck_dtc_clean(blob);
}
END_TEST

Suite *fdt_suite(void)
{
	Suite *s = suite_create("fdt");

	UNIT_TEST(s, fdt_root);
	UNIT_TEST(s, fdt_chosen_bootargs);
	UNIT_TEST(s, fdt_chosen_no_stdout_path_without_console);
	UNIT_TEST(s, fdt_chosen_stdout_path);
	UNIT_TEST(s, fdt_chosen_initrd);
	UNIT_TEST(s, fdt_chosen_no_initrd);
	UNIT_TEST(s, fdt_chosen_seeds);
	UNIT_TEST(s, fdt_memory);
	UNIT_TEST(s, fdt_memory_above_4g);
	UNIT_TEST(s, fdt_cpus_one);
	UNIT_TEST(s, fdt_cpus_four);
	UNIT_TEST(s, fdt_cpus_aff1);
	UNIT_TEST(s, fdt_cpus_aff2);
	UNIT_TEST(s, fdt_cpus_aff3_refused);
	UNIT_TEST(s, fdt_psci);
	UNIT_TEST(s, fdt_gicv3_one_cpu);
	UNIT_TEST(s, fdt_gicv3_four_cpus);
	UNIT_TEST(s, fdt_gicv3_its_one_cpu);
	UNIT_TEST(s, fdt_gicv3_its_four_cpus);
	UNIT_TEST(s, fdt_gicv3_no_its_by_default);
	UNIT_TEST(s, fdt_gicv2);
	UNIT_TEST(s, fdt_no_gic);
	UNIT_TEST(s, fdt_timer_gicv3);
	UNIT_TEST(s, fdt_timer_gicv2_one_cpu);
	UNIT_TEST(s, fdt_timer_gicv2_four_cpus);
	UNIT_TEST(s, fdt_pmu_absent_by_default);
	UNIT_TEST(s, fdt_pmu_gicv3);
	UNIT_TEST(s, fdt_pmu_gicv2);
	UNIT_TEST(s, fdt_no_devices_no_serial);
	UNIT_TEST(s, fdt_serial);
	UNIT_TEST(s, fdt_console_device_registers);
	UNIT_TEST(s, fdt_power_button);
	UNIT_TEST(s, pl061_power_button);
	UNIT_TEST(s, fdt_console_device_not_wanted);
	UNIT_TEST(s, devices_init_ascending_order);
	UNIT_TEST(s, devices_init_runs_order_int_max);
	UNIT_TEST(s, devices_init_failure_unwinds);
	UNIT_TEST(s, fdt_huge_bootargs_enospc);
	UNIT_TEST(s, fdt_dtc_gicv3_one_cpu);
	UNIT_TEST(s, fdt_dtc_gicv3_four_cpus);
	UNIT_TEST(s, fdt_dtc_gicv2_one_cpu);
	UNIT_TEST(s, fdt_dtc_gicv2_four_cpus);
	UNIT_TEST(s, fdt_dtc_pmu);
	UNIT_TEST(s, fdt_dtc_gicv3_its);
	UNIT_TEST(s, fdt_dtc_no_devices);
	return s;
}
