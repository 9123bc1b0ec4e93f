/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmm.h - the vmm's internal interfaces: configuration, logging, the VM and
 * its vCPUs, guest memory, the MMIO bus and device registration.
 *
 * Portable code (options, loader, DTB, MMIO bus, devices) depends only on
 * this header; arm64-only code lives in vmm/arm64/ behind the vm_arch__*
 * and vcpu_arch__* hooks declared at the end.
 */
#ifndef VMM_VMM_H
#define VMM_VMM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>

#include <vmm/compiler.h>

#include "term.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define VMM_VERSION		"0.1.0"
#define VMM_MAX_CPUS		4096	/* sanity bound; the hypervisor sets the real one */

/*
 * Exit status of `vmm run`, documented in `vmm help run`.  A guest event
 * ends the vmm with its own status so that scripts can tell a clean
 * poweroff from a reset or a crash.
 */
enum vmm_status {
	VMM_EXIT_POWEROFF	= 0,	/* PSCI SYSTEM_OFF */
	VMM_EXIT_ERROR		= 1,	/* vmm failed: host, file or runtime error */
	VMM_EXIT_USAGE		= 2,	/* bad command line */
	VMM_EXIT_RESET		= 3,	/* PSCI SYSTEM_RESET (also a panic=-1 panic) */
	VMM_EXIT_CRASH		= 4,	/* the hypervisor reported a guest crash */
	VMM_EXIT_STOPPED	= 5,	/* stopped by `vmm stop` */
	VMM_EXIT_TIMEOUT	= 124,	/* --timeout ran out (as timeout(1)) */
	VMM_EXIT_SIGNAL		= 128,	/* + signal number: stopped by SIGINT/TERM/HUP */
};

/* The value of the hex digit @c (either case), or -1. */
static inline int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* ---- logging (log.c) ---------------------------------------------------- */

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

extern enum log_level log_level;

/* Print "vmm: <message>\n" to stderr if @level is enabled. */
void log_print(enum log_level level, const char *fmt, ...) __printf(2, 3);

#define pr_err(...)	log_print(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)	log_print(LOG_WARN, __VA_ARGS__)
#define pr_info(...)	log_print(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)	log_print(LOG_DEBUG, __VA_ARGS__)

/* Parse "error", "warning", "info", "debug" (or 0-3); -1 if unknown. */
int log_level_parse(const char *s);

/*
 * Format a one-line reason into @err for a caller to print; returns -1.
 * Parsers report errors this way so that they print nothing themselves.
 * Control bytes (a newline in a value it quotes) become '?'.
 */
int errorf(char *err, size_t errlen, const char *fmt, ...) __printf(3, 4);

/* ---- configuration (options.c) ------------------------------------------ */

enum console_kind { CONSOLE_SERIAL, CONSOLE_VIRTIO };
/* auto: virtio-pci where the VM has an ITS for MSI-X, else virtio-mmio */
enum virtio_transport_kind {
	VIRTIO_TRANSPORT_AUTO, VIRTIO_TRANSPORT_MMIO, VIRTIO_TRANSPORT_PCI,
};

/* How the boot without a disk shares the host's / (--hostfs; unset: ro). */
enum hostfs_kind {
	HOSTFS_UNSET, HOSTFS_RO, HOSTFS_RW, HOSTFS_NONE,
};

struct device_desc;

/* One use of a device's own option (--disk x), in command-line order. */
struct device_arg {
	const struct device_desc	*desc;
	const char			*value;	/* NULL for a flag */
};

#define VM_MAX_DEVICE_ARGS	32
enum irqchip_kind {
	IRQCHIP_AUTO, IRQCHIP_GICV2, IRQCHIP_GICV3, IRQCHIP_NONE,
	IRQCHIP_GICV3_ITS,	/* a GICv3 and its ITS (MSIs as LPIs), as lkvm's */
};

struct vm_config {
	const char	*kernel;
	const char	*initrd;
	const char	*firmware;	/* -f: loaded instead of a kernel */
	u64		firmware_addr;	/* 0: the start of RAM */
	const char	*flash;		/* -F: the CFI flash image */
	const char	*dtb;		/* --dtb: instead of the generated one */
	const char	*params;	/* appended to the default command line */
	const char	*root;		/* --root: the guest's root over 9p */
	const char	*console_log;	/* --console-log: the console kept in a file */
	const char	*sandbox_user;	/* --sandbox-user, as root: */
	unsigned int	sandbox_uid, sandbox_gid;
	bool		no_seccomp;	/* --no-seccomp */
	bool		forbidden_syscall; /* --debug-forbidden-syscall */
	const char	*gdb;		/* --gdb [host:]port */
	bool		gdb_wait;	/* --gdb-wait: stopped until gdb continues */
	u64		timeout_ns;	/* --timeout: 0 for none */
	const char	*boot_warning;	/* said as the guest boots, or NULL */
	enum hostfs_kind hostfs;	/* --hostfs */
	const char	*name;
	const char	*dump_dtb;
	const char	*kvm_dev;	/* NULL: /dev/vmm if present, else /dev/kvm */
	u64		mem_size;	/* bytes; 0: default from nr_cpus */
	unsigned int	nr_cpus;	/* 0: default, the host's online CPUs */
	enum console_kind console;
	enum irqchip_kind irqchip;
	enum virtio_transport_kind virtio_transport;
	bool		nodefaults;
	bool		pmu;
	bool		testdev;	/* the firmware tests' MMIO device */
	bool		no_eventfd;	/* --debug-no-eventfd: notify by MMIO exits */

