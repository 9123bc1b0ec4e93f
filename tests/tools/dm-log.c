// SPDX-License-Identifier: GPL-2.0
/*
 * dm-log.c - the device-mapper log-writes target for the durability test,
 * without dmsetup (L1 has only busybox):
 *
 *   dm-log create NAME DEV LOGDEV   a log-writes device over DEV, logging to
 *                                   LOGDEV; prints its /dev/dm-N
 *   dm-log remove NAME              tear it down (the log gets its end mark)
 *   dm-log replay LOGDEV FILE       apply the logged writes to FILE up to
 *                                   the last flush (or FUA write): what a
 *                                   power cut right after it would leave
 *
 * The log format is the kernel's (drivers/md/dm-log-writes.c): a super
 * block at sector 0, then per entry one header sector and its data.  The
 * target logs a write only once a flush covers it, so the log's order is
 * the order data became durable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/dm-ioctl.h>
#include <linux/fs.h>

#define LOG_FLUSH_FLAG		(1 << 0)
#define LOG_FUA_FLAG		(1 << 1)
#define LOG_DISCARD_FLAG	(1 << 2)
#define LOG_MARK_FLAG		(1 << 3)
#define WRITE_LOG_MAGIC		0x6a736677736872ULL

struct log_write_super {
	uint64_t	magic;
	uint64_t	version;
	uint64_t	nr_entries;
	uint32_t	sectorsize;
} __attribute__((packed));

struct log_write_entry {
	uint64_t	sector;
	uint64_t	nr_sectors;
	uint64_t	flags;
	uint64_t	data_len;
};

/* "dm-log: @what: <errno's text>", and the end. */
static void die(const char *what)
{
	fprintf(stderr, "dm-log: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* One dm ioctl on @name with @extra bytes of payload after the header. */
static struct dm_ioctl *dm_new(const char *name, size_t extra)
{
	struct dm_ioctl *io = calloc(1, sizeof(*io) + extra);

	if (!io)
		die("calloc");
	io->version[0] = DM_VERSION_MAJOR;
	io->data_size = sizeof(*io) + extra;
	io->data_start = sizeof(*io);
	snprintf(io->name, sizeof(io->name), "%s", name);
	return io;
}

static void dm_call(int ctl, unsigned long cmd, struct dm_ioctl *io, const char *what)
{
	if (ioctl(ctl, cmd, io))
		die(what);
}

static int create(const char *name, const char *dev, const char *logdev)
{
	int ctl = open("/dev/mapper/control", O_RDWR), fd;
	char params[256];
	struct dm_target_spec *spec;
	struct dm_ioctl *io;
	uint64_t size;
	size_t plen;

	if (ctl < 0)
		die("/dev/mapper/control");
	fd = open(dev, O_RDONLY);
	if (fd < 0 || ioctl(fd, BLKGETSIZE64, &size))
		die(dev);
	close(fd);

	io = dm_new(name, 0);
	dm_call(ctl, DM_DEV_CREATE, io, "DM_DEV_CREATE");
	free(io);

	plen = snprintf(params, sizeof(params), "%s %s", dev, logdev) + 1;
	io = dm_new(name, sizeof(*spec) + ((plen + 7) & ~7UL));
	io->target_count = 1;
	spec = (struct dm_target_spec *)(io + 1);
	spec->sector_start = 0;
	spec->length = size >> 9;
	snprintf(spec->target_type, sizeof(spec->target_type), "log-writes");
	memcpy(spec + 1, params, plen);
	dm_call(ctl, DM_TABLE_LOAD, io, "DM_TABLE_LOAD");
	free(io);

	io = dm_new(name, 0);	/* no DM_SUSPEND_FLAG: resume, the table goes live */
	dm_call(ctl, DM_DEV_SUSPEND, io, "DM_DEV_SUSPEND");
	printf("/dev/dm-%u\n", minor(io->dev));
	free(io);
	return 0;
}

static int remove_dev(const char *name)
{
	int ctl = open("/dev/mapper/control", O_RDWR);
	struct dm_ioctl *io;

	if (ctl < 0)
		die("/dev/mapper/control");
	io = dm_new(name, 0);
	dm_call(ctl, DM_DEV_REMOVE, io, "DM_DEV_REMOVE");
	free(io);
	return 0;
}

static void read_at(int fd, void *buf, size_t len, uint64_t off, const char *what)
{
	if (pread(fd, buf, len, off) != (ssize_t)len)
		die(what);
}

static int replay(const char *logdev, const char *file)
{
	int log = open(logdev, O_RDONLY), out = open(file, O_WRONLY);
	struct log_write_super super;
	struct log_write_entry e;
	uint64_t i, pos, last = 0, applied = 0, ss;
	char *data = NULL;
	int pass;

	if (log < 0)
		die(logdev);
	if (out < 0)
		die(file);
	read_at(log, &super, sizeof(super), 0, logdev);
	if (super.magic != WRITE_LOG_MAGIC || !super.sectorsize) {
		fprintf(stderr, "dm-log: %s: not a log-writes log\n", logdev);
		return 1;
	}
	ss = super.sectorsize;

	/* pass 0 counts the entries up to the last flush; pass 1 applies them */
	for (pass = 0; pass < 2; pass++) {
		pos = ss;
		for (i = 0; i < (pass ? last : super.nr_entries); i++) {
			read_at(log, &e, sizeof(e), pos, logdev);
			pos += ss;
			if (pass == 0 && (e.flags & (LOG_FLUSH_FLAG | LOG_FUA_FLAG)))
				last = i + 1;
			if (e.flags & (LOG_DISCARD_FLAG | LOG_MARK_FLAG))
				continue;
			if (pass == 1 && e.nr_sectors) {
				data = realloc(data, e.nr_sectors * ss);
				if (!data)
					die("realloc");
				read_at(log, data, e.nr_sectors * ss, pos, logdev);
				if (pwrite(out, data, e.nr_sectors * ss, e.sector * ss) !=
				    (ssize_t)(e.nr_sectors * ss))
					die(file);
				applied++;
			}
			pos += e.nr_sectors * ss;
		}
	}
	printf("dm-log: %llu entries, %llu writes replayed up to the last flush\n",
	       (unsigned long long)super.nr_entries, (unsigned long long)applied);
	free(data);
	return fsync(out) || close(out);
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "create"))
		return create(argv[2], argv[3], argv[4]);
	if (argc == 3 && !strcmp(argv[1], "remove"))
		return remove_dev(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "replay"))
		return replay(argv[2], argv[3]);
	fprintf(stderr, "usage: dm-log create NAME DEV LOGDEV | remove NAME | replay LOGDEV FILE\n");
	return 2;
}
