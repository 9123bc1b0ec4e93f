// SPDX-License-Identifier: GPL-2.0
/*
 * gen_virtio_net_corpus.c - seeds for fuzz_virtio_net: what every device
 * gets (gen_virtio.h), then eth0 as Linux's virtio_net drives it: receive
 * buffers posted (mergeable or big), frames transmitted behind their
 * header; frames from the network, on a datagram socket (a tap's format)
 * and on passt's stream; and frames no NIC makes (shorter than the header,
 * larger than any, asking for offloads not negotiated), receive buffers too
 * small for a header, a frame too large for the buffers, passt's stream
 * broken, the network hanging up, socket buffers full.
 */
#include <endian.h>

#include <linux/virtio_net.h>

#include "gen_virtio.h"

#define RXQ		0
#define TXQ		1
#define HDR_LEN		12
#define V_STREAM	(1 << 3)	/* the header's variant bits */
#define V_DGRAM		(2 << 3)
#define V_SMALL		(4 << 3)

static u8 frame[HDR_LEN + 1514];

/* A frame of @len bytes behind a header with @flags and @gso, transmitted. */
static void tx(struct seed *s, u16 len, u8 flags, u8 gso, u8 qb)
{
	struct gseg g[2] = { { HDR_LEN, 0, 0 }, { len, 0, 0 } };
	unsigned int i;

	memset(frame, 0, HDR_LEN);
	frame[0] = flags;
	frame[1] = gso;
	for (i = HDR_LEN; i < sizeof(frame); i++)
		frame[i] = i;
	chain(s, TXQ | C_KICK | qb, g, len ? 2 : 1, frame,
	      HDR_LEN + (len < sizeof(frame) - HDR_LEN ? len : sizeof(frame) - HDR_LEN));
}

static void rx_buffers(struct seed *s, unsigned int n, u16 len)
{
	struct gseg g = { len, SW, 0 };
	unsigned int i;

	for (i = 0; i < n; i++)
		chain(s, RXQ | (i + 1 == n ? C_KICK : 0), &g, 1, NULL, 0);
}

/* The network sends a frame of @len bytes (well-formed for the socket). */
static void net_frame(struct seed *s, u16 len)
{
	u8 b[3] = { 1, len, len >> 8 };

	backend(s, b, 3);
}

static void good(struct seed *s)
{
	tx(s, 60, 0, 0, 0);
}

static const struct gen_device net = {
	.nq		= 2,
	.qsize		= 256,
	.features	= 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_RING_F_INDIRECT_DESC |
			  1ULL << VIRTIO_RING_F_EVENT_IDX | 1ULL << VIRTIO_NET_F_MAC |
			  1ULL << VIRTIO_NET_F_STATUS | 1ULL << VIRTIO_NET_F_MRG_RXBUF,
	.has_config	= true,
	.good		= good,
};

