// SPDX-License-Identifier: GPL-2.0
/*
 * loop.c - the main loop: an epoll set that devices and the core register
 * file descriptors with, so that the loop knows none of them (as Solo5's
 * hvt_core_register_pollfd).  Runs on the main thread until the VM stops.
 */
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "vmm.h"

int loop__init(struct loop *loop)
{
	unsigned int i;

	memset(loop, 0, sizeof(*loop));
	for (i = 0; i < LOOP_MAX_FDS; i++)
		loop->h[i].fd = -1;
	loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	return loop->epoll_fd < 0 ? -errno : 0;
}

void loop__destroy(struct loop *loop)
{
	if (loop->epoll_fd >= 0)
		close(loop->epoll_fd);
	loop->epoll_fd = -1;
}

static struct loop_handler *find(struct loop *loop, int fd)
{
	unsigned int i;

	for (i = 0; i < LOOP_MAX_FDS; i++)
		if (loop->h[i].fd == fd)
			return &loop->h[i];
	return NULL;
}

/*
 * What epoll hands back for a registration: its slot and the slot's
 * generation, so that an event already fetched for a registration that a
 * handler removed in the same batch never reaches one that took its slot.
 */
static u64 cookie(const struct loop *loop, const struct loop_handler *h)
{
	return (u64)h->gen << 32 | (u64)(h - loop->h);
}

int loop__add(struct loop *loop, int fd, u32 events, loop_fn fn, void *opaque)
{
	struct epoll_event ev = { .events = events };
	struct loop_handler *h;

	if (fd < 0 || find(loop, fd))
		return -EINVAL;
	h = find(loop, -1);
	if (!h)
		return -ENOSPC;
	h->gen++;
	ev.data.u64 = cookie(loop, h);
	if (epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	h->fd = fd;
	h->fn = fn;
	h->opaque = opaque;
	return 0;
}

int loop__mod(struct loop *loop, int fd, u32 events)
{
	struct loop_handler *h = find(loop, fd);
	struct epoll_event ev = { .events = events };

	if (fd < 0 || !h)
		return -EINVAL;
	ev.data.u64 = cookie(loop, h);
	return epoll_ctl(loop->epoll_fd, EPOLL_CTL_MOD, fd, &ev) ? -errno : 0;
}

void loop__del(struct loop *loop, int fd)
{
	struct loop_handler *h = fd < 0 ? NULL : find(loop, fd);

	if (!h)
		return;
	epoll_ctl(loop->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
	h->fd = -1;
}

int loop__run_once(struct loop *loop, int timeout_ms)
{
	struct epoll_event ev[LOOP_MAX_FDS];
	int n, i;

	n = epoll_wait(loop->epoll_fd, ev, LOOP_MAX_FDS, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		struct loop_handler *h = &loop->h[(u32)ev[i].data.u64];

		/* an earlier handler in this batch may have removed it */
		if (h->fd >= 0 && h->gen == ev[i].data.u64 >> 32)
			h->fn(h->opaque, ev[i].events);
	}
	return n;
}
