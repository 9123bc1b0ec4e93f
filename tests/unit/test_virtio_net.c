// SPDX-License-Identifier: GPL-2.0
/*
 * test_virtio_net.c - virtio-net driven through the virtio-mmio transport
 * as a guest driver drives it, on rings laid out by hand in a fake guest
 * RAM, served on the main loop.  The NIC's frame fd is one end of a
 * SOCK_SEQPACKET socketpair: each datagram one frame after its 12-byte
 * struct virtio_net_hdr_v1, as a tap with IFF_VNET_HDR carries them; the
 * test plays the network at the other end.
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/if_ether.h>
#include <linux/virtio_net.h>
#include <linux/virtio_ring.h>

#include "unit.h"
#include "virtio_driver.h"

/* the queues' entries, each queue at the driver's VDRV_*_GPA() places */
#define QSIZE		64
#define RXQ		0
#define TXQ		1

#define HDR_LEN		12	/* struct virtio_net_hdr_v1 */
#define NUM_BUFFERS	offsetof(struct virtio_net_hdr_v1, num_buffers)	/* 10 */
/* the largest frame the NIC sends: a 64 KiB GSO frame, Ethernet and VLAN headers */
#define MAX_FRAME	(HDR_LEN + 65536 + 18)
/* 5.1.6.3.1: the smallest receive buffer without MRG_RXBUF or GSO */
#define GOOD_RX		1526

/*
 * The tests' own RAM: an indirect table, 48 buffers of 4 KiB, and 768 KiB
 * up to the end of RAM for the large frames.
 */
#define TABLE_GPA	(VDRV_RAM_BASE + 0xa000)
#define BUF_GPA(i)	(VDRV_RAM_BASE + 0x10000 + (i) * 0x1000)
#define BIG_GPA		(VDRV_RAM_BASE + 0x40000)

#define W		VRING_DESC_F_WRITE
#define N		VRING_DESC_F_NEXT
#define NET_F(f)	(1ULL << VIRTIO_NET_F_##f)
#define F_RING		(F_VERSION_1 | F_INDIRECT | F_EVENT_IDX)
#define CONFIG(field)	(VIRTIO_MMIO_CONFIG + offsetof(struct virtio_net_config, field))

static const u8 mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static int sv[2] = { -1, -1 };	/* sv[0]: the NIC's, sv[1]: the network's */
static void *net;
static u8 wire[MAX_FRAME + 8192];	/* a datagram on the network side */

/* ---- the fixture ----------------------------------------------------------- */

/* The driver's VM with its main loop, and a socketpair; no NIC yet. */
static void net_vm_setup(void)
{
	vdrv_make_vm(QSIZE, CONSOLE_SERIAL, -1);
	ck_assert_int_eq(loop__init(&vdrv_vm.loop), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC,
				    0, sv), 0);
	net = NULL;
}

/* The same, with a NIC on sv[0]. */
static void net_setup(void)
{
	net_vm_setup();
	ck_assert_int_eq(virtio_net__create(&vdrv_vm, sv[0], mac, 0, "socketpair", &net), 0);
	ck_assert_ptr_nonnull(net);
}

static void net_teardown(void)
{
	if (net)
		virtio_net__destroy(net);
	net = NULL;
	loop__destroy(&vdrv_vm.loop);
	if (sv[1] >= 0)
		close(sv[1]);
	sv[0] = sv[1] = -1;
}

/* ---- the main loop --------------------------------------------------------- */

/*
 * Rounds of the main loop, none waiting, until one finds nothing to do:
 * how many found something.  A loop that never settles fails the test.
 */
static unsigned int run_idle(void)
{
	unsigned int i;
	int n;

	for (i = 0; i < 16; i++) {
		n = loop__run_once(&vdrv_vm.loop, 0);
		ck_assert_int_ge(n, 0);
		if (!n)
			return i;
	}
	ck_abort_msg("the main loop still finds work after 16 rounds: something spins");
	return i;
}

/* Notify queue @q, and run the main loop until the device has served it. */
static void kick(u32 q)
{
	vdrv_notify(q);
	ck_assert_uint_ge(run_idle(), 1);
}

/* The driver's whole init with @features, both queues, and the loop settled. */
static void start(u64 features)
{
	vdrv_start(features, 2);
	run_idle();
}

/* The driver resets the device and inits it again, its rings afresh. */
static void restart(u64 features)
{
	vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
	ck_assert_uint_eq(vdrv_status(), 0);
	ck_assert_uint_eq(vdrv_int_status(), 0);
	run_idle();
	vdrv_zero_rings(RXQ);
	vdrv_zero_rings(TXQ);
	vdrv_irq_clear();
	start(features);
}

static unsigned int loop_fds(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < LOOP_MAX_FDS; i++)
		n += vdrv_vm.loop.h[i].fd >= 0;
	return n;
}

/* ---- frames ---------------------------------------------------------------- */

/* Byte @i of frame @seed, its header included: a header of zeros. */
static u8 frame_byte(unsigned int seed, u32 i)
{
	return i < HDR_LEN ? 0 : (u8)(seed * 37 + i * 11 + (i >> 8) + 1);
}

static void fill_frame(u8 *p, u32 len, unsigned int seed)
{
	u32 i;

	for (i = 0; i < len; i++)
		p[i] = frame_byte(seed, i);
}

/* Whether @p holds bytes [@from, @from + @len) of frame @seed. */
static bool frame_part_at(const u8 *p, u32 from, u32 len, unsigned int seed)
{
	u32 i;

	for (i = 0; i < len; i++)
		if (p[i] != frame_byte(seed, from + i))
			return false;
	return true;
}

/* ---- the network side ------------------------------------------------------ */

/*
 * The network sends frame @seed of @len bytes, header included, with
 * garbage in num_buffers for the NIC to overwrite.
 */
static void to_nic(u32 len, unsigned int seed)
{
	static u8 d[80000];

	ck_assert_uint_le(len, sizeof(d));
	fill_frame(d, len, seed);
	if (len >= HDR_LEN) {
		d[NUM_BUFFERS] = 0xa5;
		d[NUM_BUFFERS + 1] = 0x5a;
	}
	ck_assert_int_eq(send(sv[1], d, len, 0), len);
}

/* The next datagram the network got from the NIC, in wire[]: its length, -1 for none. */
static ssize_t from_nic(void)
{
	ssize_t n = recv(sv[1], wire, sizeof(wire), MSG_DONTWAIT);

	if (n < 0)
		ck_assert_int_eq(errno, EAGAIN);
	return n;
}

/* The network got frame @seed of @len bytes next, exactly. */
static void ck_from_nic(u32 len, unsigned int seed)
{
	ck_assert_int_eq(from_nic(), len);
	ck_assert(frame_part_at(wire, 0, len, seed));
}

static void ck_nothing_from_nic(void)
{
	ck_assert_int_eq(from_nic(), -1);
}

/* How many bytes of datagrams wait in the NIC's end of the socketpair. */
static int queued_for_nic(void)
{
	int n = -1;

	ck_assert_int_eq(ioctl(sv[0], FIONREAD, &n), 0);
	return n;
}

/* ---- the driver's buffers -------------------------------------------------- */

/* Frame @seed of @len bytes in buffer @i, a transmit chain of descriptor @d alone, posted. */
static void tx_chain(u16 d, unsigned int i, u32 len, unsigned int seed)
{
	fill_frame(vdrv_hva(BUF_GPA(i)), len, seed);
	vdrv_desc(TXQ, d, BUF_GPA(i), len, 0, 0);
	vdrv_post(TXQ, d);
}

/*
 * Bytes [@from, @from + @len) of frame @seed in buffer @i, as descriptor
 * @d of @table (a queue's or an indirect one).
 */
static void tx_piece(struct vring_desc *table, u16 d, unsigned int i, u32 from, u32 len,
		     unsigned int seed, u16 flags, u16 next)
{
	u8 *p = vdrv_hva(BUF_GPA(i));
	u32 k;

	for (k = 0; k < len; k++)
		p[k] = frame_byte(seed, from + k);
	vdrv_table_desc(table, d, BUF_GPA(i), len, flags, next);
}

/* A receive chain of one writable buffer of @len bytes, buffer @i, as descriptor @d, posted. */
static void rx_chain(u16 d, unsigned int i, u32 len)
{
	vdrv_desc(RXQ, d, BUF_GPA(i), len, W, 0);
	vdrv_post(RXQ, d);
}

