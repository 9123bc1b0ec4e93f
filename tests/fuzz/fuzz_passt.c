// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_passt.c - a fuzz harness for the frame reader of passt's stream
 * (virtio_net__stream_next() in devices/virtio/net.c): the bytes passt
 * sends, each frame after its 32-bit big-endian length, split into reads
 * as the socket may split them.
 *
 * An input is n[1], then n chunk codes, then the stream.  The reads take
 * the codes in turn, round again (one code 0 if n is 0): code c < 0x80
 * reads c + 1 bytes, a larger one (c - 0x7f) KiB, each fewer if the
 * buffer has less room or the stream less left, as read() would.  The
 * reader is net.c's stream_recv() without the socket: a frame while there
 * is one, else a read into the room the function leaves, until the stream
 * ends or breaks.
 *
 * The stream is also framed by the harness in one piece: a length below
 * ETH_HLEN or above VIRTIO_NET_FRAME_MAX - 12 breaks it there.  Checked
 * (abort() on a violation, which libFuzzer reports): the reader yields
 * exactly those frames, in order, each behind a zeroed 12-byte header and
 * never longer than VIRTIO_NET_FRAME_MAX, whatever the reads' sizes; it
 * breaks (-1, the bad length said) exactly where the stream does, and
 * only with the bad length's four bytes in; otherwise, when it wants
 * more, the unframed rest sits at the front of the buffer with room for
 * the whole frame it begins; at the stream's end, what it holds is the
 * stream's unframed tail, byte for byte.  No byte is dropped or skipped.
 * The buffers are exactly VIRTIO_NET_STREAM_ROOM and VIRTIO_NET_FRAME_MAX
 * bytes, so that ASan sees a byte past either.
 */
#include <linux/if_ether.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../devices/virtio/virtio.h"

#define MAX_LEN		(VIRTIO_NET_FRAME_MAX - 12)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void __printf(1, 2) __noreturn fail(const char *fmt, ...)
{
	va_list ap;

	fputs("fuzz_passt: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* net.c's virtio transports reach the hypervisor through these; nothing here does. */
int vm__ioeventfd(struct vm *vm __unused, u64 addr __unused, u32 len __unused,
		  u64 datamatch __unused, int fd __unused, bool assign __unused)
{
	fail("vm__ioeventfd called");
}

int vm__irqfd(struct vm *vm __unused, unsigned int intid __unused, int fd __unused)
{
	fail("vm__irqfd called");
}

static u32 be32(const u8 *p)
{
	return (u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* The stream framed in one piece: where the next frame is, or it breaks, or ends. */
struct framing {
	const u8	*s;
	size_t		len;
	size_t		pos;		/* the next frame's length field */
};

enum next { FRAME, BROKEN, TAIL };

static enum next frame_at(const struct framing *f, u32 *flen)
{
	size_t left = f->len - f->pos;

	if (left < 4)
		return TAIL;
	*flen = be32(f->s + f->pos);
	if (*flen < ETH_HLEN || *flen > MAX_LEN)
		return BROKEN;
	return left >= 4 + (size_t)*flen ? FRAME : TAIL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	u8 *in, *frame;
	const u8 *codes;
	size_t nr_codes, fed = 0, k = 0, n, want_n;
	struct framing f;
	u32 off = 0, len = 0, bad, flen = 0;
	enum next next;
	ssize_t got;

	if (!size)
		return 0;
	nr_codes = data[0];
	if (nr_codes > size - 1)
		nr_codes = size - 1;
	codes = data + 1;
	f = (struct framing){ .s = data + 1 + nr_codes, .len = size - 1 - nr_codes };
	in = malloc(VIRTIO_NET_STREAM_ROOM);
	frame = malloc(VIRTIO_NET_FRAME_MAX);
	if (!in || !frame)
		abort();

	for (;;) {
		bad = 0xdeadbeef;
		got = virtio_net__stream_next(in, &off, &len, frame, &bad);
		next = frame_at(&f, &flen);
		if (got > 0) {
			if (next != FRAME || (size_t)got != 12 + (size_t)flen)
				fail("a frame of %zd bytes at stream offset %zu, expected %s %u", got,
				     f.pos, next == FRAME ? "a frame of" : next == BROKEN ?
				     "a break at a length of" : "no frame: a tail,", flen);
			if (got > VIRTIO_NET_FRAME_MAX || fed < f.pos + 4 + flen)
				fail("a frame of %zd bytes, %zu of the stream in", got, fed - f.pos);
			for (n = 0; n < 12; n++)
				if (frame[n])
					fail("header byte %zu is 0x%02x", n, frame[n]);
			if (memcmp(frame + 12, f.s + f.pos + 4, flen))
				fail("the frame at stream offset %zu is not the stream's", f.pos);
			f.pos += 4 + flen;
			continue;
		}
		if (got < 0) {
			if (got != -1 || next != BROKEN || bad != flen)
				fail("broken (%zd) at stream offset %zu with %u, expected %s", got, f.pos,
				     bad, next == BROKEN ? "that length" : "no break");
			if (len - off < 4 || fed < f.pos + 4)
				fail("broken without the length's 4 bytes in");
			break;
		}
		/* wants more: the unframed rest at the front, room for its frame */
		if (off || len != fed - f.pos || memcmp(in, f.s + f.pos, len))
			fail("wants more, holding [%u, %u), the unframed rest is %zu bytes", off, len,
			     fed - f.pos);
		if (len >= 4 && 4 + (size_t)be32(in) > VIRTIO_NET_STREAM_ROOM)
			fail("no room for a frame of %u", be32(in));
		if (len >= 4 && (next == FRAME || next == BROKEN) && fed >= f.pos + 4 &&
		    (next == BROKEN || fed >= f.pos + 4 + flen))
			fail("wants more with a %s in", next == FRAME ? "whole frame" : "bad length");
		if (len == VIRTIO_NET_STREAM_ROOM)
			fail("wants more with no room to read it");
		if (fed == f.len) {
			/* the stream's end: what is held is its tail, unframed */
			if (next != TAIL)
				fail("the stream ended with a %s unread", next == FRAME ? "frame" : "break");
			break;
		}
		/* a read(), as the socket splits the stream */
		if (nr_codes) {
			u8 c = codes[k++ % nr_codes];

			want_n = c < 0x80 ? (size_t)c + 1 : (size_t)(c - 0x7f) * 1024;
		} else {
			want_n = SIZE_MAX;
		}
		n = VIRTIO_NET_STREAM_ROOM - len;
		if (n > want_n)
			n = want_n;
		if (n > f.len - fed)
			n = f.len - fed;
		memcpy(in + len, f.s + fed, n);
		len += n;
		fed += n;
	}
	free(frame);
	free(in);
	return 0;
}
