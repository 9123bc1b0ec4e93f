// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_virtio_net.c - a fuzz harness for virtio-net (devices/virtio/net.c)
 * on either transport, driven by an input's guest driver (virtio_fuzz.h
 * has the input format and what is checked).  The NIC's back-end is one
 * end of a socketpair, as the unit tests have it: a datagram socket
 * carries each frame after its 12-byte virtio-net header, as a tap does;
 * a stream socket each frame after its 32-bit big-endian length, as
 * passt does.  The harness plays the network at the other end, and
 * checks what the NIC sends it: a frame no shorter than its header nor
 * longer than the largest, asking no offload the guest could not
 * negotiate (a socket takes none); to passt, a length an Ethernet frame
 * has.
 *
 *	variant		bits 0-1: SOCK_SEQPACKET (0, 3), SOCK_STREAM (1) or
 *			SOCK_DGRAM (2); bit 2: 4 KiB socket buffers, so that
 *			they fill
 *	BACKEND b[n]	b[0] % 4: b[1..] sent as one datagram, or as bytes of
 *			the stream; a well-formed frame of b[1..2] bytes; the
 *			network hangs up; it shuts its sending side
 *	alive()		a frame transmitted reaches the network; one the
 *			network sends fills a receive buffer (when the input
 *			left the network alone)
 */
#include <endian.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/if_ether.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#include "virtio_fuzz.h"

#define RXQ		0
#define TXQ		1
#define HDR_LEN		12	/* struct virtio_net_hdr_v1 */
#define MAX_FRAME	(HDR_LEN + 65536 + 18)
#define ALIVE_LEN	60

static const u8 mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static int peer = -1;		/* the network's end */
static bool stream;
static u8 buf[4 + MAX_FRAME + 4096];
static size_t have;		/* stream: bytes of a frame not yet whole */
static u8 last[HDR_LEN + ALIVE_LEN];	/* the last frame's first bytes */
static size_t last_len;

static void *create(struct vm *vm, unsigned int variant)
{
	static const int types[] = { SOCK_SEQPACKET, SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET };
	int sv[2], small = 4096;
	void *state = NULL;
	int ret;

	stream = (variant & 3) == 1;
	if (socketpair(AF_UNIX, types[variant & 3] | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
		vfz_fail("socketpair: %s", strerror(errno));
	if ((variant & 4) &&
	    (setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)) ||
	     setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) ||
	     setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)) ||
	     setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small))))
		vfz_fail("SO_SNDBUF: %s", strerror(errno));
	peer = sv[1];
	have = last_len = 0;
	ret = virtio_net__create(vm, sv[0], mac, 0, "socketpair", &state);
	if (ret)
		vfz_fail("virtio_net__create: %d", ret);
	return state;
}

static void destroy(struct vm *vm __unused, void *state)
{
	virtio_net__destroy(state);
	if (peer >= 0)
		close(peer);
	peer = -1;
}