	struct device_arg dev_args[VM_MAX_DEVICE_ARGS];
	unsigned int	nr_dev_args;
};

#define VM_MEM_MIN	(64ULL << 20)
#define VM_MEM_MAX	(1ULL << 40)	/* 1 TiB: bounded again by the IPA size */

/*
 * Parse `vmm run` arguments (argv[0] is "run") into @cfg.  Returns 0 on
 * success, 1 if help was asked for, or -1 with a one-line reason (without
 * the "vmm: " prefix) in @err.  Prints nothing, exits never.
 */
int vm_config__parse(struct vm_config *cfg, int argc, char **argv,
		     char *err, size_t errlen) __must_check;

/* Fill the defaults that depend on the host (CPUs, memory, name). */
void vm_config__defaults(struct vm_config *cfg, unsigned int host_cpus,
			 u64 host_mem);

/*
 * Parse a memory size: a number of MiB, or a number with a K, M, G or T
 * suffix (binary units).  Returns 0 and the size in bytes, or -1 if @s is
 * malformed or the size overflows 64 bits.
 */
int parse_size(const char *s, u64 *bytes) __must_check;

/* Print `vmm help run`: the core's options and every device's own. */
void run_usage(FILE *f);

/* ---- the arm64 Image header (arm64/image.c) ----------------------------- */

struct arm64_image {
	u64	text_offset;	/* load offset from a 2 MiB aligned base */
	u64	image_size;	/* effective size, including BSS */
	u64	flags;
	bool	big_endian;
	bool	raw;		/* no header: entered at its first byte */
};

#define ARM64_IMAGE_HEADER_SIZE	64

enum kernel_format {
	KERNEL_IMAGE,		/* an arm64 Image: parse its header */
	KERNEL_GZIP,		/* gzip: decompress, then probe what is inside */
	KERNEL_ZBOOT,		/* EFI zboot: a gzip payload inside a PE file */
	KERNEL_RAW,		/* anything else: a raw binary, as lkvm loads it */
};

struct kernel_probe {
	enum kernel_format	format;
	u64			payload_offset;	/* KERNEL_ZBOOT */
	u64			payload_size;
};

/* Bytes kernel__probe() wants: past the x86 bzImage magic at 0x202. */
#define KERNEL_PROBE_SIZE	1024

/*
 * Tell what kind of file a kernel is from its first @len bytes (up to
 * KERNEL_PROBE_SIZE; fewer only if the file is shorter) and its size.
 * Returns 0 with the format, or -1 with a one-line reason for files that are
 * clearly not arm64 kernels: empty, ELF, x86 bzImage, U-Boot uImage, a DTB,
 * a cpio archive, another PE file, zstd/xz/lz4/lzo/bzip2/lzma data, text,
 * or an EFI zboot Image compressed with anything but gzip.
 */
int kernel__probe(struct kernel_probe *kp, const u8 *buf, size_t len,
		  u64 file_size, char *err, size_t errlen) __must_check;

/*
 * A raw binary of @file_size bytes, placed as lkvm places one: at the
 * pre-3.17 text_offset 0x80000, entered at its first byte.
 */
void arm64_image__raw(struct arm64_image *img, u64 file_size);

/*
 * Parse the header of an arm64 Image (Documentation/arm64/booting.rst):
 * @hdr holds the first @hdr_len bytes (up to 64) of a file of @file_size
 * bytes.  Returns 0, or -1 with the reason in @err.  A pre-3.17 header
 * (image_size == 0) gets text_offset 0x80000 and image_size = @file_size.
 */
int arm64_image__parse(struct arm64_image *img, const void *hdr,
		       size_t hdr_len, u64 file_size,
		       char *err, size_t errlen) __must_check;

/*
 * Decompress the gzip stream read from @fd (from its current offset) into
 * the @cap bytes at @dst: 0 with its length in *@out_len, -EFBIG if it
 * would be longer, -EINVAL for data that are not gzip or are truncated, or
 * another -errno.  On failure @dst holds a part of the output.  (gunzip.c)
 */
int gunzip_fd(int fd, void *dst, u64 cap, u64 *out_len) __must_check;

/* ---- guest memory and the MMIO bus (mmio.c) ----------------------------- */

struct mmio_ops {
	/* @off is relative to the region base; @len is 1, 2, 4 or 8. */
	void (*read)(void *opaque, u64 off, void *data, unsigned int len);
	void (*write)(void *opaque, u64 off, const void *data, unsigned int len);
};

struct mmio_region {
	u64			base;
	u64			size;
	const char		*name;
	const struct mmio_ops	*ops;
	void			*opaque;
};

