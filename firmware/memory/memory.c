// SPDX-License-Identifier: GPL-2.0
/*
 * memory.c - every byte of guest RAM the payload does not occupy is
 * written and read back with an address-dependent pattern, twice with
 * different patterns, so a page mapped twice or not at all shows; then a
 * third time with a pattern seeded by the counter, unique to this run, so
 * that VMs running at once each see only their own memory (a stale TLB
 * entry of another VM's would show).
 */
#include "fw.h"

const char fw_name[] = "memory";

extern char _image_end[];

/* Both passes in 16-byte steps; returns the first bad address or 0. */
static u64 fill_and_verify(u64 start, u64 end, u64 seed)
{
	u64 a;

	for (a = start; a < end; a += 16) {
		volatile u64 *p = (volatile u64 *)a;

		p[0] = a ^ seed;
		p[1] = ~a ^ seed;
	}
	for (a = start; a < end; a += 16) {
		volatile u64 *p = (volatile u64 *)a;

		if (p[0] != (a ^ seed) || p[1] != (~a ^ seed))
			return a;
	}
	return 0;
}

void fw_main(void)
{
	u64 ram, size, start, end, bad;

	if (!check(dt_reg("/memory", 0, &ram, &size), "RAM is in the device tree"))
		return;
	start = ALIGN_UP((u64)_image_end, 4096);
	/* the DTB sits alone in the last 2 MiB block (booting.rst) */
	end = ALIGN_DOWN(ram + size, SZ_2M) - SZ_2M;
	if (end > 0x100000000ULL)
		end = 0x100000000ULL;	/* the identity map's reach */
	check(ram + size <= 0x100000000ULL, "all of RAM (%llu MiB) is under 4 GiB",
	      (unsigned long long)(size >> 20));
	printf("# memory: testing 0x%llx-0x%llx (%llu MiB)\n", (unsigned long long)start,
	       (unsigned long long)end, (unsigned long long)((end - start) >> 20));
	bad = fill_and_verify(start, end, 0x5a5aa5a5f00dcafeULL);
	check(!bad, "pattern 1 reads back everywhere (first bad address 0x%llx)",
	      (unsigned long long)bad);
	bad = fill_and_verify(start, end, 0x0123456789abcdefULL);
	check(!bad, "pattern 2 reads back everywhere (first bad address 0x%llx)",
	      (unsigned long long)bad);
	bad = fill_and_verify(start, end, counter() * 0x9e3779b97f4a7c15ULL);
	check(!bad, "a pattern unique to this run reads back everywhere (first bad address 0x%llx)",
	      (unsigned long long)bad);
}