static void device_seeds(void)
{
	static const u8 sock[] = { 0, V_STREAM, V_DGRAM };
	static const char *const sname[] = { "seqpacket", "stream", "dgram" };
	struct seed *s = calloc(1, sizeof(*s));
	unsigned int t, i;
	u8 b[64];

	common_seeds(&net);
	for (i = 0; i < 3; i++) {
		t = i;
		/* ifup: buffers posted, ARP out, replies in */
		begin(s, t | H_BRINGUP | sock[i], 0, 6);
		rx_buffers(s, 16, 1526);
		tx(s, 42, 0, 0, 0);
		net_frame(s, 60);
		net_frame(s, 1514);
		tx(s, 1514, 0, 0, C_INDIRECT);
		irq_ack(s);
		net_frame(s, 100);
		save(s, "net-%s-%s-ifup", tname[t], sname[i]);

		/* mergeable buffers of 1 KiB: a large frame takes several; not mergeable: dropped */
		begin(s, ((t + 1) % 3) | H_BRINGUP | sock[i], 0, 7);
		rx_buffers(s, 70, 1024);
		net_frame(s, 9000);
		net_frame(s, 65535);
		net_frame(s, 64);
		save(s, "net-%s-merge", sname[i]);
		begin(s, ((t + 2) % 3) | H_BRINGUP | sock[i], 4, 7);
		rx_buffers(s, 4, 1024);
		net_frame(s, 9000);
		net_frame(s, 60);
		save(s, "net-%s-no-merge", sname[i]);
	}
	/* frames no driver sends: short, offloads not negotiated, GSO, huge */
	begin(s, T_MMIO | H_BRINGUP, 0, 5);
	tx(s, 0, 0, 0, 0);
	chain(s, TXQ | C_KICK, (struct gseg[]){ { 5, 0, 0 } }, 1, "short", 5);
	tx(s, 60, VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0);
	tx(s, 60, 0, VIRTIO_NET_HDR_GSO_TCPV4, 0);
	tx(s, 60, 0, VIRTIO_NET_HDR_GSO_ECN, 0);
	tx(s, 60, 0, 0x77, 0);
	desc(s, false, TXQ, 100, DATA_OFF, 0x20000, VRING_DESC_F_NEXT, 101);
	desc(s, false, TXQ, 101, DATA_OFF, 0x20000, 0, 0);
	avail(s, TXQ, 100);
	notify(s, TXQ);
	save(s, "net-bad-tx");
	/* the same to passt's stream, and frames it never takes */
	begin(s, T_PCI_INTX | H_BRINGUP | V_STREAM, 0, 5);
	tx(s, 13, 0, 0, 0);
	tx(s, 14, 0, 0, 0);
	tx(s, 60, VIRTIO_NET_HDR_F_NEEDS_CSUM, 0, 0);
	chain(s, TXQ | C_KICK, (struct gseg[]){ { 12, 0, 0 }, { 0xffff, 0, 0 }, { 0xffff, 0, 0 } },
	      3, frame, 12);
	save(s, "net-stream-bad-tx");
	/* receive buffers too small for a header, readable ones, before DRIVER_OK */
	begin(s, T_PCI_MSIX | H_BRINGUP, 0, 5);
	rx_buffers(s, 3, 11);
	chain(s, RXQ | C_KICK, (struct gseg[]){ { 100, 0, 0 } }, 1, "x", 1);
	net_frame(s, 60);
	rx_buffers(s, 2, 2000);
	save(s, "net-small-rx");
	begin(s, T_MMIO | V_DGRAM, 0, 5);
	status(s, S_FEATURES);
	net_frame(s, 60);
	bringup(s, 0, 5);
	rx_buffers(s, 2, 2000);
	save(s, "net-frames-before-driver-ok");
	/* the network: a datagram shorter than the header, one too long, a hang-up */
	begin(s, T_MMIO | H_BRINGUP | V_DGRAM, 0, 5);
	rx_buffers(s, 4, 2000);
	b[0] = 0;
	memset(b + 1, 0, 11);
	backend(s, b, 5);
	backend(s, b, 1);
	net_frame(s, 65535);
	b[0] = 2;
	backend(s, b, 1);
	net_frame(s, 60);
	tx(s, 60, 0, 0, 0);
	save(s, "net-dgram-hangup");
	/* passt's stream: a frame in pieces, a length no Ethernet frame has, a shutdown */
	begin(s, T_PCI_INTX | H_BRINGUP | V_STREAM, 0, 5);
	rx_buffers(s, 4, 2000);
	b[0] = 0;
	b[1] = 0;
	b[2] = 0;
	b[3] = 0;
	b[4] = 60;
	memset(b + 5, 0x11, 30);
	backend(s, b, 35);
	memset(b + 1, 0x22, 30);
	backend(s, b, 31);
	b[1] = 0;
	b[2] = 0;
	b[3] = 0;
	b[4] = 3;
	backend(s, b, 8);
	save(s, "net-stream-broken");
	begin(s, T_PCI_MSIX | H_BRINGUP | V_STREAM, 0, 5);
	rx_buffers(s, 4, 2000);
	net_frame(s, 60);
	b[0] = 3;
	backend(s, b, 1);
	tx(s, 60, 0, 0, 0);
	save(s, "net-stream-shutdown");
	/*
	 * The network shuts its sending side with receive buffers posted: EOF
	 * but no EPOLLHUP (found by fuzz_virtio_net: the main loop spun on
	 * empty reads taken for empty datagrams)
	 */
	for (i = 0; i < 3; i += 2) {
		begin(s, (i ? T_PCI_INTX : T_MMIO) | H_BRINGUP | sock[i], 0, 5);
		rx_buffers(s, 4, 2000);
		net_frame(s, 60);
		b[0] = 3;
		backend(s, b, 1);
		tx(s, 60, 0, 0, 0);
		save(s, "%s-%s-peer-shut-write", i ? "net" : "crash", sname[i]);
	}
	/* 4 KiB socket buffers: frames wait, and are dropped */
	for (i = 0; i < 2; i++) {
		begin(s, (i ? T_MMIO : T_PCI_INTX) | H_BRINGUP | V_SMALL | sock[i], 0, 6);
		for (t = 0; t < 8; t++)
			chain(s, TXQ, (struct gseg[]){ { HDR_LEN, 0, 0 }, { 1514, 0, 0 } }, 2,
			      frame, sizeof(frame));
		notify(s, TXQ);
		net_frame(s, 3000);
		rx_buffers(s, 4, 2000);
		good(s);
		save(s, "net-%s-full", sname[i]);
	}
	free(s);
}

int main(int argc, char **argv)
{
	return gen_main(argc, argv);
}
