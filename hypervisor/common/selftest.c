/* The self-test runner and the architecture-independent self-tests. */
#include <argon/arch.h>
#include <argon/cmdline.h>
#include <argon/console.h>
#include <argon/errno.h>
#include <argon/lib.h>
#include <argon/mm.h>
#include <argon/selftest.h>
#include <argon/time.h>
#include <argon/timer.h>

static char opt_selftest[256];
string_param("selftest", opt_selftest);

void selftest_result(const char *name, bool pass, const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	log_info("selftest: %s: %s: %s\n", name, pass ? "PASS" : "FAIL", buf);
}

static const struct selftest *find_selftest(const char *name, size_t len)
{
	const struct selftest *t;

	for (t = __selftests_start; t < __selftests_end; t++) {
		if (strlen(t->name) == len && !strncmp(t->name, name, len)) {
			return t;
		}
	}
	return NULL;
}

void selftests_run(void)
{
	const char *p = opt_selftest;

	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const struct selftest *t = find_selftest(p, len);

		if (t) {
			log_info("selftest: %s: start (%s)\n", t->name, t->what);
			t->run();
		} else if (len) {
			const struct selftest *k;

			log_warn("selftest: unknown test \"%.*s\"; known:", (int)len, p);
			for (k = __selftests_start; k < __selftests_end; k++) {
				log_warn(" %s", k->name);
			}
			log_warn("\n");
		}
		p += len + (comma != NULL);
	}
}

/* --- timer queue against the real clock --- */

#define MAX_TICKS 64
static volatile unsigned int ticks;
static s_time_t tick_at[MAX_TICKS];
static volatile s_time_t oneshot_fired_at;

static void tick(struct timer *t, void *data)
{
	if (ticks < MAX_TICKS) {
		tick_at[ticks] = NOW();
	}
	ticks++;
}

/* The median gap between recorded expiries: a stalled (emulated) CPU skips some, never speeds up. */
static s_time_t median_gap(unsigned int n)
{
	static s_time_t gap[MAX_TICKS];
	unsigned int i, j, m = n - 1;

	for (i = 0; i < m; i++) {
		gap[i] = tick_at[i + 1] - tick_at[i];
	}
	for (i = 1; i < m; i++) {
		s_time_t x = gap[i];

		for (j = i; j > 0 && gap[j - 1] > x; j--) {
			gap[j] = gap[j - 1];
		}
		gap[j] = x;
	}
	return gap[m / 2];
}

static void oneshot(struct timer *t, void *data)
{
	oneshot_fired_at = NOW();
}

static void wait_until(s_time_t deadline)
{
	while (NOW() < deadline) {
		__asm__ __volatile__("sti; hlt" ::: "memory");
	}
}

static void selftest_timer(void)
{
	struct timer_queue *q = arch_this_timer_queue();
	struct timer periodic, single;
	const s_time_t period = MILLISECS(20), span = MILLISECS(1000);
	s_time_t start, due, late;
	unsigned long flags;
	unsigned int n;

	timer_init(&periodic, tick, NULL);
	timer_init(&single, oneshot, NULL);
	ticks = 0;
	oneshot_fired_at = 0;

	flags = arch_irq_save();
	start = NOW();
	timer_set_periodic(q, &periodic, start + period, period);
	due = start + MILLISECS(250);
	timer_set(q, &single, due);
	arch_timer_program(timer_queue_next(q));
	arch_irq_restore(flags);

	log_info("selftest: timer: periodic %lld ms for %lld ms from t=%lld ns\n",
		 (long long)(period / 1000000), (long long)(span / 1000000), (long long)start);
	wait_until(start + span + period / 2);
	flags = arch_irq_save();
	timer_stop(q, &periodic);
	n = ticks;
	arch_irq_restore(flags);
	log_info("selftest: timer: end at t=%lld ns\n", (long long)NOW());

	late = oneshot_fired_at - due;
	{
		s_time_t gap = n >= 3 ? median_gap(MIN(n, MAX_TICKS)) : 0;

		/* Expiries keep to the 20 ms grid; a host stall may skip some, never add any. */
		selftest_result("timer",
				n >= 40 && n <= 51 && gap >= period - period / 20 && gap <= period + period / 20,
				"%u periodic expiries in %lld ms, median gap %lld us (expected 50, 20000 us)",
				n, (long long)(span / 1000000), (long long)(gap / 1000));
	}
	selftest_result("timer", oneshot_fired_at >= due && late < MILLISECS(5),
			"one-shot fired %lld us after its deadline", (long long)(late / 1000));
}
SELFTEST("timer", "timer queue driven by the APIC timer, checked against the TSC", selftest_timer);

/* --- page allocator on real memory --- */

static void selftest_heap(void)
{
	struct heap *h = &sys_heap;
	uint64_t before = h->free_pages, got = 0, bad = 0;
	unsigned int order;
	mfn_t m;
	uint32_t head = PAGE_LIST_NULL;
	uint32_t *link;

	/* Allocate everything, order 4 chunks first then single pages, chaining them through memory. */
	for (order = 4;; order = 0) {
		while (!heap_alloc(h, order, DOMID_XEN, &m)) {
			link = arch_mfn_to_virt(m);
			link[0] = head;
			link[1] = order;
			/* Touch the chunk's first and last bytes: proves the whole chunk is mapped RAM. */
			((uint8_t *)link)[8] = 0x5a;
			((uint8_t *)link)[(PAGE_SIZE << order) - 1] = 0x5a;
			head = (uint32_t)mfn_x(m);
			got += 1ULL << order;
		}
		if (order == 0) {
			break;
		}
	}
	selftest_result("heap", h->free_pages == 0 && got == before,
			"allocated all %llu free pages, %llu left", (unsigned long long)got,
			(unsigned long long)h->free_pages);
	while (head != PAGE_LIST_NULL) {
		uint32_t next;

		link = arch_mfn_to_virt(_mfn(head));
		next = link[0];
		order = link[1];
		if (((const uint8_t *)link)[8] != 0x5a || ((const uint8_t *)link)[(PAGE_SIZE << order) - 1] != 0x5a) {
			bad++;
		}
		if (heap_free(h, _mfn(head), order)) {
			bad++;
		}
		head = next;
	}
	selftest_result("heap", h->free_pages == before && bad == 0,
			"freed everything: %llu free pages (before %llu), %llu corrupt or refused chunks",
			(unsigned long long)h->free_pages, (unsigned long long)before,
			(unsigned long long)bad);
	selftest_result("heap", heap_free(h, _mfn(head == PAGE_LIST_NULL ? 0x100 : head), 0) == -EINVAL,
			"freeing a frame that is not allocated is refused");
}
SELFTEST("heap", "allocate and free all free memory through the buddy allocator", selftest_heap);

/* --- panic path --- */

static void selftest_panic(void)
{
	panic("selftest: deliberate panic");
}
SELFTEST("panic", "the panic path reports and stops the machine", selftest_panic);
