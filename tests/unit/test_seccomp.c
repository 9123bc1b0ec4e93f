// SPDX-License-Identifier: GPL-2.0
/*
 * test_seccomp.c - the BPF allow-lists seccomp.c builds, loaded for real:
 * each test forks a child that installs a filter for this machine's own
 * architecture and makes one system call; the parent reads how the child
 * ended (an exit status, or killed by SIGSYS, the filter's trap with no
 * handler).  And io_uring's restrictions (uring.c), which a filter cannot
 * see past: a ring that may only read its one file.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <fcntl.h>
#include <liburing.h>

#include <linux/audit.h>
#include <linux/seccomp.h>

#include "../../vmm/seccomp.h"
#include "unit.h"

#if defined(__x86_64__)
#define NATIVE_ARCH	AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH	AUDIT_ARCH_AARCH64
#endif

static const int allowed[] = {
	__NR_exit_group, __NR_exit, __NR_write, __NR_rt_sigreturn, __NR_munmap,
};

static const struct seccomp_masked masked[] = {
	{ __NR_mmap, 2, PROT_EXEC },
	{ __NR_mprotect, 2, PROT_EXEC },
};

static const u32 ioctls[] = { TCGETS };
static const int refused[] = { __NR_getppid };

static struct seccomp_policy policy(u32 arch)
{
	return (struct seccomp_policy){
		.arch = arch, .action = SECCOMP_RET_TRAP,
		.syscalls = allowed, .nr_syscalls = ARRAY_SIZE(allowed),
		.masked = masked, .nr_masked = ARRAY_SIZE(masked),
		.refused = refused, .nr_refused = ARRAY_SIZE(refused), .err_value = EACCES,
		.ioctl_nr = __NR_ioctl, .ioctls = ioctls, .nr_ioctls = ARRAY_SIZE(ioctls),
	};
}

enum call {
	CALL_NOTHING, CALL_GETPID, CALL_WRITE, CALL_TCGETS, CALL_FIONREAD,
	CALL_MMAP_RW, CALL_MMAP_EXEC, CALL_MPROTECT_EXEC, CALL_IOCTL_HIGH_BITS,
	CALL_REFUSED,
};

/* How a child that made @call under the filter for @arch ended: its wait status. */
static int run_child(u32 arch, enum call call)
{
	struct sock_filter f[256];
	struct seccomp_policy pol = policy(arch);
	int n = seccomp__build(&pol, f, ARRAY_SIZE(f)), status;
	pid_t pid;

	ck_assert_int_gt(n, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (!pid) {
		struct termios t;
		void *m;
		int v;

		if (seccomp__install(f, n))
			_exit(100);
		switch (call) {
		case CALL_NOTHING:
			break;
		case CALL_GETPID:
			syscall(__NR_getpid);
			break;
		case CALL_WRITE:
			if (syscall(__NR_write, -1, "", 0) != -1)
				_exit(101);
			break;
		case CALL_TCGETS:
			syscall(__NR_ioctl, -1, TCGETS, &t);
			break;
		case CALL_FIONREAD:
			syscall(__NR_ioctl, -1, FIONREAD, &v);
			break;
		case CALL_IOCTL_HIGH_BITS:	/* the kernel reads an unsigned int */
			syscall(__NR_ioctl, -1, 0x100000000ULL | TCGETS, &t);
			break;
		case CALL_MMAP_RW:
			m = (void *)syscall(__NR_mmap, NULL, 4096, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (m == MAP_FAILED)
				_exit(102);
			break;
		case CALL_MMAP_EXEC:
			syscall(__NR_mmap, NULL, 4096, PROT_READ | PROT_EXEC,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			break;
		case CALL_REFUSED:
			if (syscall(__NR_getppid) != -1 || errno != EACCES)
				_exit(103);
			break;
		case CALL_MPROTECT_EXEC:
			syscall(__NR_mprotect, (void *)0x10000, 4096, PROT_READ | PROT_EXEC);
			break;
		}
		syscall(__NR_exit_group, 0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return status;
}

static void ck_exits(int status)
{
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the child ended with wait status 0x%x, not exit 0", status);
}

static void ck_trapped(int status)
{
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
		      "the child ended with wait status 0x%x, not SIGSYS", status);
}

START_TEST(seccomp_allowed_calls_run)
{
	ck_exits(run_child(NATIVE_ARCH, CALL_NOTHING));
	ck_exits(run_child(NATIVE_ARCH, CALL_WRITE));
	ck_exits(run_child(NATIVE_ARCH, CALL_MMAP_RW));
}
END_TEST

START_TEST(seccomp_other_calls_trap)
{
	ck_trapped(run_child(NATIVE_ARCH, CALL_GETPID));
}
END_TEST

START_TEST(seccomp_ioctl_by_request)
{
	ck_exits(run_child(NATIVE_ARCH, CALL_TCGETS));
	ck_trapped(run_child(NATIVE_ARCH, CALL_FIONREAD));
	/* the kernel truncates the request to 32 bits: so does the filter */
	ck_exits(run_child(NATIVE_ARCH, CALL_IOCTL_HIGH_BITS));
}
END_TEST

START_TEST(seccomp_no_exec_mappings)
{
	ck_trapped(run_child(NATIVE_ARCH, CALL_MMAP_EXEC));
	ck_trapped(run_child(NATIVE_ARCH, CALL_MPROTECT_EXEC));
}
END_TEST

START_TEST(seccomp_refused_with_errno)
{
	ck_exits(run_child(NATIVE_ARCH, CALL_REFUSED));
}
END_TEST

START_TEST(seccomp_other_arch_killed)
{
	/* a filter for another ABI: every call of this one kills the process */
	int status = run_child(NATIVE_ARCH == AUDIT_ARCH_X86_64 ? AUDIT_ARCH_AARCH64
								 : AUDIT_ARCH_X86_64, CALL_NOTHING);

	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS,
		      "wait status 0x%x", status);
}
END_TEST

START_TEST(seccomp_build_bounds)
{
	struct seccomp_policy pol = policy(NATIVE_ARCH);
	struct sock_filter f[256];
	int n = seccomp__build(&pol, f, ARRAY_SIZE(f));

	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(seccomp__build(&pol, f, n - 1), -ENOSPC);
	ck_assert_int_eq(seccomp__build(&pol, f, n), n);
	/* the last instruction returns the policy's action */
	ck_assert_uint_eq(f[n - 1].code, BPF_RET | BPF_K);
	ck_assert_uint_eq(f[n - 1].k, SECCOMP_RET_TRAP);
}
END_TEST

/* ---- io_uring ------------------------------------------------------------ */

/* Submit @sqe's one request on @ring and wait: its result. */
static int uring_one(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	int res;

	ck_assert_int_eq(io_uring_submit(ring), 1);
	ck_assert_int_eq(io_uring_wait_cqe(ring, &cqe), 0);
	res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return res;
}

START_TEST(uring_restricted)
{
	static const u8 ops[] = { IORING_OP_READ };
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	char buf[8] = "";
	int p[2], other[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(pipe(other), 0);
	ck_assert_int_eq(write(p[1], "ab", 2), 2);
	ck_assert_int_eq(write(other[1], "cd", 2), 2);
	/* its files: the pipe's two ends, which it may only read */
	ck_assert_int_eq(uring__init_restricted(&ring, 4, p, 2, ops, ARRAY_SIZE(ops)), 0);

	/* an allowed operation on the ring's file: done */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, 0, buf, 1, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	ck_assert_int_eq(uring_one(&ring), 1);
	ck_assert_int_eq(buf[0], 'a');
	/* the same on a file named by its descriptor, not the table */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, other[0], buf, 1, 0);
	ck_assert_int_eq(uring_one(&ring), -EACCES);
	/* another operation on the ring's file */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, 0, "x", 1, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	ck_assert_int_eq(uring_one(&ring), -EACCES);
	/* an open: no new files */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_openat(sqe, AT_FDCWD, "/etc/passwd", O_RDONLY, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	ck_assert_int_eq(uring_one(&ring), -EACCES);
	/* a file past the table's end */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, 2, buf, 1, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE);
	ck_assert_int_eq(uring_one(&ring), -EBADF);
	/* flags beyond IOSQE_FIXED_FILE: a link, a forced worker */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, 0, buf, 1, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE | IOSQE_ASYNC);
	ck_assert_int_eq(uring_one(&ring), -EACCES);
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, 0, buf, 1, 0);
	io_uring_sqe_set_flags(sqe, IOSQE_FIXED_FILE | IOSQE_IO_LINK);
	ck_assert_int_eq(uring_one(&ring), -EACCES);
	/* and no change to the table or the rules afterwards */
	ck_assert_int_eq(io_uring_register_files_update(&ring, 0, &other[0], 1), -EACCES);
	ck_assert_int_eq(syscall(__NR_io_uring_register, ring.ring_fd,
				 IORING_REGISTER_RESTRICTIONS, NULL, 0), -1);
	ck_assert_int_eq(errno, EACCES);
	/* the pipe still holds what the refused requests did not take */
	ck_assert_int_eq(read(other[0], buf, 2), 2);
	ck_assert_int_eq(read(p[0], buf, 1), 1);
	ck_assert_int_eq(buf[0], 'b');
	io_uring_queue_exit(&ring);
	close(p[1]);
	close(p[0]);
	close(other[0]);
	close(other[1]);
}
END_TEST

Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");

	UNIT_TEST(s, seccomp_allowed_calls_run);
	UNIT_TEST(s, seccomp_other_calls_trap);
	UNIT_TEST(s, seccomp_ioctl_by_request);
	UNIT_TEST(s, seccomp_no_exec_mappings);
	UNIT_TEST(s, seccomp_refused_with_errno);
	UNIT_TEST(s, seccomp_other_arch_killed);
	UNIT_TEST(s, seccomp_build_bounds);
	UNIT_TEST(s, uring_restricted);
	return s;
}
