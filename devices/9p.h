/* SPDX-License-Identifier: GPL-2.0 */
/*
 * 9p.h - a 9P2000.L file server for one host directory (9p.c), the
 * dialect Linux's 9p and 9pnet_virtio speak.  It knows no transport: the
 * virtio-9p device (virtio/9p.c) hands it one request message at a time
 * and sends back the reply it writes.
 */
#ifndef VMM_9P_H
#define VMM_9P_H

#include <stdbool.h>
#include <stddef.h>

#include "../vmm/vmm.h"

/* The largest message either side may send: what Tversion settles below. */
#define P9_MAX_MSIZE		(128 * 1024)
/* fids a guest may hold at once, per share */
#define P9_MAX_FIDS		65536

struct p9_server;

/* How a share is served (p9__create's @flags). */
#define P9_RO			(1u << 0)	/* every change refused with EROFS */
#define P9_CROSS_MOUNTS		(1u << 1)	/* walks enter the data file systems
						   mounted below the root */

/*
 * Serve the directory @root_fd (an O_PATH or O_DIRECTORY fd, owned from
 * now on) as @flags say.  NULL with the reason in @err.
 */
struct p9_server *p9__create(int root_fd, unsigned int flags, char *err, size_t errlen);
void p9__destroy(struct p9_server *s);

/* The session ends (a device reset): every fid is dropped, Tversion next. */
void p9__reset(struct p9_server *s);

/*
 * Answer the request @req (@len bytes, its size field included) into
 * @resp, which has room for @cap bytes: the reply's length, 0 when there
 * is none (a message too short for a header or whose size field lies).
 * A request the server cannot honour is answered with Rlerror.
 */
size_t p9__handle(struct p9_server *s, const u8 *req, size_t len, u8 *resp,
		  size_t cap);

/* The fids the guest holds now (for tests and the log). */
unsigned int p9__nr_fids(const struct p9_server *s);

#endif
