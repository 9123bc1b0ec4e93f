// SPDX-License-Identifier: GPL-2.0
/*
 * test_seccomp.c - the BPF allow-lists seccomp.c builds, loaded for real:
 * each test forks a child that installs a filter for this machine's own
 * architecture and makes one system call; the parent reads how the child
 * ended (an exit status, or killed by SIGSYS, the filter's trap with no
 * handler).
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
	return s;
}
