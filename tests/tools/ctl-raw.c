// SPDX-License-Identifier: GPL-2.0
/*
 * ctl-raw.c - send raw bytes to a UNIX socket and print what comes back,
 * for the control-socket tests: what a confused or hostile client sends
 * (garbage, NULs, an overlong line, half a request then a hang-up).
 *
 *   ctl-raw SOCKET HEX [close]	send the bytes HEX spells ("696e666f0a"),
 *				then read until the server closes (5 s at
 *				most) and print it; with "close", hang up
 *				at once instead of reading
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 5 };
	static char buf[1 << 20];
	size_t n = 0, i, len;
	unsigned int byte;
	char *bytes;
	ssize_t got;
	int fd;

	if (argc < 3 || strlen(argv[2]) % 2) {
		fprintf(stderr, "usage: ctl-raw SOCKET HEX [close]\n");
		return 2;
	}
	len = strlen(argv[2]) / 2;
	bytes = malloc(len + 1);
	for (i = 0; bytes && i < len; i++) {
		if (sscanf(argv[2] + 2 * i, "%2x", &byte) != 1)
			return 2;
		bytes[i] = byte;
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (!bytes || fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("ctl-raw: connect");
		return 1;
	}
	if (len && send(fd, bytes, len, MSG_NOSIGNAL) != (ssize_t)len) {
		perror("ctl-raw: send");
		return 1;
	}
	if (argc > 3 && !strcmp(argv[3], "close"))
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (n < sizeof(buf) && (got = recv(fd, buf + n, sizeof(buf) - n, 0)) > 0)
		n += got;
	fwrite(buf, 1, n, stdout);
	return 0;
}
