/* The HVM test-guest framework (see guest.h). */
#include "guest.h"

#include <public/sched.h>
#include <public/xen.h>

#define COM1 0x3f8

const char *guest_cmdline = "";

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_gate idt[64] __attribute__((aligned(8)));
extern char trap_stubs[];
static void (*irq_handlers[64])(struct trap_frame *f);

void idt_setup(void);
void idt_setup(void)
{
	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) desc = { sizeof(idt) - 1, (uint32_t)idt };
	unsigned int i;

	for (i = 0; i < 64; i++) {
		uint32_t a = (uint32_t)trap_stubs + i * 16;

		idt[i] = (struct idt_gate){ (uint16_t)a, 0x08, 0, 0x8e, (uint16_t)(a >> 16) };
	}
	__asm__ __volatile__("lidt %0" : : "m"(desc));
}

void set_irq_handler(unsigned int vector, void (*fn)(struct trap_frame *f))
{
	if (vector >= 32 && vector < 64) {
		irq_handlers[vector] = fn;
	}
}

static volatile int fault_vector = -1;
static volatile unsigned int fault_skip;

void expect_fault(unsigned int len)
{
	fault_vector = -1;
	fault_skip = len;
}

int fault_taken(void)
{
	int v = fault_vector;

	fault_skip = 0;
	fault_vector = -1;
	return v;
}

void guest_trap(struct trap_frame *f);
void guest_trap(struct trap_frame *f)
{
	if (f->vector >= 32 && irq_handlers[f->vector]) {
		irq_handlers[f->vector](f);
		return;
	}
	if (f->vector < 32 && fault_skip) {
		fault_vector = (int)f->vector;
		f->eip += fault_skip;
		fault_skip = 0;
		return;
	}
	printk("guest panic: unexpected trap %u (error code %#x) at eip %#x\n", f->vector,
	       f->error_code, f->eip);
	shutdown(SHUTDOWN_crash);
}

int rdmsr_safe(uint32_t msr, uint64_t *val)
{
	uint32_t lo = 0, hi = 0;

	expect_fault(2);
	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	*val = ((uint64_t)hi << 32) | lo;
	return fault_taken() >= 0 ? -1 : 0;
}

int wrmsr_safe(uint32_t msr, uint64_t val)
{
	expect_fault(2);
	__asm__ __volatile__("wrmsr" : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32)));
	return fault_taken() >= 0 ? -1 : 0;
}

long hypercall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3)
{
	long ret;

	__asm__ __volatile__("vmmcall" : "=a"(ret) : "a"(nr), "b"(a1), "c"(a2), "d"(a3) : "memory");
	return ret;
}

static void serial_putc(char c)
{
	while (!(inb(COM1 + 5) & 0x20)) {
	}
	outb(COM1, (uint8_t)c);
}

void printk(const char *fmt, ...)
{
	char buf[256];
	__builtin_va_list ap;
	const char *p;

	__builtin_va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	__builtin_va_end(ap);
	for (p = buf; *p; p++) {
		serial_putc(*p);
	}
}

__attribute__((noreturn)) void shutdown(unsigned int reason)
{
	struct sched_shutdown s = { .reason = reason };

	hypercall(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint32_t)&s, 0);
	printk("guest panic: sched_op shutdown returned\n");
	for (;;) {
		__asm__ __volatile__("cli; hlt");
	}
}