#define MMIO_MAX_REGIONS	64
#define MMIO_UNKNOWN_LOG_MAX	16

struct mmio_bus {
	struct mmio_region	regions[MMIO_MAX_REGIONS];	/* sorted by base */
	unsigned int		nr;
	/* addresses of unbacked accesses already logged once */
	pthread_mutex_t		unknown_lock;
	u64			unknown[MMIO_UNKNOWN_LOG_MAX];
	unsigned int		nr_unknown;
};

void mmio_bus__init(struct mmio_bus *bus);

/*
 * Claim [base, base + size) for a device.  Returns 0, -EINVAL for an empty
 * or wrapping range, -EBUSY if it overlaps a region already registered, or
 * -ENOSPC.  Registration happens before the vCPUs start; the bus is read-only
 * afterwards, so dispatch takes no lock.
 */
int mmio_bus__register(struct mmio_bus *bus, u64 base, u64 size,
		       const char *name, const struct mmio_ops *ops,
		       void *opaque) __must_check;

/* The region that holds [addr, addr + len), or NULL. */
const struct mmio_region *mmio_bus__find(const struct mmio_bus *bus, u64 addr,
					 unsigned int len);

/*
 * Complete a guest access.  An access no device claims is logged once per
 * address (debug level); reads of it return zero and writes are dropped.
 * Returns true if a device handled it.
 */
bool mmio_bus__access(struct mmio_bus *bus, u64 addr, void *data,
		      unsigned int len, bool is_write);

struct vm;
struct control;
struct gdb_server;

#include "pci.h"

/* ---- the main loop (loop.c) --------------------------------------------- */

/*
 * Called on the main thread with the epoll events that fired for the fd.
 * A handler may add, change or remove registrations, its own included.
 */
typedef void (*loop_fn)(void *opaque, u32 events);

struct loop_handler {
	int		fd;		/* -1: a free slot */
	u32		gen;		/* bumped at each registration in the slot */
	loop_fn		fn;
	void		*opaque;
};

#define LOOP_MAX_FDS	32

struct loop {
	int			epoll_fd;
	struct loop_handler	h[LOOP_MAX_FDS];
};

int loop__init(struct loop *loop) __must_check;
void loop__destroy(struct loop *loop);

/*
 * Watch @fd for @events (EPOLLIN, ...) and call @fn when they fire.  Called
 * at device init or from a handler, on the main thread.  Returns 0,
 * -EINVAL if @fd is already registered, -ENOSPC, or epoll_ctl's -errno
 * (-EPERM: a regular file, which is always ready).
 */
int loop__add(struct loop *loop, int fd, u32 events, loop_fn fn,
	      void *opaque) __must_check;
/*
 * Change the events @fd is watched for; 0 pauses it, but for a hang-up or
 * an error, which epoll always reports: a handler that sees one should
 * loop__del() the fd.
 */
int loop__mod(struct loop *loop, int fd, u32 events);
void loop__del(struct loop *loop, int fd);

/*
 * Wait up to @timeout_ms (-1: for ever) and run the handlers of what
 * fired.  Returns how many fired, 0 on a timeout or a signal, or -errno.
 */
int loop__run_once(struct loop *loop, int timeout_ms);

/* ---- the console backend (console.c) ------------------------------------ */

/*
 * A console device (the 8250, virtio-console) attaches itself as the VM's
 * console: input from stdin goes to its receive(), and it writes guest
 * output to the backend's out_fd.  At most one device is the console.
 */
struct console_ops {
	/* Take input for the guest: how many bytes were taken (fewer when full). */
	size_t (*receive)(void *opaque, const u8 *buf, size_t len);
};

struct console {
	const struct console_ops *ops;	/* NULL: no console device */
	void			*opaque;
	int			out_fd;		/* stdout */
	int			log_fd;		/* --console-log, or -1 */
	char			dt_path[32];	/* /chosen/stdout-path; "" if none */
	struct term_input	in;		/* stdin, through the Ctrl-A filter */
	int			timer_fd;	/* retries input the device had no room for */
	bool			unpollable;	/* stdin is a file: read it on the timer */
	bool			watching;	/* stdin is in the main loop's epoll set */
};

void console__init(struct console *con, int in_fd, int out_fd);

/*
 * What the guest wrote to its console (@n buffers): to stdout, and to the
 * --console-log file if there is one.  A closed or full stdout drops it;
 * the guest goes on.
 */
#define CONSOLE_MAX_IOV		130	/* a virtqueue chain's most */
void console__output(struct console *con, const struct iovec *iov, unsigned int n);

/* Make the device (@ops, @opaque) the console; -EBUSY if there is one. */
int console__attach(struct vm *vm, const struct console_ops *ops, void *opaque,
		    const char *dt_path) __must_check;
void console__detach(struct vm *vm, void *opaque);

/* Pass input to the console device; without one it is dropped (all taken). */
size_t console__receive(struct console *con, const u8 *buf, size_t len);

/* Register stdin with the main loop (and put a terminal in raw mode). */
int console__start(struct vm *vm) __must_check;
void console__stop(struct vm *vm);

