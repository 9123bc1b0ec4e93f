// SPDX-License-Identifier: GPL-2.0
/*
 * cfi_flash.c - a CFI NOR flash at 0x2000000 (`-F/--flash <file>`): the
 * flash lkvm gives arm64 guests for firmware variables (EDK2's NorFlashDxe
 * drives it).  The facts the guest sees are lkvm's, so firmware built for
 * lkvm runs unchanged: two 16-bit chips side by side on a 32-bit bus
 * (bank-width 4), 64 KiB erase blocks and a 128-byte write buffer over both
 * chips, the Intel/Sharp extended command set (command set 0x0001: Intel's
 * "3 Volt Intel StrataFlash" / P30 datasheets), and a CFI query table
 * (JESD68-01, "Common Flash Interface").
 *
 * The array is a private copy of the image file, and every program and
 * erase is written through to the file, so firmware variables outlive the
 * run.  Not a shared mapping of the file: a file that cannot take a write
 * (a full disk under a sparse image) or that shrinks under the vmm would
 * raise SIGBUS there; a failed write-through is a program or erase error in
 * the status register instead.  The file is locked (flock) against a second
 * vmm.  Programs and erases complete at once, so the status register always
 * reads ready.
 *
 * Where this differs from lkvm, on purpose: a program only clears bits
 * (new = old & data, as NOR cells do; lkvm copies the data); an erase takes
 * the whole block that holds the address, however aligned; writes to the
 * buffer are bounded by the buffer; an 8-byte read in a non-array mode is
 * two bank cycles (lkvm reads the upper half as zero); and an image whose
 * size is not a power of two is refused rather than cut short.
 *
 * Read-array mode is served by a read-only memory slot over the image, as
 * lkvm does: reads and instruction fetches (UEFI runs in place from flash)
 * never exit, writes exit as MMIO and are commands.  Any other read mode
 * removes the slot, so that every read traps and sees status, ID or query
 * data.  Without KVM_CAP_READONLY_MEM every access traps: reads still
 * work, execute-in-place does not.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libfdt.h>

#include <vmm/layout.h>
#include "../vmm/fdt-util.h"
#include "../vmm/vmm.h"

#define FLASH_CHIPS		2		/* x16 chips on a 32-bit bus */
#define FLASH_BANK_WIDTH	4		/* bytes: the "bank-width" */
#define FLASH_BLOCK_SIZE	0x10000ULL	/* an erase block, both chips */
#define FLASH_BUFFER_SIZE	128U		/* the write buffer, both chips */
#define FLASH_MIN_SIZE		FLASH_BLOCK_SIZE
#define FLASH_MAX_SIZE		LAYOUT_FLASH_SIZE
#define FLASH_MAX_BLOCKS	(FLASH_MAX_SIZE / FLASH_BLOCK_SIZE)

/* Commands (Intel/Sharp extended command set), written to any address. */
#define CMD_LOCK_BLOCK		0x01	/* second cycle of 0x60: set lock bit */
#define CMD_WORD_PROGRAM_ALT	0x10
#define CMD_BLOCK_ERASE		0x20
#define CMD_WORD_PROGRAM	0x40
#define CMD_CLEAR_STATUS	0x50
#define CMD_LOCK_SETUP		0x60
#define CMD_READ_STATUS		0x70
#define CMD_READ_ID		0x90
#define CMD_CFI_QUERY		0x98	/* JESD68-01 3.1 */
#define CMD_CONFIRM		0xd0	/* erase/buffer confirm, unlock block */
#define CMD_BUFFERED_PROGRAM	0xe8
#define CMD_READ_ARRAY		0xff

/* Status register bits */
#define SR_READY		0x80	/* SR.7: write state machine ready */
#define SR_ERASE_ERROR		0x20	/* SR.5: erase or clear-lock error */
#define SR_PROGRAM_ERROR	0x10	/* SR.4: program or set-lock error */
#define SR_LOCKED		0x02	/* SR.1: the block is locked */
/* SR.5 and SR.4 together: an improper command sequence (Intel) */
#define SR_SEQUENCE_ERROR	(SR_ERASE_ERROR | SR_PROGRAM_ERROR)
/* a program or an erase of a locked block, as lkvm reports both */
#define SR_LOCK_ERROR		(SR_PROGRAM_ERROR | SR_LOCKED)

