/* Console output: log levels, the printk family and panic. */
#ifndef ARGON_CONSOLE_H
#define ARGON_CONSOLE_H

#include <stdarg.h>
#include <argon/compiler.h>
#include <argon/logring.h>
#include <argon/types.h>

/* Message levels; a message is shown on the serial console when its level <= loglvl. */
enum log_level {
	LOG_ERR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/** Log one message at @level; every message is kept in the log ring whatever the threshold. */
void vlog(enum log_level level, const char *fmt, va_list ap);
/** Log one message at @level. */
void log_msg(enum log_level level, const char *fmt, ...) __printf(2, 3);

#define printk(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

/** The ring holding every line logged since boot. */
extern struct logring console_ring;

/**
 * Stop the machine after reporting @fmt: prints the message and a final marker line, reports the
 * panic status through the test-exit path when enabled, then halts this CPU for good.
 */
__noreturn void panic(const char *fmt, ...) __printf(1, 2);

/** Apply the console= and loglvl= options (called once the command line is parsed). */
void console_setup(void);

#endif
