// SPDX-License-Identifier: GPL-2.0
/*
 * sandbox.c - least privilege once the VM is set up: every device opened,
 * guest RAM mapped, sockets bound and helpers started.  Then, in order:
 *
 *  1. on vmm.ko, RLIMIT_MEMLOCK raised to cover guest RAM (the module
 *     charges the pages it pins to locked_vm; without CAP_IPC_LOCK the
 *     limit is what counts): by root, or by anyone up to the hard limit,
 *     with a warning if that is short;
 *  2. with --sandbox-user, as root: the supplementary groups dropped, then
 *     the user's gid and uid, for every thread (glibc's setxid broadcast),
 *     which also empties every capability set;
 *  3. each thread enters the sandbox of its role on itself (capabilities
 *     and seccomp filters are per thread): the capabilities it still needs
 *     (as root: none, but the 9p server's file-access overrides and the
 *     main thread's CAP_KILL for passt, which runs as nobody), then
 *     no_new_privs and a seccomp allow-list of the system calls, and the
 *     ioctl requests, its role makes (seccomp.c builds the BPF).  Device
 *     threads, started during setup, wait at a gate for this; the vCPU
 *     threads enter theirs first thing; the main thread last, once it has
 *     started them (a thread inherits its creator's filter).
 *
 * A call outside the list traps: SIGSYS, whose handler says which thread
 * made which call, restores the terminal and exits 159 (128 + SIGSYS, as
 * if the kernel had killed the vmm with it, which the filter's TRAP could
 * do silently).  --no-seccomp leaves the filters out (steps 1-3 less the
 * filters): for debugging, or a kernel whose calls differ.
 *
 * io_uring submissions are not system calls: a filter does not see what
 * a ring does.  Each ring is restricted instead (uring.c): virtio-blk's
 * may readv, writev and fdatasync its image and read its two eventfds,
 * nothing else, on no other file, and the restrictions cannot be undone.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <linux/vhost.h>
#include <linux/if_tun.h>

#include "seccomp.h"

#define FILTER_MAX	512

/* ---- what each role may call ------------------------------------------------ */

/*
 * Every thread: memory (never executable: below), locks, time, signals,
 * logging, glibc's abort and malloc paths, its end.  From the audit of
 * each role's code and the static binary's system-call sites.
 */
#define COMMON_SYSCALLS							\
	__NR_read, __NR_write, __NR_readv, __NR_writev, __NR_ppoll,	\
	__NR_close, __NR_futex, __NR_clock_gettime, __NR_clock_nanosleep, \
	__NR_nanosleep, __NR_gettid, __NR_getpid, __NR_tgkill,		\
	__NR_rt_sigreturn, __NR_rt_sigprocmask, __NR_rt_sigaction,	\
	__NR_sched_yield, __NR_sched_getaffinity,			\
	__NR_brk, __NR_munmap, __NR_mremap, __NR_madvise,		\
	__NR_exit, __NR_exit_group, __NR_restart_syscall,		\
	__NR_getrandom, __NR_membarrier

static const int main_syscalls[] = {
	COMMON_SYSCALLS,
	__NR_epoll_pwait, __NR_epoll_ctl, __NR_eventfd2,
	__NR_timerfd_create, __NR_timerfd_settime, __NR_timerfd_gettime,
	__NR_accept4, __NR_recvfrom, __NR_sendto, __NR_recvmsg, __NR_sendmsg,
	__NR_getsockopt, __NR_setsockopt, __NR_shutdown,
	__NR_geteuid, __NR_getuid, __NR_getgid, __NR_getegid, __NR_prlimit64,
	__NR_openat, __NR_newfstatat, __NR_fstatfs, __NR_unlinkat,	/* vmm stat's RSS; the socket */
	__NR_fcntl, __NR_lseek, __NR_pread64, __NR_pwrite64, __NR_fsync, __NR_fdatasync,
	__NR_kill, __NR_wait4, __NR_waitid,				/* passt's end */
	__NR_flock,							/* a disk's end */
};

static const int vcpu_syscalls[] = {
	COMMON_SYSCALLS,
	__NR_eventfd2, __NR_epoll_ctl,
	__NR_pread64, __NR_pwrite64, __NR_preadv, __NR_pwritev,
	__NR_fsync, __NR_fdatasync, __NR_fcntl,
	__NR_sendto, __NR_sendmsg, __NR_recvfrom,
};

