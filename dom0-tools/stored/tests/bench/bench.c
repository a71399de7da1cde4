// SPDX-License-Identifier: MIT
/*
 * xenstore benchmark over the Unix socket with libargonstore: READ, WRITE and a watch round trip
 * (one client writes, another waits for the event). Usage: bench SOCKET [SECONDS_PER_TEST]
 * Prints "read <ops/s>", "write <ops/s>", "watch <round trips/s>".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "argon/store.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(-err));
	exit(1);
}

int main(int argc, char **argv)
{
	double secs = argc > 2 ? atof(argv[2]) : 1.0, t0, t;
	struct store *a, *b;
	struct store_event *ev;
	unsigned long n;
	char path[64], *val;
	int ret, i;

	if (argc < 2) {
		fprintf(stderr, "usage: bench SOCKET [SECONDS]\n");
		return 2;
	}
	if ((ret = store_open(argv[1], &a)) || (ret = store_open(argv[1], &b))) {
		die("open", ret);
	}
	for (i = 0; i < 100; i++) {
		snprintf(path, sizeof(path), "/bench/k%d", i);
		if ((ret = store_write_str(a, 0, path, "initial-value"))) {
			die("write", ret);
		}
	}

	for (n = 0, t0 = now(); (t = now()) - t0 < secs; n++) {
		snprintf(path, sizeof(path), "/bench/k%lu", n % 100);
		if ((ret = store_read(a, 0, path, &val, NULL))) {
			die("read", ret);
		}
		free(val);
	}
	printf("read %.0f\n", (double)n / (t - t0));

	for (n = 0, t0 = now(); (t = now()) - t0 < secs; n++) {
		snprintf(path, sizeof(path), "/bench/k%lu", n % 100);
		if ((ret = store_write_str(a, 0, path, "a-new-value"))) {
			die("write", ret);
		}
	}
	printf("write %.0f\n", (double)n / (t - t0));

	if ((ret = store_watch(a, "/bench/w", "tok")) || (ret = store_read_watch(a, &ev, 5000))) {
		die("watch", ret);
	}
	store_event_free(ev);
	for (n = 0, t0 = now(); (t = now()) - t0 < secs; n++) {
		if ((ret = store_write_str(b, 0, "/bench/w/x", "v"))) {
			die("write", ret);
		}
		if ((ret = store_read_watch(a, &ev, 5000))) {
			die("read_watch", ret);
		}
		store_event_free(ev);
	}
	printf("watch %.0f\n", (double)n / (t - t0));
	store_close(a);
	store_close(b);
	return 0;
}