/* The write state machine: which cycle of a command comes next. */
enum flash_state {
	STATE_READY,
	STATE_LOCK_SETUP,	/* 0x60 seen: 0x01 locks, 0xd0 unlocks */
	STATE_WORD_PROGRAM,	/* 0x40 seen: the next write is the data */
	STATE_BUFFER_COUNT,	/* 0xe8 seen: the next write is words - 1 */
	STATE_BUFFER_DATA,	/* filling the buffer, then 0xd0 */
	STATE_ERASE_SETUP,	/* 0x20 seen: 0xd0 erases the block */
};

/* What a read returns. */
enum flash_read_mode {
	READ_ARRAY,
	READ_STATUS,
	READ_ID,
	READ_QUERY,
};

struct cfi_flash {
	pthread_mutex_t		lock;		/* everything below */
	struct vm		*vm;
	const char		*path;
	int			fd;		/* the image, flock'ed */
	u8			*array;		/* its copy, the guest's view */
	bool			write_failed;	/* said once */
	u64			size;
	bool			slot_ok;	/* the hypervisor maps it read-only */
	bool			mapped;		/* the read-only slot is in place */

	enum flash_state	state;
	enum flash_read_mode	mode;
	u8			status;
	bool			locked[FLASH_MAX_BLOCKS];

	u8			buffer[FLASH_BUFFER_SIZE];
	u64			buffer_base;	/* address of the first data write */
	unsigned int		buffer_len;	/* bytes announced */
	unsigned int		buffer_written;	/* bytes written so far */
};

/*
 * The CFI query table (JESD68-01 table 1 onwards, Intel's primary extended
 * table at 0x31), one byte per query address; the geometry bytes (0x27,
 * 0x2d-0x30) depend on the image and come from query_byte().  Each chip
 * answers for itself, so sizes here are one chip's: half the bank's.
 */
#define QRY_SIZE_LOG2		0x27
#define QRY_REGION0		0x2d
#define QRY_TABLE_SIZE		0x44

static const u8 query_table[QRY_TABLE_SIZE] = {
	[0x10] = 'Q', 'R', 'Y',
	[0x13] = 0x01, 0x00,	/* primary command set: Intel/Sharp extended */
	[0x15] = 0x31, 0x00,	/* its extended table, at 0x31 */
	[0x17] = 0x00, 0x00,	/* no alternate command set */
	[0x19] = 0x00, 0x00,
	[0x1b] = 0x45,		/* Vcc min 4.5 V, BCD */
	[0x1c] = 0x55,		/* Vcc max 5.5 V */
	[0x1d] = 0x00, 0x00,	/* no Vpp */
	[0x1f] = 0x01,		/* typical word program: 2^1 us */
	[0x20] = 0x01,		/* typical buffer program: 2^1 us */
	[0x21] = 0x01,		/* typical block erase: 2^1 ms */
	[0x22] = 0x00,		/* no chip erase */
	[0x23] = 0x00, 0x00, 0x00, 0x00,	/* maximum = typical */
	[0x28] = 0x05, 0x00,	/* interface: x16 and x32 (JEP137) */
	[0x2a] = 6, 0x00,	/* write buffer 2^6 bytes per chip */
	[0x2c] = 0x01,		/* one erase block region */
	[0x31] = 'P', 'R', 'I',
	[0x34] = '1', '0',	/* version 1.0 */
	[0x36] = 0xa0, 0x00, 0x00, 0x00,	/* instant lock, page-mode read */
	[0x3a] = 0x00,		/* nothing after suspend */
	[0x3b] = 0x01, 0x00,	/* block status: the lock bit */
	[0x3d] = 0x50,		/* Vcc optimum 5.0 V */
	[0x3e] = 0x00,		/* Vpp optimum: none */
	[0x3f] = 0x01,		/* one protection register field */
};

static unsigned int log2_u64(u64 v)
{
	return 63 - __builtin_clzll(v);
}

static u64 nr_blocks(const struct cfi_flash *f)
{
	return f->size / FLASH_BLOCK_SIZE;
}

