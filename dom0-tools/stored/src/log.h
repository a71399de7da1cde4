/* SPDX-License-Identifier: MIT */
/* The daemon's log: stderr or a file, with levels and a per-source rate limit for guest noise. */
#ifndef STORED_LOG_H
#define STORED_LOG_H

#include <stdbool.h>
#include <stdint.h>

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/**
 * struct ratelimit - A token bucket: a burst of LOG_BURST messages, then LOG_RATE per second;
 * messages beyond it are counted and the count reported when logging resumes.
 */
struct ratelimit {
	int64_t last_ms;
	uint32_t tokens;
	uint32_t dropped;
};

/** log_open() - Log to @path (append), or to stderr if NULL; returns 0 or a negative errno. */
int log_open(const char *path);
/** log_close() - Close a log file. */
void log_close(void);
/** log_set_level() - Messages above @level are dropped. */
void log_set_level(enum log_level level);
/** log_enable() - Turn logging on or off (CONTROL log on|off); errors are always logged. */
void log_enable(bool on);
/** log_msg() - Log one line with a timestamp and level tag. */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** log_limited() - Whether a message charged to @rl may be logged now. */
bool log_limited(struct ratelimit *rl);

#endif
