// SPDX-License-Identifier: GPL-2.0
/*
 * tcp-bench.c - small TCP benchmarks for the test bed's virtio-net runs
 * (busybox has no netperf), in the guest and in L1:
 *
 *   tcp-bench server PORT          serve connections one after another:
 *                                  the first byte picks echo ('r') or sink ('s')
 *   tcp-bench rr HOST PORT N       N one-byte requests, each answered by one
 *                                  byte, on one connection (TCP_NODELAY):
 *                                  prints "rr_us MICROSECONDS" per round trip
 *   tcp-bench tx HOST PORT MIB     send MIB MiB in 64 KiB writes, then wait
 *                                  for the server to have read it all:
 *                                  prints "tx_mib_s RATE"
 *
 * Times are CLOCK_MONOTONIC, which under the test bed's -icount counts the
 * emulated host's instructions.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void __attribute__((noreturn)) die(const char *what)
{
	perror(what);
	exit(1);
}

static void serve(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	static char buf[65536];
	int ls, fd, one = 1;
	ssize_t n;
	char mode;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) || listen(ls, 4))
		die("tcp-bench: listen");
	for (;;) {
		fd = accept(ls, NULL, NULL);
		if (fd < 0)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (read(fd, &mode, 1) == 1 && mode == 'r') {
			while (read(fd, buf, 1) == 1 && write(fd, buf, 1) == 1)
				;
		} else {
			while ((n = read(fd, buf, sizeof(buf))) > 0)
				;
		}
		close(fd);
	}
}

static int dial(const char *host, int port, char mode)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd, one = 1;

	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "tcp-bench: %s is not an IPv4 address\n", host);
		exit(2);
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		die("tcp-bench: connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (write(fd, &mode, 1) != 1)
		die("tcp-bench: write");
	return fd;
}

int main(int argc, char **argv)
{
	static char buf[65536];
	double t0;
	long i, n;
	int fd;

	if (argc == 3 && !strcmp(argv[1], "server")) {
		serve(atoi(argv[2]));
	} else if (argc == 5 && !strcmp(argv[1], "rr")) {
		n = atol(argv[4]);
		fd = dial(argv[2], atoi(argv[3]), 'r');
		t0 = now();
		for (i = 0; i < n; i++)
			if (write(fd, "x", 1) != 1 || read(fd, buf, 1) != 1)
				die("tcp-bench: rr");
		printf("rr_us %.1f\n", (now() - t0) * 1e6 / n);
	} else if (argc == 5 && !strcmp(argv[1], "tx")) {
		n = atol(argv[4]) * 16;		/* 64 KiB writes */
		fd = dial(argv[2], atoi(argv[3]), 's');
		t0 = now();
		for (i = 0; i < n; i++) {
			char *p = buf;
			ssize_t left = sizeof(buf), w;

			while (left > 0) {
				w = write(fd, p, left);
				if (w <= 0)
					die("tcp-bench: tx");
				p += w;
				left -= w;
			}
		}
		/* the server closes once it has read everything */
		shutdown(fd, SHUT_WR);
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		printf("tx_mib_s %.1f\n", n / 16.0 / (now() - t0));
	} else {
		fprintf(stderr, "usage: tcp-bench server PORT | rr HOST PORT N | tx HOST PORT MIB\n");
		return 2;
	}
	return 0;
}