/* ---- the VM (vm.c) ------------------------------------------------------ */

struct kvm_run;

struct boot_layout {
	u64	kernel;		/* load address of the Image */
	u64	kernel_end;	/* kernel + image_size */
	u64	initrd;		/* 0 if none */
	u64	dtb;
};


/* Raise (level 1) or lower (level 0) the SPI @intid (>= 32). */
typedef void (*irq_line_fn)(struct vm *vm, unsigned int intid, int level);

/* Send the MSI (@addr, @data) from the device with requester ID @devid. */
typedef void (*msi_fn)(struct vm *vm, u64 addr, u32 data, u32 devid);

/* What a vCPU's thread counts (relaxed atomics: `vmm stat` reads them). */
struct vcpu_stat {
	u64			guest_ns;	/* inside KVM_RUN */
	u64			mmio;		/* exits: MMIO the vmm emulated */
	u64			system;		/* PSCI off/reset, crashes */
	u64			intr;		/* KVM_RUN interrupted (a kick, a signal) */
	u64			debug;		/* debug exits (--gdb) */
};

/*
 * A debug exit a vCPU took, recorded by its thread for the GDB stub to
 * decide on once the VM is paused (gdb.c).
 */
struct gdb_exit {
	bool	pending;
	u32	esr;		/* ESR_EL2 */
	u64	far;		/* FAR_EL2: a watchpoint's data address */
};

struct vcpu {
	struct vm		*vm;
	unsigned int		id;
	int			fd;
	struct kvm_run		*run;
	pthread_t		thread;
	bool			started;
	u64			mpidr;
	struct vcpu_stat	stat;
	/* under vm->pause_lock: the debugger keeps it out of the guest */
	bool			gdb_held;
	struct gdb_exit		gdb_exit;
};

/* A vCPU's registers as `vmm debug --dump` and --timeout show them. */
struct vcpu_regs {
	u64	x[31];
	u64	sp_el0, sp_el1, pc, pstate;
	u64	elr_el1, spsr_el1, esr_el1, far_el1;
};

enum gic_kind { GIC_NONE = 0, GIC_V2 = 2, GIC_V3 = 3 };

struct vm {
	struct vm_config	*cfg;

	int			sys_fd;		/* /dev/kvm or /dev/vmm */
	int			vm_fd;
	const char		*dev_path;
	size_t			run_size;

	void			*ram;
	u64			ram_base;
	u64			ram_size;

	struct vcpu		*vcpus;
	unsigned int		nr_vcpus;

	struct mmio_bus		bus;
	struct pci_bus		pci;
	irq_line_fn		irq_line;
	msi_fn			signal_msi;
	unsigned int		next_spi;
	u64			next_virtio_mmio;	/* vm__alloc_virtio_mmio() */
	bool			has_ioeventfd;	/* KVM_CAP_IOEVENTFD, and not --debug-no-eventfd */
	bool			has_irqfd;	/* KVM_CAP_IRQFD, likewise */

	struct loop		loop;		/* the main thread's epoll set */
	struct console		console;

	enum gic_kind		gic;
	int			gic_fd;
	bool			gic_its;	/* a GICv3 ITS at LAYOUT_GIC_ITS_BASE */
	bool			virtio_pci;	/* virtio devices go on PCI (else MMIO) */
	unsigned int		ipa_bits;

	/* Boot layout chosen by the loader. */
	struct boot_layout	boot;
	u64			initrd_size;

	/* The first stop request wins; see vm__stop(). */
	pthread_mutex_t		stop_lock;
	bool			stopping;
	int			status;
	int			wake_fd;	/* eventfd: wakes the main loop */

	/* CLOCK_MONOTONIC: vm__run's start, the vCPUs' start, the stop */
	u64			start_ns, run_ns, stop_ns;

	/*
	 * Pausing (vm__pause): the vCPU threads park on pause_cond until
	 * resumed; @alive counts the threads running, @parked those parked.
	 */
	pthread_mutex_t		pause_lock;
	pthread_cond_t		pause_cond;
	bool			paused;
	unsigned int		alive, parked;
	bool			cnt_saved;	/* the guest's counter, held still */
	u64			paused_cnt;

	struct control		*control;	/* the control socket, or NULL */
	struct gdb_server	*gdb;		/* --gdb's, or NULL */
	int			timeout_fd;	/* --timeout's timerfd, or -1 */
};

/*
 * Translate the guest-physical range [gpa, gpa + size) into a host pointer.
 * Returns NULL unless the whole range lies in guest RAM (overflow checked).
 * The only way vmm code reaches guest memory.
 */
void *guest_ptr(const struct vm *vm, u64 gpa, u64 size);

/* Allocate the next free SPI (an INTID >= 32) for a device.  (mmio.c) */
unsigned int vm__alloc_spi(struct vm *vm);

/*
 * Allocate a VIRTIO_MMIO_SIZE window for a virtio-mmio device in the
 * memory map's virtio window: its base, or 0 when the window is full.
 * (mmio.c)
 */
