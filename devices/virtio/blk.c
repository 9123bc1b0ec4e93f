// SPDX-License-Identifier: GPL-2.0
/*
 * blk.c - virtio-blk (VIRTIO 1.2, 5.2): `-d/--disk <path>[,ro][,direct]`
 * as lkvm spells it, a raw image or a block device per use, vda, vdb, ...
 * in command-line order.
 *
 * Each disk has one I/O thread and one io_uring.  The thread waits on the
 * ring alone: the queue's notify eventfd and a control eventfd are read
 * through it, so a notification, a finished transfer and a reset request
 * all arrive as completions.  Requests are popped as a batch, submitted
 * with one io_uring_enter, and as many are in flight as the guest posts.
 * A FLUSH is an fdatasync through the ring, completed to the guest only
 * when it has returned: a write the guest saw flushed is on stable storage.
 * The ring may read, write and fdatasync its three files and nothing else
 * (ring_init()): what it submits is beyond any seccomp filter.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <linux/falloc.h>
#include <linux/magic.h>
#include <linux/fs.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <liburing.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#include "../../vmm/seccomp.h"
#include "virtio.h"

#define BLK_QUEUE_SIZE		256
#define BLK_SECTOR_SHIFT	9
#define BLK_SEG_MAX		(VIRTQ_MAX_CHAIN - 2)	/* less header and status */
#define BLK_RING_ENTRIES	(2 * BLK_QUEUE_SIZE)
#define BLK_MAX_REQS		BLK_QUEUE_SIZE
/* one DISCARD or WRITE_ZEROES range per request, up to 64 MiB */
#define BLK_MAX_RANGE_SECTORS	0x20000

/* io_uring user_data of what is not a request */
#define TAG_NOTIFY		1
#define TAG_CTL			2

/* the ring's files, by their index in its file table */
enum { FILE_IMAGE, FILE_NOTIFY, FILE_CTL, NR_FILES };

/* SYNC: serve the queue, acknowledged once nothing is in flight (blk_quiesce()) */
enum blk_cmd { BLK_CMD_NONE, BLK_CMD_START, BLK_CMD_RESET, BLK_CMD_STOP, BLK_CMD_SYNC };

struct blk_req {
	struct virtq_chain	chain;
	struct iovec		iov[VIRTQ_MAX_CHAIN];	/* the data, for IN/OUT */
	unsigned int		niov;
	u64			off, len, done;
	u32			type;
	u8			*status;
	struct blk_req		*next_free;
};

struct blk {
	struct virtio_dev	vdev;
	struct virtio_blk_config config;
	char			name[32];	/* "virtio-blk vda" */
	char			serial[VIRTIO_BLK_ID_BYTES];
	char			*path;
	int			fd;
	bool			ro, direct;
	u64			size;		/* bytes the guest may address */
	u32			block_size;	/* blk_size: 512, or a block device's */

	struct io_uring		ring;
	bool			ring_ok;
	pthread_t		thread;
	bool			thread_ok;
	int			ctl_fd;
	u64			notify_buf, ctl_buf;	/* the eventfd reads land here */

	/* commands to the I/O thread, and its acknowledgements */
	pthread_mutex_t		ctl_lock;
	pthread_cond_t		ctl_cond;
	enum blk_cmd		cmd;
	unsigned int		cmd_seq, ack_seq;

	/* the I/O thread's own */
	bool			running, exiting, starved;
	bool			need_signal;	/* pushed since the last interrupt check */
	bool			write_through;	/* FLUSH not negotiated: RWF_DSYNC */
	bool			sync_rw;	/* tmpfs: see choose_transfers() */
	unsigned int		pending_ack;	/* ack this seq once idle */
	unsigned int		inflight;
	struct blk_req		*free;
	struct blk_req		reqs[BLK_MAX_REQS];
};

static const struct device_desc blk_dev;

/* ---- the option --------------------------------------------------------- */

struct disk_params {
	char	path[4096];
	bool	ro, direct;
};

