// SPDX-License-Identifier: GPL-2.0
/*
 * rsp.c - a scripted GDB remote-protocol client for the stub's tests: the
 * exchanges gdb itself makes hard to script (Ctrl-C at a chosen moment,
 * bad checksums, a second client, a hang-up with breakpoints in place).
 *
 *   rsp [HOST:]PORT STEP...
 *
 * Each STEP, in order:
 *   PACKET        send $PACKET#cs, print the reply's payload as "< ..."
 *   ^C            send the interrupt byte 0x03, print the reply
 *   send:PACKET   send it and read nothing (the reply comes with `read`)
 *   read          print the next reply ("< (timeout)" after RSP_TIMEOUT s)
 *   raw:HEX       send these bytes as they are
 *   drain         print whatever arrives in 300 ms, as "<< ..." (acks too)
 *   sleep:MS      wait
 *   close         hang up at once
 * Acks are sent until QStartNoAckMode is answered OK.  Exit status: 0, 1
 * when a reply did not come, 2 for bad usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int fd;
static int timeout_ms = 10000;
static int noack;
static int missed;

static void send_bytes(const void *buf, size_t len)
{
	if (send(fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len) {
		perror("rsp: send");
		exit(1);
	}
}

static void send_packet(const char *p)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(p), i;
	unsigned char sum = 0;
	char *buf = malloc(n + 5);

	for (i = 0; i < n; i++)
		sum += (unsigned char)p[i];
	buf[0] = '$';
	memcpy(buf + 1, p, n);
	buf[n + 1] = '#';
	buf[n + 2] = hex[sum >> 4];
	buf[n + 3] = hex[sum & 15];
	send_bytes(buf, n + 4);
	free(buf);
}

/* One byte within the deadline; -1 on a timeout or EOF. */
static int get_byte(long long deadline_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec ts;
	long long now;
	unsigned char c;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
	if (now >= deadline_ms || poll(&pfd, 1, deadline_ms - now) <= 0)
		return -1;
	if (recv(fd, &c, 1, 0) != 1)
		return -2;
	return c;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Read one packet and print its payload; acks and noise skipped. */
static const char *read_reply(void)
{
	static char buf[1 << 16];
	long long deadline = now_ms() + timeout_ms;
	size_t n = 0;
	int c;

	do {
		c = get_byte(deadline);
	} while (c >= 0 && c != '$');
	while (c >= 0) {
		c = get_byte(deadline);
		if (c < 0 || c == '#')
			break;
		if (n < sizeof(buf) - 1)
			buf[n++] = c;
	}
	if (c == '#' && get_byte(deadline) >= 0 && get_byte(deadline) >= 0) {
		buf[n] = 0;
		printf("< %s\n", buf);
		fflush(stdout);
		if (!noack)
			send_bytes("+", 1);
		return buf;
	}
	printf("< (%s)\n", c == -2 ? "closed" : "timeout");
	fflush(stdout);
	missed = 1;
	return NULL;
}

static void drain(void)
{
	long long deadline = now_ms() + 300;
	int c;

	printf("<< ");
	while ((c = get_byte(deadline)) >= 0)
		putchar(c >= ' ' && c < 127 ? c : '.');
	printf("%s\n", c == -2 ? " (closed)" : "");
	fflush(stdout);
}

static int connect_to(const char *spec)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *colon = strrchr(spec, ':');
	char host[64] = "127.0.0.1";
	int one = 1, s;

	if (colon) {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - spec), spec);
		spec = colon + 1;
	}
	sa.sin_port = htons(atoi(spec));
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return s;
}

int main(int argc, char **argv)
{
	const char *t = getenv("RSP_TIMEOUT");
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: rsp [HOST:]PORT STEP...\n");
		return 2;
	}
	if (t)
		timeout_ms = atoi(t) * 1000;
	fd = connect_to(argv[1]);
	if (fd < 0) {
		perror("rsp: connect");
		return 1;
	}
	for (i = 2; i < argc; i++) {
		const char *s = argv[i];
		const char *r;

		printf("> %s\n", s);
		fflush(stdout);
		if (!strcmp(s, "^C")) {
			send_bytes("\x03", 1);
			read_reply();
		} else if (!strncmp(s, "send:", 5)) {
			send_packet(s + 5);
		} else if (!strcmp(s, "read")) {
			read_reply();
		} else if (!strncmp(s, "raw:", 4)) {
			size_t len = strlen(s + 4) / 2, k;
			unsigned char *b = malloc(len + 1);
			unsigned int v;

			for (k = 0; k < len; k++) {
				if (sscanf(s + 4 + 2 * k, "%2x", &v) != 1)
					return 2;
				b[k] = v;
			}
			send_bytes(b, len);
			free(b);
		} else if (!strcmp(s, "drain")) {
			drain();
		} else if (!strncmp(s, "sleep:", 6)) {
			usleep(atoi(s + 6) * 1000);
		} else if (!strcmp(s, "close")) {
			close(fd);
			return missed;
		} else {
			send_packet(s);
			r = read_reply();
			if (r && !strcmp(s, "QStartNoAckMode") && !strcmp(r, "OK"))
				noack = 1;
		}
	}
	close(fd);
	return missed;
}