static const int io_syscalls[] = {
	COMMON_SYSCALLS,
	__NR_io_uring_enter,
	__NR_pread64, __NR_pwrite64, __NR_preadv, __NR_pwritev, __NR_preadv2, __NR_pwritev2,
	__NR_fsync, __NR_fdatasync, __NR_fallocate,
};

static const int p9_syscalls[] = {
	COMMON_SYSCALLS,
	__NR_openat, __NR_openat2, __NR_newfstatat, __NR_fstatfs, __NR_statfs,
	__NR_getdents64, __NR_readlinkat, __NR_mkdirat, __NR_unlinkat,
	__NR_renameat, __NR_renameat2, __NR_linkat, __NR_symlinkat,
	__NR_fchmod, __NR_fchmodat, __NR_utimensat, __NR_ftruncate, __NR_fallocate,
	__NR_fsync, __NR_fdatasync, __NR_fcntl, __NR_lseek,
	__NR_pread64, __NR_pwrite64, __NR_preadv, __NR_pwritev,
	__NR_prlimit64, __NR_dup, __NR_dup3,
};

/* glibc's malloc reads /proc/sys/vm/overcommit_memory once: let it fail */
static const int open_refused[] = { __NR_openat };

/* No thread maps executable memory once set up. */
static const struct seccomp_masked no_exec[] = {
	{ __NR_mmap, 2, PROT_EXEC },
	{ __NR_mprotect, 2, PROT_EXEC },
};

/* The terminal: every thread may restore it on its way out (term_restore). */
#define TERM_IOCTLS	TCGETS, TCSETS, TCSETSW, TCSETSF
/* What a device does: interrupts, notifications, a NIC's backend. */
#define DEVICE_IOCTLS							\
	KVM_IRQ_LINE, KVM_SIGNAL_MSI, KVM_IRQFD, KVM_IOEVENTFD,		\
	KVM_SET_USER_MEMORY_REGION, KVM_CHECK_EXTENSION,		\
	VHOST_SET_OWNER, VHOST_SET_FEATURES, VHOST_SET_MEM_TABLE,	\
	VHOST_SET_VRING_NUM, VHOST_SET_VRING_BASE, VHOST_GET_VRING_BASE, \
	VHOST_SET_VRING_ADDR, VHOST_SET_VRING_KICK, VHOST_SET_VRING_CALL, \
	VHOST_SET_VRING_ERR, VHOST_NET_SET_BACKEND,			\
	TUNSETOFFLOAD, TUNSETVNETHDRSZ

static const u32 main_ioctls[] = {
	TERM_IOCTLS, FIONREAD, DEVICE_IOCTLS,
	KVM_GET_ONE_REG, KVM_SET_ONE_REG, KVM_SET_GUEST_DEBUG,
};

static const u32 vcpu_ioctls[] = {
	TERM_IOCTLS, DEVICE_IOCTLS, KVM_RUN,
};

static const u32 worker_ioctls[] = {
	TERM_IOCTLS, KVM_IRQ_LINE, KVM_SIGNAL_MSI,
};

#define POLICY(sys, ioc, nr_ref) {					\
	.arch = AUDIT_ARCH_AARCH64, .action = SECCOMP_RET_TRAP,		\
	.syscalls = sys, .nr_syscalls = ARRAY_SIZE(sys),		\
	.masked = no_exec, .nr_masked = ARRAY_SIZE(no_exec),		\
	.refused = open_refused, .nr_refused = nr_ref, .err_value = EACCES, \
	.ioctl_nr = __NR_ioctl, .ioctls = ioc, .nr_ioctls = ARRAY_SIZE(ioc) }

/* main and 9p open files; the others' openat is malloc's probe, refused */
static const struct seccomp_policy policies[SANDBOX_NR_ROLES] = {
	[SANDBOX_MAIN]	= POLICY(main_syscalls, main_ioctls, 0),
	[SANDBOX_VCPU]	= POLICY(vcpu_syscalls, vcpu_ioctls, ARRAY_SIZE(open_refused)),
	[SANDBOX_IO]	= POLICY(io_syscalls, worker_ioctls, ARRAY_SIZE(open_refused)),
	[SANDBOX_9P]	= POLICY(p9_syscalls, worker_ioctls, 0),
};

