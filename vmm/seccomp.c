// SPDX-License-Identifier: GPL-2.0
/*
 * seccomp.c - a seccomp allow-list as a classic BPF program: the
 * architecture checked, then each allowed system call, an ioctl only with
 * an allowed request, calls whose argument must not have some bits
 * (mmap or mprotect asking for PROT_EXEC), and calls that fail with an
 * errno rather than trap (glibc's malloc probes a /proc file: a refusal
 * it copes with); anything else traps (SIGSYS, which the sandbox turns
 * into a one-line error).
 *
 * Written by hand rather than with libseccomp: an allow-list of numbers
 * is a few dozen instructions of straight-line code, every jump short,
 * and a filter built here is checked on the build machine by loading it
 * into a child process (tests/unit/test_seccomp.c), with no library to
 * provision for arm64 and link statically.
 */
#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "seccomp.h"

#define DATA_NR		offsetof(struct seccomp_data, nr)
#define DATA_ARCH	offsetof(struct seccomp_data, arch)
/* the low 32 bits of an argument (little-endian hosts: arm64, x86-64) */
#define DATA_ARG_LO(i)	(offsetof(struct seccomp_data, args) + 8 * (i))
#define DATA_ARG_HI(i)	(DATA_ARG_LO(i) + 4)

struct prog {
	struct sock_filter	*f;
	size_t			n, cap;
};

static void emit(struct prog *p, u16 code, u8 jt, u8 jf, u32 k)
{
	if (p->n < p->cap)
		p->f[p->n] = (struct sock_filter){ code, jt, jf, k };
	p->n++;
}

static void ld(struct prog *p, u32 off)
{
	emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, off);
}

static void ret(struct prog *p, u32 action)
{
	emit(p, BPF_RET | BPF_K, 0, 0, action);
}

/* if A == k, return @action; else on */
static void if_eq_ret(struct prog *p, u32 k, u32 action)
{
	emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, k);
	ret(p, action);
}

int seccomp__build(const struct seccomp_policy *pol, struct sock_filter *out, size_t cap)
{
	struct prog p = { .f = out, .cap = cap };
	size_t i, j;

	ld(&p, DATA_ARCH);
	emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, pol->arch);
	ret(&p, SECCOMP_RET_KILL_PROCESS);	/* another ABI: never ours */
	ld(&p, DATA_NR);
	for (i = 0; i < pol->nr_syscalls; i++)
		if_eq_ret(&p, pol->syscalls[i], SECCOMP_RET_ALLOW);
	for (i = 0; i < pol->nr_refused; i++)
		if_eq_ret(&p, pol->refused[i], SECCOMP_RET_ERRNO | pol->err_value);
	/*
	 * A call allowed only without some argument bits: the argument's
	 * low and high words both checked, then the number reloaded.
	 */
	for (i = 0; i < pol->nr_masked; i++) {
		const struct seccomp_masked *m = &pol->masked[i];

		emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 0, 6, m->nr);
		ld(&p, DATA_ARG_LO(m->arg));
		emit(&p, BPF_JMP | BPF_JSET | BPF_K, 3, 0, (u32)m->forbidden);
		ld(&p, DATA_ARG_HI(m->arg));
		emit(&p, BPF_JMP | BPF_JSET | BPF_K, 1, 0, (u32)(m->forbidden >> 32));
		ret(&p, SECCOMP_RET_ALLOW);
		ret(&p, pol->action);
		/* (not this call) */
	}
	if (pol->nr_ioctls) {
		/* ioctl(fd, request, ...): request is an unsigned int to the kernel */
		emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, pol->ioctl_nr);
		emit(&p, BPF_JMP | BPF_JA, 0, 0, 1);
		ret(&p, pol->action);
		ld(&p, DATA_ARG_LO(1));
		for (j = 0; j < pol->nr_ioctls; j++)
			if_eq_ret(&p, pol->ioctls[j], SECCOMP_RET_ALLOW);
	}
	ret(&p, pol->action);
	if (p.n > cap || p.n > BPF_MAXINSNS)
		return -ENOSPC;
	return (int)p.n;
}

int seccomp__install(const struct sock_filter *f, size_t n)
{
	struct sock_fprog prog = { .len = (unsigned short)n, .filter = (struct sock_filter *)f };

	/* this thread and what it starts can never gain privileges again */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog))
		return -errno;
	return 0;
}

/* ---- the gate device threads wait at ---------------------------------------- */

static struct {
	pthread_mutex_t	lock;
	pthread_cond_t	cond;
	bool		closed;
	int		(*enter)(enum sandbox_role role, const char *name);
} gate = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, NULL };

void sandbox__gate_close(void)
{
	pthread_mutex_lock(&gate.lock);
	gate.closed = true;
	gate.enter = NULL;
	pthread_mutex_unlock(&gate.lock);
}

void sandbox__gate_open(int (*enter)(enum sandbox_role role, const char *name))
{
	pthread_mutex_lock(&gate.lock);
	gate.enter = enter;
	gate.closed = false;
	pthread_cond_broadcast(&gate.cond);
	pthread_mutex_unlock(&gate.lock);
}

int sandbox__worker(enum sandbox_role role, const char *name)
{
	int (*enter)(enum sandbox_role role, const char *name);

	pthread_mutex_lock(&gate.lock);
	while (gate.closed)
		pthread_cond_wait(&gate.cond, &gate.lock);
	enter = gate.enter;
	pthread_mutex_unlock(&gate.lock);
	return enter ? enter(role, name) : 0;
}