/* Used entry @i of queue @q is chain @id with @len bytes written. */
static void ck_used(unsigned int q, u16 i, u16 id, u32 len)
{
	ck_assert_uint_eq(vdrv_used_id(q, i), id);
	ck_assert_uint_eq(vdrv_used_len(q, i), len);
}

/* The num_buffers the NIC wrote at @p, a received header. */
static u16 num_buffers(const u8 *p)
{
	return p[NUM_BUFFERS] | p[NUM_BUFFERS + 1] << 8;
}

/*
 * Receive buffer @gpa holds frame @seed of @len bytes whole, with
 * @nbufs in num_buffers, and nothing after it.
 */
static void ck_received(u64 gpa, u32 len, unsigned int seed, u16 nbufs, u32 room)
{
	const u8 *p = vdrv_hva(gpa);

	ck_assert(vdrv_all_bytes(p, 0, NUM_BUFFERS));
	ck_assert_uint_eq(num_buffers(p), nbufs);
	ck_assert(frame_part_at(p + HDR_LEN, HDR_LEN, len - HDR_LEN, seed));
	ck_assert(vdrv_all_bytes(p + len, 0, room - len));
}

/* ---- identity and configuration -------------------------------------------- */

/* Device ID 1; MAC and STATUS offered (and MRG_RXBUF), no offload on a non-tap fd. */
START_TEST(net_identity)
{
	u64 f = vdrv_device_features();

	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_MAGIC_VALUE), 0x74726976);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_VERSION), 2);
	ck_assert_uint_eq(VIRTIO_ID_NET, 1);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_DEVICE_ID), 1);
	ck_assert_uint_eq(f & NET_F(MAC), NET_F(MAC));
	ck_assert_uint_eq(f & NET_F(STATUS), NET_F(STATUS));
	/* not a tap: nothing could do the checksums and segmentation */
	ck_assert_uint_eq(f & (NET_F(CSUM) | NET_F(GUEST_CSUM) | NET_F(HOST_TSO4) |
			       NET_F(HOST_TSO6) | NET_F(GUEST_TSO4) | NET_F(GUEST_TSO6) |
			       NET_F(HOST_ECN) | NET_F(GUEST_ECN) | NET_F(HOST_UFO) |
			       NET_F(GUEST_UFO)), 0);
	/* nor what the device has not got: a control queue, more pairs, an MTU */
	ck_assert_uint_eq(f & (NET_F(CTRL_VQ) | NET_F(MQ) | NET_F(MTU) |
			       NET_F(GUEST_ANNOUNCE) | NET_F(CTRL_GUEST_OFFLOADS)), 0);
	/* all of it: MRG_RXBUF as net.c now offers it, the core's ring features */
	ck_assert_uint_eq(f, NET_F(MAC) | NET_F(STATUS) | NET_F(MRG_RXBUF) | F_RING);
	ck_assert_uint_eq(vdrv_queue_num_max(RXQ), 256);
	ck_assert_uint_eq(vdrv_queue_num_max(TXQ), 256);
	ck_assert_uint_eq(vdrv_queue_num_max(2), 0);
}
END_TEST

/* Config space: the MAC, LINK_UP, one pair; 0 from config_size on; read-only. */
START_TEST(net_config)
{
	unsigned int i;

	for (i = 0; i < 6; i++)
		ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_CONFIG + i, 1), mac[i]);
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_CONFIG, 4), 0x12005452);
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_CONFIG + 4, 2), 0x5634);
	ck_assert_uint_eq(vdrv_rd(CONFIG(status), 2), VIRTIO_NET_S_LINK_UP);
	ck_assert_uint_eq(vdrv_rd(CONFIG(max_virtqueue_pairs), 2), 1);
	/* config_size ends before mtu: it and all after it read 0 */
	ck_assert_uint_eq(offsetof(struct virtio_net_config, mtu), 10);
	ck_assert_uint_eq(vdrv_rd(CONFIG(mtu), 2), 0);
	ck_assert_uint_eq(vdrv_rd(CONFIG(speed), 4), 0);
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_CONFIG + 0x20, 4), 0);
	/* a read across the end takes nothing */
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_CONFIG + 8, 4), 0);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_CONFIG_GENERATION), 0);

	/* the driver cannot write it */
	vdrv_wr(VIRTIO_MMIO_CONFIG, 0xff, 1);
	vdrv_wr(CONFIG(status), 0, 2);
	vdrv_wr(CONFIG(max_virtqueue_pairs), 8, 2);
	ck_assert_uint_eq(vdrv_rd(VIRTIO_MMIO_CONFIG, 1), mac[0]);
	ck_assert_uint_eq(vdrv_rd(CONFIG(status), 2), VIRTIO_NET_S_LINK_UP);
	ck_assert_uint_eq(vdrv_rd(CONFIG(max_virtqueue_pairs), 2), 1);
}
END_TEST

/* The driver may take what is offered, not an offload that is not. */
START_TEST(net_features)
{
	ck_assert(vdrv_negotiate(F_VERSION_1 | NET_F(MAC) | NET_F(STATUS)));
	vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
	ck_assert(vdrv_negotiate(F_RING | NET_F(MAC) | NET_F(STATUS) | NET_F(MRG_RXBUF)));
	vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
	ck_assert(!vdrv_negotiate(F_VERSION_1 | NET_F(CSUM)));
	vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
	ck_assert(!vdrv_negotiate(F_VERSION_1 | NET_F(GUEST_TSO4)));
}
END_TEST

/* ---- transmit -------------------------------------------------------------- */

/* One frame, one buffer: one datagram of its 72 bytes, used with len 0, one interrupt. */
/*
 * A transmit header asking the back-end for what the guest did not
 * negotiate (a checksum, GSO, ECN: none is offered on a socket) is dropped
 * in the vmm; the frames after it go.
 */
START_TEST(net_tx_header_checked)
{
	static const struct {
		u8	flags, gso_type;
	} bad[] = {
		{ VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE },
		{ 0, VIRTIO_NET_HDR_GSO_TCPV4 },
		{ 0, VIRTIO_NET_HDR_GSO_TCPV6 },
		{ 0, VIRTIO_NET_HDR_GSO_UDP },
		{ 0, VIRTIO_NET_HDR_GSO_NONE | VIRTIO_NET_HDR_GSO_ECN },
	};
	unsigned int i;

	start(F_VERSION_1);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct virtio_net_hdr_v1 *h = vdrv_hva(BUF_GPA(i));

		fill_frame(vdrv_hva(BUF_GPA(i)), 72, 1);
		h->flags = bad[i].flags;
		h->gso_type = bad[i].gso_type;
		vdrv_desc(TXQ, i, BUF_GPA(i), 72, 0, 0);
		vdrv_post(TXQ, i);
	}
	tx_chain(ARRAY_SIZE(bad), ARRAY_SIZE(bad), 72, 2);
	kick(TXQ);
	ck_from_nic(72, 2);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), ARRAY_SIZE(bad) + 1);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		ck_used(TXQ, i, i, 0);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
}
END_TEST

START_TEST(net_tx_frame)
{
	start(F_VERSION_1);
	ck_assert_uint_eq(vdrv_irq_changes(), 0);
	tx_chain(3, 0, 72, 1);
	kick(TXQ);
	ck_from_nic(72, 1);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 1);
	ck_used(TXQ, 0, 3, 0);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 0);
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_eq(vdrv_pulses(), 1);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
}
END_TEST

/* A frame in 3 buffers (and a writable one left alone), another with its header split. */
START_TEST(net_tx_split)
{
	struct vring_desc *t = vdrv_q[TXQ].desc;

	start(F_VERSION_1);
	tx_piece(t, 0, 0, 0, HDR_LEN, 2, N, 1);
	tx_piece(t, 1, 1, HDR_LEN, 20, 2, N, 2);
	tx_piece(t, 2, 2, HDR_LEN + 20, 40, 2, N, 3);
	vdrv_desc(TXQ, 3, BUF_GPA(3), 64, W, 0);
	vdrv_post(TXQ, 0);
	tx_piece(t, 4, 4, 0, 10, 3, N, 5);
	tx_piece(t, 5, 5, 10, 62, 3, 0, 0);
	vdrv_post(TXQ, 4);
	kick(TXQ);
	ck_from_nic(72, 2);
	ck_from_nic(72, 3);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 2);
	ck_used(TXQ, 0, 0, 0);
	ck_used(TXQ, 1, 4, 0);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(3)), 0, 64));
	ck_assert_uint_eq(vdrv_pulses(), 1);
}
END_TEST