static const char *const role_names[SANDBOX_NR_ROLES] = {
	[SANDBOX_MAIN] = "main", [SANDBOX_VCPU] = "vcpu",
	[SANDBOX_IO] = "io", [SANDBOX_9P] = "9p",
};

/* ---- the state, one VM a process ---------------------------------------------- */

static struct {
	bool		seccomp;
	bool		root;		/* capabilities to drop */
	struct sock_filter f[SANDBOX_NR_ROLES][FILTER_MAX];
	int		len[SANDBOX_NR_ROLES];
	char		caps[SANDBOX_NR_ROLES][96];	/* what each kept, for vmm stat */
	bool		entered[SANDBOX_NR_ROLES];
} sb;

static __thread char thread_name[16] = "setup";

/* ---- a forbidden call ------------------------------------------------------- */

static size_t put_str(char *buf, size_t off, size_t cap, const char *s)
{
	while (*s && off + 1 < cap)
		buf[off++] = *s++;
	return off;
}

static size_t put_num(char *buf, size_t off, size_t cap, unsigned long v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n && off + 1 < cap)
		buf[off++] = tmp[--n];
	return off;
}

/* Async-signal-safe: write(), tcsetattr() and _exit() only. */
static void on_sigsys(int sig __unused, siginfo_t *si, void *uc __unused)
{
	char msg[256];
	size_t n = 0;

	n = put_str(msg, n, sizeof(msg), "vmm: seccomp: the ");
	n = put_str(msg, n, sizeof(msg), thread_name);
	n = put_str(msg, n, sizeof(msg), " thread made system call ");
	n = put_num(msg, n, sizeof(msg), (unsigned long)si->si_syscall);
	n = put_str(msg, n, sizeof(msg), " (");
	n = put_str(msg, n, sizeof(msg), syscall_name((unsigned long)si->si_syscall));
	n = put_str(msg, n, sizeof(msg), "), which its filter forbids: stopping (--no-seccomp leaves the filters out)\n");
	if (write(STDERR_FILENO, msg, n) < 0)
		n = 0;
	term_restore();
	_exit(128 + SIGSYS);
}

/* ---- capabilities ------------------------------------------------------------- */

/* What @role keeps as root: the 9p server acts on any file as root does. */
static int keep_caps(enum sandbox_role role, cap_value_t *v)
{
	int n = 0;

	if (role == SANDBOX_9P) {
		v[n++] = CAP_DAC_OVERRIDE;
		v[n++] = CAP_DAC_READ_SEARCH;
		v[n++] = CAP_FOWNER;
	} else if (role == SANDBOX_MAIN) {
		v[n++] = CAP_KILL;	/* passt: it runs as nobody */
	}
	return n;
}

static int drop_caps(enum sandbox_role role)
{
	cap_value_t keep[4];
	int n = keep_caps(role, keep), ret = 0;
	cap_t c = cap_init();
	char *text;

	if (!c)
		return -ENOMEM;
	if (sb.root && n &&
	    (cap_set_flag(c, CAP_EFFECTIVE, n, keep, CAP_SET) ||
	     cap_set_flag(c, CAP_PERMITTED, n, keep, CAP_SET)))
		ret = -errno;
	if (!ret && cap_set_proc(c))
		ret = -errno;
	cap_free(c);
	c = cap_get_proc();
	text = c ? cap_to_text(c, NULL) : NULL;
	snprintf(sb.caps[role], sizeof(sb.caps[role]), "%s", text ? text : "?");
	cap_free(text);
	cap_free(c);
	return ret;
}

/* ---- entering a role ---------------------------------------------------------- */

static int enter(enum sandbox_role role, const char *name)
{
	sigset_t sys;
	int ret;


	snprintf(thread_name, sizeof(thread_name), "%s", name);
	/* a forbidden call's SIGSYS must reach its handler (io threads block all) */
	sigemptyset(&sys);
	sigaddset(&sys, SIGSYS);
	pthread_sigmask(SIG_UNBLOCK, &sys, NULL);
	ret = drop_caps(role);
	if (ret) {
		pr_err("sandbox: the %s thread cannot drop its capabilities: %s", name, strerror(-ret));
		return ret;
	}
	if (sb.seccomp) {
		ret = seccomp__install(sb.f[role], sb.len[role]);
		if (ret) {
			pr_err("sandbox: the %s thread's seccomp filter: %s", name, strerror(-ret));
			return ret;
		}
	}
	__atomic_store_n(&sb.entered[role], true, __ATOMIC_RELEASE);
	return 0;
}