static u8 query_byte(const struct cfi_flash *f, u64 q)
{
	u64 blocks_minus_1 = nr_blocks(f) - 1;
	u64 block_units = FLASH_BLOCK_SIZE / FLASH_CHIPS / 256;

	switch (q) {
	case QRY_SIZE_LOG2:
		return log2_u64(f->size / FLASH_CHIPS);
	case QRY_REGION0 + 0:		/* blocks in the region, minus 1 */
		return blocks_minus_1 & 0xff;
	case QRY_REGION0 + 1:
		return blocks_minus_1 >> 8;
	case QRY_REGION0 + 2:		/* block size in units of 256 bytes */
		return block_units & 0xff;
	case QRY_REGION0 + 3:
		return block_units >> 8;
	}
	return q < QRY_TABLE_SIZE ? query_table[q] : 0;
}

static bool block_locked(const struct cfi_flash *f, u64 off)
{
	return f->locked[off / FLASH_BLOCK_SIZE];
}

/*
 * One chip's 16-bit answer at bank address @off in a non-array mode.  In
 * ID mode (Intel's "read identifier"): manufacturer at word 0, device at
 * word 1, the block's lock bit at word 2 of each block; lkvm's IDs.
 */
static u16 chip_word(const struct cfi_flash *f, u64 off)
{
	switch (f->mode) {
	case READ_STATUS:
		return f->status;
	case READ_QUERY:
		return query_byte(f, off / FLASH_BANK_WIDTH);
	case READ_ID:
		switch ((off & 0x7ff) / FLASH_BANK_WIDTH) {
		case 0:
			return 0x0000;
		case 1:
			return 0xffff;
		case 2:
			return block_locked(f, off);
		}
		return 0;
	case READ_ARRAY:
		break;
	}
	return 0;
}

/* Both chips answer the same, each on its own half of the bank. */
static u8 bank_byte(const struct cfi_flash *f, u64 off)
{
	u16 w = chip_word(f, off & ~(u64)(FLASH_BANK_WIDTH - 1));

	return w >> (8 * (off & 1));
}

/* ---- writes: the command state machine --------------------------------- */

/*
 * Write [off, off + len) of the array through to the image file; a failure
 * is the guest's @error bit in the status register, and one warning.
 */
static void write_through(struct cfi_flash *f, u64 off, u64 len, u8 error)
{
	int ret = file__pwrite_all(f->fd, f->array + off, len, off);

	if (!ret)
		return;
	f->status |= error;
	if (!f->write_failed)
		pr_warn("--flash %s: writing the image: %s: the guest's change is lost",
			f->path, strerror(-ret));
	f->write_failed = true;
}

/* Program @len bytes at @off: a NOR cell only goes from 1 to 0. */
static void program(struct cfi_flash *f, u64 off, const u8 *data,
		    unsigned int len)
{
	unsigned int i;

	if (block_locked(f, off) || block_locked(f, off + len - 1)) {
		f->status |= SR_LOCK_ERROR;
		return;
	}
	for (i = 0; i < len; i++)
		f->array[off + i] &= data[i];
	write_through(f, off, len, SR_PROGRAM_ERROR);
}

static void erase(struct cfi_flash *f, u64 off)
{
	u64 block = ALIGN_DOWN(off, FLASH_BLOCK_SIZE);

	if (block_locked(f, off)) {
		f->status |= SR_LOCK_ERROR;
		return;
	}
	memset(f->array + block, 0xff, FLASH_BLOCK_SIZE);
	write_through(f, block, FLASH_BLOCK_SIZE, SR_ERASE_ERROR);
}

/*
 * A data write into the buffer.  The first one sets the buffer's address;
 * every later one must fall inside [base, base + FLASH_BUFFER_SIZE).
 */
static bool buffer_write(struct cfi_flash *f, u64 off, const u8 *data,
			 unsigned int len)
{
	if (f->buffer_base == UINT64_MAX)
		f->buffer_base = off;
	if (off < f->buffer_base ||
	    off - f->buffer_base + len > FLASH_BUFFER_SIZE)
		return false;
	memcpy(f->buffer + (off - f->buffer_base), data, len);
	f->buffer_written += len;
	return true;
}

/* The confirm: bytes never written are 0xff in the buffer and change nothing. */
static void buffer_program(struct cfi_flash *f)
{
	u64 len = FLASH_BUFFER_SIZE;

	if (f->buffer_base == UINT64_MAX)
		return;				/* an empty buffer */
	if (len > f->size - f->buffer_base)
		len = f->size - f->buffer_base;
	program(f, f->buffer_base, f->buffer, len);
}