/* A frame through an indirect table of 3 buffers. */
START_TEST(net_tx_indirect)
{
	struct vring_desc *t = vdrv_hva(TABLE_GPA);

	start(F_VERSION_1 | F_INDIRECT);
	tx_piece(t, 0, 0, 0, HDR_LEN, 4, N, 1);
	tx_piece(t, 1, 1, HDR_LEN, 30, 4, N, 2);
	tx_piece(t, 2, 2, HDR_LEN + 30, 30, 4, 0, 0);
	vdrv_desc(TXQ, 7, TABLE_GPA, 3 * sizeof(*t), VRING_DESC_F_INDIRECT, 0);
	vdrv_post(TXQ, 7);
	kick(TXQ);
	ck_from_nic(72, 4);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 1);
	ck_used(TXQ, 0, 7, 0);
	ck_assert_uint_eq(vdrv_pulses(), 1);
}
END_TEST

/* Five frames in one notification: in order, each used, one interrupt for all. */
START_TEST(net_tx_batch)
{
	static const u32 lens[] = { 72, 100, 1514, HDR_LEN, 1500 };
	unsigned int i;

	start(F_VERSION_1);
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		tx_chain(i, i, lens[i], 10 + i);
	kick(TXQ);
	/* a header alone (12 bytes) is a frame the NIC sends too */
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		ck_from_nic(lens[i], 10 + i);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), ARRAY_SIZE(lens));
	for (i = 0; i < ARRAY_SIZE(lens); i++)
		ck_used(TXQ, i, i, 0);
	ck_assert_uint_eq(vdrv_pulses(), 1);
}
END_TEST

/* EVENT_IDX: the NIC asks for the next notification, and interrupts as used_event says. */
START_TEST(net_tx_event_idx)
{
	start(F_VERSION_1 | F_EVENT_IDX);
	tx_chain(0, 0, 72, 1);
	kick(TXQ);
	ck_from_nic(72, 1);
	ck_assert_uint_eq(le16toh(*vdrv_avail_event(TXQ)), 1);
	ck_assert_uint_eq(vdrv_pulses(), 1);

	/* used_event 0: none wanted for the second */
	tx_chain(1, 1, 72, 2);
	kick(TXQ);
	ck_from_nic(72, 2);
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 2);
	ck_assert_uint_eq(vdrv_pulses(), 1);

	/* one wanted once the third is used */
	*vdrv_used_event(TXQ) = htole16(2);
	tx_chain(2, 2, 72, 3);
	kick(TXQ);
	ck_from_nic(72, 3);
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 3);
	ck_assert_uint_eq(le16toh(*vdrv_avail_event(TXQ)), 3);
	ck_assert_uint_eq(vdrv_pulses(), 2);
}
END_TEST

/* VRING_AVAIL_F_NO_INTERRUPT: the frame goes, no interrupt. */
START_TEST(net_tx_no_interrupt_flag)
{
	start(F_VERSION_1);
	vdrv_q[TXQ].avail->flags = htole16(VRING_AVAIL_F_NO_INTERRUPT);
	tx_chain(0, 0, 72, 1);
	kick(TXQ);
	ck_from_nic(72, 1);
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 1);
	ck_assert_uint_eq(vdrv_irq_changes(), 0);
}
END_TEST

/* Chains with fewer than 12 readable bytes: used with len 0, nothing sent; then a good one goes. */
START_TEST(net_tx_short_dropped)
{
	start(F_VERSION_1);
	/* 8 readable bytes */
	tx_chain(0, 0, 8, 1);
	/* a writable buffer alone */
	vdrv_desc(TXQ, 1, BUF_GPA(1), 100, W, 0);
	vdrv_post(TXQ, 1);
	/* 11 readable bytes and a writable one: it does not count */
	vdrv_desc(TXQ, 2, BUF_GPA(2), 11, N, 3);
	vdrv_desc(TXQ, 3, BUF_GPA(3), 1, W, 0);
	vdrv_post(TXQ, 2);
	kick(TXQ);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 3);
	ck_used(TXQ, 0, 0, 0);
	ck_used(TXQ, 1, 1, 0);
	ck_used(TXQ, 2, 2, 0);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(1)), 0, 100));
	ck_assert_uint_eq(vdrv_pulses(), 1);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);

	tx_chain(4, 4, 72, 5);
	kick(TXQ);
	ck_from_nic(72, 5);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 4);
	ck_used(TXQ, 3, 4, 0);
}
END_TEST

/* Chains longer than 65535 + 12 bytes: used with len 0, nothing sent; the largest frame goes. */
START_TEST(net_tx_too_long_dropped)
{
	unsigned int i;

	start(F_VERSION_1);
	fill_frame(vdrv_hva(BIG_GPA), MAX_FRAME, 1);
	/* one byte too many */
	vdrv_desc(TXQ, 0, BIG_GPA, HDR_LEN, N, 1);
	vdrv_desc(TXQ, 1, BIG_GPA + HDR_LEN, MAX_FRAME - HDR_LEN + 1, 0, 0);
	vdrv_post(TXQ, 0);
	/* 2 MiB: four buffers of 512 KiB over the same RAM */
	for (i = 0; i < 4; i++)
		vdrv_desc(TXQ, 2 + i, BIG_GPA, 0x80000, i < 3 ? N : 0, 3 + i);
	vdrv_post(TXQ, 2);
	kick(TXQ);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 2);
	ck_used(TXQ, 0, 0, 0);
	ck_used(TXQ, 1, 2, 0);
	ck_assert_uint_eq(vdrv_pulses(), 1);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);

	/* the largest goes whole, and a small one after it */
	vdrv_desc(TXQ, 6, BIG_GPA, MAX_FRAME, 0, 0);
	vdrv_post(TXQ, 6);
	tx_chain(7, 0, 72, 2);
	kick(TXQ);
	ck_from_nic(MAX_FRAME, 1);
	ck_from_nic(72, 2);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 4);
	ck_used(TXQ, 2, 6, 0);
	ck_used(TXQ, 3, 7, 0);
}
END_TEST

/* The network not reading (its socket full): the frame dropped, its chain used; later ones go. */
START_TEST(net_tx_backend_full)
{
	static const u8 filler[HDR_LEN];
	unsigned int n;
	ssize_t len;

	start(F_VERSION_1);
	for (n = 0; n < 100000 && send(sv[0], filler, sizeof(filler), MSG_DONTWAIT) > 0; n++)
		;
	ck_assert_int_eq(errno, EAGAIN);
	tx_chain(0, 0, 72, 1);
	kick(TXQ);
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 1);
	ck_used(TXQ, 0, 0, 0);
	ck_assert_uint_eq(vdrv_pulses(), 1);

	/* the network reads: only the fillers were there */
	while ((len = from_nic()) >= 0)
		ck_assert_int_eq(len, sizeof(filler));
	tx_chain(1, 1, 72, 2);
	kick(TXQ);
	ck_from_nic(72, 2);
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 2);
}
END_TEST

/* 2.1.2: a frame posted before DRIVER_OK goes at DRIVER_OK, not before. */
START_TEST(net_tx_before_driver_ok)
{
	vdrv_setup_queues(F_VERSION_1, 2);
	tx_chain(0, 0, 72, 1);
	vdrv_notify(TXQ);
	run_idle();
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 0);
	ck_assert_uint_eq(vdrv_irq_changes(), 0);

	vdrv_driver_ok();
	ck_assert_uint_ge(run_idle(), 1);
	ck_from_nic(72, 1);
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 1);
	ck_used(TXQ, 0, 0, 0);
}
END_TEST

/* ---- receive --------------------------------------------------------------- */

/* A 112-byte datagram into a 1526-byte chain: len 112, the bytes, num_buffers 1, an interrupt. */
START_TEST(net_rx_frame)
{
	start(F_VERSION_1);
	rx_chain(5, 0, GOOD_RX);
	kick(RXQ);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 0);
	ck_assert_uint_eq(vdrv_irq_changes(), 0);

	to_nic(112, 1);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 1);
	ck_used(RXQ, 0, 5, 112);
	ck_received(BUF_GPA(0), 112, 1, 1, GOOD_RX);
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 0);
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_VRING);
	ck_assert_uint_eq(vdrv_pulses(), 1);
	/* taken from the socket */
	ck_assert_int_eq(queued_for_nic(), 0);
}
END_TEST

