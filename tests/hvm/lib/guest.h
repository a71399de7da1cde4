/*
 * The framework of Argon's HVM test guests: port I/O and the COM1 console, CPUID and MSRs,
 * hypercalls (VMMCALL with Xen's 32-bit HVM convention: number in EAX, arguments in EBX, ECX,
 * EDX, ESI, EDI), traps with expected-fault recovery, and the test registry.
 *
 * Result protocol (read by tests/system/test_hvm.py): one line per test, a summary, then the
 * domain shuts down with SHUTDOWN_poweroff when all passed, SHUTDOWN_crash otherwise.
 *   TEST <name>: PASS [detail]
 *   TEST <name>: FAIL <file>:<line>: <what failed>
 *   SUMMARY: <passed>/<total> passed
 */
#ifndef HVM_GUEST_H
#define HVM_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ __volatile__("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

struct cpuid_regs {
	uint32_t a, b, c, d;
};

static inline struct cpuid_regs cpuid(uint32_t leaf)
{
	struct cpuid_regs r;

	__asm__ __volatile__("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(0));
	return r;
}

static inline uint32_t mmio_read32(uint32_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uint32_t addr, uint32_t v)
{
	*(volatile uint32_t *)addr = v;
}

/** The register frame lib/head.S builds for guest_trap(). */
struct trap_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vector, error_code;
	uint32_t eip, cs, eflags;
};

/** Arm recovery from one fault: the next trap skips @len bytes at its eip and is recorded. */
void expect_fault(unsigned int len);
/** The vector of the fault taken since expect_fault() (or -1), and disarm. */
int fault_taken(void);

/** Handler for interrupt @vector (>= 32), called with the frame; NULL removes it. */
void set_irq_handler(unsigned int vector, void (*fn)(struct trap_frame *f));

/** rdmsr/wrmsr that report a #GP instead of dying: 0 or -1. */
int rdmsr_safe(uint32_t msr, uint64_t *val);
int wrmsr_safe(uint32_t msr, uint64_t val);

/** A hypercall through VMMCALL. */
long hypercall(uint32_t nr, uint32_t a1, uint32_t a2, uint32_t a3);

int vsnprintf(char *buf, size_t size, const char *fmt, __builtin_va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int memcmp(const void *a, const void *b, size_t n);
void *memset(void *d, int c, size_t n);
size_t strlen(const char *s);

/** End the domain with @reason through sched_op(SCHEDOP_shutdown). */
__attribute__((noreturn)) void shutdown(unsigned int reason);

/* The test registry. */
struct guest_test {
	const char *name;
	void (*fn)(void);
};
#define GUEST_TEST(n)                                                                   \
	static void test_##n(void);                                                     \
	static const struct guest_test __test_##n __attribute__((section(".data.tests"), \
							       used, aligned(4))) = { #n, test_##n }; \
	static void test_##n(void)

/** Record a failure of the running test (the first one is reported). */
void test_fail(const char *file, int line, const char *what);
/** Extra text on the running test's PASS line. */
void test_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define EXPECT(c)                                          \
	do {                                               \
		if (!(c)) {                                \
			test_fail(__FILE__, __LINE__, #c); \
			return;                            \
		}                                          \
	} while (0)

#define EXPECT_EQ(a, b)                                                                     \
	do {                                                                                \
		uint32_t _a = (uint32_t)(a), _b = (uint32_t)(b);                            \
		if (_a != _b) {                                                             \
			char _m[120];                                                       \
			snprintf(_m, sizeof(_m), "%s == %s (%#x != %#x)", #a, #b, _a, _b); \
			test_fail(__FILE__, __LINE__, _m);                                  \
			return;                                                             \
		}                                                                           \
	} while (0)

/** The Multiboot v1 information Argon's HVM builder passes in EBX (flags bit 6: mmap). */
struct mb1_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr, syms[4];
	uint32_t mmap_length, mmap_addr;
};

/** One Multiboot memory map entry: @size counts the bytes after itself (20: E820's layout). */
struct mb1_mmap_entry {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

/** The information block the guest was started with (Multiboot v1 guests). */
extern const struct mb1_info *boot_mbi;

/*
 * How the guest was started: EAX at entry and what EBX pointed to. Multiboot v1 and Multiboot2
 * loaders set EAX to their magic; a PVH guest's own entry stub (tests/hvm/pvh/) passes
 * PVH_START_MAGIC in EAX with EBX = the struct hvm_start_info.
 */
#define MB2_LOADER_MAGIC 0x36d76289u
#define PVH_START_MAGIC 0x336ec578u
extern uint32_t boot_magic;
extern const void *boot_info;

/** The command line the domain was started with. */
extern const char *guest_cmdline;

/** True if @word is a word (alone or as "word=...") of the command line. */
bool cmdline_has(const char *word);
/** The 8-bit sum of @len bytes (ACPI checksums). */
uint8_t byte_sum(const void *p, size_t len);
/** FNV-1a of @len bytes: the system tests compute the same over a module they passed. */
uint32_t fnv1a(const void *p, size_t len);

/** Guest-specific start: called before the tests with the command line; may not return. */
void guest_setup(const char *cmdline);

#endif