u64 vm__alloc_virtio_mmio(struct vm *vm);

/* True once vm__stop() was called: threads wind down. */
static inline bool vm__stopping(struct vm *vm)
{
	return __atomic_load_n(&vm->stopping, __ATOMIC_ACQUIRE);
}

/*
 * Ask the VM to stop with @status; the first request wins.  Safe from any
 * thread; wakes the main loop, which kicks the vCPUs out of the guest.
 */
void vm__stop(struct vm *vm, int status);

/*
 * Park every vCPU out of the guest (main thread): 0, or -ETIMEDOUT when
 * one did not come out in 5 s (the VM runs on), -ESHUTDOWN when it is
 * stopping.  The guest's virtual counter is held still until vm__resume().
 */
int vm__pause(struct vm *vm);
void vm__resume(struct vm *vm);
bool vm__paused(struct vm *vm);

/*
 * Press the guest's power button (devices/pl061.c) for 100 ms: 0, or
 * -ENODEV when the VM has none (no interrupt controller, a firmware).
 */
int vm__power_button(struct vm *vm);

/* Each vCPU's registers (the VM paused) into @regs[nr_vcpus]: 0 or -errno. */
int vm__regs(struct vm *vm, struct vcpu_regs *regs);
/* Print @regs of vCPU @id as text to @f: PC, PSTATE, the exception registers, x0-x30. */
void vcpu_regs__print(FILE *f, unsigned int id, const struct vcpu_regs *r);

/* Create, boot and run a VM described by @cfg; returns an enum vmm_status. */
int vm__run(struct vm_config *cfg);

/* Raise or lower an SPI through the hypervisor (vm->irq_line in a real VM). */
void vm__irq_line(struct vm *vm, unsigned int intid, int level);

/* KVM_SIGNAL_MSI (vm->signal_msi in a real VM); logged once if it fails. */
void vm__signal_msi(struct vm *vm, u64 addr, u32 data, u32 devid);

/* ---- eventfds the hypervisor signals or listens to (eventfd.c) ---------- */

/*
 * (Un)register @fd to be signalled when the guest writes @len bytes of
 * value @datamatch at @addr (KVM_IOEVENTFD), instead of an MMIO exit.
 * 0 or -errno.
 */
int vm__ioeventfd(struct vm *vm, u64 addr, u32 len, u64 datamatch, int fd,
		  bool assign);

/*
 * Make each write to @fd pulse SPI @intid (KVM_IRQFD): an edge, with no
 * ioctl per interrupt.  Only once the GIC is initialised.  0 or -errno;
 * closing @fd removes it.
 */
int vm__irqfd(struct vm *vm, unsigned int intid, int fd);

/* ---- guest memory slots (memslot.c) ------------------------------------- */

#define MEMSLOT_RAM		0	/* vm.c: guest RAM */
#define MEMSLOT_FLASH		1	/* devices/cfi_flash.c: the flash array */

/*
 * Map @size bytes at host address @hva into the guest at @gpa as memory
 * slot @slot (KVM_SET_USER_MEMORY_REGION), or delete the slot when @size is
 * 0.  @gpa, @size and @hva are page aligned.  A @readonly slot serves guest
 * reads and instruction fetches from @hva while guest writes exit as MMIO
 * (api.rst, KVM_MEM_READONLY); a hypervisor without KVM_CAP_READONLY_MEM
 * gets -EOPNOTSUPP and no ioctl.  Returns 0 or -errno.  Safe from a vCPU
 * thread while other vCPUs run: the hypervisor stops them from using the
 * old slot before the call returns.
 */
int vm__set_memslot(struct vm *vm, u32 slot, u64 gpa, u64 size, void *hva,
		    bool readonly) __must_check;

/* ---- arm64 hooks (arm64/kvm.c) ------------------------------------------ */

/*
 * The IPA size the VM needs for its map and @ram_size of RAM, checked
 * against what the hypervisor offers; the KVM_CREATE_VM type, or -1 with
 * the reason logged.
 */
int vm_arch__vm_type(int sys_fd, u64 ram_end);

/* Create the in-kernel GIC and place it (before any vCPU exists). */
int vm_arch__create_gic(struct vm *vm) __must_check;

/* Finish the GIC once every vCPU and device exists. */
int vm_arch__init_gic(struct vm *vm) __must_check;

/* KVM_ARM_VCPU_INIT with PSCI 0.2 (secondaries powered off); read MPIDR. */
int vcpu_arch__init(struct vcpu *vcpu) __must_check;

/* Give the vCPU its PMU interrupt and initialise the PMU (after the GIC). */
int vcpu_arch__init_pmu(struct vcpu *vcpu) __must_check;

/* Set the boot CPU's registers: PC at the Image, x0 the DTB (booting.rst). */
int vcpu_arch__set_boot_regs(struct vcpu *vcpu, u64 pc, u64 dtb) __must_check;