static int parse_disk(const char *value, struct disk_params *p, char *err,
		      size_t errlen)
{
	const char *comma = strchr(value, ','), *flag;
	size_t len = comma ? (size_t)(comma - value) : strlen(value);

	memset(p, 0, sizeof(*p));
	if (!len)
		return errorf(err, errlen, "--disk %s: expected <image>[,ro][,direct]", value);
	if (len >= sizeof(p->path))
		return errorf(err, errlen, "--disk: the path is too long");
	memcpy(p->path, value, len);
	for (flag = comma; flag; flag = strchr(flag + 1, ',')) {
		const char *end = strchr(flag + 1, ',');
		size_t n = end ? (size_t)(end - flag - 1) : strlen(flag + 1);

		if (n == 2 && !strncmp(flag + 1, "ro", 2))
			p->ro = true;
		else if (n == 6 && !strncmp(flag + 1, "direct", 6))
			p->direct = true;
		else
			return errorf(err, errlen, "--disk %s: unknown flag '%.*s' (expected ro or direct)",
				      value, (int)n, flag + 1);
	}
	return 0;
}

static int check_disk(const char *value, char *err, size_t errlen)
{
	struct disk_params p;

	return parse_disk(value, &p, err, errlen);
}

/* ---- requests ------------------------------------------------------------ */

/*
 * The iovecs of @c's part (out or in) from byte @skip, @len bytes long,
 * into @iov.  Returns how many.
 */
static unsigned int slice(const struct virtq_chain *c, bool in, u64 skip, u64 len,
			  struct iovec *iov)
{
	unsigned int i = in ? c->nr_out : 0, end = in ? c->nr_out + c->nr_in : c->nr_out;
	unsigned int n = 0;

	for (; i < end && len; i++) {
		u64 l = c->iov[i].iov_len;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		l -= skip;
		if (l > len)
			l = len;
		iov[n++] = (struct iovec){
			.iov_base = (u8 *)c->iov[i].iov_base + skip, .iov_len = l,
		};
		len -= l;
		skip = 0;
	}
	return n;
}

/* Drop @n transferred bytes from the front of @r's iovecs. */
static void advance(struct blk_req *r, u64 n)
{
	unsigned int i = 0;

	while (i < r->niov && n >= r->iov[i].iov_len)
		n -= r->iov[i++].iov_len;
	memmove(r->iov, r->iov + i, (r->niov - i) * sizeof(r->iov[0]));
	r->niov -= i;
	if (r->niov) {
		r->iov[0].iov_base = (u8 *)r->iov[0].iov_base + n;
		r->iov[0].iov_len -= n;
	}
}

/*
 * The I/O thread's ring, which may do what this file submits and no
 * more: readv, writev, fdatasync, the eventfds' reads, on its own files.
 * Its image is blk->fd itself, which holds the image's lock: if the vmm
 * is killed, the lock lasts until the kernel has torn the ring down, its
 * writes in flight done.  A clean end unlocks it first (blk_free()): the
 * kernel drops a ring's files only as it finishes tearing the ring down,
 * later, and unregistering them would wait on the eventfd reads for ever.
 */
static int ring_init(struct blk *blk)
{
	static const u8 ops[] = {
		IORING_OP_READV, IORING_OP_WRITEV, IORING_OP_FSYNC, IORING_OP_READ,
	};
	const int fds[NR_FILES] = {
		[FILE_IMAGE] = blk->fd,
		[FILE_NOTIFY] = blk->vdev.vqs[0].notify_fd,
		[FILE_CTL] = blk->ctl_fd,
	};

	return uring__init_restricted(&blk->ring, BLK_RING_ENTRIES, fds, NR_FILES, ops,
				      ARRAY_SIZE(ops));
}

/*
 * A free submission entry.  The ring has twice the entries that can be
 * outstanding (every request slot, the two eventfd reads), so a full
 * queue only needs submitting; if the kernel refuses that for now (it
 * can with -EAGAIN or -EBUSY), try again shortly rather than lose work.
 */
static struct io_uring_sqe *get_sqe(struct blk *blk)
{
	struct io_uring_sqe *sqe;
	int ret;

	while (!(sqe = io_uring_get_sqe(&blk->ring))) {
		ret = io_uring_submit(&blk->ring);
		if (ret < 0) {
			pr_debug("%s: io_uring_submit: %s", blk->name, strerror(-ret));
			usleep(1000);
		}
	}
	return sqe;
}

static void complete(struct blk *blk, struct blk_req *r, u8 status, u32 written);

/*
 * Count a transfer's result (bytes moved, or -errno; 0 is the end of a
 * file that shrank under us): true while bytes remain to move, the
 * iovecs advanced past what moved; false once the request is completed.
 */
