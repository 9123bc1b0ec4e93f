// SPDX-License-Identifier: GPL-2.0
/*
 * uring.c - io_uring rings restricted to what their user submits: what a
 * ring does is not a system call, so no seccomp filter sees it.
 */
#include <errno.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <liburing.h>

#include "seccomp.h"

/*
 * liburing 2.3's shared library (Debian 12's, which the unit tests link)
 * lacks io_uring_register_restrictions() and io_uring_enable_rings(): its
 * symbol map missed them.  The two register calls, then, made directly.
 */
static int uring_register(struct io_uring *ring, unsigned int op, const void *arg,
			  unsigned int nr)
{
	return syscall(__NR_io_uring_register, ring->ring_fd, op, arg, nr) < 0 ? -errno : 0;
}

/*
 * The ring starts disabled (IORING_SETUP_R_DISABLED: nothing submits
 * yet), gets its files, then its restrictions (Linux 5.10), then is
 * enabled.  Allowing no register operation makes the restrictions final:
 * neither they nor the file table can change once they are in place.
 */
int uring__init_restricted(struct io_uring *ring, unsigned int entries, const int *fds,
			   unsigned int nr_fds, const u8 *ops, unsigned int nr_ops)
{
	struct io_uring_restriction res[16] = {
		{ .opcode = IORING_RESTRICTION_SQE_FLAGS_ALLOWED, .sqe_flags = IOSQE_FIXED_FILE },
		{ .opcode = IORING_RESTRICTION_SQE_FLAGS_REQUIRED, .sqe_flags = IOSQE_FIXED_FILE },
	};
	unsigned int i, n = 2;
	int ret;

	if (nr_ops > ARRAY_SIZE(res) - n)
		return -E2BIG;
	for (i = 0; i < nr_ops; i++)
		res[n++] = (struct io_uring_restriction){
			.opcode = IORING_RESTRICTION_SQE_OP, .sqe_op = ops[i],
		};
	ret = io_uring_queue_init(entries, ring, IORING_SETUP_R_DISABLED);
	if (ret)
		return ret;
	ret = io_uring_register_files(ring, fds, nr_fds);
	if (!ret)
		ret = uring_register(ring, IORING_REGISTER_RESTRICTIONS, res, n);
	if (!ret)
		ret = uring_register(ring, IORING_REGISTER_ENABLE_RINGS, NULL, 0);
	if (ret)
		io_uring_queue_exit(ring);
	return ret;
}