/* Read @vcpu's registers (it is not running): 0 or -errno. */
int vcpu_arch__get_regs(struct vcpu *vcpu, struct vcpu_regs *r) __must_check;
/* The guest's virtual counter (CNTVCT), read and set through @vcpu (one for the VM). */
int vcpu_arch__get_counter(struct vcpu *vcpu, u64 *cnt) __must_check;
int vcpu_arch__set_counter(struct vcpu *vcpu, u64 cnt) __must_check;

/* ---- the sandbox's gate (seccomp.c; the sandbox itself: sandbox.c) ------- */

/* What a thread does, which says what it may do once the VM is set up. */
enum sandbox_role {
	SANDBOX_MAIN,		/* the main loop, and the teardown */
	SANDBOX_VCPU,		/* KVM_RUN and the MMIO exits' device code */
	SANDBOX_IO,		/* a virtio-blk disk's io_uring thread */
	SANDBOX_9P,		/* a virtio-9p share's file server */
	SANDBOX_NR_ROLES,
};

/*
 * Device threads start during setup, with every privilege the vmm has;
 * each calls sandbox__worker() first thing, which waits until setup is
 * done (the gate opens) and then enters its role's sandbox.  Without a
 * closed gate (the unit tests, the fuzz harnesses) it returns at once.
 */
void sandbox__gate_close(void);
/* Let the waiting threads go: into @enter(role) (NULL: no sandbox, setup failed). */
void sandbox__gate_open(int (*enter)(enum sandbox_role role, const char *name));
/* On a device thread, first thing: 0, or -errno if its sandbox failed. */
int sandbox__worker(enum sandbox_role role, const char *name);

/* ---- devices (devices/) ------------------------------------------------- */

struct fdt_ctx;

/*
 * A device's own `vmm run` option (--disk, --rng): the parser learns it from
 * the registered devices, `vmm help run` lists it under "Device options",
 * and each use becomes one instance of the device.
 */
struct device_option {
	const char	*name;		/* the long option, without "--" */
	char		short_name;	/* 'd', or 0 */
	const char	*metavar;	/* "<image>[,ro]"; NULL: a flag, one instance */
	const char	*help;		/* its lines, '\n'-separated, for vmm help run */
	/*
	 * Check a value (NULL for a flag) at parse time: 0, or -1 with a
	 * one-line reason in @err.  Pure: the device parses it again at init.
	 */
	int		(*check)(const char *value, char *err, size_t errlen);
};

/*
 * A device model registers itself with DEVICE_REGISTER: at VM creation its
 * init() runs in ascending @order, claims MMIO and SPIs, and its fdt()
 * writes its device-tree node.  A device with an @option gets one init()
 * (one instance) per use of it, in command-line order, and none if unused
 * (but devices__implicit()); any other device gets one init() with a NULL
 * @arg.  Adding a device touches its own file and one line in the Makefile.
 */
struct device_desc {
	const char	*name;
	int		order;
	const struct device_option *option;
	/*
	 * The value of the instance made when @option is never given (lkvm's
	 * implicit NIC), or NULL for none; may log why there is none.
	 */
	const char	*(*implicit)(const struct vm_config *cfg);
	/*
	 * 0 on success, 1 if not wanted in this configuration, or -errno;
	 * -DEVICE_EREPORTED when the device has already printed a one-line
	 * error of its own (naming the user's option or file), so that
	 * devices__init() does not add a second line.
	 */
	int		(*init)(struct vm *vm, const char *arg, void **state);
	int		(*fdt)(struct vm *vm, void *state, void *fdt);
	void		(*exit)(struct vm *vm, void *state);
};

#define DEVICE_REGISTER(desc)						\
	static const struct device_desc *const __dev_##desc		\
	__attribute__((used, section("vmm_devices"))) = &(desc)

extern const struct device_desc *const __start_vmm_devices[];
extern const struct device_desc *const __stop_vmm_devices[];

struct device_inst {
	const struct device_desc	*desc;
	void				*state;
};

#define VM_MAX_DEVICES		48
#define DEVICE_EREPORTED	ECANCELED

/*
 * Add to @cfg the instances of devices whose option was not given and
 * that make one anyway (their @implicit): before the VM is built, so that
 * it is built for them.
 */
void devices__implicit(struct vm_config *cfg);
/* The registered device called @name, or NULL. */
const struct device_desc *devices__find(const char *name);
/* Run every registered device's init in order; -errno on failure. */
int devices__init(struct vm *vm, struct device_inst *inst, unsigned int *nr);
int devices__fdt(struct vm *vm, struct device_inst *inst, unsigned int nr,
		 void *fdt);
void devices__exit(struct vm *vm, struct device_inst *inst, unsigned int nr);

/* The 8250 UART (devices/uart8250.c), the guest console. */
struct uart8250;

/*
 * Set up a UART at @base raising SPI @intid through @vm->irq_line; bytes the
 * guest transmits are written to @out_fd.  NULL if out of memory.  The
 * console device at kvmtool's first slot attaches one as the VM's console.
 */
struct uart8250 *uart8250__new(struct vm *vm, u64 base, unsigned int intid,
			       int out_fd);
void uart8250__free(struct uart8250 *uart);