/* Chains split across buffers: header then frame; and num_buffers itself split. */
START_TEST(net_rx_split)
{
	const u8 *p;

	start(F_VERSION_1);
	vdrv_desc(RXQ, 0, BUF_GPA(0), HDR_LEN, W | N, 1);
	vdrv_desc(RXQ, 1, BUF_GPA(1), GOOD_RX - HDR_LEN, W, 0);
	vdrv_post(RXQ, 0);
	vdrv_desc(RXQ, 2, BUF_GPA(2), 11, W | N, 3);
	vdrv_desc(RXQ, 3, BUF_GPA(3), 1, W | N, 4);
	vdrv_desc(RXQ, 4, BUF_GPA(4), GOOD_RX - HDR_LEN, W, 0);
	vdrv_post(RXQ, 2);
	kick(RXQ);
	to_nic(112, 1);
	to_nic(200, 2);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 2);
	ck_used(RXQ, 0, 0, 112);
	ck_used(RXQ, 1, 2, 200);

	p = vdrv_hva(BUF_GPA(0));
	ck_assert(vdrv_all_bytes(p, 0, NUM_BUFFERS));
	ck_assert_uint_eq(num_buffers(p), 1);
	ck_assert(frame_part_at(vdrv_hva(BUF_GPA(1)), HDR_LEN, 100, 1));
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(1) + 100), 0, GOOD_RX - HDR_LEN - 100));

	p = vdrv_hva(BUF_GPA(2));
	ck_assert(vdrv_all_bytes(p, 0, NUM_BUFFERS));
	ck_assert_uint_eq(p[NUM_BUFFERS], 1);
	ck_assert_uint_eq(*(u8 *)vdrv_hva(BUF_GPA(3)), 0);
	ck_assert(frame_part_at(vdrv_hva(BUF_GPA(4)), HDR_LEN, 188, 2));
	ck_assert_uint_eq(vdrv_pulses(), 1);
}
END_TEST

/*
 * Datagrams with no receive buffer are not lost: the NIC stops watching
 * the socket (the loop sleeps) and leaves them queued (all but the one
 * it may have read already); posted buffers take them all, in order.
 */
START_TEST(net_rx_no_buffer)
{
	start(F_VERSION_1);
	to_nic(112, 1);
	to_nic(80, 2);
	to_nic(300, 3);
	run_idle();
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 0);
	ck_assert_uint_eq(vdrv_irq_changes(), 0);
	ck_assert_int_eq(loop__run_once(&vdrv_vm.loop, 0), 0);
	ck_assert_int_ge(queued_for_nic(), 80 + 300);

	rx_chain(0, 0, GOOD_RX);
	rx_chain(1, 1, GOOD_RX);
	rx_chain(2, 2, GOOD_RX);
	kick(RXQ);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 3);
	ck_used(RXQ, 0, 0, 112);
	ck_used(RXQ, 1, 1, 80);
	ck_used(RXQ, 2, 2, 300);
	ck_received(BUF_GPA(0), 112, 1, 1, GOOD_RX);
	ck_received(BUF_GPA(1), 80, 2, 1, GOOD_RX);
	ck_received(BUF_GPA(2), 300, 3, 1, GOOD_RX);
	ck_assert_uint_eq(vdrv_pulses(), 1);
	ck_assert_int_eq(queued_for_nic(), 0);
}
END_TEST

/* Three datagrams, two buffers: two delivered, the third waits for the next buffer. */
START_TEST(net_rx_more_frames_than_buffers)
{
	start(F_VERSION_1);
	rx_chain(0, 0, GOOD_RX);
	rx_chain(1, 1, GOOD_RX);
	kick(RXQ);
	to_nic(112, 1);
	to_nic(90, 2);
	to_nic(64, 3);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 2);
	ck_used(RXQ, 0, 0, 112);
	ck_used(RXQ, 1, 1, 90);
	ck_assert_uint_eq(vdrv_pulses(), 1);
	ck_assert_int_eq(loop__run_once(&vdrv_vm.loop, 0), 0);

	rx_chain(2, 2, GOOD_RX);
	kick(RXQ);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 3);
	ck_used(RXQ, 2, 2, 64);
	ck_received(BUF_GPA(0), 112, 1, 1, GOOD_RX);
	ck_received(BUF_GPA(1), 90, 2, 1, GOOD_RX);
	ck_received(BUF_GPA(2), 64, 3, 1, GOOD_RX);
	ck_assert_uint_eq(vdrv_pulses(), 2);
}
END_TEST

/* EVENT_IDX on receive: out of buffers the NIC asks to hear of the next one. */
START_TEST(net_rx_event_idx)
{
	start(F_VERSION_1 | F_EVENT_IDX);
	rx_chain(0, 0, GOOD_RX);
	kick(RXQ);
	to_nic(112, 1);
	to_nic(70, 2);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 1);
	ck_assert_uint_eq(le16toh(*vdrv_avail_event(RXQ)), 1);
	ck_assert_uint_eq(vdrv_pulses(), 1);

	*vdrv_used_event(RXQ) = htole16(1);
	rx_chain(1, 1, GOOD_RX);
	kick(RXQ);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 2);
	ck_used(RXQ, 1, 1, 70);
	ck_received(BUF_GPA(1), 70, 2, 1, GOOD_RX);
	ck_assert_uint_eq(vdrv_pulses(), 2);
}
END_TEST

/*
 * Chains with fewer than 12 writable bytes come back empty, untouched,
 * and the datagram waits for (or goes on to) the next good chain.
 */
START_TEST(net_rx_small_chain)
{
	start(F_VERSION_1);
	vdrv_desc(RXQ, 0, BUF_GPA(0), 8, W, 0);
	vdrv_post(RXQ, 0);
	vdrv_desc(RXQ, 1, BUF_GPA(1), 6, W | N, 2);
	vdrv_desc(RXQ, 2, BUF_GPA(2), 5, W, 0);
	vdrv_post(RXQ, 1);
	kick(RXQ);
	to_nic(112, 1);
	run_idle();
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 2);
	ck_used(RXQ, 0, 0, 0);
	ck_used(RXQ, 1, 1, 0);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(0)), 0, 8));
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(1)), 0, 6));
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(2)), 0, 5));
	ck_assert_uint_eq(vdrv_pulses(), 1);

	/* the datagram was not lost with them */
	rx_chain(3, 3, GOOD_RX);
	kick(RXQ);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 3);
	ck_used(RXQ, 2, 3, 112);
	ck_received(BUF_GPA(3), 112, 1, 1, GOOD_RX);

	/* a small chain before a good one: the datagram skips it */
	vdrv_desc(RXQ, 4, BUF_GPA(4), 8, W, 0);
	vdrv_post(RXQ, 4);
	rx_chain(5, 5, GOOD_RX);
	kick(RXQ);
	to_nic(60, 2);
	run_idle();
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 5);
	ck_used(RXQ, 3, 4, 0);
	ck_used(RXQ, 4, 5, 60);
	ck_received(BUF_GPA(5), 60, 2, 1, GOOD_RX);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
}
END_TEST

/*
 * A receive chain of readable buffers only has no room (in_len 0): back
 * empty and untouched, the datagram in the next chain; one readable then
 * writable gets the frame in its writable part.
 */
START_TEST(net_rx_readable_only_chain)
{
	start(F_VERSION_1);
	memset(vdrv_hva(BUF_GPA(0)), 0xcc, GOOD_RX);
	memset(vdrv_hva(BUF_GPA(1)), 0xcc, 64);
	vdrv_desc(RXQ, 0, BUF_GPA(0), GOOD_RX, 0, 0);
	vdrv_post(RXQ, 0);
	vdrv_desc(RXQ, 1, BUF_GPA(1), 64, N, 2);
	vdrv_desc(RXQ, 2, BUF_GPA(2), GOOD_RX, W, 0);
	vdrv_post(RXQ, 1);
	kick(RXQ);
	to_nic(112, 1);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 2);
	ck_used(RXQ, 0, 0, 0);
	ck_used(RXQ, 1, 1, 112);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(0)), 0xcc, GOOD_RX));
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(1)), 0xcc, 64));
	ck_received(BUF_GPA(2), 112, 1, 1, GOOD_RX);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
	ck_assert_uint_eq(vdrv_pulses(), 1);
}
END_TEST

