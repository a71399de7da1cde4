/*
 * guest_main: the C entry of every Argon PV test kernel. Installs the trap table, runs the
 * registered tests in name order, prints one result line per test and a summary, and shuts the
 * domain down: poweroff when all passed, crash otherwise.
 */
#include <argon/lib.h>

#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/test.h>
#include <guest/traps.h>
#include <guest/xencons.h>

#include <public/sched.h>

const struct start_info *start_info;
struct shared_info *shared_info;
bool hypercall_direct;

extern const struct guest_test _tests_start[], _tests_end[];

static struct {
	int failed;
	char detail[200];
} current;

void guest_shutdown(unsigned int reason)
{
	struct sched_shutdown arg = { .reason = reason };

	for (;;) {
		HYPERVISOR_sched_op(SCHEDOP_shutdown, &arg);
		/* Still running: the hypervisor refused. Try the other mechanism, then spin. */
		hypercall_direct = !hypercall_direct;
	}
}

void guest_panic(const char *fmt, ...)
{
	va_list ap;

	printk("guest panic: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	guest_shutdown(SHUTDOWN_crash);
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (current.failed) {
		return; /* report the first failure */
	}
	current.failed = 1;
	n = snprintf(current.detail, sizeof(current.detail), "%s:%d: ", file, line);
	if (n < 0 || (size_t)n >= sizeof(current.detail)) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(current.detail + n, sizeof(current.detail) - (size_t)n, fmt, ap);
	va_end(ap);
}

void test_note(const char *fmt, ...)
{
	va_list ap;

	if (current.failed) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(current.detail, sizeof(current.detail), fmt, ap);
	va_end(ap);
}

int test_failed(void)
{
	return current.failed;
}

__attribute__((noreturn)) void guest_main(const struct start_info *si);

void guest_main(const struct start_info *si)
{
	unsigned int total = 0, passed = 0;
	long rc;

	start_info = si;
	/* An unprivileged domain has no console_io: its output goes through its console ring. */
	xencons_init();
	printk("Argon PV test kernel: start_info at %p, %lu pages\n", (const void *)si,
	       si->nr_pages);

	rc = traps_init();
	if (rc) {
		guest_panic("set_trap_table failed: %ld", rc);
	}

	for (const struct guest_test *t = _tests_start; t < _tests_end; t++) {
		bool direct = hypercall_direct;

		current.failed = 0;
		current.detail[0] = '\0';
		t->fn();
		hypercall_direct = direct; /* a test may switch mechanisms; restore */
		total++;
		if (current.failed) {
			printk("TEST %s: FAIL %s\n", t->name, current.detail);
		} else {
			passed++;
			printk("TEST %s: PASS%s%s\n", t->name, current.detail[0] ? " " : "",
			       current.detail);
		}
	}
	printk("SUMMARY: %u/%u passed\n", passed, total);
	guest_shutdown(passed == total ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}
