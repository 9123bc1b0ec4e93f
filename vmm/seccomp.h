/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seccomp.h - seccomp allow-lists as BPF (seccomp.c, portable: the unit
 * tests load one into a child on the build machine) and the sandbox each
 * thread enters once the VM is set up (sandbox.c).
 */
#ifndef VMM_SECCOMP_H
#define VMM_SECCOMP_H

#include <linux/filter.h>

#include "vmm.h"

/* A call allowed only if argument @arg has none of the bits @forbidden. */
struct seccomp_masked {
	int		nr;
	unsigned int	arg;
	u64		forbidden;
};

struct seccomp_policy {
	u32				arch;		/* AUDIT_ARCH_*: another kills */
	u32				action;		/* for anything not allowed */
	const int			*syscalls;
	size_t				nr_syscalls;
	const struct seccomp_masked	*masked;
	size_t				nr_masked;
	/* calls that fail with @err_value instead (a probe glibc copes with) */
	const int			*refused;
	size_t				nr_refused;
	u16				err_value;
	int				ioctl_nr;	/* __NR_ioctl */
	const u32			*ioctls;	/* allowed requests */
	size_t				nr_ioctls;
};

/* The filter for @pol into @out: its length, or -ENOSPC past @cap (or BPF's limit). */
int seccomp__build(const struct seccomp_policy *pol, struct sock_filter *out, size_t cap);
/* no_new_privs, then the filter, on the calling thread: 0 or -errno. */
int seccomp__install(const struct sock_filter *f, size_t n);

/*
 * io_uring: what a ring submits is not a system call, so no filter sees
 * it.  A ring made here may run only @ops (IORING_OP_*), only on the
 * files @fds (each SQE names one by its index in @fds, IOSQE_FIXED_FILE
 * set), and no register call may change that later.  0 or -errno.
 * Linux 5.10 or later.  The kernel lets the ring's files go when it has
 * torn the ring down, after io_uring_queue_exit() returns.  (uring.c)
 */
struct io_uring;
int uring__init_restricted(struct io_uring *ring, unsigned int entries, const int *fds,
			   unsigned int nr_fds, const u8 *ops, unsigned int nr_ops);

/* Once the VM is set up (main thread): the user switch, filters built, the gate open. */
int sandbox__prepare(struct vm *vm);
/* Enter @role's sandbox on the calling thread (@name for messages): 0 or -errno. */
int sandbox__enter(enum sandbox_role role, const char *name);
/* Each role's capabilities and the filters' state, for vmm stat (JSON members or text). */
void sandbox__describe(FILE *f, bool json);

/* The name of system call @nr ("openat"), or "unknown". (arm64/syscall-names.c) */
const char *syscall_name(unsigned long nr);

#endif
