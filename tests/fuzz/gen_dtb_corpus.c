// SPDX-License-Identifier: GPL-2.0
/*
 * gen_dtb_corpus.c - writes fuzz_dtb's seed corpus: gen_dtb_corpus DIR.
 *
 * Each seed is fuzz_dtb's flags byte (an initrd and its size, which -p),
 * then a blob made with libfdt's sequential-write API: a tree shaped as
 * vmm's own for a two-CPU guest (cpus, memory, GICv3, timer, 8250, PSCI,
 * /chosen with bootargs, stdout-path and seeds), one without /chosen,
 * one whose /chosen is chosen@0 or already has the initrd and bootargs,
 * reserved ranges, a version 16 header, free space, deep nesting, long
 * properties, the blocks in another order; and what the check refuses:
 * bad magic, cut short, offsets and sizes out of the blob, a string
 * offset past the strings, an unterminated name, a missing FDT_END.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#define ROOM		65536

/* fuzz_dtb's flags */
#define F_INITRD	0x01
#define F_SIZE(n)	((n) << 1)	/* 1, 4K, 20M, wrapping */
#define F_PARAMS(n)	((n) << 3)	/* none, "", a command line, 1000 bytes */

static const char *dir;
static int failed;

static void seed(const char *name, uint8_t flags, const void *blob, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(&flags, 1, 1, f) != 1 || (len && fwrite(blob, 1, len, f) != len) ||
	    fclose(f)) {
		fprintf(stderr, "gen_dtb_corpus: %s: %s\n", path, strerror(errno));
		failed = 1;
	}
}

static void must(int ret, const char *what)
{
	if (ret < 0) {
		fprintf(stderr, "gen_dtb_corpus: %s: %s\n", what, fdt_strerror(ret));
		exit(1);
	}
}

#define FDT(call)	must(call, #call)

static void u32s(void *fdt, const char *name, const uint32_t *v, int n)
{
	fdt32_t be[16];
	int i;

	for (i = 0; i < n; i++)
		be[i] = cpu_to_fdt32(v[i]);
	FDT(fdt_property(fdt, name, be, n * sizeof(be[0])));
}

enum chosen { CHOSEN, NO_CHOSEN, CHOSEN_AT, CHOSEN_PATCHED, CHOSEN_EMPTY };

