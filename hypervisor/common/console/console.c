/*
 * The console: every message becomes one or more timestamped lines in the log ring; lines at or
 * below the console threshold also go to the serial port.
 */
#include <argon/arch.h>
#include <argon/cmdline.h>
#include <argon/console.h>
#include <argon/lib.h>
#include <argon/shutdown.h>
#include <argon/spinlock.h>

#define CONSOLE_RING_SIZE (64 * 1024)

static char ring_buf[CONSOLE_RING_SIZE];
struct logring console_ring = { ring_buf, CONSOLE_RING_SIZE, 0, 0 };
static spinlock_t console_lock = SPIN_LOCK_UNLOCKED;

/* Serial output is on until console= says otherwise, so early problems are visible. */
static bool serial_enabled = true;
static enum log_level console_loglvl = LOG_INFO;
static bool at_line_start = true;

static char opt_console[64] = "com1";
string_param("console", opt_console);
static char opt_loglvl[16] = "info";
string_param("loglvl", opt_loglvl);

static const char *const level_names[] = { "err", "warning", "info", "debug" };

static void emit(enum log_level level, const char *s, size_t n)
{
	logring_write(&console_ring, s, n);
	if (serial_enabled && level <= console_loglvl) {
		arch_console_write(s, n);
	}
}

/* Split @text into lines, each prefixed with the hypervisor tag and the time since boot. */
static void emit_lines(enum log_level level, const char *text)
{
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) + 1 : strlen(text);

		if (at_line_start) {
			char prefix[40];
			s_time_t now = arch_now();
			int n = snprintf(prefix, sizeof(prefix), "(ARGON) [%5lld.%06lld] ",
					 (long long)(now / 1000000000), (long long)(now % 1000000000) / 1000);

			emit(level, prefix, (size_t)n);
		}
		emit(level, text, len);
		at_line_start = nl != NULL;
		text += len;
	}
}

void vlog(enum log_level level, const char *fmt, va_list ap)
{
	char buf[512];
	unsigned long flags;
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n >= (int)sizeof(buf)) {
		/* Mark the cut so a truncated line is never mistaken for a whole one. */
		memcpy(buf + sizeof(buf) - 6, "...\n", 5);
	}
	flags = spin_lock_irqsave(&console_lock);
	emit_lines(level, buf);
	spin_unlock_irqrestore(&console_lock, flags);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void console_setup(void)
{
	const char *p = opt_console;
	size_t i;
	bool level_ok = false;

	serial_enabled = false;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		if (len == 4 && !strncmp(p, "com1", 4)) {
			serial_enabled = true;
		} else if (!(len == 4 && !strncmp(p, "none", 4))) {
			log_warn("console: unknown console \"%.*s\" in console=%s (known: com1, none)\n",
				 (int)len, p, opt_console);
		}
		p += len + (comma != NULL);
	}
	if (!strcmp(opt_loglvl, "all")) {
		console_loglvl = LOG_DEBUG;
		level_ok = true;
	}
	for (i = 0; i < ARRAY_SIZE(level_names); i++) {
		if (!strcmp(opt_loglvl, level_names[i])) {
			console_loglvl = (enum log_level)i;
			level_ok = true;
		}
	}
	if (!level_ok) {
		log_warn("console: unknown loglvl=%s (known: err, warning, info, debug, all)\n",
			 opt_loglvl);
	}
}

void panic(const char *fmt, ...)
{
	static bool in_panic;
	char buf[256];
	va_list ap;

	arch_irq_save();
	/* A panic inside panic must not recurse through the console again. */
	if (in_panic) {
		arch_console_write("\r\n(ARGON) recursive panic\r\n", 27);
		machine_halt(EXIT_STATUS_PANIC);
	}
	in_panic = true;
	/* The console lock may be held by the code that panicked; reset it. */
	console_lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
	serial_enabled = true;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_err("****************************************\n");
	log_err("Panic on CPU %u:\n", arch_cpu_id());
	log_err("%s%s", buf, buf[0] && buf[strlen(buf) - 1] == '\n' ? "" : "\n");
	log_err("****************************************\n");
	machine_halt(EXIT_STATUS_PANIC);
}
