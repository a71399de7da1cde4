/*
 * The first HVM test guest: each test proves one intercept or emulated device of Argon's HVM
 * support from inside the guest. The command line selects a deliberate failure instead
 * ("crash=triple-fault", "crash=unmapped-mmio"), for the system tests of domain crashes.
 */
#include "guest.h"

#include <public/hvm/hvm_op.h>
#include <public/hvm/params.h>
#include <public/memory.h>
#include <public/sched.h>
#include <public/version.h>
#include <public/xen.h>

#define LAPIC 0xfee00000u
#define APIC_ID 0x20
#define APIC_LVR 0x30
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_LVTT 0x320
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0
#define TIMER_VECTOR 0x30


static bool has(const char *cmdline, const char *word)
{
	size_t n = strlen(word);

	for (; *cmdline; cmdline++) {
		if (!memcmp(cmdline, word, n) && (cmdline[n] == ' ' || cmdline[n] == '\0')) {
			return true;
		}
	}
	return false;
}

void guest_setup(const char *cmdline)
{
	printk("HVM test guest \"basic\" (command line \"%s\")\n", cmdline);
	if (has(cmdline, "crash=triple-fault")) {
		/* No IDT at all: the breakpoint cannot be delivered, nor the #DF: shutdown. */
		struct {
			uint16_t limit;
			uint32_t base;
		} __attribute__((packed)) empty = { 0, 0 };

		printk("about to triple-fault\n");
		__asm__ __volatile__("lidt %0; int3" : : "m"(empty));
		printk("guest panic: still alive after the triple fault\n");
		shutdown(SHUTDOWN_poweroff);
	}
	if (has(cmdline, "crash=unmapped-mmio")) {
		printk("about to read unmapped guest-physical memory\n");
		(void)mmio_read32(0xd0000000u);
		printk("guest panic: the read of unmapped memory returned\n");
		shutdown(SHUTDOWN_poweroff);
	}
}

GUEST_TEST(boot_state)
{
	EXPECT_EQ(boot_magic, 0x2badb002);
	EXPECT(has(guest_cmdline, "hvm-test-cmdline=1"));
}

GUEST_TEST(uart_registers)
{
	/* Line status: transmitter empty; scratch register keeps what is written. */
	EXPECT_EQ(inb(0x3fd) & 0x60, 0x60);
	outb(0x3ff, 0x5a);
	EXPECT_EQ(inb(0x3ff), 0x5a);
	outb(0x3ff, 0xa5);
	EXPECT_EQ(inb(0x3ff), 0xa5);
}

GUEST_TEST(string_port_io)
{
	static const char line[] = "rep outsb reached COM1\n";
	uint8_t lsr[4] = { 0, 0, 0, 0 };
	const char *src = line;
	uint8_t *dst = lsr;
	uint32_t n = sizeof(line) - 1;

	__asm__ __volatile__("cld; rep outsb" : "+S"(src), "+c"(n) : "d"(0x3f8) : "memory");
	EXPECT_EQ(n, 0);
	EXPECT(src == line + sizeof(line) - 1);
	n = 4;
	__asm__ __volatile__("cld; rep insb" : "+D"(dst), "+c"(n) : "d"(0x3fd) : "memory");
	EXPECT_EQ(n, 0);
	EXPECT(dst == lsr + 4);
	EXPECT_EQ(lsr[0] & 0x60, 0x60);
	EXPECT_EQ(lsr[3] & 0x60, 0x60);
}

GUEST_TEST(unemulated_port_reads_all_ones)
{
	EXPECT_EQ(inb(0x2f8), 0xff);
	EXPECT_EQ(inl(0xcfc), 0xffffffff);
}