/* Without MRG_RXBUF a frame takes one chain: too big for it, dropped; the chain takes the next. */
START_TEST(net_rx_frame_too_big_for_chain)
{
	start(F_VERSION_1);
	rx_chain(0, 0, 100);
	rx_chain(1, 1, GOOD_RX);
	kick(RXQ);
	to_nic(112, 1);
	to_nic(60, 2);
	ck_assert_uint_ge(run_idle(), 1);
	/* the 112-byte frame is dropped; the chain it did not fit takes the next */
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 1);
	ck_used(RXQ, 0, 0, 60);
	ck_received(BUF_GPA(0), 60, 2, 1, 100);
}
END_TEST

/* Datagrams shorter than a header are dropped; the link stays up and the next arrives. */
START_TEST(net_rx_runt_datagram)
{
	start(F_VERSION_1);
	rx_chain(0, 0, GOOD_RX);
	kick(RXQ);
	to_nic(5, 1);
	to_nic(HDR_LEN - 1, 2);
	to_nic(112, 3);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 1);
	ck_used(RXQ, 0, 0, 112);
	ck_received(BUF_GPA(0), 112, 3, 1, GOOD_RX);
	ck_assert_uint_eq(vdrv_rd(CONFIG(status), 2), VIRTIO_NET_S_LINK_UP);
	ck_assert_int_eq(queued_for_nic(), 0);
}
END_TEST

/*
 * 5.1.6.4.1: a back-end that is no tap is held to what the guest took: a
 * checksum request it did not negotiate is cleared, a GSO frame it cannot
 * take is dropped (its chain waits for the next frame).
 */
START_TEST(net_rx_header_sanitised)
{
	static u8 d[112];
	struct virtio_net_hdr_v1 *h = (struct virtio_net_hdr_v1 *)d;
	const struct virtio_net_hdr_v1 *got = vdrv_hva(BUF_GPA(0));

	start(F_VERSION_1);
	rx_chain(0, 0, GOOD_RX);
	kick(RXQ);
	fill_frame(d, sizeof(d), 1);
	h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->csum_start = htole16(34);
	h->csum_offset = htole16(16);
	ck_assert_int_eq(send(sv[1], d, sizeof(d), 0), sizeof(d));
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 1);
	ck_used(RXQ, 0, 0, sizeof(d));
	ck_assert_uint_eq(got->flags, 0);
	ck_assert_uint_eq(got->csum_start, 0);
	ck_assert_uint_eq(got->csum_offset, 0);

	rx_chain(1, 1, GOOD_RX);
	kick(RXQ);
	memset(h, 0, sizeof(*h));
	h->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	h->gso_size = htole16(1448);
	ck_assert_int_eq(send(sv[1], d, sizeof(d), 0), sizeof(d));
	h->gso_type = VIRTIO_NET_HDR_GSO_NONE | VIRTIO_NET_HDR_GSO_ECN;
	ck_assert_int_eq(send(sv[1], d, sizeof(d), 0), sizeof(d));
	to_nic(112, 3);
	ck_assert_uint_ge(run_idle(), 1);
	/* the TSO and ECN frames were dropped before taking the chain */
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 2);
	ck_used(RXQ, 1, 1, 112);
	ck_received(BUF_GPA(1), 112, 3, 1, GOOD_RX);
	ck_assert_int_eq(queued_for_nic(), 0);
}
END_TEST

/*
 * An empty datagram is a runt like the others (next_frame(): "A datagram
 * too short for the header is dropped"): not the peer hanging up.
 */
START_TEST(net_rx_empty_datagram)
{
	start(F_VERSION_1);
	rx_chain(0, 0, GOOD_RX);
	kick(RXQ);
	ck_assert_int_eq(send(sv[1], wire, 0, 0), 0);
	to_nic(112, 1);
	run_idle();
	ck_assert_msg(vdrv_rd(CONFIG(status), 2) == VIRTIO_NET_S_LINK_UP,
		      "an empty datagram took the link down (read() == 0 taken for a hang-up)");
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 1);
	ck_used(RXQ, 0, 0, 112);
	ck_received(BUF_GPA(0), 112, 1, 1, GOOD_RX);
}
END_TEST

/*
 * A datagram longer than any frame (65535 + 12) is dropped, as on
 * transmit: not handed to the guest cut short.
 */
START_TEST(net_rx_oversized_datagram)
{
	unsigned int i, got = 0;

	start(F_VERSION_1);
	vdrv_desc(RXQ, 0, BIG_GPA, 70000, W, 0);
	vdrv_post(RXQ, 0);
	rx_chain(1, 0, GOOD_RX);
	kick(RXQ);
	to_nic(70000, 1);
	to_nic(112, 2);
	ck_assert_uint_ge(run_idle(), 1);
	for (i = 0; i < vdrv_used_idx(RXQ); i++) {
		ck_assert_msg(vdrv_used_len(RXQ, i) != MAX_FRAME,
			      "a 70000-byte datagram was delivered cut to %u bytes",
			      vdrv_used_len(RXQ, i));
		if (vdrv_used_len(RXQ, i) == 112)
			got++;
	}
	ck_assert_uint_eq(got, 1);
	ck_assert_int_eq(queued_for_nic(), 0);
}
END_TEST

/* 2.1.2: a datagram and a buffer before DRIVER_OK: delivered at DRIVER_OK, not before. */
START_TEST(net_rx_before_driver_ok)
{
	vdrv_setup_queues(F_VERSION_1, 2);
	rx_chain(0, 0, GOOD_RX);
	vdrv_notify(RXQ);
	to_nic(112, 1);
	run_idle();
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 0);
	ck_assert_uint_eq(vdrv_irq_changes(), 0);
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(0)), 0, GOOD_RX));

	vdrv_driver_ok();
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 1);
	ck_used(RXQ, 0, 0, 112);
	ck_received(BUF_GPA(0), 112, 1, 1, GOOD_RX);
	ck_assert_uint_eq(vdrv_pulses(), 1);
}
END_TEST

/* MRG_RXBUF: a frame over two chains, num_buffers 2 in the first; a small one in one. */
START_TEST(net_rx_mergeable)
{
	const u8 *p = vdrv_hva(BUF_GPA(0));

	start(F_VERSION_1 | NET_F(MRG_RXBUF));
	rx_chain(0, 0, 1000);
	rx_chain(1, 1, 1000);
	rx_chain(2, 2, 1000);
	kick(RXQ);
	to_nic(1512, 1);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 2);
	ck_used(RXQ, 0, 0, 1000);
	ck_used(RXQ, 1, 1, 512);
	ck_assert(vdrv_all_bytes(p, 0, NUM_BUFFERS));
	ck_assert_uint_eq(num_buffers(p), 2);
	ck_assert(frame_part_at(p + HDR_LEN, HDR_LEN, 1000 - HDR_LEN, 1));
	ck_assert(frame_part_at(vdrv_hva(BUF_GPA(1)), 1000, 512, 1));
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(1) + 512), 0, 488));
	ck_assert_uint_eq(vdrv_pulses(), 1);

	to_nic(112, 2);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 3);
	ck_used(RXQ, 2, 2, 112);
	ck_received(BUF_GPA(2), 112, 2, 1, 1000);
}
END_TEST

/* MRG_RXBUF: a frame needing two chains with one posted waits, the chain held, the loop asleep. */
START_TEST(net_rx_mergeable_waits)
{
	start(F_VERSION_1 | NET_F(MRG_RXBUF));
	rx_chain(0, 0, 1000);
	kick(RXQ);
	to_nic(1512, 1);
	run_idle();
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 0);
	ck_assert_uint_eq(vdrv_irq_changes(), 0);
	ck_assert_int_eq(loop__run_once(&vdrv_vm.loop, 0), 0);

	rx_chain(1, 1, 1000);
	kick(RXQ);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 2);
	ck_used(RXQ, 0, 0, 1000);
	ck_used(RXQ, 1, 1, 512);
	ck_assert_uint_eq(num_buffers(vdrv_hva(BUF_GPA(0))), 2);
	ck_assert(frame_part_at(vdrv_hva(BUF_GPA(1)), 1000, 512, 1));
	ck_assert_uint_eq(vdrv_pulses(), 1);
}
END_TEST