/* vmm's tree for two CPUs, 1G of RAM, a GICv3 and the UART, into @fdt (ROOM bytes). */
static void vmm_tree(void *fdt, enum chosen chosen, int nr_rsv)
{
	static const uint32_t gic_reg[] = { 0, 0x3fff0000, 0, 0x10000, 0, 0x3ffd0000, 0, 0x20000 };
	static const uint32_t timer[] = { 1, 13, 0xf08, 1, 14, 0xf08, 1, 11, 0xf08, 1, 10, 0xf08 };
	static const uint8_t seedbytes[64] = { 0x5a, 0xa5, 0x01, 0x02 };
	char name[32];
	int i;

	FDT(fdt_create(fdt, ROOM));
	for (i = 0; i < nr_rsv; i++)
		FDT(fdt_add_reservemap_entry(fdt, 0x80000000ULL + i * 0x100000ULL, 0x10000));
	FDT(fdt_finish_reservemap(fdt));
	FDT(fdt_begin_node(fdt, ""));
	FDT(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	FDT(fdt_property_u32(fdt, "#address-cells", 2));
	FDT(fdt_property_u32(fdt, "#size-cells", 2));
	FDT(fdt_property_u32(fdt, "interrupt-parent", 1));

	if (chosen != NO_CHOSEN) {
		FDT(fdt_begin_node(fdt, chosen == CHOSEN_AT ? "chosen@0" : "chosen"));
		if (chosen != CHOSEN_EMPTY) {
			FDT(fdt_property_string(fdt, "bootargs",
						"console=ttyS0 earlycon panic=-1"));
			FDT(fdt_property_string(fdt, "stdout-path", "/serial@1000000"));
			FDT(fdt_property_u64(fdt, "kaslr-seed", 0x0123456789abcdefULL));
			FDT(fdt_property(fdt, "rng-seed", seedbytes, sizeof(seedbytes)));
		}
		if (chosen == CHOSEN_PATCHED) {
			FDT(fdt_property_u64(fdt, "linux,initrd-start", 0x88000000));
			FDT(fdt_property_u32(fdt, "linux,initrd-end", 0x89000000));
		}
		FDT(fdt_end_node(fdt));
	}

	FDT(fdt_begin_node(fdt, "cpus"));
	FDT(fdt_property_u32(fdt, "#address-cells", 1));
	FDT(fdt_property_u32(fdt, "#size-cells", 0));
	for (i = 0; i < 2; i++) {
		snprintf(name, sizeof(name), "cpu@%d", i);
		FDT(fdt_begin_node(fdt, name));
		FDT(fdt_property_string(fdt, "device_type", "cpu"));
		FDT(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		FDT(fdt_property_string(fdt, "enable-method", "psci"));
		FDT(fdt_property_u32(fdt, "reg", i));
		FDT(fdt_end_node(fdt));
	}
	FDT(fdt_end_node(fdt));

	FDT(fdt_begin_node(fdt, "memory@80000000"));
	FDT(fdt_property_string(fdt, "device_type", "memory"));
	u32s(fdt, "reg", (const uint32_t[]){ 0, 0x80000000, 0, 0x40000000 }, 4);
	FDT(fdt_end_node(fdt));

	FDT(fdt_begin_node(fdt, "intc@3fff0000"));
	FDT(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	FDT(fdt_property_u32(fdt, "#interrupt-cells", 3));
	FDT(fdt_property(fdt, "interrupt-controller", NULL, 0));
	u32s(fdt, "reg", gic_reg, 8);
	FDT(fdt_property_u32(fdt, "phandle", 1));
	FDT(fdt_end_node(fdt));

	FDT(fdt_begin_node(fdt, "timer"));
	FDT(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	u32s(fdt, "interrupts", timer, 12);
	FDT(fdt_property(fdt, "always-on", NULL, 0));
	FDT(fdt_end_node(fdt));

	FDT(fdt_begin_node(fdt, "serial@1000000"));
	FDT(fdt_property_string(fdt, "compatible", "ns16550a"));
	u32s(fdt, "reg", (const uint32_t[]){ 0, 0x1000000, 0, 8 }, 4);
	u32s(fdt, "interrupts", (const uint32_t[]){ 0, 0, 4 }, 3);
	FDT(fdt_property_u32(fdt, "clock-frequency", 1843200));
	FDT(fdt_end_node(fdt));

	FDT(fdt_begin_node(fdt, "psci"));
	FDT(fdt_property(fdt, "compatible", "arm,psci-1.0\0arm,psci-0.2", 26));
	FDT(fdt_property_string(fdt, "method", "hvc"));
	FDT(fdt_end_node(fdt));

	FDT(fdt_end_node(fdt));
	FDT(fdt_finish(fdt));
}

static void minimal(void *fdt)
{
	FDT(fdt_create(fdt, ROOM));
	FDT(fdt_finish_reservemap(fdt));
	FDT(fdt_begin_node(fdt, ""));
	FDT(fdt_end_node(fdt));
	FDT(fdt_finish(fdt));
}

static void put32(void *p, uint32_t v)
{
	fdt32_t be = cpu_to_fdt32(v);

	memcpy(p, &be, 4);
}

static void good(void)
{
	static char fdt[ROOM], big[ROOM];
	char name[16];
	int i;

	vmm_tree(fdt, CHOSEN, 0);
	seed("vmm", 0, fdt, fdt_totalsize(fdt));
	seed("vmm-initrd", F_INITRD | F_SIZE(2), fdt, fdt_totalsize(fdt));
	seed("vmm-initrd-1", F_INITRD | F_SIZE(0), fdt, fdt_totalsize(fdt));
	seed("vmm-initrd-wraps", F_INITRD | F_SIZE(3), fdt, fdt_totalsize(fdt));
	seed("vmm-params", F_PARAMS(2), fdt, fdt_totalsize(fdt));
	seed("vmm-params-empty", F_PARAMS(1), fdt, fdt_totalsize(fdt));
	seed("vmm-params-long", F_INITRD | F_SIZE(1) | F_PARAMS(3), fdt, fdt_totalsize(fdt));
	seed("vmm-both", F_INITRD | F_SIZE(2) | F_PARAMS(2), fdt, fdt_totalsize(fdt));
	vmm_tree(fdt, NO_CHOSEN, 0);
	seed("no-chosen", 0, fdt, fdt_totalsize(fdt));
	seed("no-chosen-initrd", F_INITRD | F_SIZE(2), fdt, fdt_totalsize(fdt));
	seed("no-chosen-both", F_INITRD | F_SIZE(1) | F_PARAMS(3), fdt, fdt_totalsize(fdt));
	vmm_tree(fdt, CHOSEN_AT, 0);
	seed("chosen-at-0", F_INITRD | F_PARAMS(2), fdt, fdt_totalsize(fdt));
	vmm_tree(fdt, CHOSEN_PATCHED, 0);
	seed("chosen-patched", F_INITRD | F_SIZE(2) | F_PARAMS(2), fdt, fdt_totalsize(fdt));
	vmm_tree(fdt, CHOSEN_EMPTY, 3);
	seed("chosen-empty-reserved", F_INITRD | F_PARAMS(1), fdt, fdt_totalsize(fdt));
	minimal(fdt);
	seed("minimal", 0, fdt, fdt_totalsize(fdt));
	seed("minimal-both", F_INITRD | F_SIZE(3) | F_PARAMS(3), fdt, fdt_totalsize(fdt));

	/* room to spare inside, and trailing bytes past totalsize */
	vmm_tree(fdt, CHOSEN, 1);
	FDT(fdt_open_into(fdt, big, fdt_totalsize(fdt) + 512));
	seed("free-space", F_INITRD | F_PARAMS(2), big, fdt_totalsize(big));
	memset(big + fdt_totalsize(big), 0xee, 16);
	seed("trailing-bytes", F_PARAMS(2), big, fdt_totalsize(big) + 16);

	/* version 16: no size_dt_struct */
	vmm_tree(fdt, CHOSEN, 0);
	put32(fdt + 20, 16);
	seed("version-16", F_INITRD | F_PARAMS(2), fdt, fdt_totalsize(fdt));

	/* deep nesting and long properties */
	FDT(fdt_create(fdt, ROOM));
	FDT(fdt_finish_reservemap(fdt));
	FDT(fdt_begin_node(fdt, ""));
	for (i = 0; i < 24; i++) {
		snprintf(name, sizeof(name), "n%d@%x", i, i);
		FDT(fdt_begin_node(fdt, name));
		FDT(fdt_property_u32(fdt, "depth", i));
	}
	for (i = 0; i < 24; i++)
		FDT(fdt_end_node(fdt));
	memset(big, 'x', 3000);
	big[2999] = 0;
	FDT(fdt_property(fdt, "long", big, 3000));
	FDT(fdt_end_node(fdt));
	FDT(fdt_finish(fdt));
	seed("deep-long", F_PARAMS(3), fdt, fdt_totalsize(fdt));
}

/*
 * The blocks by hand: header, reserve map, then strings before the
 * structure (libfdt writes them the other way round).
 */
static size_t reordered(char *out)
{
	static char fdt[ROOM];
	uint32_t rsv, st, ss, sz_st, sz_ss, off;

	vmm_tree(fdt, CHOSEN, 1);
	rsv = fdt_off_mem_rsvmap(fdt);
	st = fdt_off_dt_struct(fdt);
	ss = fdt_off_dt_strings(fdt);
	sz_st = fdt_size_dt_struct(fdt);
	sz_ss = fdt_size_dt_strings(fdt);
	memcpy(out, fdt, st);				/* header and reserve map */
	off = (st + 3) & ~3u;
	memcpy(out + off, fdt + ss, sz_ss);
	put32(out + 12, off);				/* off_dt_strings */
	off = (off + sz_ss + 3) & ~3u;
	memcpy(out + off, fdt + st, sz_st);
	put32(out + 8, off);				/* off_dt_struct */
	put32(out + 4, off + sz_st);			/* totalsize */
	(void)rsv;
	return off + sz_st;
}

static void bad(void)
{
	static char fdt[ROOM], b[ROOM];
	size_t n, len;
	uint32_t st;

	n = reordered(b);
	seed("strings-first", F_INITRD | F_PARAMS(2), b, n);

	vmm_tree(fdt, CHOSEN, 0);
	len = fdt_totalsize(fdt);
	memcpy(b, fdt, len);
	b[0] ^= 1;
	seed("bad-magic", F_PARAMS(2), b, len);
	seed("cut-short", F_PARAMS(2), fdt, len - 5);
	seed("header-only", 0, fdt, 40);
	seed("header-cut", 0, fdt, 39);
	seed("empty", 0, "", 0);

	memcpy(b, fdt, len);
	put32(b + 4, len + 8);				/* totalsize past the file */
	seed("totalsize-past-file", 0, b, len);
	memcpy(b, fdt, len);
	put32(b + 12, len - 2);				/* off_dt_strings near the end */
	seed("strings-past-end", F_INITRD, b, len);
	memcpy(b, fdt, len);
	put32(b + 16, 41);				/* off_mem_rsvmap unaligned */
	seed("rsvmap-unaligned", 0, b, len);
	memcpy(b, fdt, len);
	put32(b + 36, fdt_size_dt_struct(fdt) + 64);	/* size_dt_struct too big */
	seed("struct-size-over", 0, b, len);
	memcpy(b, fdt, len);
	put32(b + 20, 1);				/* version 1 */
	seed("version-1", 0, b, len);
	memcpy(b, fdt, len);
	put32(b + 24, 18);				/* last_comp_version 18 */
	seed("last-comp-18", 0, b, len);

	/* in the structure: a property whose name offset is past the strings */
	memcpy(b, fdt, len);
	st = fdt_off_dt_struct(fdt);
	/* FDT_BEGIN_NODE "" (8 bytes), then the first FDT_PROP: len, nameoff */
	put32(b + st + 8 + 8, fdt_size_dt_strings(fdt) + 100);
	seed("nameoff-past-strings", 0, b, len);
	memcpy(b, fdt, len);
	put32(b + st + 8 + 4, 0x7fffffff);		/* the property's length */
	seed("prop-len-huge", 0, b, len);
	memcpy(b, fdt, len);
	put32(b + st + fdt_size_dt_struct(fdt) - 4, 0x00000002);	/* FDT_END gone */
	seed("no-fdt-end", 0, b, len);
	memcpy(b, fdt, len);
	put32(b + st + fdt_size_dt_struct(fdt) - 8, 0x00000004);	/* a NOP for the last END_NODE */
	seed("unbalanced", 0, b, len);
	memcpy(b, fdt, len);
	put32(b + st, 0x00000004);			/* FDT_NOP first */
	seed("nop-first", 0, b, len);
	memcpy(b, fdt, len);
	memset(b + fdt_off_dt_strings(fdt), 'A', fdt_size_dt_strings(fdt));	/* no NULs */
	seed("strings-unterminated", 0, b, len);

	/*
	 * Found by fuzz_dtb: a structure of FDT_END alone, which
	 * fdt_check_full() takes; no root, no tree.
	 */
	memcpy(b, fdt, len);
	put32(b + st, 0x00000009);
	seed("regress-end-alone", F_INITRD | F_SIZE(3) | F_PARAMS(3), b, len);
	seed("regress-end-alone-as-given", 0, b, len);

	/*
	 * Found by fuzz_dtb: a property's length of 0xfffffff4 takes
	 * libfdt 1.6's fdt_next_tag() back to the same property, and
	 * fdt_check_full() round it for ever; one of 0xfffffffe a few
	 * bytes on, and fdt_check_full() takes the blob.
	 */
	memcpy(b, fdt, len);
	put32(b + st + 8 + 4, 0xfffffff4);
	seed("regress-prop-len-wraps", F_INITRD | F_PARAMS(2), b, len);
	put32(b + st + 8 + 4, 0xfffffff0);
	seed("regress-prop-len-back", 0, b, len);
	vmm_tree(b, CHOSEN, 0);
	/* a property of 0xfffffffe bytes, its next tag 12 bytes on: NOPs over "compatible"'s value */
	put32(b + st + 8 + 4, 0xfffffffe);
	for (n = 12; n < 32; n += 4)
		put32(b + st + 8 + n, 0x00000004);
	seed("regress-prop-len-negative", F_PARAMS(2), b, len);

	/*
	 * Found by fuzz_dtb: before version 16 a node's name is its path,
	 * and libfdt 1.6's fdt_check_full() dereferences the NULL that
	 * fdt_get_name() gives for a root named "" (no '/').
	 */
	memcpy(b, fdt, len);
	put32(b + 20, 15);
	put32(b + 24, 2);				/* last_comp_version */
	seed("regress-version-15", F_PARAMS(2), b, len);
	minimal(b);
	put32(b + 20, 2);
	put32(b + 24, 2);
	seed("regress-version-2-minimal", 0, b, fdt_totalsize(b));
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_dtb_corpus DIR\n");
		return 2;
	}
	dir = argv[1];
	good();
	bad();
	return failed;
}