/* A write in the ready state is a command; its address does not matter. */
static void command(struct cfi_flash *f, u8 cmd)
{
	switch (cmd) {
	case CMD_READ_ID:
		f->mode = READ_ID;
		break;
	case CMD_READ_STATUS:
		f->mode = READ_STATUS;
		break;
	case CMD_CFI_QUERY:
		f->mode = READ_QUERY;
		break;
	case CMD_CLEAR_STATUS:
		f->status = SR_READY;
		break;
	case CMD_WORD_PROGRAM:
	case CMD_WORD_PROGRAM_ALT:
		f->state = STATE_WORD_PROGRAM;
		f->mode = READ_STATUS;
		break;
	case CMD_LOCK_SETUP:
		/* status from the first cycle on, as Intel's; lkvm waits for the second */
		f->state = STATE_LOCK_SETUP;
		f->mode = READ_STATUS;
		break;
	case CMD_BLOCK_ERASE:
		f->state = STATE_ERASE_SETUP;
		f->mode = READ_STATUS;
		break;
	case CMD_BUFFERED_PROGRAM:
		memset(f->buffer, 0xff, sizeof(f->buffer));
		f->buffer_base = UINT64_MAX;
		f->buffer_written = 0;
		f->state = STATE_BUFFER_COUNT;
		f->mode = READ_STATUS;
		break;
	case CMD_CONFIRM:
		pr_debug("flash: a confirm (0xd0) without a command to confirm");
		break;
	case CMD_READ_ARRAY:
		f->mode = READ_ARRAY;
		break;
	default:
		/* lkvm reads the array after an unknown command */
		pr_debug("flash: unknown command 0x%02x, taken as read array", cmd);
		f->mode = READ_ARRAY;
		break;
	}
}

/*
 * A write of @len (<= bank width) bytes at @off; @value holds them, little
 * endian.  Commands are chip 0's low byte (a driver writes the same command
 * to both chips: 0x00ff00ff); the buffer count is chip 0's 16-bit word.
 */
static void step(struct cfi_flash *f, u64 off, const u8 *data,
		 unsigned int len, u32 value)
{
	u8 cmd = value & 0xff;

	switch (f->state) {
	case STATE_READY:
		command(f, cmd);
		return;
	case STATE_LOCK_SETUP:
		if (cmd == CMD_LOCK_BLOCK)
			f->locked[off / FLASH_BLOCK_SIZE] = true;
		else if (cmd == CMD_CONFIRM)
			f->locked[off / FLASH_BLOCK_SIZE] = false;
		else
			f->status |= SR_SEQUENCE_ERROR;
		break;
	case STATE_WORD_PROGRAM:
		program(f, off, data, len);
		break;
	case STATE_BUFFER_COUNT:
		/* N - 1 bank words follow; lkvm caps N at the buffer */
		f->buffer_len = ((value & 0xffff) + 1) * FLASH_BANK_WIDTH;
		if (f->buffer_len > FLASH_BUFFER_SIZE)
			f->buffer_len = FLASH_BUFFER_SIZE;
		f->state = STATE_BUFFER_DATA;
		return;
	case STATE_BUFFER_DATA:
		if (f->buffer_written < f->buffer_len) {
			if (buffer_write(f, off, data, len))
				return;		/* more data, or the confirm */
			pr_debug("flash: buffered program: a write at 0x%" PRIx64 " outside the buffer at 0x%" PRIx64,
				 off, f->buffer_base);
			f->status |= SR_PROGRAM_ERROR;
		} else if (cmd == CMD_CONFIRM) {
			buffer_program(f);
		} else {
			pr_debug("flash: buffered program: 0x%02x where the confirm (0xd0) belongs",
				 cmd);
			f->status |= SR_PROGRAM_ERROR;
		}
		break;
	case STATE_ERASE_SETUP:
		if (cmd == CMD_CONFIRM)
			erase(f, off);
		else
			f->status |= SR_SEQUENCE_ERROR;
		break;
	}
	/* the second cycle of every command ends in read-status mode */
	f->state = STATE_READY;
	f->mode = READ_STATUS;
}

