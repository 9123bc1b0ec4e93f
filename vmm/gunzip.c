// SPDX-License-Identifier: GPL-2.0
/* gunzip.c - decompress a gzip file (an Image.gz kernel) with zlib. */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <zlib.h>

#include "vmm.h"

#define GUNZIP_CHUNK	(256 * 1024)

int gunzip_fd(int fd, u64 limit, void **out, u64 *out_len)
{
	z_stream zs = { 0 };
	unsigned char *in, *buf = NULL;
	u64 cap = 0;
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
		if (n == 0)
			goto out;		/* truncated: -EINVAL */
		zs.next_in = in;
		zs.avail_in = n;
		while (zs.avail_in && zret != Z_STREAM_END) {
			if (zs.total_out == cap) {
				u64 ncap = cap ? cap * 2 : 4 * GUNZIP_CHUNK;
				void *nbuf;

				/*
				 * Room for one byte past the limit: output
				 * there means too big, and a stream ending
				 * exactly at the limit still fits.
				 */
				if (cap > limit) {
					ret = -EFBIG;
					goto out;
				}
				if (ncap > limit + 1)
					ncap = limit + 1;
				nbuf = realloc(buf, ncap);
				if (!nbuf) {
					ret = -ENOMEM;
					goto out;
				}
				buf = nbuf;
				cap = ncap;
			}
			zs.next_out = buf + zs.total_out;
			zs.avail_out = (uInt)(cap - zs.total_out > UINT32_MAX ?
					      UINT32_MAX : cap - zs.total_out);
			zret = inflate(&zs, Z_NO_FLUSH);
			if (zret != Z_OK && zret != Z_STREAM_END)
				goto out;	/* corrupt data: -EINVAL */
		}
	}
	if (zs.total_out > limit) {
		ret = -EFBIG;
		goto out;
	}
	*out = buf;
	*out_len = zs.total_out;
	buf = NULL;
	ret = 0;
out:
	inflateEnd(&zs);
	free(buf);
	free(in);
	return ret;
}
