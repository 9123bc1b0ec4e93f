// SPDX-License-Identifier: GPL-2.0
/*
 * gen_virtio_blk_corpus.c - seeds for fuzz_virtio_blk: what every device
 * gets (gen_virtio.h), then requests as Linux's virtio_blk makes them (a
 * header, the data in segments, the status byte): reads, writes, flushes,
 * GET_ID, DISCARD and WRITE_ZEROES; and what it never makes: sectors past
 * the end or wrapping, partial sectors, short headers, no status byte,
 * unknown types, ranges with bad flags; on a read-only disk, O_DIRECT, an
 * image with a partial last sector, one that shrinks under the device.
 */
#include <endian.h>

#include <linux/virtio_blk.h>

#include "gen_virtio.h"

#define V_RO		(1 << 3)	/* the header's variant bits */
#define V_DIRECT	(2 << 3)
#define V_ODD		(4 << 3)

static void req(struct seed *s, u8 qb, u32 type, u64 sector, const u16 *data, unsigned int n,
		bool in)
{
	struct virtio_blk_outhdr h = { .type = htole32(type), .sector = htole64(sector) };
	struct gseg g[140];
	u8 payload[sizeof(h) + 4096];
	unsigned int i, plen = sizeof(h);

	memcpy(payload, &h, sizeof(h));
	g[0] = (struct gseg){ sizeof(h), 0, 0 };
	for (i = 0; i < n; i++) {
		g[1 + i] = (struct gseg){ data[i], in ? SW : 0, 0 };
		if (!in && plen + data[i] <= sizeof(payload)) {
			memset(payload + plen, 0x40 + i, data[i]);
			plen += data[i];
		}
	}
	g[1 + n] = (struct gseg){ 1, SW, 0 };
	chain(s, qb | C_KICK, g, n + 2, payload, plen);
}

static void range_req(struct seed *s, u32 type, u64 sector, u32 num, u32 flags, unsigned int n)
{
	struct {
		struct virtio_blk_outhdr		h;
		struct virtio_blk_discard_write_zeroes	r[2];
	} p = { .h = { .type = htole32(type) } };
	struct gseg g[2] = { { sizeof(p.h) + n * sizeof(p.r[0]), 0, 0 }, { 1, SW, 0 } };
	unsigned int i;

	for (i = 0; i < 2; i++)
		p.r[i] = (struct virtio_blk_discard_write_zeroes){
			.sector = htole64(sector), .num_sectors = htole32(num),
			.flags = htole32(flags),
		};
	chain(s, C_KICK, g, 2, &p, g[0].len);
}

static const u16 one_sector[] = { 512 };

static void good(struct seed *s)
{
	req(s, 0, VIRTIO_BLK_T_IN, 0, one_sector, 1, true);
}

static const struct gen_device blk = {
	.nq		= 1,
	.qsize		= 256,
	.features	= 1ULL << VIRTIO_F_VERSION_1 | 1ULL << VIRTIO_RING_F_INDIRECT_DESC |
			  1ULL << VIRTIO_RING_F_EVENT_IDX | 1ULL << VIRTIO_BLK_F_SEG_MAX |
			  1ULL << VIRTIO_BLK_F_BLK_SIZE | 1ULL << VIRTIO_BLK_F_FLUSH |
			  1ULL << VIRTIO_BLK_F_DISCARD | 1ULL << VIRTIO_BLK_F_WRITE_ZEROES,
	.has_config	= true,
	.good		= good,
};

