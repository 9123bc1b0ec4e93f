// SPDX-License-Identifier: GPL-2.0
/* gunzip.c - decompress a gzip file (an Image.gz kernel) with zlib. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <zlib.h>

#include "vmm.h"

#define GUNZIP_CHUNK	(256 * 1024)

int gunzip_fd(int fd, void *dst, u64 cap, u64 *out_len)
{
	z_stream zs = { 0 };
	unsigned char *in, spill;
	int zret = Z_OK, ret = -EINVAL;

	in = malloc(GUNZIP_CHUNK);
	if (!in)
		return -ENOMEM;
	/* 16 + MAX_WBITS: a gzip wrapper, not raw zlib (zlib.h) */
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		free(in);
		return -ENOMEM;
	}
	while (zret != Z_STREAM_END) {
		ssize_t n = read(fd, in, GUNZIP_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		if (n == 0) {
			/*
			 * Truncated: -EINVAL; but zlib may have taken the last
			 * input while the room was full, and what it holds for
			 * a byte more makes it too big, as more input would.
			 */
			if (zs.total_out == cap) {
				zs.next_out = &spill;
				zs.avail_out = 1;
				inflate(&zs, Z_NO_FLUSH);
				if (zs.total_out > cap)
					ret = -EFBIG;
			}
			goto out;
		}
		zs.next_in = in;
		zs.avail_in = n;
		while (zs.avail_in && zret != Z_STREAM_END) {
			u64 room = cap - zs.total_out;

			if (room) {
				zs.next_out = (unsigned char *)dst + zs.total_out;
				zs.avail_out = room > UINT32_MAX ? UINT32_MAX : (uInt)room;
			} else {
				/* full: a byte more of output means too big */
				zs.next_out = &spill;
				zs.avail_out = 1;
			}
			zret = inflate(&zs, Z_NO_FLUSH);
			if (zs.total_out > cap) {
				ret = -EFBIG;
				goto out;
			}
			if (zret != Z_OK && zret != Z_STREAM_END)
				goto out;	/* corrupt data: -EINVAL */
		}
	}
	*out_len = zs.total_out;
	ret = 0;
out:
	inflateEnd(&zs);
	free(in);
	return ret;
}