/*
 * MRG_RXBUF with a ring of 2 chains of 64 bytes and a 200-byte frame: it
 * can never fit, so holding both chains for it stops receive for good.
 * The NIC must give them back (dropping the frame), and the next frame,
 * which fits, must arrive.
 */
START_TEST(net_rx_mergeable_ring_too_small)
{
	unsigned int round;
	u16 seen = 0, i;
	bool got = false;

	vdrv_set_rings(RXQ, 2, VDRV_DESC_GPA(RXQ), VDRV_AVAIL_GPA(RXQ), VDRV_USED_GPA(RXQ));
	start(F_VERSION_1 | NET_F(MRG_RXBUF));
	rx_chain(0, 0, 64);
	rx_chain(1, 1, 64);
	kick(RXQ);
	to_nic(200, 1);
	to_nic(40, 2);
	run_idle();
	ck_assert_msg(vdrv_used_idx(RXQ) > 0,
		      "the NIC holds the whole ring for a frame needing 4 chains: receive stuck");

	/* the driver recycles what comes back, until the 40-byte frame is in */
	for (round = 0; round < 4 && !got; round++) {
		for (i = seen; i != vdrv_used_idx(RXQ); i++) {
			if (vdrv_used_len(RXQ, i) == 40) {
				ck_received(BUF_GPA(vdrv_used_id(RXQ, i)), 40, 2, 1, 64);
				got = true;
			}
			vdrv_post(RXQ, vdrv_used_id(RXQ, i));
		}
		seen = i;
		vdrv_notify(RXQ);
		run_idle();
	}
	ck_assert_msg(got, "the 40-byte frame after it never arrived");
}
END_TEST

/* ---- a hostile driver, resets ---------------------------------------------- */

/* A looping TX chain: DEVICE_NEEDS_RESET, nothing sent; after a reset the NIC works. */
START_TEST(net_tx_loop_needs_reset)
{
	start(F_VERSION_1);
	fill_frame(vdrv_hva(BUF_GPA(0)), 72, 1);
	vdrv_desc(TXQ, 0, BUF_GPA(0), HDR_LEN, N, 1);
	vdrv_desc(TXQ, 1, BUF_GPA(0) + HDR_LEN, 60, N, 0);
	vdrv_post(TXQ, 0);
	kick(TXQ);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING | S_NEEDS_RESET);
	ck_assert_uint_eq(vdrv_int_status() & VIRTIO_MMIO_INT_CONFIG, VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(vdrv_pulses(), 1);
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 0);
	ck_nothing_from_nic();

	/* stopped: a good frame now is not sent */
	tx_chain(2, 2, 72, 2);
	kick(TXQ);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 0);

	restart(F_VERSION_1);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
	tx_chain(0, 0, 72, 3);
	kick(TXQ);
	ck_from_nic(72, 3);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 1);
	ck_used(TXQ, 0, 0, 0);
	rx_chain(0, 1, GOOD_RX);
	kick(RXQ);
	to_nic(112, 4);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 1);
	ck_used(RXQ, 0, 0, 112);
	ck_received(BUF_GPA(1), 112, 4, 1, GOOD_RX);
}
END_TEST

/* A TX buffer across the end of RAM: DEVICE_NEEDS_RESET; after a reset the NIC works. */
START_TEST(net_tx_outside_ram_needs_reset)
{
	start(F_VERSION_1 | F_EVENT_IDX);
	tx_chain(0, 0, 72, 1);
	vdrv_desc(TXQ, 1, VDRV_RAM_END - 16, 72, 0, 0);
	vdrv_post(TXQ, 1);
	kick(TXQ);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING | S_NEEDS_RESET);
	ck_assert_uint_eq(vdrv_int_status() & VIRTIO_MMIO_INT_CONFIG, VIRTIO_MMIO_INT_CONFIG);
	/* the good frame before it went */
	ck_from_nic(72, 1);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 1);

	restart(F_VERSION_1 | F_EVENT_IDX);
	tx_chain(0, 0, 72, 2);
	kick(TXQ);
	ck_from_nic(72, 2);
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 1);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
}
END_TEST

/*
 * An RX buffer outside RAM, with a frame waiting: DEVICE_NEEDS_RESET.
 * The frame the NIC had read when it failed goes with the reset
 * (net_reset()); the next arrives after it.
 */
START_TEST(net_rx_outside_ram_needs_reset)
{
	start(F_VERSION_1);
	vdrv_desc(RXQ, 0, VDRV_RAM_END, GOOD_RX, W, 0);
	vdrv_post(RXQ, 0);
	kick(RXQ);
	to_nic(112, 1);
	run_idle();
	ck_assert_uint_eq(vdrv_status(), S_RUNNING | S_NEEDS_RESET);
	ck_assert_uint_eq(vdrv_int_status() & VIRTIO_MMIO_INT_CONFIG, VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 0);
	/* failed: the socket is not watched */
	to_nic(90, 2);
	ck_assert_int_eq(loop__run_once(&vdrv_vm.loop, 0), 0);

	restart(F_VERSION_1);
	rx_chain(0, 0, GOOD_RX);
	kick(RXQ);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 1);
	ck_used(RXQ, 0, 0, 90);
	ck_received(BUF_GPA(0), 90, 2, 1, GOOD_RX);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
}
END_TEST

/*
 * A reset with datagrams waiting and a TX chain posted: the frame the NIC
 * had read goes with the reset (net_reset()), the TX ring is forgotten;
 * after re-init the datagrams still in the socket arrive and frames go.
 */
START_TEST(net_reset_with_frames_queued)
{
	start(F_VERSION_1);
	to_nic(112, 1);
	to_nic(80, 2);
	to_nic(300, 3);
	run_idle();
	tx_chain(0, 0, 72, 9);

	restart(F_VERSION_1);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 0);
	rx_chain(0, 0, GOOD_RX);
	rx_chain(1, 1, GOOD_RX);
	rx_chain(2, 2, GOOD_RX);
	kick(RXQ);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 2);
	ck_used(RXQ, 0, 0, 80);
	ck_used(RXQ, 1, 1, 300);
	ck_received(BUF_GPA(0), 80, 2, 1, GOOD_RX);
	ck_received(BUF_GPA(1), 300, 3, 1, GOOD_RX);

	to_nic(64, 4);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 3);
	ck_used(RXQ, 2, 2, 64);
	tx_chain(0, 3, 72, 5);
	kick(TXQ);
	ck_from_nic(72, 5);
	ck_nothing_from_nic();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 1);
}
END_TEST

/*
 * A reset while MRG_RXBUF chains are held for a frame: the old ring's
 * chain is never used after it; MRG_RXBUF is as the new init says.
 */
START_TEST(net_reset_with_held_chains)
{
	start(F_VERSION_1 | NET_F(MRG_RXBUF));
	rx_chain(0, 0, 1000);
	kick(RXQ);
	to_nic(1512, 1);
	run_idle();
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 0);

	restart(F_VERSION_1 | NET_F(MRG_RXBUF));
	rx_chain(3, 3, 1000);
	rx_chain(4, 4, 1000);
	kick(RXQ);
	to_nic(1512, 2);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 2);
	ck_used(RXQ, 0, 3, 1000);
	ck_used(RXQ, 1, 4, 512);
	ck_assert_uint_eq(num_buffers(vdrv_hva(BUF_GPA(3))), 2);
	ck_assert(frame_part_at(vdrv_hva(BUF_GPA(3) + HDR_LEN), HDR_LEN, 1000 - HDR_LEN, 2));
	ck_assert(frame_part_at(vdrv_hva(BUF_GPA(4)), 1000, 512, 2));
	ck_assert(vdrv_all_bytes(vdrv_hva(BUF_GPA(0)), 0, 1000));

	/* without MRG_RXBUF now: one chain a frame */
	restart(F_VERSION_1);
	rx_chain(0, 5, GOOD_RX);
	kick(RXQ);
	to_nic(1512, 3);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 1);
	ck_used(RXQ, 0, 0, 1512);
	ck_received(BUF_GPA(5), 1512, 3, 1, GOOD_RX);
}
END_TEST

/* ---- the back-end going away ----------------------------------------------- */

/*
 * The peer closes its end: what it sent before arrives, then read() gives
 * 0 and the NIC takes the link down (status 0, a new config generation,
 * a config interrupt).  Sending then drops frames (EPIPE, no SIGPIPE on a
 * SEQPACKET socket) but uses their chains; a reset keeps the link down.
 */
