// SPDX-License-Identifier: GPL-2.0
/*
 * gen_passt_corpus.c - writes fuzz_passt's seed corpus:
 * gen_passt_corpus DIR.
 *
 * Each seed is fuzz_passt's chunk codes (how the socket splits the
 * stream: a byte at a time, odd sizes, KiBs, all at once), then what
 * passt sends: frames after their 32-bit big-endian lengths, as passt
 * sends a guest ARP replies, DHCP offers, TCP segments, IPv6 neighbour
 * advertisements, full-MTU and 64 KiB frames; and what breaks the
 * stream: lengths below an Ethernet header, of 0, of 2^32 - 1, one past
 * the largest frame, after good frames; and streams ending inside a
 * length or a frame.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_MAX	(65536 + 18)		/* VIRTIO_NET_FRAME_MAX - 12 */

static uint8_t stream[4 * 70000];
static size_t len;
static const char *dir;
static int failed;

static const uint8_t guest_mac[6] = { 0x02, 0x15, 0x5a, 0x1c, 0x00, 0x01 };
static const uint8_t passt_mac[6] = { 0x9a, 0x55, 0x9a, 0x55, 0x9a, 0x55 };

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* a length field alone, whatever it says */
static void length(uint32_t v)
{
	be32(stream + len, v);
	len += 4;
}

/* a frame of @n bytes: an Ethernet header (@type), then @payload, then a pattern */
static void frame(uint16_t type, const void *payload, size_t plen, size_t n)
{
	uint8_t *f;
	size_t i;

	length(n);
	f = stream + len;
	memcpy(f, guest_mac, 6);
	memcpy(f + 6, passt_mac, 6);
	f[12] = type >> 8;
	f[13] = type;
	for (i = 14; i < n; i++)
		f[i] = i - 14 < plen ? ((const uint8_t *)payload)[i - 14] : (uint8_t)(i * 7);
	len += n;
}

static void arp_reply(void)
{
	static const uint8_t arp[] = {
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,
		0x9a, 0x55, 0x9a, 0x55, 0x9a, 0x55, 10, 0, 2, 2,
		0x02, 0x15, 0x5a, 0x1c, 0x00, 0x01, 10, 0, 2, 15,
	};

	frame(0x0806, arp, sizeof(arp), 42);
}

static void dhcp_offer(void)
{
	static const uint8_t ip_udp[] = {
		0x45, 0x10, 0x01, 0x48, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,
		10, 0, 2, 2, 255, 255, 255, 255,
		0x00, 0x43, 0x00, 0x44, 0x01, 0x34, 0x00, 0x00,
		0x02, 0x01, 0x06, 0x00,		/* BOOTREPLY */
	};

	frame(0x0800, ip_udp, sizeof(ip_udp), 342);
}

static void tcp_segment(size_t n)
{
	static const uint8_t ip_tcp[] = {
		0x45, 0x00, 0x00, 0x3c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
		93, 184, 216, 34, 10, 0, 2, 15,
		0x00, 0x50, 0xc3, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
		0xa0, 0x12, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,	/* SYN ACK */
	};

	frame(0x0800, ip_tcp, sizeof(ip_tcp), n);
}

static void ipv6_na(void)
{
	static const uint8_t na[] = {
		0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff,
		0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0x98, 0x55, 0x9a, 0xff, 0xfe, 0x55, 0x9a, 0x55,
		0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
		136, 0, 0, 0, 0x20, 0, 0, 0,
	};

	frame(0x86dd, na, sizeof(na), 86);
}

static void vlan_frame(void)
{
	static const uint8_t tag[] = { 0x00, 0x64, 0x08, 0x00, 0x45, 0x00 };

	frame(0x8100, tag, sizeof(tag), 1518);
}

/* the seed: chunk codes, then the stream so far */
static void put(const char *name, const uint8_t *codes, size_t nr)
{
	char path[4096];
	uint8_t n = nr;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(&n, 1, 1, f) != 1 || (nr && fwrite(codes, 1, nr, f) != nr) ||
	    (len && fwrite(stream, 1, len, f) != len) || fclose(f)) {
		fprintf(stderr, "gen_passt_corpus: %s: %s\n", path, strerror(errno));
		failed = 1;
	}
	len = 0;
}

#define CODES(...)	(const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

static void session(void)
{
	arp_reply();
	dhcp_offer();
	tcp_segment(74);
	ipv6_na();
	tcp_segment(1514);
	arp_reply();
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_passt_corpus DIR\n");
		return 2;
	}
	dir = argv[1];

	session();
	put("session-whole", NULL, 0);
	session();
	put("session-bytewise", CODES(0x00));
	session();
	put("session-odd-reads", CODES(0x02, 0x06, 0x7f, 0x00, 0x30));
	session();
	put("session-kib-reads", CODES(0x80, 0x81));
	session();
	put("session-split-lengths", CODES(0x01, 0x2c, 0x02, 0x7f));
	arp_reply();
	put("arp", NULL, 0);
	vlan_frame();
	vlan_frame();
	put("vlan-mtu", CODES(0x7f, 0x80));
	frame(0x0800, NULL, 0, 14);		/* the shortest: a header alone */
	frame(0x0800, NULL, 0, 15);
	put("shortest", CODES(0x03));
	tcp_segment(FRAME_MAX);
	put("largest", CODES(0xbf, 0x7f));
	tcp_segment(FRAME_MAX);
	arp_reply();
	put("largest-then-arp", NULL, 0);
	tcp_segment(65535);
	tcp_segment(9000);
	put("gso-and-jumbo", CODES(0xff, 0x10));

	/* broken streams: lengths no Ethernet frame has */
	length(0);
	put("len-0", NULL, 0);
	arp_reply();
	length(13);
	arp_reply();
	put("len-13-after-arp", CODES(0x05));
	dhcp_offer();
	length(FRAME_MAX + 1);
	tcp_segment(100);
	put("len-max-plus-1", CODES(0x40));
	length(0xffffffff);
	put("len-all-ones", CODES(0x00));
	length(0x80000000);
	put("len-2g", NULL, 0);
	session();
	length(0x00010013);			/* 65555 */
	put("session-then-65555", CODES(0x80, 0x00, 0x7f));

	/* streams that end inside a frame */
	arp_reply();
	stream[len++] = 0x00;
	stream[len++] = 0x00;
	put("ends-in-length", CODES(0x01));
	dhcp_offer();
	length(1514);
	memset(stream + len, 0xaa, 700);
	len += 700;
	put("ends-in-frame", CODES(0x7f));
	length(FRAME_MAX);
	memset(stream + len, 0x55, 3000);
	len += 3000;
	put("ends-in-largest", CODES(0x81));
	put("empty", NULL, 0);
	stream[len++] = 0x00;
	put("one-byte", CODES(0x00));
	return failed;
}