static bool transferred(struct blk *blk, struct blk_req *r, ssize_t res)
{
	if (res <= 0) {
		pr_debug("%s: %s at %" PRIu64 ": %s", blk->name,
			 r->type == VIRTIO_BLK_T_IN ? "read" : "write",
			 r->off + r->done, res ? strerror(-res) : "end of file");
		complete(blk, r, VIRTIO_BLK_S_IOERR, 0);
		return false;
	}
	r->done += res;
	if (r->done < r->len) {
		advance(r, res);
		return true;
	}
	complete(blk, r, VIRTIO_BLK_S_OK, r->type == VIRTIO_BLK_T_IN ? r->len : 0);
	return false;
}

/*
 * A transfer done here and now, for a file that cannot do non-blocking
 * I/O: a tmpfs file, where it is a memory copy that never waits.
 */
static void rw_sync(struct blk *blk, struct blk_req *r)
{
	ssize_t n;

	do {
		if (r->type == VIRTIO_BLK_T_IN)
			n = preadv(blk->fd, r->iov, r->niov, r->off + r->done);
		else
			n = pwritev2(blk->fd, r->iov, r->niov, r->off + r->done,
				     blk->write_through ? RWF_DSYNC : 0);
		if (n < 0)
			n = -errno;
	} while (n == -EINTR || transferred(blk, r, n));
}

/* FLUSH: an fdatasync through the ring, completed only when it returns. */
static void submit_flush(struct blk *blk, struct blk_req *r)
{
	struct io_uring_sqe *sqe = get_sqe(blk);

	io_uring_prep_fsync(sqe, FILE_IMAGE, IORING_FSYNC_DATASYNC);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	io_uring_sqe_set_data(sqe, r);
}