/* Register accesses; @off < 8.  Called from vCPU threads. */
void uart8250__read(void *uart, u64 off, void *data, unsigned int len);
void uart8250__write(void *uart, u64 off, const void *data, unsigned int len);

/*
 * Queue input bytes for the guest (the receive FIFO).  Returns how many
 * were taken: fewer than @len when the FIFO is full.
 */
size_t uart8250__receive(struct uart8250 *uart, const u8 *buf, size_t len);

/* ---- the device tree (arm64/fdt.c) -------------------------------------- */

#define FDT_MAX_SIZE		0x10000
#define FDT_PHANDLE_GIC		1
#define FDT_PHANDLE_ITS		2	/* the PCI host bridge's msi-map */

/*
 * Build the guest's device tree into @buf (FDT_MAX_SIZE bytes) from @vm's
 * configuration, boot layout, vCPU MPIDRs and devices.  @seed holds 72
 * random bytes (8 for kaslr-seed, 64 for rng-seed).  Returns 0 or -errno.
 */
int fdt__build(struct vm *vm, struct device_inst *dev, unsigned int nr_dev,
	       const char *bootargs, const u8 *seed, void *buf) __must_check;

/* ---- the boot layout (arm64/image.c) ------------------------------------- */

#define BOOT_NO_ROOM_KERNEL	-1
#define BOOT_NO_ROOM_INITRD	-2

/*
 * Place the Image, the initrd and the DTB in RAM [ram_base, ram_base +
 * ram_size) as booting.rst requires.  Returns 0, or BOOT_NO_ROOM_KERNEL or
 * BOOT_NO_ROOM_INITRD (what did not fit) with the reason in @err.
 */
int boot__layout(struct boot_layout *bl, u64 ram_base, u64 ram_size,
		 const struct arm64_image *img, u64 initrd_size,
		 char *err, size_t errlen) __must_check;

/*
 * Place a --firmware of @fw_size bytes at @fw_addr (0: the base of RAM) and
 * the DTB at the next 2 MiB boundary after it, as lkvm does; the firmware is
 * entered at its first byte.  Returns 0, or -1 with the reason in @err.
 */
int boot__layout_firmware(struct boot_layout *bl, u64 ram_base, u64 ram_size,
			  u64 fw_addr, u64 fw_size, char *err, size_t errlen) __must_check;

/* ---- loading the guest (loader.c) --------------------------------------- */

/*
 * Read or write all @size bytes of @fd at @off, across short transfers and
 * EINTR: 0, -EIO if the file ends first, or another -errno.
 */
int file__pread_all(int fd, void *dst, u64 size, u64 off) __must_check;
int file__pwrite_all(int fd, const void *src, u64 size, u64 off) __must_check;

/*
 * Load the kernel (any format kernel__probe() accepts) and the initrd, or
 * the --firmware, into guest RAM and fill @vm->boot.  Returns 0, or -1 after
 * printing a one-line reason.
 */
int loader__load(struct vm *vm) __must_check;

/*
 * Read and check the --dtb file into a new buffer with room for /chosen's
 * updates (the initrd, and -p as bootargs); returns it, or NULL after
 * printing a one-line reason.  The caller frees it.
 */
void *loader__read_dtb(struct vm *vm) __must_check;

/*
 * Its check and updates, without I/O: the @size bytes at @blob (8-byte
 * aligned) checked as a whole device tree blob, then a copy of it in a
 * new buffer with /chosen (made if absent) given linux,initrd-start and
 * -end for [@initrd, @initrd + @initrd_size) if @initrd is not 0, and
 * @params as bootargs if not NULL, packed.  NULL with a one-line reason
 * in @err if it is not a valid blob or cannot take them.
 */
void *loader__patch_dtb(const void *blob, u64 size, u64 initrd, u64 initrd_size,
			const char *params, char *err, size_t errlen) __must_check;

/* ---- the control socket and its commands (control.c) ---------------------- */

/*
 * Open @vm's control socket (<run dir>/<name>.sock, 0600) and serve it
 * from the main loop: 0, or -1 after a one-line error (another VM of that
 * name runs, the directory is not the user's).
 */
int control__open(struct vm *vm);
/* Close and remove it (every exit path of vm__run). */
void control__close(struct vm *vm);

/* `vmm list`, `stop`, `pause`, `resume`, `stat`, `debug` (argv[0]): the exit status. */
int control__command(int argc, char **argv);
void control__usage(FILE *f);

/*
 * The protocol without its I/O (ctlproto.c, portable: unit-tested and
 * fuzzed natively).  A request is one line of at most CTL_REQUEST_MAX
 * bytes, its '\n' included; one '\r' before the '\n' is dropped; no NUL
 * anywhere before the '\n'; bytes after it are ignored (one request a
 * connection).
 */
#define CTL_REQUEST_MAX		255
#define CTL_POWERDOWN_MAX_S	(366U * 24 * 3600)	/* the most --grace says */

