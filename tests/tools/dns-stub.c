// SPDX-License-Identifier: GPL-2.0
/*
 * dns-stub.c - the test bed host's resolver for the user-networking test
 * (L1 has only busybox, whose build has no dnsd):
 *
 *   dns-stub ADDR NAME=IPV4...
 *
 * Answers DNS queries on UDP port 53 of ADDR: an A record for each NAME
 * given, NXDOMAIN for any other name, and logs each query as a line
 * "dns-stub: NAME TYPE -> ANSWER" on stdout, so that a test can tell which
 * queries reached the host.  One question per query (RFC 1035 4.1); what
 * is not a query is dropped.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_NAMES	16

static struct {
	char		name[256];
	struct in_addr	addr;
} names[MAX_NAMES];
static int nr_names;

/*
 * The question's name at @p (in a message of @len) as dotted text in
 * @out: the offset after it, or -1 if it is malformed (no compression: a
 * question is the first name in a query).
 */
static int read_name(const uint8_t *msg, int len, int p, char *out, size_t outlen)
{
	size_t o = 0;

	while (p < len && msg[p]) {
		int l = msg[p++];

		if (l > 63 || p + l > len || o + l + 2 > outlen)
			return -1;
		if (o)
			out[o++] = '.';
		memcpy(out + o, msg + p, l);
		o += l;
		p += l;
	}
	if (p >= len)
		return -1;
	out[o] = 0;
	return p + 1;
}

static const struct in_addr *lookup(const char *name)
{
	int i;

	for (i = 0; i < nr_names; i++)
		if (!strcasecmp(names[i].name, name))
			return &names[i].addr;
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
	uint8_t msg[512 + 16];
	int fd, i;

	if (argc < 2 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: dns-stub ADDR NAME=IPV4...\n");
		return 2;
	}
	for (i = 2; i < argc && nr_names < MAX_NAMES; i++) {
		char *eq = strchr(argv[i], '=');

		if (!eq || eq - argv[i] >= (int)sizeof(names[0].name) ||
		    inet_pton(AF_INET, eq + 1, &names[nr_names].addr) != 1) {
			fprintf(stderr, "dns-stub: '%s' is not NAME=IPV4\n", argv[i]);
			return 2;
		}
		memcpy(names[nr_names].name, argv[i], eq - argv[i]);
		nr_names++;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("dns-stub: port 53");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		struct sockaddr_in from;
		socklen_t flen = sizeof(from);
		const struct in_addr *a;
		char name[256];
		int len, end;
		uint16_t type;

		len = recvfrom(fd, msg, 512, 0, (struct sockaddr *)&from, &flen);
		/* a query: QR 0, opcode 0, one question */
		if (len < 12 || (msg[2] & 0xf8) || msg[4] || msg[5] != 1)
			continue;
		end = read_name(msg, len, 12, name, sizeof(name));
		if (end < 0 || end + 4 > len)
			continue;
		type = msg[end] << 8 | msg[end + 1];
		end += 4;
		a = type == 1 ? lookup(name) : NULL;
		msg[2] = 0x84 | (msg[2] & 0x01);	/* QR, AA, the query's RD */
		msg[3] = a || lookup(name) ? 0 : 3;	/* NOERROR, or NXDOMAIN */
		memset(msg + 6, 0, 6);			/* no answer, authority, extra yet */
		if (a) {
			static const uint8_t rr[] = {
				0xc0, 12,	/* the question's name */
				0, 1, 0, 1,	/* A, IN */
				0, 0, 0, 60,	/* TTL */
				0, 4,
			};
			memcpy(msg + end, rr, sizeof(rr));
			memcpy(msg + end + sizeof(rr), a, 4);
			end += sizeof(rr) + 4;
			msg[7] = 1;
		}
		printf("dns-stub: %s %u -> %s\n", name, type,
		       a ? inet_ntoa(*a) : msg[3] ? "NXDOMAIN" : "no record");
		sendto(fd, msg, end, 0, (struct sockaddr *)&from, flen);
	}
}