/*
 * The read-only slot follows the read mode: in place for read-array, gone
 * otherwise.  Called with the lock held after every write.
 */
static void update_slot(struct cfi_flash *f)
{
	bool want = f->slot_ok && f->mode == READ_ARRAY;
	int ret;

	if (want == f->mapped)
		return;
	ret = vm__set_memslot(f->vm, MEMSLOT_FLASH, LAYOUT_FLASH_BASE,
			      want ? f->size : 0, f->array, true);
	if (!ret) {
		f->mapped = want;
		return;
	}
	if (want) {
		/* reads still trap and are right; only speed and XIP go */
		pr_warn("--flash %s: mapping the flash into the guest: %s; every access traps from now on",
			f->path, strerror(-ret));
		f->slot_ok = false;
		return;
	}
	/* the guest would read the array where it asked for status */
	pr_err("--flash %s: removing the flash from the guest's memory: %s",
	       f->path, strerror(-ret));
	vm__stop(f->vm, VMM_EXIT_ERROR);
}

/* ---- the MMIO side ------------------------------------------------------- */

static void flash_read(void *opaque, u64 off, void *data, unsigned int len)
{
	struct cfi_flash *f = opaque;
	u8 *out = data;
	unsigned int i;

	pthread_mutex_lock(&f->lock);
	if (f->mode == READ_ARRAY) {
		memcpy(out, f->array + off, len);	/* the bus bounds @off */
	} else {
		/* byte by byte, so a wide read spans bank cycles as on a bus */
		for (i = 0; i < len; i++)
			out[i] = bank_byte(f, off + i);
	}
	pthread_mutex_unlock(&f->lock);
}

static void flash_write(void *opaque, u64 off, const void *data,
			unsigned int len)
{
	struct cfi_flash *f = opaque;
	u32 value = 0;

	if (len > FLASH_BANK_WIDTH) {
		/* wider than the bus: lkvm drops them too */
		pr_debug("flash: %u-byte write at 0x%" PRIx64 " ignored (the bank is %u bytes wide)",
			 len, off, FLASH_BANK_WIDTH);
		return;
	}
	memcpy(&value, data, len);
	pthread_mutex_lock(&f->lock);
	step(f, off, data, len, value);
	update_slot(f);
	pthread_mutex_unlock(&f->lock);
}

static const struct mmio_ops flash_ops = {
	.read	= flash_read,
	.write	= flash_write,
};

/* ---- the image file ------------------------------------------------------ */

/*
 * Open, lock and copy the image, or print one line about what is wrong.
 * Its size must be what the CFI geometry can describe: whole 64 KiB erase
 * blocks, a power of two (the query gives the size as 2^n), at most the
 * 16 MiB window.
 */