enum ctl_frame {
	CTL_FRAME_MORE,		/* no '\n' yet, and room for one */
	CTL_FRAME_LINE,		/* a request, *req_len bytes before its [\r]\n */
	CTL_FRAME_TOO_LONG,	/* CTL_REQUEST_MAX bytes and no '\n' in them */
	CTL_FRAME_NUL,		/* a NUL byte in the line */
};

/*
 * Frame the @len bytes a connection has received so far (the first
 * CTL_REQUEST_MAX of them count: a reader keeps no more).  The answer for
 * a prefix that ends a line holds for every longer input, so it does not
 * depend on how recv() split the bytes.  Errors are judged when the line
 * ends or the room does: CTL_FRAME_MORE for "st\0" still.
 */
enum ctl_frame ctl_request__frame(const char *buf, size_t len, size_t *req_len);

enum ctl_request_kind {
	CTL_REQ_INFO, CTL_REQ_STAT, CTL_REQ_REGS, CTL_REQ_PAUSE, CTL_REQ_RESUME,
	CTL_REQ_POWERDOWN, CTL_REQ_STOP,
};

struct ctl_request {
	enum ctl_request_kind	kind;
	unsigned int		grace_s;	/* powerdown's N, else 0 */
};

/*
 * Parse a framed request (a string, its [\r]\n gone): a word exactly
 * ("info", "stat", "regs", "pause", "resume", "stop"), or "powerdown N",
 * one space and N in canonical decimal (no sign, no leading 0, nothing
 * after) from 1 to CTL_POWERDOWN_MAX_S.  0; -ERANGE for "powerdown" with
 * any other N or none; -EINVAL for anything else.
 */
int ctl_request__parse(const char *line, struct ctl_request *req);

/*
 * @s as a JSON string into @f: '"', '\\' and '\n' escaped as such, other
 * control bytes and DEL as \u00XX, every other byte as itself.
 */
void ctl_json__put_string(FILE *f, const char *s);

/*
 * The value of member @key of the JSON object @reply, found by walking
 * its top-level members (a key inside a string or a nested value never
 * matches; the first of a name wins), into @out (@cap bytes, always
 * NUL-terminated): a string unescaped (\uXXXX as one byte: ASCII as
 * itself, NUL and the rest '?'), a number, true, false or null as its
 * text.  0; -ENOSPC when it does not fit (@out holds what does);
 * -ENOENT; -EINVAL for a reply malformed before the value's end (cut
 * short included), or a value that is an object or array (@out "").
 */
int ctl_reply__get(const char *reply, const char *key, char *out, size_t cap);

/* Whether @reply's "ok" is true. */
bool ctl_reply__ok(const char *reply);

/*
 * One System.map line, nm's "ffff800080010000 T _text" (a /proc/kallsyms
 * one too: blanks and anything after the name are ignored, a final
 * [\r]\n too): 1 to 16 hex digits, blanks, one type byte, blanks, the
 * name (bytes above ' ' but DEL), cut to @cap - 1 bytes.  0; -ERANGE for
 * an address of more than 16 digits; -EINVAL for another malformed line.
 */
int system_map__parse_line(const char *line, u64 *addr, char *type, char *name, size_t cap);

/*
 * Whether @name may name a VM: it names its control socket, a file, so 1
 * to VM_NAME_MAX letters, digits, '.', '_' and '-', not first '.'.
 * (options.c, which checks --name with it)
 */
#define VM_NAME_MAX	64
bool vm_name__valid(const char *name);

/* Whether a debugger (--gdb) holds the VM stopped: only it resumes it. (gdb-vm.c) */
bool gdb__holds(struct vm *vm);

/* Why vm__pause() failed, in words. */
const char *vm__pause_error(int err);

/* CLOCK_MONOTONIC in ns: under the test bed's -icount, instructions. (vm.c) */
u64 monotonic_ns(void);

/*
 * Parse a duration ("90", "90s", "1500ms", "5m", "1h") into ns: 0, or -1
 * for a malformed one or one over a year.
 */
int parse_duration(const char *s, u64 *ns) __must_check;

/* ---- lkvm's boot without a disk (rootfs.c, rootfs-init.c) ----------------- */

/*
 * With --root, or a Linux kernel and no --disk, --initrd, --firmware,
 * --dtb, root= or --nodefaults: make @cfg boot a host directory as the
 * guest's root over virtio-9p, the host's / at /host, from an initramfs
 * the vmm writes.  0 (also when the mode does not apply), or -1 after a
 * one-line error.
 */
int rootfs__prepare(struct vm_config *cfg);

/*
 * The release in the first "Linux version <release> " of @data (a kernel
 * Image) into @rel: 0, or -1 if there is none that fits in @cap.
 */
int rootfs__release(const void *data, size_t len, char *rel, size_t cap);

/*
 * The value of "depends=" in the .modinfo section of the kernel module
 * (ELF64, little-endian) in @b: 0 with it in @out ("" for none), or -1
 * for a file that is not one or a value longer than @cap.
 */
int rootfs__modinfo_depends(const u8 *b, size_t len, char *out, size_t cap);

/* The guest's /init in that mode: the vmm binary run as the guest's PID 1. */
int rootfs__init(int argc, char **argv);

#endif
