/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_fuzz.h - what the virtio device harnesses (fuzz_virtio_*.c)
 * share: a fake VM with a guest RAM between guard pages, a virtio device
 * on virtio-mmio or virtio-pci, and a guest driver whose every move an
 * input dictates (virtio_fuzz.c).  A harness names its device and how to
 * make it, feed its back-end and check that it still works.
 *
 * An input is a header of three bytes, then operations until it ends:
 *
 *	transport[1]	bits 0-1: 0 or 3 virtio-mmio, 1 virtio-pci with INTx,
 *			2 virtio-pci with MSI-X (the VM has an ITS); bit 2:
 *			bring the device up first as Linux does (below);
 *			bits 3-7: the device's variant, the harness's to read
 *	features[1]	the bring-up's features: all the device offers but
 *			EVENT_IDX if bit 0, INDIRECT_DESC if bit 1, the
 *			harness's optional features 0-4 if bits 2-6; bit 7
 *			adds one the device never offers (FEATURES_OK fails)
 *	qsize[1]	bits 0-3: each queue's size at the bring-up, 1 <<
 *			(bits % 9), at most the device's largest; bit 4: the
 *			hypervisor takes ioeventfds (a write that matches one
 *			signals it and does not exit), bit 5: irqfds; bits
 *			6-7: room for 64, 0, 1 or 3 ioeventfds
 *
 * Each operation is its opcode byte (modulo the number of opcodes) and
 * its operands, little-endian; an operation cut short by the input's end
 * is not done.  Addresses are encoded in 4 bytes (vfz_addr()).
 *
 *	WR off[2] w[1] v[8]	a register write of 1 << (w % 4) bytes at @off
 *				of the device's window (mmio: % 0x200) or BAR 0
 *				(pci: % 0x1000, at wherever BAR 0 is now)
 *	RD off[2] w[1]		a register read
 *	CFG_WR off[2] w[1] v[4]	pci: a configuration write (ECAM) of device
 *				@off >> 12 & 1 (1: none) at @off % 0x1000;
 *				mmio: the device config at 0x100 + @off % 0x100
 *	CFG_RD off[2] w[1]	the same, read
 *	NOTIFY q[1]		the driver notifies queue @q (any value)
 *	DESC t[1] i[2] addr[4] len[4] flags[2] next[2]
 *				descriptor @i % 256 of queue (t >> 1) % nq's
 *				table (t even) or of indirect table (t >> 1) % 4
 *	AVAIL q[1] head[2]	@head made available on queue q % nq
 *	AVAIL_IDX q[1] idx[2]	the avail ring's idx set to @idx
 *	RING q[1] f[1] v[2]	a ring field written: avail flags, used_event,
 *				used flags, avail_event, used idx (f % 5)
 *	MEM off[3] n[1] b[n]	@n bytes written at RAM + @off % RAM size
 *	CHAIN q[1] n[1] segs pl[2] b[pl]
 *				a chain laid in queue q % nq's table from its
 *				next free entry, each buffer a fresh piece of
 *				the data area: n % 32 buffers (n & 0x80: 126
 *				+ n % 8), each len[2] flags[1] (bit 0 writable,
 *				bit 1 the chain ends after it, bit 2 then
 *				addr[4] for it); the payload fills the readable
 *				ones.  q & 0x40: the buffers in an indirect
 *				table; q & 0x20: laid, not made available;
 *				q & 0x80: then the queue notified
 *	BRINGUP features[1] qsize[1]
 *				reset, then the driver's whole init (as the
 *				header's; qsize's bits 0-3)
 *	RESET			status 0, and the driver's rings zeroed
 *	STATUS v[1]		a status write
 *	QSETUP q[1] size[2] desc[4] avail[4] used[4] ready[1]
 *				queue @q configured through the transport
 *	BACKEND n[2] b[n]	the harness's back-end op (a frame from the
 *				network, console input, getrandom's mood)
 *	IRQ_ACK			the driver takes the interrupt (mmio: reads and
 *				acknowledges InterruptStatus; pci: reads the ISR)
 *
 * After each operation the device is given time to do what it was told,
 * deterministically: its own thread quiesced (virtio_dev__quiesce()) and
 * the main loop run until it has nothing left to do.  Then, and after the
 * input, what must hold (abort() otherwise):
 *
 *	the device touches no memory but guest RAM: RAM lies between guard
 *	pages, and ASan watches the rest;
 *	while the input is "clean" (its operations lay chains only in the data
 *	area through CHAIN, with rings where the driver put them), the device
 *	wrote no RAM byte but in the used rings and the writable buffers; each
 *	used element names a head the driver made available, with no more
 *	bytes than its writable part, and used idx is the device's count;
 *	the device's used idx never runs ahead of what it took from the ring
 *	(nor does it hold more than a ring's worth), the status shows
 *	DEVICE_NEEDS_RESET exactly when the device failed (the driver cannot
 *	set it), the interrupt line only ever toggles;
 *	after the input the driver resets the device, which reads status 0,
 *	brings it up again and sends it a good request, which must be served
 *	(the harness's alive()); the device destroyed leaves no fd open.
 *
 * Run without libFuzzer (make check-fuzz), each input runs twice and
 * both runs must end the same: RAM, the queues' indices, the status, what
 * the back-end saw and (unless the device completes out of order) the
 * interrupts.
 */
#ifndef VMM_TESTS_VIRTIO_FUZZ_H
#define VMM_TESTS_VIRTIO_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmm/layout.h>
#include "../../devices/virtio/virtio.h"

/* guest RAM: 256 KiB, with a guard page before and after */
#define VFZ_RAM_BASE		LAYOUT_RAM_BASE
#define VFZ_RAM_SIZE		0x40000ULL
#define VFZ_RAM_END		(VFZ_RAM_BASE + VFZ_RAM_SIZE)

/* the driver's rings: queue q's three areas, room for 256 entries each */
#define VFZ_MAX_QUEUES		2
#define VFZ_DESC(q)		(VFZ_RAM_BASE + 0x1000 + (q) * 0x3000ULL)
#define VFZ_AVAIL(q)		(VFZ_DESC(q) + 0x1000)
#define VFZ_USED(q)		(VFZ_DESC(q) + 0x2000)
/* indirect tables, 256 entries each */
#define VFZ_NR_TABLES		4
#define VFZ_TABLE(k)		(VFZ_RAM_BASE + 0x7000 + (k) * 0x1000ULL)
/* the buffers' data area, handed out in turn */
#define VFZ_DATA		(VFZ_RAM_BASE + 0x10000)
#define VFZ_DATA_END		VFZ_RAM_END

#define VFZ_NR_OPT_FEATURES	5

/* What a harness says of its device. */
struct vfz_device {
	const char	*name;		/* in messages: "virtio-blk" */
	u32		device_id;
	unsigned int	nr_queues;	/* the driver sets up 1..VFZ_MAX_QUEUES */
	u16		max_qsize;	/* the device's QueueNumMax */
	bool		unordered;	/* completions in any order (an I/O thread's) */
	/* feature bits the header's features bits 2-6 may take away */
	int		opt_features[VFZ_NR_OPT_FEATURES];

	/* Once per process, before the first input (optional). */
	void	(*setup)(void);
	/* The device on @vm for @variant (the header's bits 3-7): its state. */
	void	*(*create)(struct vm *vm, unsigned int variant);
	void	(*destroy)(struct vm *vm, void *state);
	/* A BACKEND operation's @len bytes (optional). */
	void	(*backend)(void *state, const u8 *data, size_t len);
	/*
	 * After each settling: take what the device sent its back-end, check
	 * it and hash it into the digest with vfz_digest() (optional).
	 */
	void	(*drain)(void *state);
	/*
	 * After the input, the device reset and brought up again with every
	 * feature, 16 entries a queue: send it good requests and check the
	 * answers.
	 */
	void	(*alive)(void *state);
};

/* The harness's device; it defines it. */
extern const struct vfz_device vfz_dev;

/* The harness's LLVMFuzzerTestOneInput() calls this. */
int vfz_run(const u8 *data, size_t size);

/* ---- for the harness's hooks ------------------------------------------------ */

/* Fail the input: "fuzz_virtio: <device>: <what>", then abort(). */
void vfz_fail(const char *fmt, ...) __printf(1, 2) __noreturn;

/* The host address of guest RAM at @gpa, which must hold @len bytes. */
void *vfz_hva(u64 gpa, u64 len);

/* Hash @len bytes at @p into the input's digest. */
void vfz_digest(const void *p, size_t len);

/* The device's struct virtio_dev (every model's state begins with it). */
struct virtio_dev *vfz_vdev(void);

/* One buffer of a chain vfz_chain() lays: its length and flags in, its address out. */
struct vfz_seg {
	u32	len;
	bool	write;
	u64	gpa;
};

/*
 * Lay a chain of @n buffers on queue @q from the data area, the readable
 * ones filled with @payload (@plen bytes), and make it available: its head.
 */
u16 vfz_chain(unsigned int q, struct vfz_seg *segs, unsigned int n, const void *payload,
	      size_t plen);

/* Notify queue @q, and let the device settle. */
void vfz_kick(unsigned int q);

/* Let the device settle: its thread idle, the main loop run dry. */
void vfz_settle(void);

/* Queue @q's used idx, as the device wrote it into RAM. */
u16 vfz_used_idx(unsigned int q);

/* Used element @i (any index: it wraps) of queue @q. */
void vfz_used_elem(unsigned int q, u16 i, u32 *id, u32 *len);

/* Whether the input did something to the back-end the harness counts (its to set). */
extern bool vfz_backend_used;

#endif
