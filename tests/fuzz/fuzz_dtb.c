// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_dtb.c - a fuzz harness for the --dtb reader's check and updates
 * (loader__patch_dtb() in vmm/loader.c, what loader__read_dtb() does
 * once the file is read): the blob checked with libfdt, then copied with
 * /chosen given the initrd's place and -p as bootargs.
 *
 * An input is flags[1], then the blob (the file, whole):
 *
 *	bit 0		an initrd, at 0x8fe00000
 *	bits 1-2	its size: 1, 4K, 20M, or one that wraps past 2^64
 *	bits 3-4	-p: none, "", a command line, or 1000 bytes with a
 *			control byte and a non-ASCII one (argv may hold any)
 *
 * The blob is given in a buffer of its exact length (malloc's alignment,
 * as loader__read_dtb()'s), so that ASan sees a byte read past it where
 * it can: libfdt itself is the system's, built without ASan, so only its
 * memcpy()/memmove()/memset() calls are checked, and libFuzzer sees no
 * coverage inside it.  Checked (abort() on a violation, which libFuzzer
 * reports):
 *
 *	the blob	unchanged
 *	NULL		exactly when libfdt's checks refuse the blob (its
 *			header, its totalsize within the file, then
 *			fdt_check_full()), it is older than version 16, a
 *			property's length takes libfdt's walk past what an
 *			int holds, or it has no root node:
 *			a blob they take has room for the updates; a
 *			one-line reason
 *	a copy		a blob fdt_check_full() takes, of at most the room it
 *			was given; the same reserved memory and boot CPU;
 *			/chosen with linux,initrd-start and -end (64-bit, the
 *			initrd's bounds) when there is an initrd, bootargs the
 *			-p text with its NUL when there is one; every other
 *			node and property as in the blob, in the same order
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "../../vmm/vmm.h"

#define INITRD		0x8fe00000ULL
#define PATCH_ROOM	4096		/* loader.c's DTB_PATCH_ROOM */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __printf(1, 2) __noreturn fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_dtb: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static char long_params[1001];

/*
 * libfdt 1.6's fdt_next_tag() adds a property's length to its offset in
 * an int: one that wraps takes fdt_check_full() round for ever, or past
 * a property of a length no blob has.  The loader refuses them first.
 */
static bool walkable(const void *fdt)
{
	const fdt32_t *plen;
	int offset = 0, next;
	u32 tag;

	do {
		tag = fdt_next_tag(fdt, offset, &next);
		if (next < 0 || tag == FDT_END)
			break;
		plen = fdt_offset_ptr(fdt, offset + 4, sizeof(*plen));
		if (tag == FDT_PROP && (!plen || (u64)offset + 12 + fdt32_ld(plen) > INT_MAX))
			return false;
		if (next <= offset)
			return false;
		offset = next;
	} while (true);
	return true;
}

static bool updated(const char *name, bool initrd, bool params)
{
	return (initrd && (!strcmp(name, "linux,initrd-start") ||
			   !strcmp(name, "linux,initrd-end"))) ||
	       (params && !strcmp(name, "bootargs"));
}

/* The next property of node @node after @prop (-1: the first) but those the update may add. */
static int next_prop(const void *fdt, int node, int prop, bool skip, bool initrd, bool params)
{
	const char *name;

	do {
		prop = prop < 0 ? fdt_first_property_offset(fdt, node) :
				  fdt_next_property_offset(fdt, prop);
		if (prop < 0)
			return prop;
	} while (skip && fdt_getprop_by_offset(fdt, prop, &name, NULL) &&
		 updated(name, initrd, params));
	return prop;
}

static void compare_props(const void *in, int nin, const void *out, int nout, bool chosen,
			  bool initrd, bool params)
{
	int pin = -1, pout = -1, lin, lout;
	const char *namein, *nameout;
	const void *vin, *vout;

	for (;;) {
		pin = next_prop(in, nin, pin, chosen, initrd, params);
		pout = next_prop(out, nout, pout, chosen, initrd, params);
		if (pin < 0 || pout < 0)
			break;
		vin = fdt_getprop_by_offset(in, pin, &namein, &lin);
		vout = fdt_getprop_by_offset(out, pout, &nameout, &lout);
		if ((vin && lin < 0) || (vout && lout < 0))
			fail("a property of %d bytes in the blob, %d in the copy", lin, lout);
		if (!vin || !vout || strcmp(namein, nameout) || lin != lout || memcmp(vin, vout, lin))
			fail("property %s (%d bytes) became %s (%d bytes) in %s", vin ? namein : "?",
			     lin, vout ? nameout : "?", lout, fdt_get_name(in, nin, NULL));
	}
	if (pin != -FDT_ERR_NOTFOUND || pout != -FDT_ERR_NOTFOUND)
		fail("node %s: properties end at %d in the blob, %d in the copy",
		     fdt_get_name(in, nin, NULL), pin, pout);
}

/* Every node and property of @in in @out, in order, but /chosen's updates. */
static void compare_trees(const void *in, const void *out, bool initrd, bool params)
{
	int chosen_in = fdt_path_offset(in, "/chosen"), chosen_out = fdt_path_offset(out, "/chosen");
	int nin = 0, nout = 0, din = 0, dout = 0;
	const char *a, *b;

	if (chosen_in < 0 && chosen_in != -FDT_ERR_NOTFOUND)
		fail("/chosen in the blob: %s", fdt_strerror(chosen_in));
	if (chosen_out < 0 && (initrd || params))
		fail("no /chosen in the copy: %s", fdt_strerror(chosen_out));
	for (;;) {
		/* a /chosen the update made is the copy's alone */
		if (chosen_in < 0 && nout >= 0 && dout >= 0 && nout == chosen_out) {
			int d = dout;

			do
				nout = fdt_next_node(out, nout, &dout);
			while (nout >= 0 && dout > d);
		}
		/* past the root's end, fdt_next_node() gives a depth of -1 */
		if (nin < 0 || din < 0 || nout < 0 || dout < 0)
			break;
		a = fdt_get_name(in, nin, NULL);
		b = fdt_get_name(out, nout, NULL);
		if (!a || !b || strcmp(a, b) || din != dout)
			fail("node '%s' at depth %d became '%s' at depth %d", a ? a : "?", din,
			     b ? b : "?", dout);
		if ((nin == chosen_in) != (nout == chosen_out))
			fail("node '%s' is /chosen in one only", a);
		compare_props(in, nin, out, nout, nin == chosen_in, initrd, params);
		nin = fdt_next_node(in, nin, &din);
		nout = fdt_next_node(out, nout, &dout);
	}
	if ((nin >= 0 && din >= 0) || (nout >= 0 && dout >= 0))
		fail("the nodes end at %d (depth %d) in the blob, %d (depth %d) in the copy", nin,
		     din, nout, dout);
}

static void check_chosen(const void *out, u64 initrd, u64 initrd_size, const char *params)
{
	int node = fdt_path_offset(out, "/chosen"), len;
	const void *v;
	const char *s;

	/* properties are 4-byte aligned: a 64-bit one is read with fdt64_ld() */
	if (initrd) {
		v = fdt_getprop(out, node, "linux,initrd-start", &len);
		if (!v || len != 8 || fdt64_ld(v) != initrd)
			fail("linux,initrd-start: %d bytes", v ? len : -1);
		v = fdt_getprop(out, node, "linux,initrd-end", &len);
		if (!v || len != 8 || fdt64_ld(v) != initrd + initrd_size)
			fail("linux,initrd-end: %d bytes", v ? len : -1);
	}
	if (params) {
		s = fdt_getprop(out, node, "bootargs", &len);
		if (!s || len != (int)strlen(params) + 1 || memcmp(s, params, len))
			fail("bootargs: %d bytes, not -p's %zu", s ? len : -1, strlen(params) + 1);
	}
}

static void check_copy(const void *in, const void *out, u64 initrd, u64 initrd_size,
		       const char *params)
{
	u64 room = fdt_totalsize(in) + PATCH_ROOM + (params ? strlen(params) + 1 : 0);
	u64 ain, sin, aout, sout;
	int i, n, ret;

	ret = fdt_check_full(out, fdt_totalsize(out));
	if (ret)
		fail("the copy is no valid blob: %s", fdt_strerror(ret));
	if (fdt_totalsize(out) > room)
		fail("the copy is %u bytes, past its room %llu", fdt_totalsize(out),
		     (unsigned long long)room);
	if (fdt_boot_cpuid_phys(out) != fdt_boot_cpuid_phys(in))
		fail("boot_cpuid_phys %u, was %u", fdt_boot_cpuid_phys(out), fdt_boot_cpuid_phys(in));
	n = fdt_num_mem_rsv(in);
	if (n != fdt_num_mem_rsv(out))
		fail("%d reserved ranges, were %d", fdt_num_mem_rsv(out), n);
	for (i = 0; i < n; i++) {
		if (fdt_get_mem_rsv(in, i, &ain, &sin) || fdt_get_mem_rsv(out, i, &aout, &sout) ||
		    ain != aout || sin != sout)
			fail("reserved range %d changed", i);
	}
	check_chosen(out, initrd, initrd_size, params);
	compare_trees(in, out, initrd, params);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const u64 initrd_sizes[] = { 1, SZ_4K, 20 * SZ_1M, 0xffffffff80000000ULL };
	const char *params_of[] = { NULL, "", "console=ttyS0 earlycon panic=-1 root=/dev/vda",
				    long_params };
	u64 initrd, initrd_size;
	const char *params;
	char err[256];
	size_t len;
	u8 *blob;
	void *out;
	int want;

	if (!size)
		return 0;
	if (!long_params[0]) {
		memset(long_params, 'a', sizeof(long_params) - 1);
		long_params[10] = '\x1b';
		long_params[20] = '\xc3';
		long_params[21] = '\xa9';
	}
	initrd = data[0] & 1 ? INITRD : 0;
	initrd_size = initrd_sizes[(data[0] >> 1) & 3];
	params = params_of[(data[0] >> 3) & 3];
	len = size - 1;
	blob = malloc(len ? len : 1);
	if (!blob)
		abort();
	memcpy(blob, data + 1, len);

	/* what libfdt's checks say of it, as the loader asks them */
	want = len < sizeof(struct fdt_header) ? -FDT_ERR_TRUNCATED : fdt_check_header(blob);
	if (!want && fdt_totalsize(blob) > len)
		want = -FDT_ERR_TRUNCATED;
	if (!want && fdt_version(blob) < 16)
		want = -FDT_ERR_BADVERSION;	/* libfdt 1.6's check_full crashes on them */
	if (!want && !walkable(blob))
		want = -FDT_ERR_BADSTRUCTURE;
	if (!want)
		want = fdt_check_full(blob, len);
	if (!want && fdt_next_node(blob, -1, NULL) != 0)
		want = -FDT_ERR_BADSTRUCTURE;	/* no root node: nothing to boot */

	out = loader__patch_dtb(blob, len, initrd, initrd_size, params, err, sizeof(err));
	if (memcmp(blob, data + 1, len))
		fail("the blob was changed");
	if (!out) {
		size_t n = strnlen(err, sizeof(err)), i;

		if (!want)
			fail("a valid blob refused: %s", err);
		if (!n || n == sizeof(err))
			fail("no reason, or not NUL-terminated");
		for (i = 0; i < n; i++)
			if ((unsigned char)err[i] < ' ' || err[i] == 0x7f)
				fail("the reason holds 0x%02x: %s", (unsigned char)err[i], err);
	} else {
		if (want)
			fail("a blob libfdt refuses (%s) taken", fdt_strerror(want));
		check_copy(blob, out, initrd, initrd_size, params);
		free(out);
	}
	free(blob);
	return 0;
}