GUEST_TEST(cpuid_xen_leaves)
{
	struct cpuid_regs r = cpuid(0x40000000);
	char sig[13];

	((uint32_t *)sig)[0] = r.b;
	((uint32_t *)sig)[1] = r.c;
	((uint32_t *)sig)[2] = r.d;
	sig[12] = '\0';
	EXPECT(!memcmp(sig, "XenVMMXenVMM", 12));
	EXPECT(r.a >= 0x40000002);
	EXPECT_EQ(cpuid(0x40000001).a, (4 << 16) | 17);
	EXPECT_EQ(cpuid(0x40000002).b, 0x40000000);
	test_note("\"%s\" max leaf %#x", sig, r.a);
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* The cost of a VM exit round trip: CPUID always exits to Argon. */
GUEST_TEST(cpuid_exit_cost)
{
	uint64_t start = rdtsc(), cycles;
	unsigned int i;

	for (i = 0; i < 1000; i++) {
		(void)cpuid(0);
	}
	cycles = rdtsc() - start;
	EXPECT(cycles > 0);
	EXPECT((cycles >> 32) == 0);
	test_note("%u TSC cycles per CPUID", (uint32_t)cycles / 1000);
}

GUEST_TEST(cpuid_policy)
{
	EXPECT(cpuid(1).c & (1u << 31));		/* hypervisor present */
	EXPECT(!(cpuid(1).c & (1u << 5)));		/* no VMX */
	EXPECT(!(cpuid(0x80000001).c & (1u << 2)));	/* no SVM */
	EXPECT_EQ(cpuid(0x8000000a).a, 0);
}

GUEST_TEST(mmio_local_apic)
{
	uint32_t svr;

	EXPECT_EQ(mmio_read32(LAPIC + APIC_LVR), 0x00050014);
	EXPECT_EQ(mmio_read32(LAPIC + APIC_ID), 0);
	mmio_write32(LAPIC + APIC_TPR, 0x20);
	EXPECT_EQ(mmio_read32(LAPIC + APIC_TPR), 0x20);
	mmio_write32(LAPIC + APIC_TPR, 0);
	/* Read-modify-write forms on MMIO: or, and, test. */
	__asm__ __volatile__("orl $0x1ff, (%0)" : : "r"(LAPIC + APIC_SVR) : "memory");
	EXPECT_EQ(mmio_read32(LAPIC + APIC_SVR), 0x1ff);
	__asm__ __volatile__("andl $0x1f0, (%0)" : : "r"(LAPIC + APIC_SVR) : "memory");
	svr = mmio_read32(LAPIC + APIC_SVR);
	EXPECT_EQ(svr, 0x1f0);
	/* A byte load (movzbl) of the version register's low byte. */
	EXPECT_EQ(*(volatile uint8_t *)(LAPIC + APIC_LVR), 0x14);
}

GUEST_TEST(msr_policy)
{
	uint64_t v;

	EXPECT(rdmsr_safe(0xc0000080, &v) == 0);	/* EFER: no SVME visible */
	EXPECT(!(v & (1u << 12)));
	EXPECT(rdmsr_safe(0x1b, &v) == 0);		/* APIC base at its reset address, BSP */
	EXPECT_EQ((uint32_t)v, 0xfee00900);
	EXPECT(rdmsr_safe(0xc0010114, &v) == -1);	/* VM_CR: #GP */
	EXPECT(rdmsr_safe(0xc0010117, &v) == -1);	/* VM_HSAVE_PA: #GP */
	EXPECT(wrmsr_safe(0xc0000080, 1u << 12) == -1);	/* setting SVME: #GP */
	EXPECT(wrmsr_safe(0x1b, 0x12345900) == -1);	/* moving the APIC: #GP */
}

GUEST_TEST(svm_instructions_raise_ud)
{
	expect_fault(3);
	__asm__ __volatile__("vmrun" : : "a"(0) : "memory");
	EXPECT_EQ(fault_taken(), 6);
	expect_fault(3);
	__asm__ __volatile__("vmload" : : "a"(0) : "memory");
	EXPECT_EQ(fault_taken(), 6);
	expect_fault(3);
	__asm__ __volatile__("vmsave" : : "a"(0) : "memory");
	EXPECT_EQ(fault_taken(), 6);
	expect_fault(3);
	__asm__ __volatile__("clgi" ::: "memory");
	EXPECT_EQ(fault_taken(), 6);
	expect_fault(3);
	__asm__ __volatile__("stgi" ::: "memory");
	EXPECT_EQ(fault_taken(), 6);
}

GUEST_TEST(hypercall_xen_version)
{
	char extra[16];

	EXPECT_EQ(hypercall(__HYPERVISOR_xen_version, XENVER_version, 0, 0), (4 << 16) | 17);
	memset(extra, 0x55, sizeof(extra));
	EXPECT_EQ(hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, (uint32_t)extra, 0), 0);
	EXPECT(!memcmp(extra, "-argon", 7));
}

static char hypercall_page[4096] __attribute__((aligned(4096)));

GUEST_TEST(hypercall_page)
{
	long ret;

	EXPECT(wrmsr_safe(0x40000000, (uint32_t)hypercall_page) == 0);
	EXPECT_EQ((uint8_t)hypercall_page[0], 0xb8);
	__asm__ __volatile__("call *%1"
			     : "=a"(ret)
			     : "r"(hypercall_page + __HYPERVISOR_xen_version * 32), "b"(XENVER_version)
			     : "memory", "ecx", "edx");
	EXPECT_EQ(ret, (4 << 16) | 17);
	EXPECT(wrmsr_safe(0x40000000, (uint32_t)hypercall_page + 1) == -1);	/* page 1: none */
}