START_TEST(net_peer_closed)
{
	start(F_VERSION_1);
	rx_chain(0, 0, GOOD_RX);
	rx_chain(1, 1, GOOD_RX);
	kick(RXQ);
	to_nic(112, 1);
	close(sv[1]);
	sv[1] = -1;
	ck_assert_int_ge(loop__run_once(&vdrv_vm.loop, 0), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 1);
	ck_used(RXQ, 0, 0, 112);
	ck_received(BUF_GPA(0), 112, 1, 1, GOOD_RX);
	ck_assert_uint_eq(vdrv_rd(CONFIG(status), 2), 0);
	ck_assert_uint_eq(vdrv_rd32(VIRTIO_MMIO_CONFIG_GENERATION), 1);
	ck_assert_uint_eq(vdrv_int_status(), VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(vdrv_pulses(), 2);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);

	tx_chain(0, 2, 72, 2);
	vdrv_notify(TXQ);
	ck_assert_int_ge(loop__run_once(&vdrv_vm.loop, 0), 1);
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 1);
	ck_used(TXQ, 0, 0, 0);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);

	vdrv_wr32(VIRTIO_MMIO_STATUS, 0);
	vdrv_zero_rings(RXQ);
	vdrv_zero_rings(TXQ);
	vdrv_start(F_VERSION_1, 2);
	ck_assert_int_ge(loop__run_once(&vdrv_vm.loop, 0), 1);
	ck_assert_uint_eq(vdrv_rd(CONFIG(status), 2), 0);
	ck_assert_uint_eq(vdrv_status(), S_RUNNING);
}
END_TEST

/*
 * Once the NIC has seen the hang-up it has nothing left to do: the main
 * loop must sleep, not wake for the frame fd again and again.  epoll
 * reports EPOLLHUP whatever the events asked for, so loop__mod(fd, 0)
 * does not silence a hung-up socket.
 */
START_TEST(net_peer_closed_loop_idle)
{
	int fired = 0, i;

	start(F_VERSION_1);
	rx_chain(0, 0, GOOD_RX);
	kick(RXQ);
	close(sv[1]);
	sv[1] = -1;
	ck_assert_int_ge(loop__run_once(&vdrv_vm.loop, 0), 1);
	ck_assert_uint_eq(vdrv_rd(CONFIG(status), 2), 0);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 0);

	for (i = 0; i < 5; i++)
		fired += loop__run_once(&vdrv_vm.loop, 0);
	ck_assert_msg(fired == 0,
		      "the main loop fired %d times in 5 rounds after the hang-up: it spins",
		      fired);
}
END_TEST

/*
 * The peer shuts only its sending side: its socket reads 0 for ever, with
 * EPOLLRDHUP but no EPOLLHUP.  What it sent before arrives, then the link
 * goes down and the loop sleeps (found by fuzz_virtio_net: each empty
 * read was dropped as an empty datagram, and the main loop spun).
 */
START_TEST(net_peer_shut_write)
{
	start(F_VERSION_1);
	rx_chain(0, 0, GOOD_RX);
	rx_chain(1, 1, GOOD_RX);
	kick(RXQ);
	to_nic(112, 1);
	ck_assert_int_eq(shutdown(sv[1], SHUT_WR), 0);
	run_idle();
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 1);
	ck_used(RXQ, 0, 0, 112);
	ck_received(BUF_GPA(0), 112, 1, 1, GOOD_RX);
	ck_assert_uint_eq(vdrv_rd(CONFIG(status), 2), 0);
	ck_assert_int_eq(loop__run_once(&vdrv_vm.loop, 0), 0);
}
END_TEST

/* ---- set-up and tear-down -------------------------------------------------- */

/*
 * virtio_net__destroy() with a frame in the NIC, a chain held for it, one
 * in the socket and a TX chain posted: its registrations leave the loop
 * and its end of the socketpair is closed (run under valgrind for leaks).
 */
START_TEST(net_destroy)
{
	start(F_VERSION_1 | NET_F(MRG_RXBUF));
	rx_chain(0, 0, 1000);
	kick(RXQ);
	to_nic(1512, 1);
	to_nic(112, 2);
	run_idle();
	tx_chain(0, 1, 72, 3);
	ck_assert_uint_eq(loop_fds(), 3);

	virtio_net__destroy(net);
	net = NULL;
	ck_assert_uint_eq(loop_fds(), 0);
	/* closed with a datagram unread: ECONNRESET once, then the end of file */
	ck_assert_int_eq(recv(sv[1], wire, sizeof(wire), MSG_DONTWAIT), -1);
	ck_assert_int_eq(errno, ECONNRESET);
	ck_assert_int_eq(recv(sv[1], wire, sizeof(wire), MSG_DONTWAIT), 0);
}
END_TEST

static void no_op(void *opaque __unused, u32 events __unused)
{
}

/*
 * virtio_net__create() failing (the loop full at its third registration):
 * -ENOSPC, no NIC, its fd closed, its registrations taken back, no
 * device on the bus.
 */
START_TEST(net_create_fails_cleanly)
{
	int fds[LOOP_MAX_FDS - 2];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		fds[i] = eventfd(0, EFD_CLOEXEC);
		ck_assert_int_ge(fds[i], 0);
		ck_assert_int_eq(loop__add(&vdrv_vm.loop, fds[i], EPOLLIN, no_op, NULL), 0);
	}
	ck_assert_int_eq(virtio_net__create(&vdrv_vm, sv[0], mac, 0, "socketpair", &net),
			 -ENOSPC);
	ck_assert_ptr_null(net);
	ck_assert_int_eq(recv(sv[1], wire, sizeof(wire), MSG_DONTWAIT), 0);
	ck_assert_uint_eq(loop_fds(), ARRAY_SIZE(fds));
	ck_assert_uint_eq(vdrv_vm.bus.nr, 0);
	for (i = 0; i < ARRAY_SIZE(fds); i++) {
		loop__del(&vdrv_vm.loop, fds[i]);
		close(fds[i]);
	}
}
END_TEST

/* ---- passt's stream: each frame after its 32-bit big-endian length ------- */

/* The NIC on sv[0] of a stream socketpair, as on passt's socket. */
static void stream_setup(void)
{
	vdrv_make_vm(QSIZE, CONSOLE_SERIAL, -1);
	ck_assert_int_eq(loop__init(&vdrv_vm.loop), 0);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
				    0, sv), 0);
	ck_assert_int_eq(virtio_net__create(&vdrv_vm, sv[0], mac, 0, "passt", &net), 0);
}

/* Frame @seed of @len bytes, header left out, onto the stream after its length. */
static size_t stream_frame(u8 *out, u32 len, unsigned int seed)
{
	u32 be = htobe32(len);
	u32 i;

	memcpy(out, &be, 4);
	for (i = 0; i < len; i++)
		out[4 + i] = frame_byte(seed, HDR_LEN + i);
	return 4 + len;
}

/* Read exactly @len bytes the NIC wrote to the stream. */
static void stream_read(u8 *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = recv(sv[1], buf + got, len - got, MSG_DONTWAIT);
		ck_assert_msg(n > 0, "the stream has %zu of %zu bytes", got, len);
		got += n;
	}
}

/* A transmitted frame goes out as its length and the frame, no header. */
START_TEST(stream_tx)
{
	u8 buf[4 + 60], want[4 + 60];

	start(F_VERSION_1);
	tx_chain(0, 0, HDR_LEN + 60, 1);
	tx_chain(1, 1, HDR_LEN + 100, 2);
	kick(TXQ);
	stream_read(buf, sizeof(buf));
	stream_frame(want, 60, 1);
	ck_assert_mem_eq(buf, want, sizeof(want));
	{
		u8 b2[4 + 100], w2[4 + 100];

		stream_read(b2, sizeof(b2));
		stream_frame(w2, 100, 2);
		ck_assert_mem_eq(b2, w2, sizeof(w2));
	}
	ck_assert_int_lt(recv(sv[1], buf, 1, MSG_DONTWAIT), 0);
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 2);
	ck_used(TXQ, 0, 0, 0);

	/* frames passt would reset the connection for never reach it */
	tx_chain(2, 2, HDR_LEN, 3);
	tx_chain(3, 3, HDR_LEN + ETH_HLEN - 1, 4);
	tx_chain(4, 4, HDR_LEN + 60, 5);
	kick(TXQ);
	stream_read(buf, sizeof(buf));
	stream_frame(want, 60, 5);
	ck_assert_mem_eq(buf, want, sizeof(want));
	ck_assert_int_lt(recv(sv[1], buf, 1, MSG_DONTWAIT), 0);
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 5);
}
END_TEST

