// SPDX-License-Identifier: GPL-2.0
/*
 * replay.c - a main() for a fuzz harness built without libFuzzer: each
 * file named, or each regular file of a directory named (sorted by
 * name), given once to LLVMFuzzerTestOneInput().
 *
 * It checks nothing itself: a harness aborts on what it finds wrong and
 * the sanitizers on what they see, and an input that runs for more than
 * TIMEOUT seconds (a server blocked on a FIFO) is ended by SIGALRM.  Each
 * input's name is printed before it runs ("Running: ", as libFuzzer says
 * it), so that the last one printed is the one that crashed.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TIMEOUT		10

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned int replayed;

static void replay_file(const char *path)
{
	uint8_t *data = NULL;
	size_t size = 0, cap = 0;
	FILE *f = fopen(path, "rb");
	size_t got;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	do {
		if (size == cap) {
			cap = cap ? 2 * cap : 4096;
			data = realloc(data, cap);
			if (!data) {
				fprintf(stderr, "replay: %s: out of memory\n", path);
				exit(1);
			}
		}
		got = fread(data + size, 1, cap - size, f);
		size += got;
	} while (got);
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		exit(1);
	}
	fclose(f);

	fprintf(stderr, "Running: %s\n", path);
	alarm(TIMEOUT);
	LLVMFuzzerTestOneInput(data, size);
	alarm(0);
	free(data);
	replayed++;
}

static void replay_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	struct stat st;
	int i, n;

	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		exit(1);
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!stat(path, &st) && S_ISREG(st.st_mode))
			replay_file(path);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	struct stat st;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...: replay inputs through the harness\n",
			argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st)) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i]);
	}
	printf("replayed %u inputs\n", replayed);
	return 0;
}