GUEST_TEST(hypercall_policy)
{
	uint16_t self = DOMID_SELF;

	/* PV-only hypercalls do not exist for HVM guests; console_io is the privileged domain's. */
	EXPECT_EQ(hypercall(__HYPERVISOR_mmu_update, 0, 0, 0), -38);
	EXPECT_EQ(hypercall(__HYPERVISOR_set_trap_table, 0, 0, 0), -38);
	EXPECT_EQ(hypercall(__HYPERVISOR_console_io, 0, 1, (uint32_t)"x"), -1);
	EXPECT_EQ(hypercall(63, 0, 0, 0), -38);
	EXPECT_EQ(hypercall(__HYPERVISOR_memory_op, XENMEM_current_reservation, (uint32_t)&self, 0),
		  32 * 256);
}

GUEST_TEST(hvm_params)
{
	struct xen_hvm_param p = { .domid = DOMID_SELF, .index = HVM_PARAM_CALLBACK_IRQ,
				   .value = (2ULL << 56) | 0xf3 };

	EXPECT_EQ(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint32_t)&p, 0), 0);
	p.value = 0;
	EXPECT_EQ(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint32_t)&p, 0), 0);
	EXPECT_EQ((uint32_t)p.value, 0xf3);
	EXPECT_EQ((uint32_t)(p.value >> 32), 2u << 24);
	p.index = HVM_PARAM_STORE_PFN;
	EXPECT_EQ(hypercall(__HYPERVISOR_hvm_op, HVMOP_set_param, (uint32_t)&p, 0), -1);
	p.index = 1000;
	EXPECT_EQ(hypercall(__HYPERVISOR_hvm_op, HVMOP_get_param, (uint32_t)&p, 0), -22);
}

/* 32-bit paging with 4 MiB pages: identity map of the first 8 MiB, plus an alias. */
static uint32_t page_dir[1024] __attribute__((aligned(4096)));

GUEST_TEST(hypercall_buffer_through_guest_paging)
{
	char *alias = (char *)0x40000000 + 0x100;
	volatile char *phys = (volatile char *)0x400000 + 0x100;
	uint32_t cr0, cr4;

	page_dir[0] = 0x000000 | 0x83;			/* present, writable, 4 MiB */
	page_dir[1] = 0x400000 | 0x83;
	page_dir[0x40000000 >> 22] = 0x400000 | 0x83;	/* alias of 4-8 MiB at 1 GiB */
	page_dir[LAPIC >> 22] = (LAPIC & 0xffc00000) | 0x83 | 0x18;	/* uncached */
	__asm__ __volatile__("mov %%cr4, %0; or $0x10, %0; mov %0, %%cr4" : "=r"(cr4));	/* PSE */
	__asm__ __volatile__("mov %0, %%cr3" : : "r"(page_dir));
	__asm__ __volatile__("mov %%cr0, %0; or $0x80000000, %0; mov %0, %%cr0" : "=r"(cr0));
	phys[0] = 0;
	EXPECT_EQ(hypercall(__HYPERVISOR_xen_version, XENVER_extraversion, (uint32_t)alias, 0), 0);
	EXPECT_EQ(phys[0], '-');
	EXPECT_EQ(phys[1], 'a');
	/* MMIO through a paged mapping still reaches the local APIC. */
	EXPECT_EQ(mmio_read32(LAPIC + APIC_LVR), 0x00050014);
	__asm__ __volatile__("mov %%cr0, %0; and $0x7fffffff, %0; mov %0, %%cr0" : "=r"(cr0));
}

static volatile unsigned int ticks;

static void timer_irq(struct trap_frame *f)
{
	ticks++;
	mmio_write32(LAPIC + APIC_EOI, 0);
}

GUEST_TEST(apic_timer_wakes_hlt)
{
	unsigned int i;

	set_irq_handler(TIMER_VECTOR, timer_irq);
	mmio_write32(LAPIC + APIC_SVR, 0x1ff);
	mmio_write32(LAPIC + APIC_TDCR, 0xb);		/* divide by 1: 100 MHz */
	mmio_write32(LAPIC + APIC_LVTT, TIMER_VECTOR);	/* one-shot */
	mmio_write32(LAPIC + APIC_TMICT, 1000000);	/* 10 ms */
	EXPECT(mmio_read32(LAPIC + APIC_TMCCT) <= 1000000);
	__asm__ __volatile__("sti; hlt; cli" ::: "memory");
	EXPECT_EQ(ticks, 1);
	/* Periodic: three more wake-ups. */
	mmio_write32(LAPIC + APIC_LVTT, TIMER_VECTOR | (1u << 17));
	mmio_write32(LAPIC + APIC_TMICT, 500000);	/* 5 ms */
	for (i = 0; i < 3; i++) {
		__asm__ __volatile__("sti; hlt; cli" ::: "memory");
	}
	mmio_write32(LAPIC + APIC_TMICT, 0);
	EXPECT_EQ(ticks, 4);
	set_irq_handler(TIMER_VECTOR, NULL);
}
