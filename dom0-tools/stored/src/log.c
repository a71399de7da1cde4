// SPDX-License-Identifier: MIT
/* Logging to stderr or a file, with levels and token-bucket rate limiting. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

#define LOG_BURST 20
#define LOG_RATE  5

static FILE *log_file;
static enum log_level log_level = LOG_INFO;
static bool log_on = true;

int log_open(const char *path)
{
	FILE *f;

	if (!path) {
		log_close();
		return 0;
	}
	f = fopen(path, "a");
	if (!f) {
		return -errno;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	log_close();
	log_file = f;
	return 0;
}

void log_close(void)
{
	if (log_file) {
		fclose(log_file);
		log_file = NULL;
	}
}

void log_set_level(enum log_level level)
{
	log_level = level;
}

void log_enable(bool on)
{
	log_on = on;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tags[] = {"error", "warn", "info", "debug"};
	FILE *f = log_file ? log_file : stderr;
	struct timespec ts;
	va_list ap;

	if (level > log_level || (!log_on && level != LOG_ERROR)) {
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(f, "xenstored[%lld.%03ld] %s: ", (long long)ts.tv_sec, ts.tv_nsec / 1000000,
		tags[level]);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}

bool log_limited(struct ratelimit *rl)
{
	struct timespec ts;
	int64_t now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (rl->last_ms == 0) {
		rl->tokens = LOG_BURST;
		rl->last_ms = now;
	}
	if (now > rl->last_ms) {
		int64_t add = (now - rl->last_ms) * LOG_RATE / 1000;

		if (add > 0) {
			rl->tokens = (uint32_t)((rl->tokens + add) > LOG_BURST ? LOG_BURST
									       : rl->tokens + add);
			rl->last_ms = now;
		}
	}
	if (rl->tokens == 0) {
		rl->dropped++;
		return false;
	}
	rl->tokens--;
	if (rl->dropped) {
		log_msg(LOG_WARN, "(%u messages suppressed by rate limit)", rl->dropped);
		rl->dropped = 0;
	}
	return true;
}