/* A frame of @len bytes (its header's too, for a datagram), or as much as the room holds. */
static void send_frame(u32 len, const u8 *hdr, size_t hlen)
{
	static u8 f[4 + MAX_FRAME];
	size_t n = 0;
	u32 be = htobe32(len);

	if (stream) {
		memcpy(f, &be, 4);
		n = 4;
	} else {
		memset(f, 0, HDR_LEN);
		memcpy(f, hdr, hlen < HDR_LEN ? hlen : HDR_LEN);
		n = HDR_LEN;
	}
	if (len > sizeof(f) - n)
		len = sizeof(f) - n;
	memset(f + n, 0xa5, len);
	memcpy(f + n, mac, len < 6 ? len : 6);
	n += len;
	if (send(peer, f, n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 && errno != EAGAIN &&
	    errno != EMSGSIZE && errno != ENOBUFS && errno != EPIPE && errno != ECONNRESET)
		vfz_fail("sending a frame: %s", strerror(errno));
}

static void backend(void *state __unused, const u8 *b, size_t len)
{
	if (!len || peer < 0)
		return;
	vfz_backend_used = true;
	switch (b[0] % 4) {
	case 0:
		if (send(peer, b + 1, len - 1, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    errno != EAGAIN && errno != EMSGSIZE && errno != ENOBUFS && errno != EPIPE &&
		    errno != ECONNRESET)
			vfz_fail("sending %zu bytes: %s", len - 1, strerror(errno));
		break;
	case 1:
		send_frame(len > 2 ? b[1] | b[2] << 8 : 0, b + 3, len > 3 ? len - 3 : 0);
		break;
	case 2:
		close(peer);
		peer = -1;
		break;
	case 3:
		shutdown(peer, SHUT_WR);
		break;
	}
}

/* A frame the NIC sent: checked, hashed, its start kept. */
static void frame_out(const u8 *f, size_t len)
{
	const struct virtio_net_hdr_v1 *h = (const void *)f;

	if (!stream) {
		if (len < HDR_LEN || len > MAX_FRAME)
			vfz_fail("a frame of %zu bytes, header included, to the network", len);
		/*
		 * The guest negotiates no offload without a tap: none asked for
		 * (a tap reads NEEDS_CSUM and gso_type, and ignores the rest)
		 */
		if ((h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || h->gso_type)
			vfz_fail("a frame asking the network for offloads (flags 0x%x, gso 0x%x)",
				 h->flags, h->gso_type);
	}
	vfz_digest(f, len);
	last_len = len < sizeof(last) ? len : sizeof(last);
	memcpy(last, f, last_len);
}

static void drain(void *state __unused)
{
	ssize_t n;
	u32 len;

	while (peer >= 0) {
		n = recv(peer, buf + have, sizeof(buf) - have, MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0 && errno != ECONNRESET)
			vfz_fail("reading the NIC's frames: %s", strerror(errno));
		if (n <= 0)
			break;		/* the NIC shut the stream: what it sent stays */
		if (!stream) {
			frame_out(buf, n);
			continue;
		}
		/* passt's framing: every frame whole before the next */
		have += n;
		while (have >= 4) {
			memcpy(&len, buf, 4);
			len = be32toh(len);
			if (len < ETH_HLEN || len > ETH_MAX_MTU)
				vfz_fail("a frame of %u bytes to passt", len);
			if (have < 4 + len)
				break;
			frame_out(buf + 4, len);
			memmove(buf, buf + 4 + len, have - 4 - len);
			have -= 4 + len;
		}
	}
}

static void alive(void *state __unused)
{
	u8 frame[HDR_LEN + ALIVE_LEN] = { 0 }, *p;
	struct vfz_seg seg = { .len = sizeof(frame) };
	u32 id, len;
	u16 head;
	unsigned int i;

	memset(frame + HDR_LEN, 0xff, 6);		/* broadcast */
	memcpy(frame + HDR_LEN + 6, mac, 6);
	frame[HDR_LEN + 12] = 0x08;			/* IPv4 */
	for (i = HDR_LEN + 14; i < sizeof(frame); i++)
		frame[i] = i;
	last_len = 0;
	head = vfz_chain(TXQ, &seg, 1, frame, sizeof(frame));
	vfz_kick(TXQ);
	vfz_used_elem(TXQ, 0, &id, &len);
	if (vfz_used_idx(TXQ) != 1 || id != head || len)
		vfz_fail("a transmit after the reset: used idx %u, head %u, %u bytes",
			 vfz_used_idx(TXQ), id, len);
	if (vfz_backend_used)
		return;		/* the network may be gone, or have frames on the way */
	if (stream ? last_len != ALIVE_LEN || memcmp(last, frame + HDR_LEN, ALIVE_LEN) :
		     last_len != sizeof(frame) || memcmp(last, frame, sizeof(frame)))
		vfz_fail("a frame transmitted after the reset: the network got %zu bytes", last_len);

	seg = (struct vfz_seg){ .len = 1526, .write = true };
	head = vfz_chain(RXQ, &seg, 1, NULL, 0);
	vfz_kick(RXQ);
	send_frame(ALIVE_LEN, frame, HDR_LEN);
	vfz_settle();
	vfz_used_elem(RXQ, 0, &id, &len);
	if (vfz_used_idx(RXQ) != 1 || id != head || len != HDR_LEN + ALIVE_LEN)
		vfz_fail("a frame from the network: used idx %u, head %u, %u bytes",
			 vfz_used_idx(RXQ), id, len);
	p = vfz_hva(seg.gpa, HDR_LEN + ALIVE_LEN);
	if (p[10] != 1 || p[11] || p[HDR_LEN] != mac[0] || p[HDR_LEN + 13] != 0xa5)
		vfz_fail("a frame from the network: not what was sent (num_buffers %u)", p[10]);
}

const struct vfz_device vfz_dev = {
	.name		= "virtio-net",
	.device_id	= VIRTIO_ID_NET,
	.nr_queues	= 2,
	.max_qsize	= 256,
	.opt_features	= { VIRTIO_NET_F_MRG_RXBUF, VIRTIO_NET_F_MAC, VIRTIO_NET_F_STATUS,
			    -1, -1 },
	.create		= create,
	.destroy	= destroy,
	.backend	= backend,
	.drain		= drain,
	.alive		= alive,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return vfz_run(data, size);
}
