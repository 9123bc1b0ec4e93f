// SPDX-License-Identifier: GPL-2.0
/*
 * gdb-vm.c - `vmm run --gdb [host:]port [--gdb-wait]`: the debugger's TCP
 * socket in the main loop, and the session's view of a real VM (vCPU
 * registers through ONE_REG, KVM_SET_GUEST_DEBUG, pause and resume).
 *
 * The stub has no authentication and reads and writes all of guest memory,
 * so it listens on the loopback address unless told otherwise, and serves
 * one debugger at a time (a second is refused).  A vCPU thread that takes
 * a debug exit records it, holds itself out of the guest and wakes the
 * main loop through an eventfd; everything else happens on the main
 * thread while every vCPU is parked.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "gdb.h"

#define GDB_SEND_DEADLINE_NS	5000000000ULL

struct gdb_server {
	struct vm	*vm;
	struct gdb	*gdb;
	int		listen_fd;
	int		fd;		/* the debugger, or -1 */
	int		event_fd;	/* a vCPU took a debug exit */
	int		retry_fd;	/* timerfd: the VM would not pause, try again */
	bool		broken;		/* a send failed: drop the connection */
	char		addr[80];
};

/* ---- the session's ops on a real VM -------------------------------------- */

static struct vm *vm_of(struct gdb *g)
{
	return ((struct gdb_server *)gdb__opaque(g))->vm;
}

static int op_pause(struct gdb *g)
{
	int ret = vm__pause(vm_of(g));

	if (ret)
		pr_warn("gdb: cannot stop the VM: %s", vm__pause_error(ret));
	return ret;
}

static bool op_paused(struct gdb *g)
{
	return vm__paused(vm_of(g));
}

static void op_resume(struct gdb *g)
{
	vm__resume(vm_of(g));
}

static void op_hold(struct gdb *g, unsigned int cpu, bool hold)
{
	struct vm *vm = vm_of(g);

	pthread_mutex_lock(&vm->pause_lock);
	__atomic_store_n(&vm->vcpus[cpu].gdb_held, hold, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->pause_lock);
}

static bool op_take_exit(struct gdb *g, unsigned int cpu, struct gdb_exit *e)
{
	struct vm *vm = vm_of(g);
	struct vcpu *vcpu = &vm->vcpus[cpu];
	bool pending;

	pthread_mutex_lock(&vm->pause_lock);
	pending = vcpu->gdb_exit.pending;
	*e = vcpu->gdb_exit;
	vcpu->gdb_exit.pending = false;
	pthread_mutex_unlock(&vm->pause_lock);
	return pending;
}

static int op_get_reg(struct gdb *g, unsigned int cpu, unsigned int regno, u8 *val)
{
	return vcpu_arch__gdb_reg(&vm_of(g)->vcpus[cpu], regno, val, false);
}

static int op_set_reg(struct gdb *g, unsigned int cpu, unsigned int regno, const u8 *val)
{
	int ret = vcpu_arch__gdb_reg(&vm_of(g)->vcpus[cpu], regno, (u8 *)val, true);

	return ret < 0 ? ret : 0;
}

static int op_get_s1(struct gdb *g, unsigned int cpu, struct s1_regs *r)
{
	return vcpu_arch__get_s1(&vm_of(g)->vcpus[cpu], r);
}

static void *op_ram(struct gdb *g, u64 pa, u64 len)
{
	return guest_ptr(vm_of(g), pa, len);
}

static int op_set_debug(struct gdb *g, unsigned int cpu, const struct gdb_debug *d)
{
	int ret = vcpu_arch__set_guest_debug(&vm_of(g)->vcpus[cpu], d);

	if (ret)
		pr_warn("gdb: vCPU %u: KVM_SET_GUEST_DEBUG: %s", cpu, strerror(-ret));
	return ret;
}

static int op_inject_brk(struct gdb *g, unsigned int cpu, u32 esr)
{
	int ret = vcpu_arch__inject_brk(&vm_of(g)->vcpus[cpu], esr);

	if (ret)
		pr_warn("gdb: vCPU %u: cannot give the guest its BRK: %s", cpu, strerror(-ret));
	return ret;
}

static void op_kill(struct gdb *g)
{
	pr_info("stopping the guest: kill from gdb");
	vm__stop(vm_of(g), VMM_EXIT_STOPPED);
}

static const struct gdb_ops vm_ops = {
	.pause		= op_pause,
	.paused		= op_paused,
	.resume		= op_resume,
	.hold		= op_hold,
	.take_exit	= op_take_exit,
	.get_reg	= op_get_reg,
	.set_reg	= op_set_reg,
	.get_s1		= op_get_s1,
	.ram		= op_ram,
	.set_debug	= op_set_debug,
	.inject_brk	= op_inject_brk,
	.kill		= op_kill,
};