static void submit_rw(struct blk *blk, struct blk_req *r)
{
	struct io_uring_sqe *sqe;

	if (blk->sync_rw) {
		rw_sync(blk, r);
		return;
	}
	sqe = get_sqe(blk);
	if (r->type == VIRTIO_BLK_T_IN)
		io_uring_prep_readv(sqe, FILE_IMAGE, r->iov, r->niov, r->off + r->done);
	else
		/*
		 * 5.2.6: without VIRTIO_BLK_F_FLUSH the driver has no flush to
		 * ask for, so a completed write must be durable already.
		 */
		io_uring_prep_writev2(sqe, FILE_IMAGE, r->iov, r->niov, r->off + r->done,
				      blk->write_through ? RWF_DSYNC : 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	io_uring_sqe_set_data(sqe, r);
}

/* The request's slot is free again. */
static void release(struct blk *blk, struct blk_req *r)
{
	r->next_free = blk->free;
	blk->free = r;
	blk->inflight--;
}

/* Give the request back: its status, and @written bytes of data. */
static void complete(struct blk *blk, struct blk_req *r, u8 status, u32 written)
{
	*r->status = status;
	virtq__push(&blk->vdev.vqs[0], r->chain.head, written + 1);
	blk->need_signal = true;
	release(blk, r);
}

/*
 * DISCARD and WRITE_ZEROES: one range, done at once with fallocate() on
 * the I/O thread; max_*_sectors bounds how long that can take.
 */
static u8 do_range(struct blk *blk, struct blk_req *r)
{
	const u32 punch = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
	const u32 zero = FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE;
	struct virtio_blk_discard_write_zeroes range;
	u32 flags, sectors, mode;
	u64 sector, off, len;

	if (r->chain.out_len - sizeof(struct virtio_blk_outhdr) != sizeof(range) ||
	    virtq_chain__read(&r->chain, sizeof(struct virtio_blk_outhdr), &range,
			      sizeof(range)) != sizeof(range))
		return VIRTIO_BLK_S_UNSUPP;	/* max_*_seg is 1 */
	sector = le64toh(range.sector);
	sectors = le32toh(range.num_sectors);
	flags = le32toh(range.flags);
	/* 5.2.6.2: unmap only for WRITE_ZEROES, no other flag */
	if (flags & ~(r->type == VIRTIO_BLK_T_WRITE_ZEROES ?
		      VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0))
		return VIRTIO_BLK_S_UNSUPP;
	len = (u64)sectors << BLK_SECTOR_SHIFT;
	if (sectors > BLK_MAX_RANGE_SECTORS || sector > blk->size >> BLK_SECTOR_SHIFT ||
	    len > blk->size - (sector << BLK_SECTOR_SHIFT))
		return VIRTIO_BLK_S_IOERR;
	off = sector << BLK_SECTOR_SHIFT;
	/* a hole reads as zeroes: each way of zeroing is the other's fallback */
	mode = r->type == VIRTIO_BLK_T_DISCARD || flags ? punch : zero;
	if (fallocate(blk->fd, mode, off, len) == 0)
		return VIRTIO_BLK_S_OK;
	if (r->type == VIRTIO_BLK_T_WRITE_ZEROES && errno == EOPNOTSUPP &&
	    fallocate(blk->fd, mode == punch ? zero : punch, off, len) == 0)
		return VIRTIO_BLK_S_OK;
	return errno == EOPNOTSUPP ? VIRTIO_BLK_S_UNSUPP : VIRTIO_BLK_S_IOERR;
}

/* The status byte: the last byte of the device-writable part, or NULL. */
static u8 *status_byte(const struct virtq_chain *c)
{
	unsigned int i = c->nr_out + c->nr_in;

	while (i-- > c->nr_out)
		if (c->iov[i].iov_len)
			return (u8 *)c->iov[i].iov_base + c->iov[i].iov_len - 1;
	return NULL;
}

/* Start one request: submitted to the ring, or completed at once. */
static void start_request(struct blk *blk, struct blk_req *r)
{
	struct virtio_blk_outhdr hdr;
	const u64 hs = sizeof(hdr);
	u64 sector;

	blk->inflight++;
	r->done = 0;
	r->status = status_byte(&r->chain);
	if (!r->status) {
		/* nowhere to say how it went: the driver is broken */
		virtio_dev__fail(&blk->vdev, "request without a status byte");
		release(blk, r);
		return;
	}
	if (virtq_chain__read(&r->chain, 0, &hdr, hs) != hs) {
		complete(blk, r, VIRTIO_BLK_S_IOERR, 0);
		return;
	}
	r->type = le32toh(hdr.type);
	sector = le64toh(hdr.sector);

	switch (r->type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		if (r->type == VIRTIO_BLK_T_OUT && blk->ro) {
			complete(blk, r, VIRTIO_BLK_S_IOERR, 0);
			return;
		}
		r->len = r->type == VIRTIO_BLK_T_IN ? r->chain.in_len - 1
						   : r->chain.out_len - hs;
		r->niov = r->type == VIRTIO_BLK_T_IN ?
			slice(&r->chain, true, 0, r->len, r->iov) :
			slice(&r->chain, false, hs, r->len, r->iov);
		r->off = sector << BLK_SECTOR_SHIFT;
		/*
		 * 5.2.6.2: whole sectors, inside the disk; and a used length
		 * (data + status) that fits its 32 bits
		 */
		if ((r->len & ((1 << BLK_SECTOR_SHIFT) - 1)) || r->len >= UINT32_MAX ||
		    sector > blk->size >> BLK_SECTOR_SHIFT || r->len > blk->size - r->off) {
			complete(blk, r, VIRTIO_BLK_S_IOERR, 0);
			return;
		}
		if (!r->len) {
			complete(blk, r, VIRTIO_BLK_S_OK, 0);
			return;
		}
		submit_rw(blk, r);
		return;
	case VIRTIO_BLK_T_FLUSH:
		submit_flush(blk, r);
		return;
	case VIRTIO_BLK_T_GET_ID: {
		u64 n = r->chain.in_len - 1;

		n = virtq_chain__write(&r->chain, 0, blk->serial,
				       n < sizeof(blk->serial) ? n : sizeof(blk->serial));
		complete(blk, r, VIRTIO_BLK_S_OK, n);
		return;
	}
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		if (blk->ro) {
			complete(blk, r, VIRTIO_BLK_S_IOERR, 0);
			return;
		}
		complete(blk, r, do_range(blk, r), 0);
		return;
	default:
		complete(blk, r, VIRTIO_BLK_S_UNSUPP, 0);
	}
}

/* A transfer or a flush finished. */
static void finish_request(struct blk *blk, struct blk_req *r, int res)
{
	if (r->type == VIRTIO_BLK_T_FLUSH) {
		if (res == -EINTR || res == -EAGAIN) {
			submit_flush(blk, r);
			return;
		}
		if (res < 0)
			pr_debug("%s: flush: %s", blk->name, strerror(-res));
		complete(blk, r, res < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK, 0);
		return;
	}
	if (res == -EINTR || res == -EAGAIN || transferred(blk, r, res))
		submit_rw(blk, r);
}

/* Take what the guest posted, as long as there are request slots. */
static void serve_queue(struct blk *blk)
{
	struct virtqueue *vq = &blk->vdev.vqs[0];
	struct blk_req *r;

	if (!blk->running || !__atomic_load_n(&vq->ready, __ATOMIC_ACQUIRE))
		return;
	blk->starved = false;
	do {
		while ((r = blk->free)) {
			if (virtio_dev__pop(&blk->vdev, vq, &r->chain) <= 0)
				break;
			blk->free = r->next_free;
			start_request(blk, r);
		}
		/* what completed here and now is the driver's without waiting for the rest */
		if (blk->need_signal) {
			blk->need_signal = false;
			virtio_dev__signal(&blk->vdev, vq);
		}
		if (!blk->free) {
			blk->starved = true;	/* resumed by a completion */
			break;
		}
	} while (!blk->vdev.failed && virtq__arm_notify(vq));
	/* submitted by the I/O thread's next io_uring_submit_and_wait() */
}

/* ---- the I/O thread ------------------------------------------------------ */

/*
 * Wait for the next notification, or command, through the ring: a read of
 * the eventfd, which consumes its count as it completes.  Both eventfds
 * are blocking (io_uring completes a read of a non-blocking file with
 * -EAGAIN instead of waiting for it).
 */
static void arm_read(struct blk *blk, int file, u64 *buf, u64 tag)
{
	struct io_uring_sqe *sqe = get_sqe(blk);

	io_uring_prep_read(sqe, file, buf, sizeof(*buf), 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	io_uring_sqe_set_data64(sqe, tag);
}

static void take_command(struct blk *blk)
{
	pthread_mutex_lock(&blk->ctl_lock);
	switch (blk->cmd) {
	case BLK_CMD_START:
		blk->running = true;
		blk->ack_seq = blk->cmd_seq;
		break;
	case BLK_CMD_RESET:
	case BLK_CMD_STOP:
		blk->running = false;
		blk->exiting = blk->cmd == BLK_CMD_STOP;
		blk->pending_ack = blk->cmd_seq;	/* once nothing is in flight */
		break;
	case BLK_CMD_SYNC:
		blk->pending_ack = blk->cmd_seq;	/* likewise, after the serve below */
		break;
	case BLK_CMD_NONE:
		break;
	}
	blk->cmd = BLK_CMD_NONE;
	pthread_cond_broadcast(&blk->ctl_cond);
	pthread_mutex_unlock(&blk->ctl_lock);
	if (blk->running)
		serve_queue(blk);
}

static void *io_thread(void *arg)
{
	struct blk *blk = arg;
	struct io_uring_cqe *cqe;
	unsigned int head, n;
	sigset_t all;

	/* signals are the main thread's (its signalfd): never this thread's */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	/* once the VM is set up, this thread's privileges are its role's */
	if (sandbox__worker(SANDBOX_IO, "io"))
		return NULL;
	arm_read(blk, FILE_NOTIFY, &blk->notify_buf, TAG_NOTIFY);
	arm_read(blk, FILE_CTL, &blk->ctl_buf, TAG_CTL);
	for (;;) {
		/* -EINTR and the like: look at the ring again either way */
		io_uring_submit_and_wait(&blk->ring, 1);
		n = 0;
		io_uring_for_each_cqe(&blk->ring, head, cqe) {
			u64 tag = io_uring_cqe_get_data64(cqe);

			n++;
			if (tag == TAG_NOTIFY) {
				arm_read(blk, FILE_NOTIFY, &blk->notify_buf, TAG_NOTIFY);
				serve_queue(blk);
			} else if (tag == TAG_CTL) {
				arm_read(blk, FILE_CTL, &blk->ctl_buf, TAG_CTL);
				take_command(blk);
			} else {
				finish_request(blk, (struct blk_req *)(uintptr_t)tag, cqe->res);
			}
		}
		io_uring_cq_advance(&blk->ring, n);
		if (blk->starved && blk->free)
			serve_queue(blk);
		/* one interrupt check for the whole batch */
		if (blk->need_signal) {
			blk->need_signal = false;
			virtio_dev__signal(&blk->vdev, &blk->vdev.vqs[0]);
		}
		if (blk->pending_ack && !blk->inflight) {
			pthread_mutex_lock(&blk->ctl_lock);
			blk->ack_seq = blk->pending_ack;
			blk->pending_ack = 0;
			pthread_cond_broadcast(&blk->ctl_cond);
			pthread_mutex_unlock(&blk->ctl_lock);
			if (blk->exiting)
				return NULL;
		}
	}
}

/* Tell the I/O thread @cmd and wait until it has acted on it. */
static void send_command(struct blk *blk, enum blk_cmd cmd)
{
	u64 one = 1;
	unsigned int seq;

	pthread_mutex_lock(&blk->ctl_lock);
	/* one command at a time: wait for the last to be taken */
	while (blk->cmd != BLK_CMD_NONE)
		pthread_cond_wait(&blk->ctl_cond, &blk->ctl_lock);
	blk->cmd = cmd;
	seq = ++blk->cmd_seq;
	if (!seq)
		seq = ++blk->cmd_seq;	/* 0 means "no ack pending" */
	if (write(blk->ctl_fd, &one, sizeof(one)) < 0)
		pr_err("%s: waking its I/O thread: %s", blk->name, strerror(errno));
	while (blk->ack_seq != seq)
		pthread_cond_wait(&blk->ctl_cond, &blk->ctl_lock);
	pthread_mutex_unlock(&blk->ctl_lock);
}

static int blk_start(struct virtio_dev *vdev)
{
	struct blk *blk = vdev->priv;

	/* read by the I/O thread after the command's handshake */
	blk->write_through = !virtio_dev__has(vdev, VIRTIO_BLK_F_FLUSH);
	send_command(blk, BLK_CMD_START);
	return 0;
}

static void blk_reset(struct virtio_dev *vdev)
{
	send_command(vdev->priv, BLK_CMD_RESET);
}

/*
 * Once the notify eventfd's count is 0, the ring's read of it has
 * completed, and its completion is ahead of the command's in the
 * completion queue: the I/O thread has served the queue for it when it
 * takes the command, which serves it once more and is acknowledged when
 * nothing is in flight.
 */
static void blk_quiesce(struct virtio_dev *vdev)
{
	while (virtio_dev__notify_pending(&vdev->vqs[0]))
		sched_yield();
	send_command(vdev->priv, BLK_CMD_SYNC);
}

static const struct virtio_dev_ops blk_ops = {
	.start		= blk_start,
	.reset		= blk_reset,
	.quiesce	= blk_quiesce,
};

/* ---- set-up --------------------------------------------------------------- */

/* Open, lock and size the image; one line naming the option on failure. */
static int open_image(struct blk *blk, const char *opt)
{
	struct stat st;
	int flags = (blk->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC;

	if (blk->direct)
		flags |= O_DIRECT;
	blk->fd = open(blk->path, flags);
	if (blk->fd < 0) {
		pr_err("--disk %s: %s%s", opt, strerror(errno),
		       errno == EINVAL && blk->direct ?
		       " (its file system has no O_DIRECT: drop ',direct')" :
		       errno == EROFS || errno == EACCES ? " (try ',ro')" : "");
		return -DEVICE_EREPORTED;
	}
	if (fstat(blk->fd, &st)) {
		pr_err("--disk %s: %s", opt, strerror(errno));
		return -DEVICE_EREPORTED;
	}
	if (S_ISREG(st.st_mode)) {
		blk->size = st.st_size;
	} else if (S_ISBLK(st.st_mode)) {
		int lbs;

		if (ioctl(blk->fd, BLKGETSIZE64, &blk->size)) {
			pr_err("--disk %s: BLKGETSIZE64: %s", opt, strerror(errno));
			return -DEVICE_EREPORTED;
		}
		/*
		 * The guest's logical block size is the device's: O_DIRECT
		 * (and fallocate) on 4Kn storage refuse 512-byte I/O.
		 */
		if (!ioctl(blk->fd, BLKSSZGET, &lbs) && lbs > 512 && lbs <= 65536 &&
		    !(lbs & (lbs - 1)))
			blk->block_size = lbs;
	} else {
		pr_err("--disk %s: not a disk image or a block device", opt);
		return -DEVICE_EREPORTED;
	}
	blk->size &= ~((1ULL << BLK_SECTOR_SHIFT) - 1);
	if (!blk->size) {
		pr_err("--disk %s: the image is smaller than one 512-byte sector", opt);
		return -DEVICE_EREPORTED;
	}
	/* two VMs writing one image corrupt it: an advisory lock says who has it */
	if (flock(blk->fd, (blk->ro ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
		pr_err("--disk %s: %s", opt, errno == EWOULDBLOCK ?
		       "the image is in use: another VM (or another --disk) holds its lock" :
		       strerror(errno));
		return -DEVICE_EREPORTED;
	}
	return 0;
}

/*
 * io_uring runs a read or write inline when the file can do it without
 * blocking, and hands it to a kernel worker thread when not.  A tmpfs or
 * ramfs file cannot on 6.1 (no non-blocking support before Linux 6.6), so
 * every request would cost a worker hand-off (measured: 4 KiB writes take
 * a third longer); its transfers are memory copies that never wait, so the
 * I/O thread does them itself.  Only there: on any other file system a
 * transfer may wait for a disk, and the ring keeps many in flight.
 * Flushes still go through the ring.
 */
static void choose_transfers(struct blk *blk)
{
	struct statfs sfs;
	struct stat st;

	/* a regular file: a block device's node lives on devtmpfs, a tmpfs too */
	blk->sync_rw = !blk->direct && !fstat(blk->fd, &st) && S_ISREG(st.st_mode) &&
		       !fstatfs(blk->fd, &sfs) &&
		       (sfs.f_type == TMPFS_MAGIC || sfs.f_type == RAMFS_MAGIC);
}

static void fill_config(struct blk *blk)
{
	struct virtio_blk_config *c = &blk->config;
	u64 features = (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_BLK_SIZE) |
		       (1ULL << VIRTIO_BLK_F_FLUSH);

	c->capacity = htole64(blk->size >> BLK_SECTOR_SHIFT);
	c->seg_max = htole32(BLK_SEG_MAX);
	c->blk_size = htole32(blk->block_size);
	if (blk->ro) {
		features |= 1ULL << VIRTIO_BLK_F_RO;
	} else {
		features |= (1ULL << VIRTIO_BLK_F_DISCARD) |
			    (1ULL << VIRTIO_BLK_F_WRITE_ZEROES);
		c->max_discard_sectors = htole32(BLK_MAX_RANGE_SECTORS);
		c->max_discard_seg = htole32(1);
		c->discard_sector_alignment = htole32(1);
		c->max_write_zeroes_sectors = htole32(BLK_MAX_RANGE_SECTORS);
		c->max_write_zeroes_seg = htole32(1);
		c->write_zeroes_may_unmap = 1;
	}
	blk->vdev.features |= features;
	blk->vdev.config = (u8 *)c;
	blk->vdev.config_size = sizeof(*c);
}

/* vda, vdb, ..., vdz, vdaa: this disk's place among the --disk options */
static void disk_name(const struct vm *vm, const char *arg, char *name, size_t len)
{
	const struct vm_config *cfg = vm->cfg;
	unsigned int i, n = 0;

	for (i = 0; i < cfg->nr_dev_args && cfg->dev_args[i].value != arg; i++)
		n += cfg->dev_args[i].desc == &blk_dev;
	if (n < 26)
		snprintf(name, len, "vd%c", 'a' + n);
	else
		snprintf(name, len, "vd%c%c", 'a' + n / 26 - 1, 'a' + n % 26);
}

/* GET_ID's answer: the image's file name, up to 20 bytes (5.2.6: no NUL then). */
static void set_serial(struct blk *blk, char *path)
{
	const char *base = basename(path);
	size_t n = strlen(base);

	memcpy(blk->serial, base, n < sizeof(blk->serial) ? n : sizeof(blk->serial));
}

static void blk_free(struct blk *blk)
{
	if (blk->thread_ok) {
		send_command(blk, BLK_CMD_STOP);
		pthread_join(blk->thread, NULL);
	}
	virtio_dev__remove(&blk->vdev);
	if (blk->fd >= 0)
		flock(blk->fd, LOCK_UN);	/* now, not when the ring is gone */
	if (blk->ring_ok)
		io_uring_queue_exit(&blk->ring);
	if (blk->ctl_fd >= 0)
		close(blk->ctl_fd);
	if (blk->fd >= 0)
		close(blk->fd);
	virtio_dev__destroy(&blk->vdev);
	pthread_cond_destroy(&blk->ctl_cond);
	pthread_mutex_destroy(&blk->ctl_lock);
	free(blk->path);
	free(blk);
}

static int blk_init(struct vm *vm, const char *arg, void **state)
{
	struct disk_params p;
	struct blk *blk;
	char err[256], dev[16];
	unsigned int i;
	int ret;

	if (parse_disk(arg, &p, err, sizeof(err))) {
		pr_err("%s", err);	/* checked at parse time: not reached */
		return -DEVICE_EREPORTED;
	}
	blk = calloc(1, sizeof(*blk));
	if (!blk)
		return -ENOMEM;
	pthread_mutex_init(&blk->ctl_lock, NULL);
	pthread_cond_init(&blk->ctl_cond, NULL);
	blk->fd = blk->ctl_fd = -1;
	blk->block_size = 1 << BLK_SECTOR_SHIFT;
	blk->ro = p.ro;
	blk->direct = p.direct;
	disk_name(vm, arg, dev, sizeof(dev));
	snprintf(blk->name, sizeof(blk->name), "virtio-blk %s", dev);
	blk->path = strdup(p.path);
	if (!blk->path) {
		free(blk);
		return -ENOMEM;
	}
	set_serial(blk, p.path);

	ret = virtio_dev__init(&blk->vdev, vm, blk->name, VIRTIO_ID_BLOCK, 0, 1,
			       BLK_QUEUE_SIZE);
	if (ret) {
		free(blk->path);
		free(blk);
		return ret;
	}
	blk->vdev.ops = &blk_ops;
	blk->vdev.priv = blk;
	ret = open_image(blk, arg);
	if (ret)
		goto out;
	fill_config(blk);
	choose_transfers(blk);
	for (i = 0; i < BLK_MAX_REQS; i++) {
		blk->reqs[i].next_free = blk->free;
		blk->free = &blk->reqs[i];
	}
	blk->ctl_fd = eventfd(0, EFD_CLOEXEC);
	/* blocking, for the ring's reads (the transport only ever adds 1) */
	if (blk->ctl_fd < 0 || fcntl(blk->vdev.vqs[0].notify_fd, F_SETFL, 0)) {
		ret = -errno;
		goto out;
	}
	ret = ring_init(blk);
	if (ret) {
		pr_err("--disk %s: io_uring: %s%s", arg, strerror(-ret),
		       ret == -EINVAL ? " (a restricted ring needs Linux 5.10 or later)" : "");
		ret = -DEVICE_EREPORTED;
		goto out;
	}
	blk->ring_ok = true;
	ret = pthread_create(&blk->thread, NULL, io_thread, blk);
	if (ret) {
		ret = -ret;
		goto out;
	}
	blk->thread_ok = true;
	ret = virtio_dev__add(&blk->vdev);
	if (ret)
		goto out;
	pr_info("%s: %s, %" PRIu64 " MiB%s%s%s", blk->name, blk->path, blk->size >> 20,
		blk->ro ? ", read-only" : "", blk->direct ? ", O_DIRECT" : "",
		blk->sync_rw ? ", transfers on the I/O thread" : ", transfers through io_uring");
	*state = blk;
	return 0;

out:
	blk_free(blk);
	return ret;
}

static int blk_fdt(struct vm *vm __unused, void *state, void *fdt)
{
	struct blk *blk = state;

	return virtio_dev__fdt(&blk->vdev, fdt);
}

static void blk_exit(struct vm *vm __unused, void *state)
{
	blk_free(state);
}

static const struct device_option disk_option = {
	.name		= "disk",
	.short_name	= 'd',
	.metavar	= "<image>[,ro][,direct]",
	.help		= "a disk (virtio-blk): a raw image or a block device;\n"
			  "given again, the next disk (vda, vdb, ... in order).\n"
			  "ro: the guest cannot write it; direct: O_DIRECT,\n"
			  "bypassing the host's page cache",
	.check		= check_disk,
};

static const struct device_desc blk_dev = {
	.name	= "virtio-blk",
	.order	= 10,
	.option	= &disk_option,
	.init	= blk_init,
	.fdt	= blk_fdt,
	.exit	= blk_exit,
};
DEVICE_REGISTER(blk_dev);