static void device_seeds(void)
{
	static const u16 split[] = { 100, 412, 1024, 512 };
	static const u16 partial[] = { 511 };
	struct seed *s = calloc(1, sizeof(*s));
	u16 segs[128];
	unsigned int t, i;
	u8 b[2];

	common_seeds(&blk);
	for (i = 0; i < 128; i++)
		segs[i] = 512;
	for (t = 0; t < 3; t++) {
		/* a driver's day: identify, read, write, read back, flush, trim */
		begin(s, t | H_BRINGUP, 0, 7);
		req(s, 0, VIRTIO_BLK_T_GET_ID, 0, (const u16[]){ 20 }, 1, true);
		req(s, 0, VIRTIO_BLK_T_IN, 0, split, 4, true);
		req(s, 0, VIRTIO_BLK_T_OUT, 8, split, 4, false);
		req(s, C_INDIRECT, VIRTIO_BLK_T_IN, 8, segs, 4, true);
		req(s, 0, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, false);
		range_req(s, VIRTIO_BLK_T_DISCARD, 16, 8, 0, 1);
		range_req(s, VIRTIO_BLK_T_WRITE_ZEROES, 24, 8, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP, 1);
		req(s, 0, VIRTIO_BLK_T_IN, 16, segs, 16, true);
		save(s, "blk-%s-day", tname[t]);
	}
	/* seg_max segments, indirect; a batch of writes and flushes in flight */
	begin(s, T_MMIO | H_BRINGUP, 0, 8);
	req(s, C_INDIRECT, VIRTIO_BLK_T_IN, 0, segs, 128, true);
	req(s, C_INDIRECT, VIRTIO_BLK_T_OUT, 0, segs, 8, false);
	save(s, "blk-seg-max");
	begin(s, T_PCI_MSIX | H_BRINGUP, 0, 6);
	for (i = 0; i < 12; i++) {
		struct virtio_blk_outhdr h = { .type = htole32(i % 3 ? VIRTIO_BLK_T_OUT :
							       VIRTIO_BLK_T_FLUSH),
					       .sector = htole64(i) };
		struct gseg g[3] = { { sizeof(h), 0, 0 }, { 512, 0, 0 }, { 1, SW, 0 } };

		if (i % 3)
			chain(s, 0, g, 3, &h, sizeof(h));
		else
			chain(s, 0, (struct gseg[]){ g[0], g[2] }, 2, &h, sizeof(h));
	}
	notify(s, 0);
	reset(s);
	bringup(s, 0, 6);
	good(s);
	save(s, "blk-batch-then-reset");
	/* write-through: FLUSH not negotiated */
	begin(s, T_PCI_INTX | H_BRINGUP, 4, 4);
	req(s, 0, VIRTIO_BLK_T_OUT, 3, one_sector, 1, false);
	req(s, 0, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, false);
	save(s, "blk-no-flush-feature");

	/* what Linux never sends */
	begin(s, T_MMIO | H_BRINGUP, 0, 5);
	req(s, 0, VIRTIO_BLK_T_IN, 2047, split, 4, true);		/* past the end */
	req(s, 0, VIRTIO_BLK_T_IN, 2048, one_sector, 1, true);
	req(s, 0, VIRTIO_BLK_T_OUT, (1ULL << 55) + 1, one_sector, 1, false);	/* wraps */
	req(s, 0, VIRTIO_BLK_T_IN, ~0ULL, one_sector, 1, true);
	req(s, 0, VIRTIO_BLK_T_IN, 0, partial, 1, true);
	req(s, 0, VIRTIO_BLK_T_OUT, 0, partial, 1, false);
	req(s, 0, 0x77, 0, one_sector, 1, true);			/* unknown */
	req(s, 0, VIRTIO_BLK_T_GET_ID, 0, (const u16[]){ 3 }, 1, true);
	req(s, 0, VIRTIO_BLK_T_GET_ID, 0, (const u16[]){ 4000 }, 1, true);
	save(s, "blk-out-of-range");
	begin(s, T_PCI_INTX | H_BRINGUP, 0, 5);
	range_req(s, VIRTIO_BLK_T_DISCARD, 0, 0x20001, 0, 1);		/* too many sectors */
	range_req(s, VIRTIO_BLK_T_DISCARD, 2040, 16, 0, 1);		/* past the end */
	range_req(s, VIRTIO_BLK_T_DISCARD, 0, 8, VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP, 1);
	range_req(s, VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 0xfe, 1);		/* unknown flags */
	range_req(s, VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 0, 2);		/* two ranges */
	range_req(s, VIRTIO_BLK_T_WRITE_ZEROES, ~0ULL >> 9, 8, 0, 1);
	save(s, "blk-bad-ranges");
	/* a short header, no status byte (the device fails), a status byte of its own */
	begin(s, T_PCI_MSIX | H_BRINGUP, 0, 5);
	chain(s, C_KICK, (struct gseg[]){ { 8, 0, 0 }, { 1, SW, 0 } }, 2, "\0\0\0\0\0\0\0", 8);
	good(s);
	chain(s, C_KICK, (struct gseg[]){ { 16, 0, 0 }, { 0, SW, 0 } }, 2,
	      "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	save(s, "blk-short-header-no-status");
	begin(s, T_MMIO | H_BRINGUP, 0, 5);
	chain(s, C_KICK, (struct gseg[]){ { 16, 0, 0 }, { 512, SW, 0 }, { 0, SW, 0 }, { 0, SW, 0 } },
	      4, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	chain(s, C_KICK, (struct gseg[]){ { 16, 0, 0 } }, 1, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	save(s, "blk-status-in-data");

	/* read-only, O_DIRECT, a partial last sector */
	begin(s, T_MMIO | H_BRINGUP | V_RO, 0, 5);
	good(s);
	req(s, 0, VIRTIO_BLK_T_OUT, 0, one_sector, 1, false);
	range_req(s, VIRTIO_BLK_T_DISCARD, 0, 8, 0, 1);
	range_req(s, VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 0, 1);
	save(s, "blk-ro");
	for (t = 0; t < 2; t++) {
		begin(s, (t ? T_PCI_MSIX : T_MMIO) | H_BRINGUP | V_DIRECT, 0, 5);
		good(s);
		req(s, 0, VIRTIO_BLK_T_OUT, 8, (const u16[]){ 4096 }, 1, false);
		req(s, 0, VIRTIO_BLK_T_IN, 8, split, 4, true);
		req(s, 0, VIRTIO_BLK_T_IN, 9, (const u16[]){ 4096, 4096 }, 2, true);
		req(s, 0, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, false);
		save(s, "blk-direct-%u", t);
	}
	begin(s, T_PCI_INTX | H_BRINGUP | V_ODD, 0, 5);
	req(s, 0, VIRTIO_BLK_T_IN, 2047, one_sector, 1, true);
	req(s, 0, VIRTIO_BLK_T_IN, 2047, (const u16[]){ 1024 }, 1, true);
	save(s, "blk-odd-size");
	/* the image shrinks under the device: reads past its end */
	begin(s, T_MMIO | H_BRINGUP, 0, 5);
	b[0] = 4;
	b[1] = 0;
	backend(s, b, 2);
	req(s, 0, VIRTIO_BLK_T_IN, 2, (const u16[]){ 2048 }, 1, true);
	req(s, 0, VIRTIO_BLK_T_IN, 100, one_sector, 1, true);
	save(s, "blk-shrunk");
	free(s);
}

int main(int argc, char **argv)
{
	return gen_main(argc, argv);
}