bool gdb__holds(struct vm *vm)
{
	return vm->gdb && vm->gdb->gdb && gdb__stopped(vm->gdb->gdb);
}

/* ---- the vCPU side ---------------------------------------------------------- */

void gdb__vcpu_exit(struct vcpu *vcpu, u32 esr, u64 far)
{
	struct vm *vm = vcpu->vm;
	u64 one = 1;

	pthread_mutex_lock(&vm->pause_lock);
	vcpu->gdb_exit = (struct gdb_exit){ .pending = true, .esr = esr, .far = far };
	__atomic_store_n(&vcpu->gdb_held, true, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&vm->pause_lock);
	if (write(vm->gdb->event_fd, &one, sizeof(one)) < 0)
		pr_debug("gdb: waking the main loop: %s", strerror(errno));
}

/* ---- the socket -------------------------------------------------------------- */

static void drop(struct gdb_server *s)
{
	if (s->fd < 0)
		return;
	loop__del(&s->vm->loop, s->fd);
	close(s->fd);
	s->fd = -1;
	s->broken = false;
}

/* All of @buf within the deadline, or the connection is marked broken. */
static void send_all(void *opaque, const char *buf, size_t len)
{
	struct gdb_server *s = opaque;
	struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
	u64 deadline = monotonic_ns() + GDB_SEND_DEADLINE_NS, now;
	size_t off = 0;
	ssize_t n;

	while (off < len && s->fd >= 0 && !s->broken) {
		n = send(s->fd, buf + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			off += n;
			continue;
		}
		now = monotonic_ns();
		if ((n < 0 && errno != EAGAIN && errno != EINTR) || now >= deadline ||
		    poll(&pfd, 1, (deadline - now) / 1000000 + 1) < 0)
			s->broken = true;
	}
}

static void leave(struct gdb_server *s, const char *why)
{
	pr_info("gdb: %s: the guest runs on", why);
	gdb__detach(s->gdb);
	drop(s);
}

static void on_conn(void *opaque, u32 events __unused)
{
	struct gdb_server *s = opaque;
	u8 buf[4096];
	ssize_t n;

	n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0)
		return leave(s, "the debugger went away");
	gdb__input(s->gdb, buf, n);
	if (s->broken)
		leave(s, "the debugger stopped reading");
	else if (s->fd >= 0 && !gdb__attached(s->gdb))
		drop(s);	/* it detached */
}

static void on_accept(void *opaque, u32 events __unused)
{
	static const int keep_idle = 30, keep_intvl = 10, keep_cnt = 3;
	static const unsigned int user_timeout_ms = 60000;
	struct gdb_server *s = opaque;
	int one = 1, fd, ret;

	fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (s->fd >= 0) {
		pr_warn("gdb: refused a second debugger (one at a time)");
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/*
	 * A debugger whose host or link vanished holds the VM stopped (only
	 * gdb resumes it): keepalives find out in about a minute, and a
	 * reply unacknowledged for as long drops it too.
	 */
	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &keep_idle, sizeof(keep_idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &keep_intvl, sizeof(keep_intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &keep_cnt, sizeof(keep_cnt));
	setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_timeout_ms, sizeof(user_timeout_ms));
	s->fd = fd;
	if (loop__add(&s->vm->loop, fd, EPOLLIN, on_conn, s)) {
		pr_warn("gdb: cannot watch the debugger's connection");
		close(fd);
		s->fd = -1;
		return;
	}
	ret = gdb__attach(s->gdb);
	if (ret) {
		pr_warn("gdb: the VM cannot be stopped for the debugger: %s", vm__pause_error(ret));
		drop(s);
		return;
	}
	pr_info("gdb: a debugger attached: the guest is stopped");
}

/* Decide on the vCPUs' debug exits; if the VM would not pause, again in 1 s. */
static void decide(struct gdb_server *s)
{
	struct itimerspec again = { .it_value.tv_sec = 1 };

	if (gdb__on_exit(s->gdb) && timerfd_settime(s->retry_fd, 0, &again, NULL))
		pr_warn("gdb: cannot arm the retry timer: %s", strerror(errno));
	if (s->broken)
		leave(s, "the debugger stopped reading");
}

static void on_event(void *opaque, u32 events __unused)
{
	struct gdb_server *s = opaque;
	u64 n;

	if (read(s->event_fd, &n, sizeof(n)) < 0)
		return;
	decide(s);
}

static void on_retry(void *opaque, u32 events __unused)
{
	struct gdb_server *s = opaque;
	u64 n;

	if (read(s->retry_fd, &n, sizeof(n)) < 0)
		return;
	decide(s);
}

/* [host:]port, host a name, an IPv4 address or [an IPv6 one]: 0 or -1. */
static int split_addr(const char *spec, char *host, size_t hcap, char *port, size_t pcap)
{
	const char *colon = strrchr(spec, ':');
	size_t hl;

	if (!colon) {
		snprintf(host, hcap, "127.0.0.1");
		return snprintf(port, pcap, "%s", spec) >= (int)pcap ? -1 : 0;
	}
	hl = colon - spec;
	if (hl >= 2 && spec[0] == '[' && spec[hl - 1] == ']') {
		spec++;
		hl -= 2;
	}
	if (!hl || hl >= hcap || snprintf(port, pcap, "%s", colon + 1) >= (int)pcap)
		return -1;
	memcpy(host, spec, hl);
	host[hl] = 0;
	return 0;
}

/*
 * Numeric addresses only, and "localhost": a static binary has no NSS to
 * resolve names with.
 */
static int listen_on(struct gdb_server *s, const char *spec)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	char host[64], port[8];
	int one = 1, fd, err;
	bool loopback;

	if (split_addr(spec, host, sizeof(host), port, sizeof(port))) {
		pr_err("--gdb %s: expected [host:]port", spec);
		return -1;
	}
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof(host), "127.0.0.1");
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(atoi(port));
		loopback = ntohl(in4->sin_addr.s_addr) >> 24 == 127;
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(atoi(port));
		loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	} else {
		pr_err("--gdb %s: the host must be an IPv4 or IPv6 address, or localhost", spec);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, sizeof(ss)) || listen(fd, 1)) {
		err = errno;
		pr_err("--gdb %s: %s", spec, strerror(err));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!loopback)
		pr_warn("--gdb %s: not a loopback address: whoever reaches it owns the guest (gdb has no authentication)",
			spec);
	s->listen_fd = fd;
	snprintf(s->addr, sizeof(s->addr), "%s:%s", host, port);
	return 0;
}