/*
 * Frames in, whatever the stream's cut: two in one write, one split over
 * three writes (inside the length too); each arrives behind a zero header.
 */
START_TEST(stream_rx)
{
	static u8 b[3 * (4 + 200)];
	size_t n;

	start(F_VERSION_1);
	rx_chain(0, 0, GOOD_RX);
	rx_chain(1, 1, GOOD_RX);
	rx_chain(2, 2, GOOD_RX);
	kick(RXQ);
	n = stream_frame(b, 100, 1);
	n += stream_frame(b + n, 200, 2);
	ck_assert_int_eq(send(sv[1], b, n, 0), n);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 2);
	ck_used(RXQ, 0, 0, HDR_LEN + 100);
	ck_used(RXQ, 1, 1, HDR_LEN + 200);
	ck_received(BUF_GPA(0), HDR_LEN + 100, 1, 1, GOOD_RX);
	ck_received(BUF_GPA(1), HDR_LEN + 200, 2, 1, GOOD_RX);

	n = stream_frame(b, 150, 3);
	ck_assert_int_eq(send(sv[1], b, 2, 0), 2);
	run_idle();
	ck_assert_int_eq(send(sv[1], b + 2, 50, 0), 50);
	run_idle();
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 2);	/* a frame not whole waits */
	ck_assert_int_eq(send(sv[1], b + 52, n - 52, 0), n - 52);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 3);
	ck_received(BUF_GPA(2), HDR_LEN + 150, 3, 1, GOOD_RX);
	ck_assert_uint_eq(vdrv_rd(CONFIG(status), 2), VIRTIO_NET_S_LINK_UP);
}
END_TEST

/*
 * A length no Ethernet frame has, too short or too long: the stream cannot
 * be resynchronised, so the link goes down (a config interrupt), nothing
 * reaches the guest, and the loop settles.
 */
START_TEST(stream_rx_bad_length)
{
	static const u32 lens[] = { 0, 13, 65536 + 18 + 1, 0xffffffff };
	u32 be = htobe32(lens[_i]);

	start(F_VERSION_1);
	rx_chain(0, 0, GOOD_RX);
	kick(RXQ);
	vdrv_irq_clear();
	ck_assert_int_eq(send(sv[1], &be, 4, 0), 4);
	ck_assert_int_eq(send(sv[1], wire, 64, 0), 64);
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 0);
	ck_assert_uint_eq(vdrv_rd(CONFIG(status), 2), 0);
	ck_assert_uint_eq(vdrv_int_status() & VIRTIO_MMIO_INT_CONFIG, VIRTIO_MMIO_INT_CONFIG);
	ck_assert_uint_eq(run_idle(), 0);
}
END_TEST

/* passt going away: what it sent first arrives, then the link is down. */
START_TEST(stream_peer_closed)
{
	u8 b[4 + 80];

	start(F_VERSION_1);
	rx_chain(0, 0, GOOD_RX);
	kick(RXQ);
	ck_assert_int_eq(send(sv[1], b, stream_frame(b, 80, 4), 0), sizeof(b));
	close(sv[1]);
	sv[1] = -1;
	ck_assert_uint_ge(run_idle(), 1);
	ck_assert_uint_eq(vdrv_used_idx(RXQ), 1);
	ck_received(BUF_GPA(0), HDR_LEN + 80, 4, 1, GOOD_RX);
	ck_assert_uint_eq(vdrv_rd(CONFIG(status), 2), 0);
	ck_assert_uint_eq(run_idle(), 0);
	/* sending now drops the frame, and raises no SIGPIPE */
	tx_chain(0, 0, HDR_LEN + 60, 1);
	kick(TXQ);
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 1);
}
END_TEST

/*
 * passt slower than the guest: a frame the socket takes only in part is
 * held and finished first; the queue waits meanwhile (nothing dropped,
 * nothing reordered), then drains once the socket has room.
 */
START_TEST(stream_tx_backpressure)
{
	unsigned int i, frames = 0, sent;
	u32 len, be;
	int sz = 4096;

	ck_assert_int_eq(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)), 0);
	start(F_VERSION_1);
	for (i = 0; i < 16; i++)
		tx_chain(i, i, HDR_LEN + 1400, i + 1);
	vdrv_notify(TXQ);
	run_idle();
	sent = vdrv_used_idx(TXQ);
	ck_assert_uint_lt(sent, 16);	/* the socket could not take them all */
	/* the network reads; every frame comes whole and in order */
	for (i = 0; i < 64 && frames < 16; i++) {
		u8 body[1400], want[4 + 1400];

		while (recv(sv[1], &be, 4, MSG_DONTWAIT | MSG_PEEK) < 4) {
			ck_assert_int_ge(loop__run_once(&vdrv_vm.loop, 0), 0);
			ck_assert_uint_lt(++i, 64);
		}
		stream_read((u8 *)&be, 4);
		len = be32toh(be);
		ck_assert_uint_eq(len, 1400);
		while (recv(sv[1], body, len, MSG_DONTWAIT | MSG_PEEK) < (ssize_t)len) {
			ck_assert_int_ge(loop__run_once(&vdrv_vm.loop, 0), 0);
			ck_assert_uint_lt(++i, 64);
		}
		stream_read(body, len);
		stream_frame(want, 1400, frames + 1);
		ck_assert_mem_eq(body, want + 4, 1400);
		frames++;
		loop__run_once(&vdrv_vm.loop, 0);
	}
	ck_assert_uint_eq(frames, 16);
	run_idle();
	ck_assert_uint_eq(vdrv_used_idx(TXQ), 16);
}
END_TEST

Suite *virtio_net_suite(void)
{
	Suite *s = suite_create("virtio_net");

#define NET(fn)		UNIT_TEST_FIXTURE(s, fn, net_setup, net_teardown)
#define NET_VM(fn)	UNIT_TEST_FIXTURE(s, fn, net_vm_setup, net_teardown)
#define STREAM(fn)	UNIT_TEST_FIXTURE(s, fn, stream_setup, net_teardown)
	NET(net_identity);
	STREAM(stream_tx);
	STREAM(stream_rx);
	STREAM(stream_peer_closed);
	STREAM(stream_tx_backpressure);
	{
		TCase *tc = tcase_create("stream_rx_bad_length");

		tcase_add_checked_fixture(tc, stream_setup, net_teardown);
		tcase_add_loop_test(tc, stream_rx_bad_length, 0, 4);
		suite_add_tcase(s, tc);
	}
	NET(net_config);
	NET(net_features);
	NET(net_tx_frame);
	NET(net_tx_header_checked);
	NET(net_tx_split);
	NET(net_tx_indirect);
	NET(net_tx_batch);
	NET(net_tx_event_idx);
	NET(net_tx_no_interrupt_flag);
	NET(net_tx_short_dropped);
	NET(net_tx_too_long_dropped);
	NET(net_tx_backend_full);
	NET(net_tx_before_driver_ok);
	NET(net_rx_frame);
	NET(net_rx_split);
	NET(net_rx_no_buffer);
	NET(net_rx_more_frames_than_buffers);
	NET(net_rx_event_idx);
	NET(net_rx_small_chain);
	NET(net_rx_readable_only_chain);
	NET(net_rx_frame_too_big_for_chain);
	NET(net_rx_runt_datagram);
	NET(net_rx_header_sanitised);
	NET(net_rx_empty_datagram);
	NET(net_rx_oversized_datagram);
	NET(net_rx_before_driver_ok);
	NET(net_rx_mergeable);
	NET(net_rx_mergeable_waits);
	NET(net_rx_mergeable_ring_too_small);
	NET(net_tx_loop_needs_reset);
	NET(net_tx_outside_ram_needs_reset);
	NET(net_rx_outside_ram_needs_reset);
	NET(net_reset_with_frames_queued);
	NET(net_reset_with_held_chains);
	NET(net_peer_closed);
	NET(net_peer_closed_loop_idle);
	NET(net_peer_shut_write);
	NET(net_destroy);
	NET_VM(net_create_fails_cleanly);
#undef NET
#undef NET_VM
	return s;
}