int sandbox__enter(enum sandbox_role role, const char *name)
{
	return enter(role, name);
}

/* ---- once set up -------------------------------------------------------------- */

/*
 * vmm.ko charges every guest page it pins to RLIMIT_MEMLOCK: RAM and the
 * flash, and room for the module's own structures.  Root raises the
 * limit; anyone else up to the hard limit, and hears if that falls short
 * (the guest would fail when it touches the page past it).
 */
static void raise_memlock(struct vm *vm)
{
	u64 need = vm->ram_size + (64ULL << 20);
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl) || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= need)
		return;
	rl.rlim_cur = need;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
		if (geteuid() == 0)
			rl.rlim_max = need;
		else
			rl.rlim_cur = rl.rlim_max;
	}
	if (setrlimit(RLIMIT_MEMLOCK, &rl) || rl.rlim_cur < need)
		pr_warn("sandbox: vmm.ko counts guest RAM as locked memory: %llu MiB needed, "
			"RLIMIT_MEMLOCK allows %llu MiB (raise 'ulimit -l')",
			(unsigned long long)need >> 20,
			(unsigned long long)(getrlimit(RLIMIT_MEMLOCK, &rl) ? 0 : rl.rlim_cur >> 20));
}

/*
 * The kernel's KVM is the misc device 10:232 (KVM_MINOR), whatever the
 * path named it; anything else speaking its API here is vmm.ko, under
 * any devname= or link.
 */
static bool is_kernel_kvm(int sys_fd)
{
	struct stat st;

	return !fstat(sys_fd, &st) && S_ISCHR(st.st_mode) && major(st.st_rdev) == 10 &&
	       minor(st.st_rdev) == 232;
}

static int switch_user(const struct vm_config *cfg)
{
	gid_t gid = cfg->sandbox_gid;

	if (setgroups(1, &gid) || setresgid(gid, gid, gid) ||
	    setresuid(cfg->sandbox_uid, cfg->sandbox_uid, cfg->sandbox_uid)) {
		pr_err("--sandbox-user: cannot become uid %u gid %u: %s",
		       cfg->sandbox_uid, gid, strerror(errno));
		return -1;
	}
	return 0;
}

int sandbox__prepare(struct vm *vm)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys, .sa_flags = SA_SIGINFO };
	const struct vm_config *cfg = vm->cfg;
	unsigned int i;
	int n;

	sb.seccomp = !cfg->no_seccomp;
	if (!is_kernel_kvm(vm->sys_fd))
		raise_memlock(vm);
	if (cfg->sandbox_user && switch_user(cfg))
		return -1;
	sb.root = geteuid() == 0;
	for (i = 0; sb.seccomp && i < SANDBOX_NR_ROLES; i++) {
		n = seccomp__build(&policies[i], sb.f[i], FILTER_MAX);
		if (n < 0) {
			pr_err("sandbox: the %s filter is too long", role_names[i]);
			return -1;
		}
		sb.len[i] = n;
	}
	if (sb.seccomp && sigaction(SIGSYS, &sa, NULL)) {
		pr_err("sandbox: SIGSYS: %s", strerror(errno));
		return -1;
	}
	sandbox__gate_open(enter);
	return 0;
}

void sandbox__describe(FILE *f, bool json)
{
	unsigned int i;

	if (json) {
		fprintf(f, "\"sandbox\":{\"seccomp\":%s,\"uid\":%u,\"gid\":%u,\"caps\":{",
			sb.seccomp ? "true" : "false", getuid(), getgid());
		for (i = 0; i < SANDBOX_NR_ROLES; i++)
			fprintf(f, "%s\"%s\":\"%s\"", i ? "," : "", role_names[i],
				sb.entered[i] ? sb.caps[i] : "");
		fputs("}}", f);
		return;
	}
	fprintf(f, "sandbox: seccomp %s, uid %u gid %u, capabilities:", sb.seccomp ? "on" : "off",
		getuid(), getgid());
	for (i = 0; i < SANDBOX_NR_ROLES; i++)
		if (sb.entered[i])
			fprintf(f, " %s \"%s\"", role_names[i], sb.caps[i]);
	fputc('\n', f);
}
