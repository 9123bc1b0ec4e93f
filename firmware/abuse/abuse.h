/* SPDX-License-Identifier: GPL-2.0 */
/*
 * abuse.h - what the parts of the abuse payload share: the seeded PRNG,
 * single loads and stores of any width at any address (through a Normal
 * alias of the device's gigabyte when unaligned, so that the access
 * reaches the hypervisor instead of faulting in the guest), waiting, the
 * guest RAM the payload lays its virtqueues in, and each part's entry.
 *
 * Every choice comes from the PRNG: a run is reproduced by its seed
 * (printed first; `-p abuse.seed=N` sets it).  Each phase reseeds from
 * the seed and its own constant, so one phase's draws do not depend on
 * how many the phases before it made.
 */
#ifndef ABUSE_H
#define ABUSE_H

#include "fw.h"

/* ---- the PRNG (abuse.c) -------------------------------------------------- */

/* Reseed for phase @phase of this run. */
void rnd_phase(u64 phase);
u64 rnd(void);
/* 0 .. @n - 1 (@n > 0) */
u64 rnd_below(u64 n);
/* true about @percent times in a hundred */
bool rnd_pct(unsigned int percent);
/* a value a fuzzer likes: 0, ~0, one bit, a mask, small, random */
u64 rnd_value(void);
/* a width: 1, 2, 4 or 8 */
unsigned int rnd_width(void);

/* ---- accesses (abuse.c) -------------------------------------------------- */

/*
 * One load or store of @len bytes (1, 2, 4, 8) at guest-physical @pa below
 * 3 GiB, as a single LDR/STR with a valid syndrome: aligned through the
 * identity map (Device memory for the devices), unaligned through a
 * Normal alias of @pa's gigabyte at VA 3 GiB (an unaligned Device access
 * would be an alignment fault in the guest and never reach the vmm).  An
 * access that would cross a 4 KiB page is not made: a read gives
 * IO_SKIPPED.
 */
#define IO_SKIPPED	0x5c1bbed5c1bbed00ULL
u64 io_read(u64 pa, unsigned int len);
void io_write(u64 pa, unsigned int len, u64 v);
/* Back to the plain identity map (the alias off). */
void io_alias_off(void);

/* Delay by @ms of virtual counter time. */
void delay_ms(unsigned int ms);

/* Guest RAM, from the device tree. */
extern u64 ram_base, ram_end;

/* The printable name of a virtio device ID ("blk", "rng", ...). */
const char *virtio_id_name(u32 id);

/*
 * Checks counted in bulk, one report line for many: each access's printed
 * line would cost an exit per character on the 8250.  The first wrong one
 * is kept for the report.
 */
struct tally {
	unsigned int	n, bad;
	char		first[120];
};

void tally_ok(struct tally *t, bool ok, const char *fmt, ...) __printf(3, 4);
#define tally_eq(t, got, want, fmt, ...)					\
	({									\
		u64 __g = (u64)(got), __w = (u64)(want);			\
		tally_ok((t), __g == __w, fmt ": 0x%llx, expected 0x%llx",	\
			 ##__VA_ARGS__, (unsigned long long)__g,		\
			 (unsigned long long)__w);				\
	})
/* One check() for the tally ("<what>: N right" or the first wrong), then reset it. */
bool tally_check(struct tally *t, const char *fmt, ...) __printf(2, 3);

/* ---- the parts ----------------------------------------------------------- */

/* hyp.c: random system-register accesses, HVC and SMC calls, PSCI. */
void abuse_hypervisor(void);

/*
 * virtio.c: one virtio device on either transport.  @pci: its BAR 0 at
 * @base holds the structures at the offsets given; else a virtio-mmio
 * window of @size bytes at @base.
 */
struct vdev {
	char	name[40];
	bool	pci;
	u64	base, size;
	u32	id;			/* virtio device ID */
	u32	nr_queues;		/* PCI's num_queues; 0 on MMIO: probed */
	/* PCI: the structures' offsets in BAR 0, from the capabilities */
	u32	common, isr, devcfg, devcfg_len, notify, notify_mult;
};
void abuse_virtio(struct vdev *d);
/* A request the device answers, and its answer checked: the device works. */
bool virtio_good_request(struct vdev *d, const char *when);

/* pci.c: the host bridge's functions, their BARs, then virtio on each. */
void abuse_pci(void);

#endif
