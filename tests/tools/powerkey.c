// SPDX-License-Identifier: GPL-2.0
/*
 * powerkey.c - the guest side of a graceful `vmm stop` in the test bed:
 * what systemd-logind or acpid does on a real guest, which busybox's init
 * does not.  It waits on every /dev/input/event* for KEY_POWER pressed,
 * says "guest-powerkey: pressed", syncs and powers off.
 *
 *   powerkey		(prints "guest-powerkey: ready" once it listens)
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/input.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

#define MAX_DEVS	16

int main(void)
{
	struct pollfd pfd[MAX_DEVS];
	struct input_event ev;
	char path[300];
	struct dirent *e;
	unsigned int n = 0, i;
	DIR *d = opendir("/dev/input");

	while (d && (e = readdir(d)) && n < MAX_DEVS) {
		if (strncmp(e->d_name, "event", 5))
			continue;
		snprintf(path, sizeof(path), "/dev/input/%s", e->d_name);
		pfd[n].fd = open(path, O_RDONLY | O_CLOEXEC);
		pfd[n].events = POLLIN;
		if (pfd[n].fd >= 0)
			n++;
	}
	if (!n) {
		fprintf(stderr, "powerkey: no /dev/input/event*: no gpio-keys device?\n");
		return 1;
	}
	printf("guest-powerkey: ready\n");
	fflush(stdout);
	for (;;) {
		if (poll(pfd, n, -1) < 0)
			return 1;
		for (i = 0; i < n; i++) {
			if (!(pfd[i].revents & POLLIN) ||
			    read(pfd[i].fd, &ev, sizeof(ev)) != sizeof(ev))
				continue;
			if (ev.type == EV_KEY && ev.code == KEY_POWER && ev.value == 1) {
				printf("guest-powerkey: pressed\n");
				fflush(stdout);
				sync();
				reboot(RB_POWER_OFF);
				return 1;
			}
		}
	}
}