int gdb__open(struct vm *vm)
{
	struct gdb_server *s = calloc(1, sizeof(*s));
	struct gdb_caps caps = { .nr_cpus = vm->nr_vcpus };
	int hw;

	if (!s) {
		pr_err("--gdb: out of memory");
		return -1;
	}
	s->vm = vm;
	s->fd = s->listen_fd = s->event_fd = s->retry_fd = -1;
	vm->gdb = s;
	if (listen_on(s, vm->cfg->gdb))
		return -1;
	caps.debug = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_SET_GUEST_DEBUG) > 0;
	hw = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_DEBUG_HW_BPS);
	caps.hw_bps = hw > 0 ? hw : 0;
	hw = ioctl(vm->sys_fd, KVM_CHECK_EXTENSION, KVM_CAP_GUEST_DEBUG_HW_WPS);
	caps.hw_wps = hw > 0 ? hw : 0;
	s->gdb = gdb__new(&vm_ops, s, &caps, send_all);
	s->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->retry_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (!s->gdb || s->event_fd < 0 || s->retry_fd < 0 ||
	    loop__add(&vm->loop, s->listen_fd, EPOLLIN, on_accept, s) ||
	    loop__add(&vm->loop, s->event_fd, EPOLLIN, on_event, s) ||
	    loop__add(&vm->loop, s->retry_fd, EPOLLIN, on_retry, s)) {
		pr_err("--gdb: %s", strerror(errno ? errno : ENOMEM));
		return -1;
	}
	if (!caps.debug)
		pr_warn("--gdb: %s has no guest debug: registers and memory only, no breakpoints or steps",
			vm->dev_path);
	if (vm->cfg->gdb_wait) {
		/* before the vCPU threads start: they park before the first instruction */
		if (vm__pause(vm)) {
			pr_err("--gdb-wait: cannot hold the guest");
			return -1;
		}
		pr_info("--gdb-wait: the guest waits for a debugger on %s", s->addr);
	} else {
		pr_info("gdb: listening on %s", s->addr);
	}
	return 0;
}

void gdb__close(struct vm *vm)
{
	struct gdb_server *s = vm->gdb;

	if (!s)
		return;
	if (s->gdb && s->fd >= 0)
		gdb__vm_ended(s->gdb, vm->status);
	drop(s);
	if (s->listen_fd >= 0) {
		loop__del(&vm->loop, s->listen_fd);
		close(s->listen_fd);
	}
	if (s->event_fd >= 0) {
		loop__del(&vm->loop, s->event_fd);
		close(s->event_fd);
	}
	if (s->retry_fd >= 0) {
		loop__del(&vm->loop, s->retry_fd);
		close(s->retry_fd);
	}
	gdb__free(s->gdb);
	free(s);
	vm->gdb = NULL;
}