/* ---- A small formatter: %s %c %d %u %x with '#', '0' and width; 32-bit values only. ---- */

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size) {
		o->buf[o->len] = c;
	}
	o->len++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, __builtin_va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool alt = false, zero = false;
		unsigned int width = 0, base = 10, n = 0;
		char digits[12];
		uint32_t u;
		const char *s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '#') {
			alt = true;
			fmt++;
		}
		if (*fmt == '0') {
			zero = true;
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9') {
			width = width * 10 + (unsigned int)(*fmt++ - '0');
		}
		switch (*fmt) {
		case 's':
			s = __builtin_va_arg(ap, const char *);
			while (*s) {
				put(&o, *s++);
			}
			continue;
		case 'c':
			put(&o, (char)__builtin_va_arg(ap, int));
			continue;
		case 'd': {
			int32_t i = __builtin_va_arg(ap, int32_t);

			if (i < 0) {
				put(&o, '-');
				u = (uint32_t)-i;
			} else {
				u = (uint32_t)i;
			}
			break;
		}
		case 'u':
			u = __builtin_va_arg(ap, uint32_t);
			break;
		case 'x':
			u = __builtin_va_arg(ap, uint32_t);
			base = 16;
			if (alt) {
				put(&o, '0');
				put(&o, 'x');
			}
			break;
		case '%':
			put(&o, '%');
			continue;
		default:
			put(&o, '?');
			continue;
		}
		do {
			digits[n++] = "0123456789abcdef"[u % base];
			u /= base;
		} while (u);
		while (width > n) {
			put(&o, zero ? '0' : ' ');
			width--;
		}
		while (n) {
			put(&o, digits[--n]);
		}
	}
	if (size) {
		buf[o.len < size ? o.len : size - 1] = '\0';
	}
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	__builtin_va_list ap;
	int n;

	__builtin_va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	__builtin_va_end(ap);
	return n;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y) {
			return *x < *y ? -1 : 1;
		}
	}
	return 0;
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *p = d;

	while (n--) {
		*p++ = (uint8_t)c;
	}
	return d;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n]) {
		n++;
	}
	return n;
}

/* ---- The test runner. ---- */

extern const struct guest_test __tests_start[], __tests_end[];
static bool failed;
static char note[120];
static const char *current;

void test_fail(const char *file, int line, const char *what)
{
	if (!failed) {
		printk("TEST %s: FAIL %s:%d: %s\n", current, file, line, what);
	}
	failed = true;
}

void test_note(const char *fmt, ...)
{
	__builtin_va_list ap;

	__builtin_va_start(ap, fmt);
	vsnprintf(note, sizeof(note), fmt, ap);
	__builtin_va_end(ap);
}

uint32_t boot_magic;
const struct mb1_info *boot_mbi;
const void *boot_info;

/* The command line in a Multiboot2 information block (tag 1), or "". */
static const char *mb2_cmdline(const uint8_t *mbi)
{
	uint32_t total = *(const uint32_t *)mbi, off = 8;

	while (off + 8 <= total) {
		uint32_t type = *(const uint32_t *)(mbi + off), size = *(const uint32_t *)(mbi + off + 4);

		if (type == 0 || size < 8) {
			break;
		}
		if (type == 1) {
			return (const char *)(mbi + off + 8);
		}
		off += (size + 7) & ~7u;
	}
	return "";
}

void guest_main(uint32_t magic, const struct mb1_info *mbi);
void guest_main(uint32_t magic, const struct mb1_info *mbi)
{
	const struct guest_test *t;
	unsigned int passed = 0, total = 0;

	boot_magic = magic;
	boot_mbi = mbi;
	boot_info = mbi;
	if (magic == 0x2badb002 && (mbi->flags & 4)) {
		guest_cmdline = (const char *)mbi->cmdline;
	} else if (magic == MB2_LOADER_MAGIC) {
		guest_cmdline = mb2_cmdline((const uint8_t *)mbi);
	} else if (magic == PVH_START_MAGIC && *(const uint32_t *)mbi == PVH_START_MAGIC) {
		/* struct hvm_start_info: cmdline_paddr at offset 24. */
		uint64_t cmdline = *(const uint64_t *)((const uint8_t *)mbi + 24);

		guest_cmdline = cmdline ? (const char *)(uint32_t)cmdline : "";
	}
	guest_setup(guest_cmdline);
	for (t = __tests_start; t < __tests_end; t++) {
		failed = false;
		note[0] = '\0';
		current = t->name;
		t->fn();
		if (!failed) {
			printk("TEST %s: PASS%s%s\n", t->name, note[0] ? " " : "", note);
			passed++;
		}
		total++;
	}
	printk("SUMMARY: %u/%u passed\n", passed, total);
	shutdown(passed == total ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}

bool cmdline_has(const char *word)
{
	const char *p = guest_cmdline;
	size_t n = strlen(word);

	while (*p) {
		while (*p == ' ') {
			p++;
		}
		if (!memcmp(p, word, n) && (p[n] == ' ' || p[n] == '\0' || p[n] == '=')) {
			return true;
		}
		while (*p && *p != ' ') {
			p++;
		}
	}
	return false;
}

uint8_t byte_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--) {
		s = (uint8_t)(s + *b++);
	}
	return s;
}

uint32_t fnv1a(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;

	while (len--) {
		h = (h ^ *b++) * 16777619u;
	}
	return h;
}
