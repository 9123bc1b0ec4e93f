// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl-fuzz.c - random KVM API calls against a KVM device (vmm.ko's
 * /dev/vmm, or /dev/kvm as the reference), run in the test bed's L1:
 *
 *   ioctl-fuzz DEVICE SEED CALLS THREADS [SECONDS]
 *
 * THREADS threads share a table of live fds (the device, VMs, vCPUs with
 * their kvm_run pages, in-kernel devices, eventfds) and make CALLS calls
 * between them: system, VM, vCPU and device ioctls with random arguments,
 * some valid-looking, some hostile (NULL, kernel and unmapped pointers,
 * structures cut short by a guard page, bogus fds, slots that overlap,
 * move, wrap or lie outside the IPA space), fds closed under vCPUs that
 * run, dup'ed and mmap'ed, guest memory rewritten, zapped, remapped and
 * write-protected under the guests, and forks whose child tries the fds.
 * Guests run random instructions.  Every KVM_RUN is ended by its thread's
 * own timer signal (or immediate_exit), and each thread stops after
 * SECONDS (default 30) whatever it has done, so nothing waits for ever.
 *
 * Errors are expected and counted, not judged: kmod-fuzz.sh judges the
 * host (its log, vmm.ko's counters, MemFree).  Prints one summary line
 * (each call tried/succeeded, then its errnos) and exits 0; 2 if a thread
 * never came back from a call; 1 if it could not start.  SEED fixes each
 * thread's sequence of choices, not how the threads interleave.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#define PAGE		4096UL
#define MAX_THREADS	16
#define NR_OBJS		64
#define NR_HINTS	8		/* memslots 0-7 of a VM, as last set */
#define MAX_VCPUS_PER_VM 8
#define SCRATCH_SIZE	(4 * PAGE)	/* each thread's arguments, a guard page after */
#define FILL_SIZE	(4 * PAGE)	/* guest code written at a region's start */
#define STUCK_GRACE	30.0		/* seconds in one call: stuck */

/* the arena: guest memory regions between PROT_NONE guards (see below) */
#define ARENA_SIZE	(32UL << 20)
#define REGION_STRIDE	(4UL << 20)
#define NR_REGIONS	6
/* untouched address space for huge slots: nothing of ours is ever there */
#define EMPTY_BASE	(1ULL << 44)
#define EMPTY_SPAN	(1ULL << 42)
#define KERNEL_ADDR	0xffff800008000000ULL

/* ---- the random source ------------------------------------------------------ */

/* splitmix64: the seed's stream for each thread (Steele, Lea, Flood 2014) */
static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct thread {
	pthread_t	pt;
	unsigned int	nr;
	uint64_t	rng;
	timer_t		timer;
	bool		timer_ok;
	char		*scratch;	/* SCRATCH_SIZE bytes, then a PROT_NONE page */
	int		op;		/* the call it is in, -1 none (for the watchdog) */
	int64_t		since_ms;	/* since when (CLOCK_MONOTONIC) */
	bool		done;
};

static uint64_t rnd(struct thread *t)
{
	return splitmix64(&t->rng);
}

static uint64_t below(struct thread *t, uint64_t n)
{
	return n ? rnd(t) % n : 0;
}

static bool chance(struct thread *t, unsigned int percent)
{
	return below(t, 100) < percent;
}

#define PICK(t, a)	((a)[below((t), sizeof(a) / sizeof((a)[0]))])

/* a value for an integer field: the edges mostly, or anything */
static uint64_t val(struct thread *t)
{
	static const uint64_t edges[] = {
		0, 1, 2, 3, 4, 7, 8, 0x1f, 0x20, 0x7f, 0x80, 0xff, 0x100, 0x3ff, 0x400,
		0xfff, 0x1000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff,
		1ULL << 32, 1ULL << 39, 1ULL << 40, 1ULL << 48, 1ULL << 52, 1ULL << 63,
		-1ULL, -2ULL, -PAGE,
	};

	switch (below(t, 4)) {
	case 0:
		return PICK(t, edges);
	case 1:
		return PICK(t, edges) + below(t, 3) - 1;
	case 2:
		return 1ULL << below(t, 64);
	default:
		return rnd(t);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- what was called, and what came of it -------------------------------- */

enum op {
	OP_OPEN, OP_CLOSE, OP_DUP, OP_EVENTFD, OP_EVENTFD_WRITE, OP_MEMORY, OP_FORK,
	OP_MMAP, OP_RANDOM_IOCTL,
	OP_GET_API_VERSION, OP_CHECK_EXTENSION, OP_CREATE_VM, OP_GET_VCPU_MMAP_SIZE,
	OP_CREATE_VCPU, OP_SET_USER_MEMORY_REGION, OP_ARM_PREFERRED_TARGET,
	OP_CREATE_DEVICE, OP_IRQ_LINE, OP_IRQFD, OP_IOEVENTFD, OP_SIGNAL_MSI,
	OP_ARM_SET_DEVICE_ADDR, OP_ENABLE_CAP, OP_GET_DIRTY_LOG,
	OP_SET_DEVICE_ATTR, OP_GET_DEVICE_ATTR, OP_HAS_DEVICE_ATTR,
	OP_ARM_VCPU_INIT, OP_RUN, OP_GET_ONE_REG, OP_SET_ONE_REG, OP_GET_REG_LIST,
	OP_SET_GUEST_DEBUG, OP_GET_MP_STATE, OP_SET_MP_STATE, OP_ARM_VCPU_FINALIZE,
	OP_GET_VCPU_EVENTS, OP_SET_VCPU_EVENTS, OP_SET_SIGNAL_MASK,
	NR_OPS
};

#define NR_ERRNO	134		/* counted by number; larger ones together */
#define NR_EXITS	64

static struct {
	unsigned long	tried, ok, err[NR_ERRNO + 1];
} stats[NR_OPS];
static unsigned long exits[NR_EXITS];
static unsigned long vms_made, vcpus_made;
static unsigned long calls_max, calls_made;

static void count(unsigned long *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

/* Count call @op's outcome: @ret < 0 failed with errno. */
static long record(int op, long ret)
{
	int err = errno;

	count(&calls_made);
	count(&stats[op].tried);
	if (ret >= 0)
		count(&stats[op].ok);
	else
		count(&stats[op].err[err >= 0 && err < NR_ERRNO ? err : NR_ERRNO]);
	errno = err;
	return ret;
}

static long ctl(int op, int fd, unsigned long cmd, unsigned long arg)
{
	return record(op, ioctl(fd, cmd, arg));
}

/* ---- the fds the threads share ---------------------------------------------- */

enum kind { FREE, SYS, VM, VCPU, DEV, EFD, NR_KINDS };
#define K(k)		(1U << (k))
#define ANY		(K(SYS) | K(VM) | K(VCPU) | K(DEV) | K(EFD))

struct hint {			/* a memslot as last set, to move or delete it */
	uint64_t	gpa, size, hva;
	uint32_t	flags;
};

struct obj {
	enum kind	kind;
	int		fd;
	unsigned int	gen;		/* bumped at each reuse of the entry */
	unsigned int	users;		/* threads between get() and put() */
	bool		closed;		/* its fd closed: freed at the last put() */
	struct kvm_run	*run;		/* vCPU: its kvm_run mapping, or NULL */
	int		vm;		/* vCPU, device: its VM's entry (a hint) */
	unsigned int	vm_gen;
	unsigned int	id;		/* vCPU: its id; device: its type */
	unsigned int	nr_vcpus;	/* VM: vCPUs made in it */
	struct hint	hints[NR_HINTS];
};

static const unsigned int kind_max[NR_KINDS] = {
	[SYS] = 3, [VM] = 4, [VCPU] = 24, [DEV] = 8, [EFD] = 8,
};

static pthread_mutex_t objs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct obj objs[NR_OBJS];
static const char *device;
static size_t run_size = PAGE;

/* What a call acts on: a copy of its table entry, or a bogus fd (idx -1). */
struct target {
	int		idx;
	int		fd;
	struct obj	o;
};

static int bogus_fd(struct thread *t)
{
	switch (below(t, 4)) {
	case 0:
		return -1;
	case 1:
		return 1 << 20;
	case 2:
		return 0x7fffffff;
	default:	/* any entry's, of any kind, live or closed */
		return __atomic_load_n(&objs[below(t, NR_OBJS)].fd, __ATOMIC_RELAXED) ?: -1;
	}
}

/* A live entry of one of @kinds for a call, or (3%) a bogus fd; false if none. */
static bool get(struct thread *t, unsigned int kinds, struct target *tg)
{
	int pick[NR_OBJS], i, n = 0;

	memset(tg, 0, sizeof(*tg));
	tg->idx = tg->fd = -1;
	if (chance(t, 3)) {
		tg->idx = -1;
		tg->fd = bogus_fd(t);
		return true;
	}
	pthread_mutex_lock(&objs_lock);
	for (i = 0; i < NR_OBJS; i++)
		if ((kinds & K(objs[i].kind)) && !objs[i].closed)
			pick[n++] = i;
	if (n) {
		i = pick[below(t, n)];
		objs[i].users++;
		tg->idx = i;
		tg->fd = objs[i].fd;
		tg->o = objs[i];
	}
	pthread_mutex_unlock(&objs_lock);
	return n;
}

/* Entry @idx for a call, if it is still generation @gen of @kind. */
static bool get_idx(int idx, unsigned int gen, enum kind kind, struct target *tg)
{
	bool ok;

	memset(tg, 0, sizeof(*tg));
	tg->idx = tg->fd = -1;
	if (idx < 0 || idx >= NR_OBJS)
		return false;
	pthread_mutex_lock(&objs_lock);
	ok = objs[idx].kind == kind && objs[idx].gen == gen && !objs[idx].closed;
	if (ok) {
		objs[idx].users++;
		tg->idx = idx;
		tg->fd = objs[idx].fd;
		tg->o = objs[idx];
	}
	pthread_mutex_unlock(&objs_lock);
	return ok;
}

static void put(struct target *tg)
{
	struct kvm_run *run = NULL;
	struct obj *o;

	if (tg->idx < 0)
		return;
	o = &objs[tg->idx];
	pthread_mutex_lock(&objs_lock);
	if (!--o->users && o->closed) {
		run = o->run;
		o->run = NULL;
		o->kind = FREE;
		o->closed = false;
		o->fd = 0;
	}
	pthread_mutex_unlock(&objs_lock);
	if (run)
		munmap(run, run_size);
}

/*
 * A new fd of @kind into the table; if it is full, or has enough of that
 * kind, it is closed again at once (made and destroyed: a case too).
 */
static void add(enum kind kind, int fd, struct kvm_run *run, const struct target *vm,
		unsigned int id)
{
	unsigned int i, n = 0;
	int slot = -1;

	pthread_mutex_lock(&objs_lock);
	for (i = 0; i < NR_OBJS; i++) {
		if (objs[i].kind == FREE && slot < 0)
			slot = i;
		n += objs[i].kind == kind && !objs[i].closed;
	}
	if (slot >= 0 && n < kind_max[kind]) {
		struct obj *o = &objs[slot];
		unsigned int gen = o->gen + 1;

		memset(o, 0, sizeof(*o));
		o->kind = kind;
		o->fd = fd;
		o->gen = gen;
		o->run = run;
		o->id = id;
		o->vm = vm ? vm->idx : -1;
		o->vm_gen = vm ? vm->o.gen : 0;
		fd = -1;
	}
	pthread_mutex_unlock(&objs_lock);
	if (fd >= 0) {
		if (run)
			munmap(run, run_size);
		close(fd);
	}
}

/* ---- guest memory ------------------------------------------------------------ */

/*
 * Guest memory comes from regions inside one arena of PROT_NONE address
 * space, each with guards around it; a slot's userspace range always lies
 * inside the arena (or in EMPTY space, or is refused for its alignment),
 * so a guest can never write over the fuzzer's own memory.  One region is
 * shared file memory (memfd), one is 2 MiB aligned for transparent huge
 * pages, one page of the arena is read-only.
 */
struct region {
	pthread_mutex_t	lock;
	char		*base;
	size_t		size;
	int		memfd;		/* shared file memory, or -1: anonymous */
	bool		present, writable;
};

static char *arena, *ro_page;
static struct region regions[NR_REGIONS];
static const size_t region_sizes[NR_REGIONS] = {
	PAGE, 16 * PAGE, 16 * PAGE, 64 * PAGE, 256 * PAGE, 512 * PAGE,
};
#define MEMFD_REGION	3
#define THP_REGION	5

static int map_region(struct region *r)
{
	void *p;

	if (r->memfd >= 0)
		p = mmap(r->base, r->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 r->memfd, 0);
	else
		p = mmap(r->base, r->size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	if (r == &regions[THP_REGION])
		madvise(r->base, r->size, MADV_HUGEPAGE);
	r->present = r->writable = true;
	return 0;
}

/* Back to a guard: the address range stays ours, PROT_NONE. */
static int unmap_region(struct region *r)
{
	if (mmap(r->base, r->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
		 MAP_NORESERVE, -1, 0) == MAP_FAILED)
		return -1;
	r->present = r->writable = false;
	return 0;
}

/*
 * One random instruction, weighted to reach the hypervisor: system
 * register and cache maintenance traps, loads and stores of every size
 * (with a syndrome or without), HVC/SMC, WFI/WFE, exception returns,
 * interrupt unmasking, SGIs, FP/SIMD, and anything at all.
 */
static uint32_t insn(struct thread *t)
{
	uint64_t r = rnd(t);

	switch (below(t, 16)) {
	case 0:
		return r;
	case 1:		/* MRS, SYSL */
		return 0xd5200000 | (r & 0x1fffff);
	case 2:		/* MSR, SYS */
		return 0xd5000000 | (r & 0x1fffff);
	case 3:		/* LDR/STR (unsigned offset), any size and sign */
		return 0x39000000 | (r & 0xc0000000) | ((r >> 20) & 3) << 22 | (r & 0x3fffff);
	case 4:		/* LDP/STP: no syndrome */
		return 0xa9000000 | (r & 0x7fffff);
	case 5:		/* HVC, SMC */
		return (r & 1 ? 0xd4000002 : 0xd4000003) | (chance(t, 70) ? 0 : (r & 0x1fffe0));
	case 6:		/* WFI, WFE, YIELD, SEV */
		return PICK(t, ((const uint32_t[]){ 0xd503207f, 0xd503205f, 0xd503203f,
						    0xd503209f }));
	case 7:		/* MSR DAIFClr/DAIFSet */
		return (r & 1 ? 0xd50340ff : 0xd50340df) | (r & 0xf00);
	case 8:		/* ERET */
		return 0xd69f03e0;
	case 9:		/* B, to anywhere near */
		return 0x14000000 | (r & 0x3ffffff);
	case 10:	/* BRK, SVC, HLT */
		return PICK(t, ((const uint32_t[]){ 0xd4200000, 0xd4000001, 0xd4400000 })) |
		       (r & 0x1fffe0);
	case 11:	/* FP and SIMD data processing */
		return 0x1e200000 | (r & 0xfffff);
	case 12:	/* MOVZ, MOVK: values for the rest */
		return (r & 1 ? 0xd2800000 : 0xf2800000) | ((r >> 1) & 0x7fffff);
	case 13:	/* DC ISW, CSW, CISW: set/way, trapped */
		return PICK(t, ((const uint32_t[]){ 0xd5087640, 0xd5087a40, 0xd5087e40 })) |
		       (r & 0x1f);
	case 14:	/* ICC_SGI1R/ASGI1R/SGI0R_EL1 */
		return PICK(t, ((const uint32_t[]){ 0xd518cba0, 0xd518cbc0, 0xd518cbe0 })) |
		       (r & 0x1f);
	default:	/* UDF #0 */
		return 0;
	}
}

/*
 * Guest code over the first FILL_SIZE bytes of a region (its lock held,
 * mapped writable): random instructions, a PSCI call loop (CPU_ON
 * targets the loop itself), a branch to self, WFI with interrupts
 * unmasked, an MMIO loop through registers ONE_REG sets, or zeros.
 */
static void fill(struct thread *t, struct region *r)
{
	uint32_t *w = (uint32_t *)r->base, fn;
	size_t i, n = (r->size < FILL_SIZE ? r->size : FILL_SIZE) / 4;

	switch (below(t, 6)) {
	case 0:
	case 1:
		for (i = 0; i < n; i++)
			w[i] = insn(t);
		break;
	case 2:
		fn = chance(t, 50) ? 0x84000000 : 0xc4000000;
		fn |= chance(t, 90) ? below(t, 0x16) : (rnd(t) & 0xffff);
		w[0] = 0x52800000 | (fn & 0xffff) << 5;		/* movz w0, #fn */
		w[1] = 0x72a00000 | (fn >> 16) << 5;		/* movk w0, #fn >> 16, lsl 16 */
		w[2] = 0xd2800001 | below(t, 20) << 5;		/* movz x1, #target */
		w[3] = 0x10000002;				/* adr x2, . */
		w[4] = 0xd2800003 | (rnd(t) & 0xffff) << 5;	/* movz x3, #context */
		w[5] = 0xd4000002;				/* hvc #0 */
		w[6] = 0x17fffffa;				/* b . - 24 */
		break;
	case 3:
		w[0] = 0x14000000;				/* b . */
		break;
	case 4:
		w[0] = 0xd5034fff;				/* msr daifclr, #0xf */
		w[1] = 0xd503207f;				/* wfi */
		w[2] = 0x17ffffff;				/* b . - 4 */
		break;
	default:
		w[0] = 0xf9000041;				/* str x1, [x2] */
		w[1] = 0xf9400083;				/* ldr x3, [x4] */
		w[2] = 0x17fffffe;				/* b . - 8 */
	}
	if (chance(t, 20))
		memset(w, 0, n * 4);
}

/*
 * Keep a slot's userspace range [@hva, @hva + @size) where a guest may
 * write: inside the arena, EMPTY space, or the first MiB (below the
 * static binary's 4 MiB).  A range the kernel refuses for its alignment,
 * its size 0 or a non-user address stays as it is.
 */
static void confine(__u64 *hva, __u64 *size)
{
	uint64_t a = (uintptr_t)arena, end;

	if (!*size || ((*hva | *size) & (PAGE - 1)) || *hva >= 1ULL << 48 ||
	    (*size <= 1ULL << 20 && *hva <= (1ULL << 20) - *size))
		return;
	if (*hva >= a && *hva < a + ARENA_SIZE) {
		end = a + ARENA_SIZE;
	} else {
		if (*hva < EMPTY_BASE || *hva >= EMPTY_BASE + EMPTY_SPAN)
			*hva = EMPTY_BASE + (*hva & (EMPTY_SPAN - 1));
		end = EMPTY_BASE + EMPTY_SPAN;
	}
	if (*size > end - *hva)
		*size = end - *hva;
}

/* ---- arguments --------------------------------------------------------------- */

/* A pointer that is none of ours: NULL, low, the kernel's, non-canonical, a guard. */
static uint64_t wild(struct thread *t)
{
	switch (below(t, 6)) {
	case 0:
		return 0;
	case 1:
		return below(t, PAGE);
	case 2:
		return KERNEL_ADDR + (rnd(t) & 0xfffff8);
	case 3:
		return 1ULL << 56 | (rnd(t) & 0xffffffff);
	case 4:
		return EMPTY_BASE + (rnd(t) & (EMPTY_SPAN - 1));
	default:
		return (uintptr_t)arena + below(t, REGION_STRIDE);	/* PROT_NONE */
	}
}

/*
 * Where the kernel finds an argument of @len bytes: this thread's scratch
 * (at page @area of it) mostly, with what fits of @src (NULL: nothing, it
 * is written), else a wild pointer, the read-only page, a copy cut short
 * by the guard page after the scratch, or a misaligned one.
 */
static void *place(struct thread *t, unsigned int area, const void *src, size_t len)
{
	char *end = t->scratch + SCRATCH_SIZE, *p;

	switch (below(t, 50)) {
	case 0:
	case 1:
		return (void *)(uintptr_t)wild(t);
	case 2:
		return ro_page;
	case 3:
	case 4:
		p = end - (len > 1 ? 1 + below(t, len - 1) : 0);
		break;
	case 5:
		p = t->scratch + area * PAGE + 1 + below(t, 7);
		break;
	default:
		p = t->scratch + area * PAGE;
	}
	if (src)
		memcpy(p, src, (size_t)(end - p) < len ? (size_t)(end - p) : len);
	return p;
}

#define PLACE(t, area, s)	((unsigned long)place((t), (area), &(s), sizeof(s)))

/* A guest physical address: in a memslot, the GIC's frames, low, the IPA space's top, anything. */
static uint64_t gpa(struct thread *t, const struct obj *vm)
{
	const struct hint *h = vm ? &vm->hints[below(t, NR_HINTS)] : NULL;

	switch (below(t, 8)) {
	case 0:
	case 1:
	case 2:
		if (h && h->size)
			return h->gpa + (below(t, h->size < FILL_SIZE ? h->size : FILL_SIZE) & ~7ULL);
		return 0x40000000 + below(t, 8) * REGION_STRIDE;
	case 3:
		return 0x08000000 + (below(t, 0x200000) & ~7ULL);
	case 4:
		return below(t, 0x10000000) & ~7ULL;
	case 5:
		return (1ULL << PICK(t, ((const unsigned int[]){ 32, 36, 40, 44, 48 }))) -
		       8 * below(t, 2);
	case 6:
		return rnd(t) & ((1ULL << 40) - 1);
	default:
		return rnd(t);
	}
}

/* A VM's memslot hints, through a vCPU's or device's link to it. */
static bool vm_of(const struct target *tg, struct obj *vm)
{
	struct target v;

	if (tg->idx < 0 || !get_idx(tg->o.vm, tg->o.vm_gen, VM, &v))
		return false;
	*vm = v.o;
	put(&v);
	return true;
}

/* An MPIDR, as vCPU @id's (Aff0 = id[3:0], Aff1 = id[11:4]), in a vGIC attribute's field. */
static uint64_t attr_mpidr(struct thread *t)
{
	unsigned int id = chance(t, 90) ? below(t, MAX_VCPUS_PER_VM) : below(t, 4096);

	return (uint64_t)((id & 0xf) | (id >> 4) << 8) << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
}

/* ---- the calls ---------------------------------------------------------------- */

static void on_tick(int sig)
{
	(void)sig;
}

/* This thread's timer: first after @first_ms, then every @every_ms (0 0: off). */
static void arm_timer(struct thread *t, long first_ms, long every_ms)
{
	struct itimerspec its = {
		.it_value = { first_ms / 1000, (first_ms % 1000) * 1000000 },
		.it_interval = { every_ms / 1000, (every_ms % 1000) * 1000000 },
	};

	timer_settime(t->timer, 0, &its, NULL);
}

static void op_open(struct thread *t, struct target *tg)
{
	int fd = record(OP_OPEN, open(device, O_RDWR | O_CLOEXEC));

	(void)t;
	(void)tg;
	if (fd >= 0)
		add(SYS, fd, NULL, NULL, 0);
}

/* Close any fd of the table: the system fd, a VM's under its vCPUs, a running vCPU's. */
static void op_close(struct thread *t, struct target *tg)
{
	int fd = -1;

	(void)t;
	if (tg->idx >= 0) {
		pthread_mutex_lock(&objs_lock);
		if (!objs[tg->idx].closed) {
			objs[tg->idx].closed = true;
			fd = objs[tg->idx].fd;
		}
		pthread_mutex_unlock(&objs_lock);
	}
	/* its number may be reused at once: a call holding it then hits another fd of ours */
	errno = EBADF;
	record(OP_CLOSE, fd >= 0 ? close(fd) : -1);
}

static void op_dup(struct thread *t, struct target *tg)
{
	int fd = record(OP_DUP, fcntl(tg->fd, F_DUPFD_CLOEXEC, 3));

	(void)t;
	if (fd >= 0 && tg->idx >= 0)
		add(tg->o.kind, fd, NULL, NULL, tg->o.id);
	else if (fd >= 0)
		close(fd);
}

static void op_eventfd(struct thread *t, struct target *tg)
{
	int fd = record(OP_EVENTFD, eventfd(below(t, 3), EFD_NONBLOCK | EFD_CLOEXEC));

	(void)tg;
	if (fd >= 0)
		add(EFD, fd, NULL, NULL, 0);
}

/* Signal an eventfd (an irqfd fires), or drain it. */
static void op_eventfd_write(struct thread *t, struct target *tg)
{
	uint64_t v = chance(t, 90) ? 1 : val(t);

	if (chance(t, 80))
		record(OP_EVENTFD_WRITE, write(tg->fd, &v, sizeof(v)));
	else
		record(OP_EVENTFD_WRITE, read(tg->fd, &v, sizeof(v)));
}

/*
 * Guest memory changed under the guests: new code, pages zapped, the
 * region replaced by fresh pages or taken away, write-protected, or (the
 * memfd) its file's pages punched out.
 */
static void op_memory(struct thread *t, struct target *tg)
{
	struct region *r = &regions[below(t, NR_REGIONS)];
	long ret = 0;

	(void)tg;
	pthread_mutex_lock(&r->lock);
	switch (below(t, 8)) {
	case 0:
	case 1:
	case 2:
		if (r->present && r->writable)
			fill(t, r);
		break;
	case 3:
		ret = madvise(r->base, r->size, MADV_DONTNEED);
		break;
	case 4:
		ret = map_region(r);
		break;
	case 5:
		if (r->present) {
			ret = mprotect(r->base, r->size, r->writable ? PROT_READ :
				       PROT_READ | PROT_WRITE);
			if (!ret)
				r->writable = !r->writable;
		}
		break;
	case 6:
		ret = r->present ? unmap_region(r) : map_region(r);
		break;
	default:
		if (r->memfd >= 0)
			ret = fallocate(r->memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
					below(t, r->size / PAGE) * PAGE, PAGE * (1 + below(t, 8)));
		else
			ret = madvise(r->base, r->size, MADV_FREE);
	}
	pthread_mutex_unlock(&r->lock);
	record(OP_MEMORY, ret);
}

/*
 * A child with the parent's fds and another mm: every VM, vCPU and device
 * call answers EIO there (KVM's rule, and vmm.ko's); the system fd makes
 * a VM of the child's, which its exit ends.  The child takes no lock and
 * calls nothing but ioctl and _exit: other threads may hold locks at the fork.
 */
static void op_fork(struct thread *t, struct target *tg)
{
	static const unsigned long cmds[] = {
		KVM_RUN, KVM_CREATE_VCPU, KVM_CREATE_VM, KVM_CHECK_EXTENSION, KVM_IRQ_LINE,
		KVM_SET_USER_MEMORY_REGION, KVM_GET_ONE_REG, KVM_SET_DEVICE_ATTR,
	};
	pid_t pid = fork();
	int i;

	(void)tg;
	if (!pid) {
		for (i = 0; i < 4; i++) {
			int fd = objs[below(t, NR_OBJS)].fd;

			if (fd > 2)
				ioctl(fd, PICK(t, cmds), 0UL);
		}
		_exit(0);
	}
	record(OP_FORK, pid);
	while (pid > 0 && waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* mmap of any fd, a vCPU's mostly: its kvm_run, the pages after it, offsets that are none. */
static void op_mmap(struct thread *t, struct target *tg)
{
	size_t len = PICK(t, ((const size_t[]){ PAGE, PAGE, 2 * PAGE, 3 * PAGE, 16 * PAGE })) ;
	off_t off = PICK(t, ((const off_t[]){ 0, 0, PAGE, 2 * PAGE, 64 * PAGE, 1 << 30 }));
	int prot = chance(t, 80) ? PROT_READ | PROT_WRITE : PICK(t, ((const int[]){
		PROT_READ, PROT_WRITE, PROT_READ | PROT_EXEC, PROT_NONE }));
	int flags = chance(t, 85) ? MAP_SHARED : MAP_PRIVATE;
	void *p;

	if (chance(t, 30))
		len = run_size;
	p = mmap(NULL, len, prot, flags, tg->fd, off);
	record(OP_MMAP, p == MAP_FAILED ? -1 : 0);
	if (p == MAP_FAILED)
		return;
	/* a vCPU's own kvm_run, if it has none mapped yet; else unmapped again, untouched */
	if (tg->idx >= 0 && tg->o.kind == VCPU && !off && len == run_size &&
	    flags == MAP_SHARED && prot == (PROT_READ | PROT_WRITE)) {
		pthread_mutex_lock(&objs_lock);
		if (objs[tg->idx].gen == tg->o.gen && !objs[tg->idx].run) {
			objs[tg->idx].run = p;
			p = NULL;
		}
		pthread_mutex_unlock(&objs_lock);
	}
	if (p)
		munmap(p, len);
}

/*
 * Any ioctl number of KVM's type with random bytes or a wild pointer.
 * Never KVM_SET_USER_MEMORY_REGION(2) (random bytes could map the
 * fuzzer's own memory into a guest) or KVM_SET_SIGNAL_MASK (it could
 * block the timer signal that ends a KVM_RUN); a KVM_RUN is timed.
 */
static void op_random_ioctl(struct thread *t, struct target *tg)
{
	unsigned int nr = below(t, 256), size;
	unsigned long cmd, arg;
	char bytes[256];
	size_t i;
	long ret;

	if (nr == 0x46 || nr == 0x49 || nr == 0x8b)
		nr = 0;
	size = chance(t, 80) ? PICK(t, ((const unsigned int[]){ 0, 4, 8, 16, 24, 32, 64, 128 })) :
			      below(t, 1 << 14);
	cmd = _IOC(below(t, 4), KVMIO, nr, size);
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = rnd(t);
	arg = chance(t, 80) ? (unsigned long)place(t, 0, bytes, sizeof(bytes)) : wild(t);
	if (t->timer_ok)
		arm_timer(t, 5, 10);
	ret = ctl(OP_RANDOM_IOCTL, tg->fd, cmd, arg);
	if (t->timer_ok)
		arm_timer(t, 0, 0);
	if (ret > 2 && (cmd == KVM_CREATE_VM || cmd == KVM_CREATE_VCPU || cmd == KVM_GET_STATS_FD))
		close(ret);
}

static void op_get_api_version(struct thread *t, struct target *tg)
{
	ctl(OP_GET_API_VERSION, tg->fd, KVM_GET_API_VERSION, chance(t, 90) ? 0 : val(t));
}

/* KVM_CHECK_EXTENSION on the system fd or a VM: any capability number. */
static void op_check_extension(struct thread *t, struct target *tg)
{
	ctl(OP_CHECK_EXTENSION, tg->fd, KVM_CHECK_EXTENSION,
	    chance(t, 80) ? below(t, 240) : val(t));
}

static void op_create_vm(struct thread *t, struct target *tg)
{
	unsigned long type = 0;
	int fd;

	if (chance(t, 30))
		type = KVM_VM_TYPE_ARM_IPA_SIZE(PICK(t, ((const unsigned int[]){
			1, 31, 32, 36, 40, 41, 44, 48, 52, 63 })));
	else if (chance(t, 10))
		type = val(t);
	fd = ctl(OP_CREATE_VM, tg->fd, KVM_CREATE_VM, type);
	if (fd >= 0) {
		count(&vms_made);
		add(VM, fd, NULL, NULL, 0);
	}
}

static void op_get_vcpu_mmap_size(struct thread *t, struct target *tg)
{
	ctl(OP_GET_VCPU_MMAP_SIZE, tg->fd, KVM_GET_VCPU_MMAP_SIZE, chance(t, 90) ? 0 : val(t));
}

static void op_create_vcpu(struct thread *t, struct target *tg)
{
	unsigned long id = below(t, MAX_VCPUS_PER_VM);
	struct kvm_run *run = NULL;
	int fd;

	/* past a few per VM: taken ids, or ones no VM has */
	if (chance(t, 10))
		id = tg->o.nr_vcpus < MAX_VCPUS_PER_VM ?
		     PICK(t, ((const unsigned long[]){ 15, 16, 255, 511 })) :
		     PICK(t, ((const unsigned long[]){ 512, 1023, 4096, -1UL }));
	else if (chance(t, 5))
		id = val(t);
	fd = ctl(OP_CREATE_VCPU, tg->fd, KVM_CREATE_VCPU, id);
	if (fd < 0)
		return;
	count(&vcpus_made);
	if (tg->idx >= 0) {
		pthread_mutex_lock(&objs_lock);
		objs[tg->idx].nr_vcpus++;
		pthread_mutex_unlock(&objs_lock);
	}
	if (chance(t, 90)) {
		run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (run == MAP_FAILED)
			run = NULL;
	}
	add(VCPU, fd, run, tg->idx >= 0 ? tg : NULL, id);
}

/*
 * KVM_SET_USER_MEMORY_REGION: a slot of a region (whole, or a part),
 * deleted, moved, made read-only or dirty-logged, over another, on
 * unmapped, read-only or kernel memory, huge, unaligned, wrapping,
 * beyond the IPA space, in another address space, anything.
 */
static void op_set_user_memory_region(struct thread *t, struct target *tg)
{
	struct kvm_userspace_memory_region r = { .slot = below(t, NR_HINTS) };
	const struct hint *h = &tg->o.hints[r.slot];
	struct region *reg = &regions[below(t, NR_REGIONS)];
	uint64_t off = below(t, reg->size / PAGE) * PAGE;

	switch (below(t, 10)) {
	case 0: case 1: case 2: case 3:		/* a region's pages at a slot's own place */
		r.userspace_addr = (uintptr_t)reg->base + (chance(t, 60) ? 0 : off);
		r.memory_size = chance(t, 70) ? reg->size - (r.userspace_addr - (uintptr_t)reg->base) :
						PAGE * (1 + below(t, 4));
		r.guest_phys_addr = 0x40000000 + r.slot * REGION_STRIDE;
		if (chance(t, 10))		/* over another slot, or at 0 */
			r.guest_phys_addr = chance(t, 50) ? 0 : 0x40000000 +
					    below(t, NR_HINTS) * REGION_STRIDE + off;
		break;
	case 4:					/* deleted */
		r.guest_phys_addr = h->gpa;
		r.userspace_addr = h->hva;
		break;
	case 5:					/* moved, or set again unchanged */
		r.userspace_addr = h->hva;
		r.memory_size = h->size;
		r.flags = h->flags;
		r.guest_phys_addr = chance(t, 20) ? h->gpa : h->gpa + (below(t, 64) - 32) * PAGE;
		break;
	case 6:					/* unmapped, read-only, kernel memory */
		r.guest_phys_addr = 0x40000000 + r.slot * REGION_STRIDE;
		r.userspace_addr = PICK(t, ((const uint64_t[]){
			(uintptr_t)arena, (uintptr_t)ro_page, 0, KERNEL_ADDR, 1ULL << 48 }));
		r.memory_size = PAGE * (1 + below(t, 16));
		break;
	case 7:					/* huge, in empty space */
		r.userspace_addr = EMPTY_BASE + (below(t, EMPTY_SPAN / 2) & ~(PAGE - 1));
		r.memory_size = 1ULL << (21 + below(t, 20));
		r.guest_phys_addr = gpa(t, NULL) & ~(PAGE - 1);
		break;
	case 8:					/* the live slot's size, address or flags changed */
		r.userspace_addr = h->hva + (chance(t, 50) ? PAGE : 0);
		r.memory_size = h->size + (chance(t, 50) ? PAGE : 0);
		r.guest_phys_addr = h->gpa;
		r.flags = h->flags ^ KVM_MEM_READONLY;
		break;
	default:				/* anything */
		r.userspace_addr = chance(t, 50) ? (uintptr_t)reg->base + val(t) : val(t);
		r.memory_size = val(t);
		r.guest_phys_addr = val(t);
		r.flags = val(t);
	}
	if (chance(t, 10))
		r.flags ^= chance(t, 70) ? KVM_MEM_READONLY : KVM_MEM_LOG_DIRTY_PAGES;
	if (chance(t, 5))
		r.slot = PICK(t, ((const uint32_t[]){ 31, 32, 509, 512, 1 << 16, 0xffff, -1U }));
	if (chance(t, 3))
		r.guest_phys_addr |= below(t, PAGE);
	confine(&r.userspace_addr, &r.memory_size);
	if (ctl(OP_SET_USER_MEMORY_REGION, tg->fd, KVM_SET_USER_MEMORY_REGION,
		PLACE(t, 0, r)) || tg->idx < 0 || r.slot >= NR_HINTS)
		return;
	pthread_mutex_lock(&objs_lock);
	if (objs[tg->idx].gen == tg->o.gen)
		objs[tg->idx].hints[r.slot] = (struct hint){
			.gpa = r.guest_phys_addr, .size = r.memory_size,
			.hva = r.userspace_addr, .flags = r.flags,
		};
	pthread_mutex_unlock(&objs_lock);
}

static void op_arm_preferred_target(struct thread *t, struct target *tg)
{
	ctl(OP_ARM_PREFERRED_TARGET, tg->fd, KVM_ARM_PREFERRED_TARGET,
	    (unsigned long)place(t, 0, NULL, sizeof(struct kvm_vcpu_init)));
}

/* KVM_CREATE_DEVICE: a vGICv3 mostly, or v2, an ITS, anything; or only asked. */
static void op_create_device(struct thread *t, struct target *tg)
{
	struct kvm_create_device cd = {
		.type = PICK(t, ((const uint32_t[]){ KVM_DEV_TYPE_ARM_VGIC_V3,
			KVM_DEV_TYPE_ARM_VGIC_V3, KVM_DEV_TYPE_ARM_VGIC_V3,
			KVM_DEV_TYPE_ARM_VGIC_V2, KVM_DEV_TYPE_ARM_VGIC_ITS,
			KVM_DEV_TYPE_ARM_VGIC_ITS })),
		.fd = rnd(t),
	};
	char *p;

	if (chance(t, 10))
		cd.type = chance(t, 50) ? below(t, 16) : val(t);
	if (chance(t, 10))
		cd.flags = chance(t, 50) ? KVM_CREATE_DEVICE_TEST : val(t);
	p = place(t, 0, &cd, sizeof(cd));
	/* the new fd is read back where the kernel wrote it (perhaps misaligned) */
	if (ctl(OP_CREATE_DEVICE, tg->fd, KVM_CREATE_DEVICE, (unsigned long)p) ||
	    p < t->scratch || p + sizeof(cd) > t->scratch + SCRATCH_SIZE ||
	    (cd.flags & KVM_CREATE_DEVICE_TEST))
		return;
	memcpy(&cd, p, sizeof(cd));
	add(DEV, cd.fd, NULL, tg->idx >= 0 ? tg : NULL, cd.type);
}

/* KVM_IRQ_LINE: the CPU's lines, PPIs, SPIs, any vCPU index (both fields), any level. */
static void op_irq_line(struct thread *t, struct target *tg)
{
	uint32_t type = chance(t, 90) ? below(t, 3) : below(t, 16);
	uint32_t vcpu = chance(t, 90) ? below(t, MAX_VCPUS_PER_VM) : below(t, 4096);
	uint32_t num = type == KVM_ARM_IRQ_TYPE_CPU ? below(t, 3) :
		       type == KVM_ARM_IRQ_TYPE_PPI ? below(t, 40) :
		       chance(t, 80) ? 32 + below(t, 128) : below(t, 0x10000);
	struct kvm_irq_level irq = {
		.irq = type << KVM_ARM_IRQ_TYPE_SHIFT | (vcpu & 0xff) << KVM_ARM_IRQ_VCPU_SHIFT |
		       (vcpu >> 8) << KVM_ARM_IRQ_VCPU2_SHIFT | num,
		.level = chance(t, 90) ? below(t, 2) : val(t),
	};

	if (chance(t, 3))
		irq.irq = rnd(t);
	ctl(OP_IRQ_LINE, tg->fd, KVM_IRQ_LINE, PLACE(t, 0, irq));
}

static int some_eventfd(struct thread *t)
{
	struct target e;
	int fd;

	if (!get(t, K(EFD), &e))
		return bogus_fd(t);
	fd = e.fd;		/* may be closed and reused meanwhile: a case too */
	put(&e);
	return fd;
}

static void op_irqfd(struct thread *t, struct target *tg)
{
	struct kvm_irqfd irqfd = {
		.fd = some_eventfd(t),
		.gsi = chance(t, 80) ? below(t, 128) : val(t),
		.resamplefd = some_eventfd(t),
	};

	if (chance(t, 30))
		irqfd.flags |= KVM_IRQFD_FLAG_DEASSIGN;
	if (chance(t, 30))
		irqfd.flags |= KVM_IRQFD_FLAG_RESAMPLE;
	if (chance(t, 5))
		irqfd.flags = val(t);
	ctl(OP_IRQFD, tg->fd, KVM_IRQFD, PLACE(t, 0, irqfd));
}

static void op_ioeventfd(struct thread *t, struct target *tg)
{
	struct kvm_ioeventfd io = {
		.datamatch = chance(t, 50) ? below(t, 4) : val(t),
		.addr = gpa(t, &tg->o),
		.len = PICK(t, ((const uint32_t[]){ 0, 1, 2, 4, 8, 8, 3, 16 })),
		.fd = some_eventfd(t),
	};

	if (chance(t, 40))
		io.flags |= KVM_IOEVENTFD_FLAG_DATAMATCH;
	if (chance(t, 30))
		io.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
	if (chance(t, 10))
		io.flags |= chance(t, 50) ? KVM_IOEVENTFD_FLAG_PIO : KVM_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY;
	if (chance(t, 5))
		io.flags = val(t);
	ctl(OP_IOEVENTFD, tg->fd, KVM_IOEVENTFD, PLACE(t, 0, io));
}

static void op_signal_msi(struct thread *t, struct target *tg)
{
	struct kvm_msi msi = {
		.address_lo = chance(t, 50) ? 0x08080040 : val(t),
		.address_hi = chance(t, 80) ? 0 : val(t),
		.data = chance(t, 80) ? below(t, 64) : val(t),
		.flags = chance(t, 50) ? KVM_MSI_VALID_DEVID : val(t),
		.devid = below(t, 16),
	};

	ctl(OP_SIGNAL_MSI, tg->fd, KVM_SIGNAL_MSI, PLACE(t, 0, msi));
}

static void op_arm_set_device_addr(struct thread *t, struct target *tg)
{
	struct kvm_arm_device_addr a = {
		.id = (uint64_t)below(t, 3) << KVM_ARM_DEVICE_ID_SHIFT | below(t, 4),
		.addr = chance(t, 50) ? 0x08000000 + below(t, 16) * 0x10000 : gpa(t, NULL),
	};

	if (chance(t, 10))
		a.id = val(t);
	ctl(OP_ARM_SET_DEVICE_ADDR, tg->fd, KVM_ARM_SET_DEVICE_ADDR, PLACE(t, 0, a));
}

/* KVM_ENABLE_CAP on a VM or vCPU: arm64's capabilities (halt polling kept short), anything. */
static void op_enable_cap(struct thread *t, struct target *tg)
{
	struct kvm_enable_cap cap = {
		.cap = PICK(t, ((const uint32_t[]){ KVM_CAP_ARM_NISV_TO_USER, KVM_CAP_ARM_MTE,
			KVM_CAP_ARM_SYSTEM_SUSPEND, KVM_CAP_HALT_POLL, KVM_CAP_DIRTY_LOG_RING,
			KVM_CAP_DIRTY_LOG_RING_ACQ_REL, KVM_CAP_MANUAL_DIRTY_LOG_PROTECT2 })),
		.flags = chance(t, 90) ? 0 : val(t),
		.args = { chance(t, 50) ? below(t, 4) : 1ULL << below(t, 20), val(t) },
	};

	if (chance(t, 10))
		cap.cap = val(t);
	if (cap.cap == KVM_CAP_HALT_POLL)
		cap.args[0] &= 0xfffff;		/* at most 1 ms of busy waiting in WFI */
	ctl(OP_ENABLE_CAP, tg->fd, KVM_ENABLE_CAP, PLACE(t, 0, cap));
}

static void op_get_dirty_log(struct thread *t, struct target *tg)
{
	struct kvm_dirty_log log = {
		.slot = chance(t, 90) ? below(t, NR_HINTS) : val(t),
		.dirty_bitmap = chance(t, 80) ? t->scratch + PAGE : (void *)(uintptr_t)wild(t),
	};

	ctl(OP_GET_DIRTY_LOG, tg->fd, KVM_GET_DIRTY_LOG, PLACE(t, 0, log));
}

/*
 * A device attribute of an in-kernel GIC (v3, v2 or ITS), as its groups
 * lay them out; the set-up a GICv3 needs before a run (its frames'
 * addresses, CTRL_INIT) often, so that guests run with one too.
 */
static void gic_attr(struct thread *t, struct kvm_device_attr *a, uint64_t *v)
{
	static const uint32_t icc[] = {	/* ICC_*_EL1 in the attribute's encoding */
		0xc230, 0xc643, 0xc644, 0xc645, 0xc646, 0xc647, 0xc648, 0xc649, 0xc64a, 0xc64b,
		0xc663, 0xc664, 0xc665, 0xc666, 0xc667,
	};

	a->group = PICK(t, ((const uint64_t[]){ KVM_DEV_ARM_VGIC_GRP_ADDR,
		KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_DEV_ARM_VGIC_GRP_NR_IRQS,
		KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_GRP_CTRL, below(t, 9), below(t, 9),
		below(t, 9), chance(t, 50) ? below(t, 16) : val(t) }));
	a->attr = val(t);
	*v = val(t);
	switch (a->group) {
	case KVM_DEV_ARM_VGIC_GRP_ADDR:
		a->attr = chance(t, 60) ? KVM_VGIC_V3_ADDR_TYPE_DIST + below(t, 2) :
			  chance(t, 90) ? below(t, 6) : val(t);
		*v = PICK(t, ((const uint64_t[]){ 0x08000000, 0x08000000, 0x080a0000, 0x080a0000,
			0x08080000, 0x08010000, 1ULL << 40, 0x08000001, *v }));
		if (a->attr == KVM_VGIC_V3_ADDR_TYPE_REDIST_REGION)
			*v = (uint64_t)below(t, 16) << 52 | 0x080a0000 | below(t, 2);
		if (a->attr == KVM_VGIC_V3_ADDR_TYPE_REDIST && chance(t, 50))
			*v = 0x080a0000;
		if (a->attr == KVM_VGIC_V3_ADDR_TYPE_DIST && chance(t, 50))
			*v = 0x08000000;
		break;
	case KVM_DEV_ARM_VGIC_GRP_NR_IRQS:
		*v = PICK(t, ((const uint64_t[]){ 64, 96, 128, 256, 992, 1024, 32, 33, *v }));
		break;
	case KVM_DEV_ARM_VGIC_GRP_CTRL:
		a->attr = chance(t, 90) ? below(t, 5) : val(t);
		if (chance(t, 60))
			a->attr = KVM_DEV_ARM_VGIC_CTRL_INIT;
		break;
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_ITS_REGS:
		a->attr = attr_mpidr(t) | (below(t, 0x20000) & ~(chance(t, 90) ? 3ULL : 0));
		break;
	case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
		a->attr = attr_mpidr(t) | (chance(t, 80) ? PICK(t, icc) : below(t, 0x10000));
		break;
	case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO:
		a->attr = attr_mpidr(t) | (uint64_t)below(t, 2) << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT |
			  (below(t, 1024) & ~(chance(t, 90) ? 31ULL : 0));
		break;
	}
}

/* A vCPU attribute: the PMU's interrupt, init, event filter and PMU; the timers' PPIs; PV time. */
static void vcpu_attr(struct thread *t, struct kvm_device_attr *a, uint64_t *v)
{
	a->group = chance(t, 90) ? below(t, 3) : val(t);
	a->attr = chance(t, 90) ? below(t, 4) : val(t);
	*v = chance(t, 70) ? 16 + below(t, 16) : val(t);
	if (a->group == KVM_ARM_VCPU_PVTIME_CTRL)
		*v = gpa(t, NULL) & ~63ULL;
}

/*
 * KVM_SET/GET/HAS_DEVICE_ATTR, on an in-kernel device or a vCPU; with no
 * device yet, one is made.
 */
static void device_attr(struct thread *t, int op, unsigned long cmd)
{
	struct kvm_device_attr a = { 0 };
	struct kvm_pmu_event_filter f = {
		.base_event = below(t, 0x40), .nevents = val(t), .action = below(t, 3),
	};
	bool vcpu = chance(t, 40);
	struct target tg;
	uint64_t v;

	if (!get(t, vcpu ? K(VCPU) : K(DEV), &tg)) {
		if (!vcpu && get(t, K(VM), &tg)) {
			op_create_device(t, &tg);
			put(&tg);
		}
		return;
	}
	if (vcpu)
		vcpu_attr(t, &a, &v);
	else
		gic_attr(t, &a, &v);
	a.flags = chance(t, 95) ? 0 : val(t);
	a.addr = chance(t, 90) ? (uintptr_t)place(t, 1, &v, sizeof(v)) : wild(t);
	/* the PMU's event filter is the structure itself, not a value */
	if (vcpu && a.group == KVM_ARM_VCPU_PMU_V3_CTRL && a.attr == KVM_ARM_VCPU_PMU_V3_FILTER)
		a.addr = (uintptr_t)place(t, 1, &f, sizeof(f));
	ctl(op, tg.fd, cmd, PLACE(t, 0, a));
	put(&tg);
}

static void op_set_device_attr(struct thread *t, struct target *tg)
{
	(void)tg;
	device_attr(t, OP_SET_DEVICE_ATTR, KVM_SET_DEVICE_ATTR);
}

static void op_get_device_attr(struct thread *t, struct target *tg)
{
	(void)tg;
	device_attr(t, OP_GET_DEVICE_ATTR, KVM_GET_DEVICE_ATTR);
}

static void op_has_device_attr(struct thread *t, struct target *tg)
{
	(void)tg;
	device_attr(t, OP_HAS_DEVICE_ATTR, KVM_HAS_DEVICE_ATTR);
}

/* ---- vCPUs ------------------------------------------------------------------- */

#define CORE_ID(size, field)	(KVM_REG_ARM64 | (size) | KVM_REG_ARM_CORE | \
				 offsetof(struct kvm_regs, field) / 4)
#define CORE_X(n)	(CORE_ID(KVM_REG_SIZE_U64, regs.regs[0]) + 2 * (n))
#define CORE_PC		CORE_ID(KVM_REG_SIZE_U64, regs.pc)
#define CORE_PSTATE	CORE_ID(KVM_REG_SIZE_U64, regs.pstate)

/* A register id: core (every size, valid or not), system, firmware, timer, SVE, anything. */
static uint64_t reg_id(struct thread *t)
{
	static const uint64_t sys[] = {
		ARM64_SYS_REG(3, 0, 1, 0, 0), ARM64_SYS_REG(3, 0, 2, 0, 0), ARM64_SYS_REG(3, 0, 2, 0, 2),
		ARM64_SYS_REG(3, 0, 10, 2, 0), ARM64_SYS_REG(3, 0, 12, 0, 0), ARM64_SYS_REG(3, 0, 0, 0, 5),
		ARM64_SYS_REG(3, 0, 0, 4, 0), ARM64_SYS_REG(3, 0, 0, 7, 0), ARM64_SYS_REG(2, 0, 0, 2, 2),
		ARM64_SYS_REG(2, 0, 0, 0, 4), ARM64_SYS_REG(2, 0, 0, 15, 7), ARM64_SYS_REG(3, 3, 9, 12, 0),
		ARM64_SYS_REG(3, 0, 14, 1, 0), ARM64_SYS_REG(3, 3, 13, 0, 2), ARM64_SYS_REG(3, 0, 5, 2, 0),
		KVM_REG_ARM_TIMER_CTL, KVM_REG_ARM_TIMER_CNT, KVM_REG_ARM_TIMER_CVAL,
		KVM_REG_ARM_PTIMER_CTL, KVM_REG_ARM_PTIMER_CNT, KVM_REG_ARM_PTIMER_CVAL,
	};
	static const uint64_t fw[] = {
		KVM_REG_ARM_PSCI_VERSION, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1,
		KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2, KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3,
		KVM_REG_ARM_STD_BMAP, KVM_REG_ARM_STD_HYP_BMAP, KVM_REG_ARM_VENDOR_HYP_BMAP,
		KVM_REG_ARM64_SVE_VLS, KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX |
		KVM_REG_ARM_DEMUX_ID_CCSIDR,
	};

	switch (below(t, 12)) {
	case 0: case 1: case 2:
		return CORE_X(below(t, 41));		/* x0-x30 .. spsr[] */
	case 3:
		return CORE_ID(KVM_REG_SIZE_U128, fp_regs.vregs[0]) + 4 * below(t, 32);
	case 4:
		return CORE_ID(KVM_REG_SIZE_U32, fp_regs.fpsr) + below(t, 2);
	case 5:				/* a core offset and size, any */
		return KVM_REG_ARM64 | KVM_REG_ARM_CORE | (uint64_t)below(t, 8) << KVM_REG_SIZE_SHIFT |
		       below(t, 256);
	case 6: case 7:
		return PICK(t, sys);
	case 8:
		return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | (rnd(t) & 0xffff);
	case 9:
		return PICK(t, fw);
	case 10:
		return chance(t, 50) ? KVM_REG_ARM64_SVE_ZREG(below(t, 32), 0) :
				       KVM_REG_ARM64_SVE_PREG(below(t, 16), 0);
	default:
		return chance(t, 50) ? KVM_REG_ARM64 | (rnd(t) & 0x00ffffffffffffffULL) : rnd(t);
	}
}

/* A value for register @id: a PSTATE of some mode, a PC in memory, the edges. */
static uint64_t reg_val(struct thread *t, uint64_t id, const struct obj *vm)
{
	if (id == CORE_PSTATE)
		return PICK(t, ((const uint64_t[]){ 0x3c5, 0x3c4, 0x3c0, 0x5, 0x4, 0x0, 0x10, 0x13,
			0x3c9, 0x1f })) | (chance(t, 90) ? 0 : rnd(t) & ~0x1fULL);
	if (id == CORE_PC || chance(t, 30))
		return gpa(t, vm);
	return val(t);
}

static long set_reg(struct thread *t, int fd, uint64_t id, uint64_t v)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)t->scratch + 2 * PAGE };

	memcpy(t->scratch + 2 * PAGE, &v, sizeof(v));
	return ctl(OP_SET_ONE_REG, fd, KVM_SET_ONE_REG, (uintptr_t)&reg);
}

/*
 * KVM_ARM_VCPU_INIT, the preferred target mostly, with PSCI 0.2 and
 * perhaps POWER_OFF, or any features (32-bit EL1, the PMU, SVE, pointer
 * authentication), or any target; once it took, the vCPU's PC is put in
 * a memslot and its first registers pointed at the VM's memory.
 */
static void op_arm_vcpu_init(struct thread *t, struct target *tg)
{
	struct kvm_vcpu_init init = { .target = KVM_ARM_TARGET_GENERIC_V8 };
	struct obj vm = { 0 };
	bool have_vm = vm_of(tg, &vm);
	unsigned int i;

	if (have_vm && chance(t, 50)) {
		struct target v;

		if (get_idx(tg->o.vm, tg->o.vm_gen, VM, &v)) {
			ctl(OP_ARM_PREFERRED_TARGET, v.fd, KVM_ARM_PREFERRED_TARGET,
			    (uintptr_t)&init);
			put(&v);
		}
	}
	init.features[0] = 1U << KVM_ARM_VCPU_PSCI_0_2 |
			   (chance(t, 20) ? 1U << KVM_ARM_VCPU_POWER_OFF : 0);
	if (chance(t, 25))
		init.features[0] = below(t, 0x100);
	if (chance(t, 3))
		init.features[below(t, 7)] = rnd(t);
	if (chance(t, 5))
		init.target = chance(t, 50) ? below(t, 16) : val(t);
	if (ctl(OP_ARM_VCPU_INIT, tg->fd, KVM_ARM_VCPU_INIT, PLACE(t, 0, init)) ||
	    chance(t, 20))
		return;
	set_reg(t, tg->fd, CORE_PC, have_vm ? gpa(t, &vm) & ~3ULL : 0x40000000);
	for (i = 1; i <= 4; i++)
		set_reg(t, tg->fd, CORE_X(i), gpa(t, have_vm ? &vm : NULL));
}

static const char *const exit_names[NR_EXITS] = {
	[KVM_EXIT_UNKNOWN] = "UNKNOWN", [KVM_EXIT_DEBUG] = "DEBUG", [KVM_EXIT_MMIO] = "MMIO",
	[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY", [KVM_EXIT_INTR] = "INTR",
	[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR", [KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	[KVM_EXIT_ARM_NISV] = "ARM_NISV",
};

/*
 * KVM_RUN, ended by this thread's timer (first after 1-20 ms, then every
 * 10 ms until it returns), or at once by immediate_exit; sometimes with
 * the kvm_run page scribbled over first.  An MMIO read gets random data.
 */
static void op_run(struct thread *t, struct target *tg)
{
	struct kvm_run *run = tg->o.run;
	unsigned int i;
	long ret;

	if (!t->timer_ok && (!run || tg->idx < 0))
		return;		/* nothing would make it return */
	if (run) {
		if (chance(t, 5))
			for (i = 0; i < 256; i++)
				((volatile uint8_t *)run)[i] = rnd(t);
		run->immediate_exit = !t->timer_ok || chance(t, 15);
	}
	if (t->timer_ok)
		arm_timer(t, 1 + below(t, 20), 10);
	ret = ctl(OP_RUN, tg->fd, KVM_RUN, chance(t, 97) ? 0 : val(t));
	if (t->timer_ok)
		arm_timer(t, 0, 0);
	if (!run)
		return;
	if (!ret || errno == EINTR)
		count(&exits[run->exit_reason < NR_EXITS ? run->exit_reason : NR_EXITS - 1]);
	if (!ret && run->exit_reason == KVM_EXIT_MMIO && !run->mmio.is_write)
		for (i = 0; i < sizeof(run->mmio.data); i++)
			run->mmio.data[i] = rnd(t);
}

static void op_get_one_reg(struct thread *t, struct target *tg)
{
	struct kvm_one_reg reg = {
		.id = reg_id(t),
		.addr = chance(t, 90) ? (uintptr_t)place(t, 2, NULL, 256) : wild(t),
	};

	ctl(OP_GET_ONE_REG, tg->fd, KVM_GET_ONE_REG, PLACE(t, 0, reg));
}

static void op_set_one_reg(struct thread *t, struct target *tg)
{
	uint64_t v[32];
	struct kvm_one_reg reg = { .id = reg_id(t) };
	struct obj vm = { 0 };
	bool have_vm = vm_of(tg, &vm);
	unsigned int i;

	for (i = 0; i < 32; i++)
		v[i] = val(t);
	v[0] = reg_val(t, reg.id, have_vm ? &vm : NULL);
	reg.addr = chance(t, 90) ? (uintptr_t)place(t, 2, v, sizeof(v)) : wild(t);
	ctl(OP_SET_ONE_REG, tg->fd, KVM_SET_ONE_REG, PLACE(t, 0, reg));
}

/* KVM_GET_REG_LIST: no room, too little, enough, more than the scratch holds. */
static void op_get_reg_list(struct thread *t, struct target *tg)
{
	struct kvm_reg_list l = {
		.n = PICK(t, ((const uint64_t[]){ 0, 1, 100, 400, 600, 1000, 10000, -1ULL })),
	};
	char *p = place(t, 0, &l, sizeof(l));

	ctl(OP_GET_REG_LIST, tg->fd, KVM_GET_REG_LIST, (uintptr_t)p);
}

static void op_set_guest_debug(struct thread *t, struct target *tg)
{
	struct kvm_guest_debug dbg = { .control = 0 };
	unsigned int i;

	if (chance(t, 80))
		dbg.control = KVM_GUESTDBG_ENABLE |
			      (chance(t, 50) ? KVM_GUESTDBG_SINGLESTEP : 0) |
			      (chance(t, 30) ? KVM_GUESTDBG_USE_SW_BP : 0) |
			      (chance(t, 30) ? KVM_GUESTDBG_USE_HW : 0);
	else if (chance(t, 50))
		dbg.control = val(t);
	for (i = 0; i < KVM_ARM_MAX_DBG_REGS; i++) {
		dbg.arch.dbg_bcr[i] = chance(t, 80) ? 0 : val(t);
		dbg.arch.dbg_bvr[i] = gpa(t, NULL);
		dbg.arch.dbg_wcr[i] = chance(t, 80) ? 0 : val(t);
		dbg.arch.dbg_wvr[i] = gpa(t, NULL);
	}
	ctl(OP_SET_GUEST_DEBUG, tg->fd, KVM_SET_GUEST_DEBUG, PLACE(t, 0, dbg));
}

static void op_get_mp_state(struct thread *t, struct target *tg)
{
	ctl(OP_GET_MP_STATE, tg->fd, KVM_GET_MP_STATE,
	    (uintptr_t)place(t, 0, NULL, sizeof(struct kvm_mp_state)));
}

static void op_set_mp_state(struct thread *t, struct target *tg)
{
	struct kvm_mp_state mp = {
		.mp_state = chance(t, 70) ? PICK(t, ((const uint32_t[]){ KVM_MP_STATE_RUNNABLE,
			KVM_MP_STATE_STOPPED, KVM_MP_STATE_SUSPENDED })) : val(t),
	};

	ctl(OP_SET_MP_STATE, tg->fd, KVM_SET_MP_STATE, PLACE(t, 0, mp));
}

static void op_arm_vcpu_finalize(struct thread *t, struct target *tg)
{
	int what = chance(t, 80) ? KVM_ARM_VCPU_SVE : (int)val(t);

	ctl(OP_ARM_VCPU_FINALIZE, tg->fd, KVM_ARM_VCPU_FINALIZE, PLACE(t, 0, what));
}

static void op_get_vcpu_events(struct thread *t, struct target *tg)
{
	ctl(OP_GET_VCPU_EVENTS, tg->fd, KVM_GET_VCPU_EVENTS,
	    (uintptr_t)place(t, 0, NULL, sizeof(struct kvm_vcpu_events)));
}

/* A virtual SError (with a syndrome or not), an external abort, or reserved bits set. */
static void op_set_vcpu_events(struct thread *t, struct target *tg)
{
	struct kvm_vcpu_events ev = { 0 };

	ev.exception.serror_pending = chance(t, 50);
	ev.exception.serror_has_esr = chance(t, 50);
	ev.exception.ext_dabt_pending = chance(t, 30);
	ev.exception.serror_esr = chance(t, 70) ? below(t, 1 << 24) : val(t);
	if (chance(t, 10))
		ev.exception.pad[below(t, 5)] = rnd(t);
	if (chance(t, 10))
		ev.reserved[below(t, 12)] = rnd(t);
	ctl(OP_SET_VCPU_EVENTS, tg->fd, KVM_SET_VCPU_EVENTS, PLACE(t, 0, ev));
}

/*
 * KVM_SET_SIGNAL_MASK: the mask KVM_RUN runs with, or none (NULL).  It
 * never blocks SIGUSR1, the timer signal that ends each KVM_RUN.
 */
static void op_set_signal_mask(struct thread *t, struct target *tg)
{
	struct {			/* struct kvm_signal_mask, with the kernel's 8-byte set */
		uint32_t	len;
		uint64_t	set;
	} __attribute__((packed)) s = {
		.len = chance(t, 80) ? 8 : val(t),
		.set = rnd(t) & ~(1ULL << (SIGUSR1 - 1)),
	};

	ctl(OP_SET_SIGNAL_MASK, tg->fd, KVM_SET_SIGNAL_MASK,
	    chance(t, 20) ? 0 : PLACE(t, 0, s));
}

/* ---- the loop ------------------------------------------------------------------ */

static const struct op_desc {
	const char	*name;
	unsigned int	weight;
	unsigned int	kinds;		/* what it acts on; 0: nothing */
	void		(*fn)(struct thread *t, struct target *tg);
} ops[NR_OPS] = {
	[OP_OPEN]		= { "open", 4, 0, op_open },
	[OP_CLOSE]		= { "close", 25, ANY, op_close },
	[OP_DUP]		= { "dup", 5, ANY, op_dup },
	[OP_EVENTFD]		= { "eventfd", 6, 0, op_eventfd },
	[OP_EVENTFD_WRITE]	= { "eventfd-signal", 12, K(EFD), op_eventfd_write },
	[OP_MEMORY]		= { "guest-memory", 15, 0, op_memory },
	[OP_FORK]		= { "fork", 2, 0, op_fork },
	[OP_MMAP]		= { "mmap", 10, ANY, op_mmap },
	[OP_RANDOM_IOCTL]	= { "random-ioctl", 20, ANY, op_random_ioctl },
	[OP_GET_API_VERSION]	= { "KVM_GET_API_VERSION", 4, K(SYS), op_get_api_version },
	[OP_CHECK_EXTENSION]	= { "KVM_CHECK_EXTENSION", 25, K(SYS) | K(VM), op_check_extension },
	[OP_CREATE_VM]		= { "KVM_CREATE_VM", 30, K(SYS), op_create_vm },
	[OP_GET_VCPU_MMAP_SIZE]	= { "KVM_GET_VCPU_MMAP_SIZE", 4, K(SYS), op_get_vcpu_mmap_size },
	[OP_CREATE_VCPU]	= { "KVM_CREATE_VCPU", 45, K(VM), op_create_vcpu },
	[OP_SET_USER_MEMORY_REGION] = { "KVM_SET_USER_MEMORY_REGION", 70, K(VM),
					op_set_user_memory_region },
	[OP_ARM_PREFERRED_TARGET] = { "KVM_ARM_PREFERRED_TARGET", 10, K(VM), op_arm_preferred_target },
	[OP_CREATE_DEVICE]	= { "KVM_CREATE_DEVICE", 30, K(VM), op_create_device },
	[OP_IRQ_LINE]		= { "KVM_IRQ_LINE", 40, K(VM), op_irq_line },
	[OP_IRQFD]		= { "KVM_IRQFD", 25, K(VM), op_irqfd },
	[OP_IOEVENTFD]		= { "KVM_IOEVENTFD", 15, K(VM), op_ioeventfd },
	[OP_SIGNAL_MSI]		= { "KVM_SIGNAL_MSI", 8, K(VM), op_signal_msi },
	[OP_ARM_SET_DEVICE_ADDR] = { "KVM_ARM_SET_DEVICE_ADDR", 6, K(VM), op_arm_set_device_addr },
	[OP_ENABLE_CAP]		= { "KVM_ENABLE_CAP", 8, K(VM) | K(VCPU), op_enable_cap },
	[OP_GET_DIRTY_LOG]	= { "KVM_GET_DIRTY_LOG", 6, K(VM), op_get_dirty_log },
	[OP_SET_DEVICE_ATTR]	= { "KVM_SET_DEVICE_ATTR", 60, 0, op_set_device_attr },
	[OP_GET_DEVICE_ATTR]	= { "KVM_GET_DEVICE_ATTR", 20, 0, op_get_device_attr },
	[OP_HAS_DEVICE_ATTR]	= { "KVM_HAS_DEVICE_ATTR", 15, 0, op_has_device_attr },
	[OP_ARM_VCPU_INIT]	= { "KVM_ARM_VCPU_INIT", 50, K(VCPU), op_arm_vcpu_init },
	[OP_RUN]		= { "KVM_RUN", 120, K(VCPU), op_run },
	[OP_GET_ONE_REG]	= { "KVM_GET_ONE_REG", 40, K(VCPU), op_get_one_reg },
	[OP_SET_ONE_REG]	= { "KVM_SET_ONE_REG", 70, K(VCPU), op_set_one_reg },
	[OP_GET_REG_LIST]	= { "KVM_GET_REG_LIST", 12, K(VCPU), op_get_reg_list },
	[OP_SET_GUEST_DEBUG]	= { "KVM_SET_GUEST_DEBUG", 12, K(VCPU), op_set_guest_debug },
	[OP_GET_MP_STATE]	= { "KVM_GET_MP_STATE", 8, K(VCPU), op_get_mp_state },
	[OP_SET_MP_STATE]	= { "KVM_SET_MP_STATE", 12, K(VCPU), op_set_mp_state },
	[OP_ARM_VCPU_FINALIZE]	= { "KVM_ARM_VCPU_FINALIZE", 8, K(VCPU), op_arm_vcpu_finalize },
	[OP_GET_VCPU_EVENTS]	= { "KVM_GET_VCPU_EVENTS", 8, K(VCPU), op_get_vcpu_events },
	[OP_SET_VCPU_EVENTS]	= { "KVM_SET_VCPU_EVENTS", 15, K(VCPU), op_set_vcpu_events },
	[OP_SET_SIGNAL_MASK]	= { "KVM_SET_SIGNAL_MASK", 8, K(VCPU), op_set_signal_mask },
};

/* The call that makes a @kind when none is there. */
static const enum op maker[NR_KINDS] = {
	[SYS] = OP_OPEN, [VM] = OP_CREATE_VM, [VCPU] = OP_CREATE_VCPU,
	[DEV] = OP_CREATE_DEVICE, [EFD] = OP_EVENTFD,
};

static unsigned int weights;
static double deadline;

static enum op pick_op(struct thread *t)
{
	unsigned int i, w = below(t, weights);

	for (i = 0; i < NR_OPS - 1 && w >= ops[i].weight; i++)
		w -= ops[i].weight;
	return i;
}

/* One call: if nothing of its kind lives, the call that makes one (its maker's maker...). */
static void one_call(struct thread *t)
{
	enum op op = pick_op(t);
	struct target tg = { .idx = -1, .fd = -1 };
	unsigned int depth, k;

	for (depth = 0; depth < 4; depth++) {
		if (!ops[op].kinds || get(t, ops[op].kinds, &tg))
			break;
		for (k = SYS; !(ops[op].kinds & K(k)); k++)
			;
		op = maker[k];
	}
	__atomic_store_n(&t->since_ms, (int64_t)(now() * 1000), __ATOMIC_RELAXED);
	__atomic_store_n(&t->op, op, __ATOMIC_RELEASE);
	ops[op].fn(t, &tg);
	__atomic_store_n(&t->op, -1, __ATOMIC_RELEASE);
	if (ops[op].kinds)
		put(&tg);
}

static void *worker(void *arg)
{
	struct thread *t = arg;
	struct sigevent sev = {
		.sigev_notify = SIGEV_THREAD_ID,
		.sigev_signo = SIGUSR1,
	};

	sev._sigev_un._tid = gettid();
	t->timer_ok = !timer_create(CLOCK_MONOTONIC, &sev, &t->timer);
	if (!t->timer_ok)
		fprintf(stderr, "ioctl-fuzz: thread %u: timer_create: %s: only immediate_exit ends KVM_RUN\n",
			t->nr, strerror(errno));
	while (__atomic_load_n(&calls_made, __ATOMIC_RELAXED) < calls_max && now() < deadline)
		one_call(t);
	if (t->timer_ok)
		timer_delete(t->timer);
	__atomic_store_n(&t->done, true, __ATOMIC_RELEASE);
	return NULL;
}

/* ---- set-up and the summary ------------------------------------------------------- */

static int setup_memory(uint64_t seed)
{
	struct thread boot = { .rng = seed ^ 0x6d656d6f7279ULL };
	char *p = mmap(NULL, ARENA_SIZE + (2 << 20), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	unsigned int i;

	if (p == MAP_FAILED)
		return -1;
	arena = (char *)(((uintptr_t)p + (2 << 20) - 1) & ~((2UL << 20) - 1));
	ro_page = arena + REGION_STRIDE / 2;
	if (mmap(ro_page, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
	    MAP_FAILED)
		return -1;
	for (i = 0; i < NR_REGIONS; i++) {
		struct region *r = &regions[i];

		pthread_mutex_init(&r->lock, NULL);
		r->base = arena + (i + 1) * REGION_STRIDE;
		r->size = region_sizes[i];
		r->memfd = -1;
		if (i == MEMFD_REGION) {
			r->memfd = memfd_create("ioctl-fuzz", MFD_CLOEXEC);
			if (r->memfd < 0 || ftruncate(r->memfd, r->size))
				return -1;
		}
		if (map_region(r))
			return -1;
		fill(&boot, r);
	}
	return 0;
}

/* One line: the totals, then each call's tried/succeeded and errnos, then the exits. */
static void summary(uint64_t seed, unsigned int nr_threads, double secs)
{
	unsigned long total = 0, ok = 0;
	unsigned int i, e;

	for (i = 0; i < NR_OPS; i++) {
		total += stats[i].tried;
		ok += stats[i].ok;
	}
	printf("ioctl-fuzz: %s seed %llu: %lu calls, %lu succeeded, %u threads, %.1f s, "
	       "%lu VMs and %lu vCPUs made",
	       device, (unsigned long long)seed, total, ok, nr_threads, secs, vms_made, vcpus_made);
	for (i = 0; i < NR_OPS; i++) {
		if (!stats[i].tried)
			continue;
		printf(" | %s %lu/%lu", ops[i].name, stats[i].tried, stats[i].ok);
		for (e = 0; e <= NR_ERRNO; e++) {
			const char *name = e < NR_ERRNO ? strerrorname_np(e) : NULL;

			if (!stats[i].err[e])
				continue;
			if (name)
				printf(" %s:%lu", name, stats[i].err[e]);
			else
				printf(" errno%u:%lu", e, stats[i].err[e]);
		}
	}
	printf(" | exits");
	for (e = 0; e < NR_EXITS; e++) {
		if (!exits[e])
			continue;
		if (exit_names[e])
			printf(" %s:%lu", exit_names[e], exits[e]);
		else if (e == NR_EXITS - 1)
			printf(" other:%lu", exits[e]);
		else
			printf(" %u:%lu", e, exits[e]);
	}
	printf("\n");
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_tick };	/* no SA_RESTART: calls end with EINTR */
	static struct thread threads[MAX_THREADS];
	unsigned int nr_threads, i, live;
	double start, secs = 30;
	uint64_t seed, s;
	int fd;

	if (argc < 5 || argc > 6) {
		fprintf(stderr, "usage: ioctl-fuzz DEVICE SEED CALLS THREADS [SECONDS]\n");
		return 1;
	}
	device = argv[1];
	seed = strtoull(argv[2], NULL, 0);
	calls_max = strtoul(argv[3], NULL, 0);
	nr_threads = strtoul(argv[4], NULL, 0);
	if (argc == 6)
		secs = strtod(argv[5], NULL);
	if (!nr_threads || nr_threads > MAX_THREADS || secs <= 0) {
		fprintf(stderr, "ioctl-fuzz: THREADS must be 1 to %d and SECONDS more than 0\n",
			MAX_THREADS);
		return 1;
	}
	fd = open(device, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "ioctl-fuzz: cannot open %s: %s: give a KVM device (/dev/kvm, or /dev/vmm with vmm.ko loaded)\n",
			device, strerror(errno));
		return 1;
	}
	if (ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0) > 0)
		run_size = ioctl(fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	add(SYS, fd, NULL, NULL, 0);
	for (i = 0; i < NR_OPS; i++)
		weights += ops[i].weight;
	if (setup_memory(seed)) {
		fprintf(stderr, "ioctl-fuzz: guest memory: %s\n", strerror(errno));
		return 1;
	}
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	printf("ioctl-fuzz: %s seed %llu: %lu calls by %u threads, at most %.0f s\n",
	       device, (unsigned long long)seed, calls_max, nr_threads, secs);
	fflush(stdout);

	start = now();
	deadline = start + secs;
	s = seed;
	for (i = 0; i < nr_threads; i++) {
		struct thread *t = &threads[i];

		t->nr = i;
		t->op = -1;
		t->rng = splitmix64(&s);
		t->scratch = mmap(NULL, SCRATCH_SIZE + PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t->scratch == MAP_FAILED || mprotect(t->scratch + SCRATCH_SIZE, PAGE, PROT_NONE) ||
		    pthread_create(&t->pt, NULL, worker, t)) {
			fprintf(stderr, "ioctl-fuzz: thread %u: %s\n", i, strerror(errno));
			return 1;
		}
	}
	/* every call returns (KVM_RUN by the timer): one that has not for 30 s is stuck */
	do {
		usleep(100000);
		for (i = live = 0; i < nr_threads; i++) {
			struct thread *t = &threads[i];
			int op = __atomic_load_n(&t->op, __ATOMIC_ACQUIRE);
			double in = now() - __atomic_load_n(&t->since_ms, __ATOMIC_RELAXED) / 1000.0;

			if (__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
				continue;
			live++;
			if (op >= 0 && in > STUCK_GRACE) {
				printf("ioctl-fuzz: FAIL: thread %u has been in %s for %.0f s\n", i,
				       ops[op].name, in);
				summary(seed, nr_threads, now() - start);
				_exit(2);
			}
		}
	} while (live);
	for (i = 0; i < nr_threads; i++)
		pthread_join(threads[i].pt, NULL);

	/* everything closed here, before exit does it: the fds in table order */
	for (i = 0; i < NR_OBJS; i++) {
		if (objs[i].kind == FREE)
			continue;
		if (objs[i].run)
			munmap(objs[i].run, run_size);
		if (!objs[i].closed)
			close(objs[i].fd);
	}
	summary(seed, nr_threads, now() - start);
	return 0;
}