static int open_image(struct cfi_flash *f)
{
	struct stat st;
	int ret;

	f->fd = open(f->path, O_RDWR | O_CLOEXEC);
	if (f->fd < 0) {
		pr_err("--flash %s: %s%s", f->path, strerror(errno),
		       errno == EACCES || errno == EROFS ?
		       " (the guest writes to the image: it must be writable)" : "");
		return -DEVICE_EREPORTED;
	}
	if (fstat(f->fd, &st)) {
		pr_err("--flash %s: %s", f->path, strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		pr_err("--flash %s: not a regular file", f->path);
		goto out_close;
	}
	/* two VMs writing one variable store would corrupt it */
	if (flock(f->fd, LOCK_EX | LOCK_NB)) {
		pr_err("--flash %s: %s", f->path, errno == EWOULDBLOCK ?
		       "in use by another process (locked)" : strerror(errno));
		goto out_close;
	}
	if (!st.st_size) {
		pr_err("--flash %s: the file is empty; a flash image is a power of two from 64 KiB to 16 MiB",
		       f->path);
		goto out_close;
	}
	f->size = st.st_size;
	if (f->size < FLASH_MIN_SIZE || f->size > FLASH_MAX_SIZE ||
	    (f->size & (f->size - 1))) {
		pr_err("--flash %s: %" PRIu64 " bytes; a flash image is a power of two from 64 KiB (one erase block) to 16 MiB",
		       f->path, f->size);
		goto out_close;
	}
	/* page aligned: it backs a memory slot */
	f->array = mmap(NULL, f->size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f->array == MAP_FAILED) {
		f->array = NULL;
		pr_err("--flash %s: %s", f->path, strerror(errno));
		goto out_close;
	}
	ret = file__pread_all(f->fd, f->array, f->size, 0);
	if (ret) {
		pr_err("--flash %s: reading the image: %s", f->path,
		       ret == -EIO ? "the file shrank" : strerror(-ret));
		munmap(f->array, f->size);
		goto out_close;
	}
	return 0;

out_close:
	close(f->fd);
	return -DEVICE_EREPORTED;
}

static void close_image(struct cfi_flash *f)
{
	/* the guest's writes are in the page cache already; make them last */
	if (fsync(f->fd))
		pr_warn("--flash %s: writing the image back: %s", f->path,
			strerror(errno));
	munmap(f->array, f->size);
	close(f->fd);		/* and the lock with it */
}

/* ---- the device ---------------------------------------------------------- */

/* At the end: the read-only slot goes before the memory behind it. */
static void remove_slot(struct cfi_flash *f)
{
	if (f->mapped &&
	    vm__set_memslot(f->vm, MEMSLOT_FLASH, LAYOUT_FLASH_BASE, 0, f->array, true))
		pr_debug("--flash: removing the flash's memory slot failed");
	f->mapped = false;
}

static int cfi_flash_init(struct vm *vm, const char *arg __unused, void **state)
{
	struct cfi_flash *f;
	int ret;

	if (!vm->cfg->flash)
		return 1;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	f->vm = vm;
	f->path = vm->cfg->flash;
	f->state = STATE_READY;
	f->mode = READ_ARRAY;
	f->status = SR_READY;
	ret = open_image(f);
	if (ret)
		goto out_free;
	pthread_mutex_init(&f->lock, NULL);
	/* the slot first: the bus cannot unregister a region that points at f */
	ret = vm__set_memslot(vm, MEMSLOT_FLASH, LAYOUT_FLASH_BASE, f->size,
			      f->array, true);
	if (ret == -EOPNOTSUPP) {
		pr_debug("--flash: the hypervisor has no read-only memory slots (KVM_CAP_READONLY_MEM): every flash access traps, and code cannot run from the flash");
	} else if (ret) {
		pr_err("--flash %s: mapping the flash into the guest: %s",
		       f->path, strerror(-ret));
		ret = -DEVICE_EREPORTED;
		goto out_close;
	} else {
		f->slot_ok = f->mapped = true;
	}
	ret = mmio_bus__register(&vm->bus, LAYOUT_FLASH_BASE, f->size,
				 "cfi-flash", &flash_ops, f);
	if (ret)
		goto out_unmap;
	*state = f;
	return 0;

out_unmap:
	remove_slot(f);
out_close:
	pthread_mutex_destroy(&f->lock);
	close_image(f);
out_free:
	free(f);
	return ret;
}

/* lkvm's node, with a unit address (DT spec 2.2.1: a node with "reg") */
static int cfi_flash_fdt(struct vm *vm __unused, void *state, void *fdt)
{
	struct cfi_flash *f = state;
	char name[32];

	snprintf(name, sizeof(name), "flash@%llx", LAYOUT_FLASH_BASE);
	FDT_CHECK(fdt_begin_node(fdt, name));
	FDT_CHECK(fdt_property_string(fdt, "compatible", "cfi-flash"));
	FDT_CHECK(fdt_prop_reg(fdt, LAYOUT_FLASH_BASE, f->size));
	FDT_CHECK(fdt_property_cell(fdt, "bank-width", FLASH_BANK_WIDTH));
	FDT_CHECK(fdt_property_string(fdt, "label", "System-firmware"));
	FDT_CHECK(fdt_end_node(fdt));
	return 0;
}

static void cfi_flash_exit(struct vm *vm __unused, void *state)
{
	struct cfi_flash *f = state;

	remove_slot(f);
	pthread_mutex_destroy(&f->lock);
	close_image(f);
	free(f);
}

static const struct device_desc cfi_flash_dev = {
	.name	= "cfi-flash",
	.order	= 20,
	.init	= cfi_flash_init,
	.fdt	= cfi_flash_fdt,
	.exit	= cfi_flash_exit,
};
DEVICE_REGISTER(cfi_flash_dev);
