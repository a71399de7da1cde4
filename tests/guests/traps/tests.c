/*
 * traps: the 0/3/3 model from the guest's side. set_trap_table and its errors; exceptions raised
 * in the guest kernel bounced with the PV frame (#PF with CR2 in vcpu_info and the guest-mode
 * error code, #UD, int3 and int $n by trap-table DPL); forced-emulation CPUID; emulated MSRs;
 * set_segment_base, stack_switch and callback_op validation; GDT selectors below 0xe000; and
 * guest user mode: a user L4, iret into ring-3 user code, syscall into the kernel's callback on
 * the stack_switch stack and kernel page tables, iret back with VGCF_in_syscall, and user-mode
 * faults bounced with the user CS.
 */
#include <argon/lib.h>

#include <guest/fault.h>
#include <guest/guest.h>
#include <guest/hypercall.h>
#include <guest/mm.h>
#include <guest/test.h>
#include <guest/traps.h>

#include <public/callback.h>
#include <public/physdev.h>

#define EFAULT 14
#define EINVAL 22
#define ENOSYS 38

#define MSR_FS_BASE 0xc0000100u
#define MSR_GS_BASE 0xc0000101u
#define MSR_KERNEL_GS_BASE 0xc0000102u

#define RFLAGS_IF (1UL << 9)
#define RFLAGS_DF (1UL << 10)

#define PFEC_P 1UL
#define PFEC_W 2UL
#define PFEC_U 4UL

/* An address the kernel's page tables never map (L4 slot 0 is empty). */
#define UNMAPPED_VA 0x123000UL
/* Mapped by the user page tables only. */
#define USER_ONLY_VA 0x200000UL
#define NON_CANONICAL 0x0000800000000000UL

/* ---- helpers ---- */

/* Read @va; true if it did not fault. */
static bool probe_read(uint64_t va, uint64_t *val)
{
	uint64_t v = 0, n = trap_count;

	__asm__ __volatile__("1: movq (%1), %0\n2:\n" EXTABLE(1b, 2b) : "+r"(v) : "r"(va) : "memory");
	*val = v;
	return trap_count == n;
}

/* Write @val to @va; true if it did not fault. */
static bool probe_write(uint64_t va, uint64_t val)
{
	uint64_t n = trap_count;

	__asm__ __volatile__("1: movq %1, (%0)\n2:\n" EXTABLE(1b, 2b) : : "r"(va), "r"(val) : "memory");
	return trap_count == n;
}

static uint64_t label_addr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static long set_callback(unsigned int type, const void *address, unsigned int flags)
{
	struct callback_register cb = {
		.type = (uint16_t)type,
		.flags = (uint16_t)flags,
		.address = (uint64_t)(uintptr_t)address,
	};

	return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

/* ---- set_trap_table ---- */

GUEST_TEST(set_trap_table_bad_pointer)
{
	EXPECT_EQ(HYPERVISOR_set_trap_table((const struct trap_info *)0x1000), -EFAULT);
	EXPECT_EQ(HYPERVISOR_set_trap_table((const struct trap_info *)HYPERVISOR_VIRT_START), -EFAULT);
	EXPECT_EQ(HYPERVISOR_set_trap_table((const struct trap_info *)NON_CANONICAL), -EFAULT);
}

GUEST_TEST(set_trap_table_bad_handler)
{
	struct trap_info bad[2] = { { .vector = 0x90, .cs = FLAT_KERNEL_CS } };
	uint64_t n = trap_count;

	bad[0].address = HYPERVISOR_VIRT_START + 0x1000;
	EXPECT_EQ(HYPERVISOR_set_trap_table(bad), -EINVAL);
	bad[0].address = NON_CANONICAL;
	EXPECT_EQ(HYPERVISOR_set_trap_table(bad), -EINVAL);
	bad[0].address = HYPERVISOR_VIRT_END - 8;
	EXPECT_EQ(HYPERVISOR_set_trap_table(bad), -EINVAL);
	/* The installed table still works. */
	__asm__ __volatile__("int3\n1:\n" EXTABLE(1b, 1b) ::: "memory");
	EXPECT_EQ(trap_count, n + 1);
	EXPECT_EQ(trap_nth(n)->vector, 3);
}

/* ---- exceptions in the guest kernel ---- */

GUEST_TEST(page_fault_kernel_read)
{
	uint64_t v, n = trap_count;
	const volatile struct trap_record *t;

	EXPECT_EQ(map_shared_info(), 0);
	EXPECT(!probe_read(UNMAPPED_VA + 0x10, &v));
	t = trap_nth(n);
	EXPECT_EQ(t->vector, 14);
	EXPECT_EQ(t->cr2, UNMAPPED_VA + 0x10);
	EXPECT_EQ(t->cs & 0xffff, FLAT_KERNEL_CS & ~3);	/* kernel mode: RPL 0 */
	EXPECT_EQ(t->ss & 0xffff, FLAT_KERNEL_SS);
	/* Xen reports guest kernel mode as supervisor (U/S clear), whatever the hardware CPL. */
	EXPECT_EQ(t->error_code, 0);
	test_note("cr2 %#lx error code %#lx", t->cr2, t->error_code);
}

GUEST_TEST(page_fault_kernel_write_readonly)
{
	uint8_t *page = page_alloc();
	uint64_t n = trap_count;
	const volatile struct trap_record *t;

	EXPECT(page != NULL);
	EXPECT_EQ(map_shared_info(), 0);
	EXPECT_EQ(set_page_rw(page, false), 0);
	EXPECT(!probe_write((uint64_t)(uintptr_t)page + 0x28, 1));
	t = trap_nth(n);
	EXPECT_EQ(t->vector, 14);
	EXPECT_EQ(t->cr2, (uint64_t)(uintptr_t)page + 0x28);
	EXPECT_EQ(t->error_code, PFEC_P | PFEC_W);
	EXPECT_EQ(set_page_rw(page, true), 0);
	EXPECT(probe_write((uint64_t)(uintptr_t)page + 0x28, 1));
	test_note("cr2 %#lx error code %#lx", t->cr2, t->error_code);
}

GUEST_TEST(page_fault_kernel_write_unmapped)
{
	uint64_t n = trap_count;

	EXPECT_EQ(map_shared_info(), 0);
	EXPECT(!probe_write(UNMAPPED_VA + 0x800, 5));
	EXPECT_EQ(trap_nth(n)->cr2, UNMAPPED_VA + 0x800);
	EXPECT_EQ(trap_nth(n)->error_code, PFEC_W);
}

extern char ud2_insn[];

GUEST_TEST(invalid_opcode)
{
	uint64_t n = trap_count;

	__asm__ __volatile__(".globl ud2_insn\nud2_insn: ud2\n1:\n" EXTABLE(ud2_insn, 1b) ::: "memory");
	EXPECT_EQ(trap_count, n + 1);
	EXPECT_EQ(trap_nth(n)->vector, 6);
	EXPECT_EQ(trap_nth(n)->rip, label_addr(ud2_insn));
}

/* ---- forced-emulation CPUID ---- */

static void xen_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	__asm__ __volatile__("ud2; .ascii \"xen\"; cpuid"
			     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			     : "0"(leaf), "2"(subleaf));
}

static void native_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
	__asm__ __volatile__("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
			     : "0"(leaf), "2"(subleaf));
}

GUEST_TEST(cpuid_hypervisor_leaves)
{
	uint32_t r[4];
	char sig[13];

	xen_cpuid(0x40000000, 0, r);
	memcpy(sig, &r[1], 4);
	memcpy(sig + 4, &r[2], 4);
	memcpy(sig + 8, &r[3], 4);
	sig[12] = '\0';
	EXPECT(strcmp(sig, "XenVMMXenVMM") == 0);
	EXPECT(r[0] >= 0x40000002);
	xen_cpuid(0x40000001, 0, r);
	EXPECT_EQ(r[0], (4 << 16) | 17);
	xen_cpuid(0x40000002, 0, r);
	EXPECT(r[0] >= 1); /* hypercall pages */
	test_note("\"%s\", version 4.17", sig);
}

GUEST_TEST(cpuid_hides_virtualization)
{
	uint32_t r[4], n1[4], nx[4];

	native_cpuid(1, 0, n1);
	native_cpuid(0x80000001, 0, nx);
	xen_cpuid(1, 0, r);
	EXPECT_EQ(r[2] & (1u << 5), 0);		/* VMX */
	EXPECT(r[2] & (1u << 31));		/* hypervisor present */
	xen_cpuid(7, 0, r);
	EXPECT_EQ(r[2] & ((1u << 3) | (1u << 16)), 0);	/* PKU, LA57: not for ring-3 kernels */
	EXPECT_EQ(r[1] & (1u << 0), 0);			/* FSGSBASE */
	xen_cpuid(0xd, 1, r);
	EXPECT_EQ(r[0] & (1u << 3), 0);			/* XSAVES */
	xen_cpuid(0x80000001, 0, r);
	EXPECT_EQ(r[2] & (1u << 2), 0);		/* SVM */
	test_note("native: VMX %u SVM %u; emulated: hidden", (n1[2] >> 5) & 1, (nx[2] >> 2) & 1);
}

/* ---- int3 and int $n by DPL ---- */

extern char trap_entry_128[], trap_entry_129[];

static long install_soft_vectors(void)
{
	struct trap_info t[3] = {
		{ .vector = 0x80, .flags = 3, .cs = FLAT_KERNEL_CS },
		{ .vector = 0x81, .flags = 0, .cs = FLAT_KERNEL_CS },
	};

	t[0].address = (uint64_t)(uintptr_t)trap_entry_128;
	t[1].address = (uint64_t)(uintptr_t)trap_entry_129;
	return HYPERVISOR_set_trap_table(t);
}

extern char int3_after[], int80_after[], int81_after[], int82_insn[];

GUEST_TEST(int3_kernel)
{
	uint64_t n = trap_count;

	__asm__ __volatile__("int3\n.globl int3_after\nint3_after:\n" EXTABLE(int3_after, int3_after)
			     ::: "memory");
	EXPECT_EQ(trap_count, n + 1);
	EXPECT_EQ(trap_nth(n)->vector, 3);
	EXPECT_EQ(trap_nth(n)->rip, label_addr(int3_after));
	EXPECT_EQ(trap_nth(n)->cs & 3, 0);
}

GUEST_TEST(int_n_kernel)
{
	uint64_t n = trap_count;

	EXPECT_EQ(install_soft_vectors(), 0);
	/* The guest kernel is virtual CPL 0: both the DPL 3 and the DPL 0 vector are allowed. */
	__asm__ __volatile__("int $0x80\n.globl int80_after\nint80_after:\n"
			     EXTABLE(int80_after, int80_after) ::: "memory");
	__asm__ __volatile__("int $0x81\n.globl int81_after\nint81_after:\n"
			     EXTABLE(int81_after, int81_after) ::: "memory");
	EXPECT_EQ(trap_count, n + 2);
	EXPECT_EQ(trap_nth(n)->vector, 0x80);
	EXPECT_EQ(trap_nth(n)->rip, label_addr(int80_after));
	EXPECT_EQ(trap_nth(n + 1)->vector, 0x81);
	EXPECT_EQ(trap_nth(n + 1)->rip, label_addr(int81_after));
}

GUEST_TEST(int_n_no_handler_gp)
{
	uint64_t n = trap_count;

	/* No trap-table entry for 0x82: #GP at the instruction, error code (0x82 << 3) | 2. */
	__asm__ __volatile__(".globl int82_insn\nint82_insn: int $0x82\n1:\n"
			     EXTABLE(int82_insn, 1b) ::: "memory");
	EXPECT_EQ(trap_count, n + 1);
	EXPECT_EQ(trap_nth(n)->vector, 13);
	EXPECT_EQ(trap_nth(n)->rip, label_addr(int82_insn));
	EXPECT_EQ(trap_nth(n)->error_code, (0x82 << 3) | 2);
}

/* ---- MSRs ---- */

static uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ __volatile__("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32))
			     : "memory");
}

static uint64_t read_gs0(void)
{
	uint64_t v;

	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(v));
	return v;
}

static uint64_t read_fs0(void)
{
	uint64_t v;

	__asm__ __volatile__("movq %%fs:0, %0" : "=r"(v));
	return v;
}

static uint64_t seg_word_a = 0x1111aaaa2222bbbbUL, seg_word_b = 0x3333cccc4444ddddUL;

GUEST_TEST(msr_segment_bases)
{
	uint64_t a = (uint64_t)(uintptr_t)&seg_word_a, b = (uint64_t)(uintptr_t)&seg_word_b;

	wrmsr(MSR_GS_BASE, a);
	EXPECT_EQ(rdmsr(MSR_GS_BASE), a);
	EXPECT_EQ(read_gs0(), seg_word_a);
	wrmsr(MSR_FS_BASE, b);
	EXPECT_EQ(rdmsr(MSR_FS_BASE), b);
	EXPECT_EQ(read_fs0(), seg_word_b);
	wrmsr(MSR_KERNEL_GS_BASE, 0x7000);
	EXPECT_EQ(rdmsr(MSR_KERNEL_GS_BASE), 0x7000);
	EXPECT_EQ(rdmsr(MSR_GS_BASE), a); /* the active base is untouched */
	/* A hypercall in between keeps them. */
	EXPECT(HYPERVISOR_xen_version(0, NULL) > 0);
	EXPECT_EQ(read_gs0(), seg_word_a);
	EXPECT_EQ(read_fs0(), seg_word_b);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_GS_BASE, 0);
	wrmsr(MSR_FS_BASE, 0);
	EXPECT_EQ(rdmsr(MSR_GS_BASE), 0);
}

extern char rdmsr_insn[], wrmsr_insn[], wrmsr_nc_insn[];

GUEST_TEST(msr_unknown_gp)
{
	uint64_t n = trap_count;
	uint32_t lo = 0, hi = 0;

	/* The framework installed a #GP handler: an unknown MSR is #GP now. */
	__asm__ __volatile__(".globl rdmsr_insn\nrdmsr_insn: rdmsr\n1:\n" EXTABLE(rdmsr_insn, 1b)
			     : "+a"(lo), "+d"(hi) : "c"(0x12345u) : "memory");
	__asm__ __volatile__(".globl wrmsr_insn\nwrmsr_insn: wrmsr\n1:\n" EXTABLE(wrmsr_insn, 1b)
			     ::"c"(0x12345u), "a"(1), "d"(0) : "memory");
	/* A non-canonical segment base is refused the same way. */
	__asm__ __volatile__(".globl wrmsr_nc_insn\nwrmsr_nc_insn: wrmsr\n1:\n"
			     EXTABLE(wrmsr_nc_insn, 1b) ::"c"(MSR_FS_BASE), "a"(0), "d"(0x8000u)
			     : "memory");
	EXPECT_EQ(trap_count, n + 3);
	EXPECT_EQ(trap_nth(n)->vector, 13);
	EXPECT_EQ(trap_nth(n)->rip, label_addr(rdmsr_insn));
	EXPECT_EQ(trap_nth(n)->error_code, 0);
	EXPECT_EQ(trap_nth(n + 1)->vector, 13);
	EXPECT_EQ(trap_nth(n + 1)->rip, label_addr(wrmsr_insn));
	EXPECT_EQ(trap_nth(n + 2)->vector, 13);
	EXPECT_EQ(rdmsr(MSR_FS_BASE), 0);
}

/* ---- control registers, fixed MSRs, cli/sti (what Linux executes natively) ---- */

static uint64_t read_cr(int n)
{
	uint64_t v = 0;

	if (n == 0) {
		__asm__ __volatile__("mov %%cr0, %0" : "=r"(v));
	} else if (n == 3) {
		__asm__ __volatile__("mov %%cr3, %0" : "=r"(v));
	} else if (n == 4) {
		/* r9: a REX-prefixed form, as compilers emit for high registers. */
		__asm__ __volatile__("mov %%cr4, %%r9; mov %%r9, %0" : "=r"(v) : : "r9");
	}
	return v;
}

extern char cr0_write_insn[];

GUEST_TEST(control_registers)
{
	uint64_t cr0 = read_cr(0), cr4 = read_cr(4), n = trap_count;

	EXPECT((cr0 & 0x80000001) == 0x80000001);		   /* PG and PE */
	EXPECT(cr4 & (1u << 5));				   /* PAE */
	EXPECT_EQ(cr4 & ((1u << 7) | (1u << 20) | (1u << 21)), 0); /* no PGE, SMEP, SMAP */
	/* CR3: the machine address of the kernel L4 (the builder's, at pt_base). */
	EXPECT_EQ(read_cr(3), pfn_to_mfn(virt_to_pfn((void *)start_info->pt_base)) << 12);
	/* CR4 writes are accepted and change nothing the guest may not own. */
	__asm__ __volatile__("mov %0, %%cr4" ::"r"(cr4 | (1u << 7)));
	EXPECT_EQ(read_cr(4), cr4);
	/* CR0.TS is the guest's (clts clears it); other CR0 bits are not: #GP. */
	__asm__ __volatile__("mov %0, %%cr0" ::"r"(cr0 | 8));
	EXPECT(read_cr(0) & 8);
	__asm__ __volatile__("clts");
	EXPECT_EQ(read_cr(0) & 8, 0);
	__asm__ __volatile__(".globl cr0_write_insn\ncr0_write_insn: mov %0, %%cr0\n1:\n" EXTABLE(
				 cr0_write_insn, 1b)::"r"(cr0 & ~(1UL << 16))
			     : "memory");
	EXPECT_EQ(trap_count, n + 1);
	EXPECT_EQ(trap_nth(n)->vector, 13);
	EXPECT_EQ(read_cr(0), cr0);
	__asm__ __volatile__("wbinvd");
}

GUEST_TEST(msr_fixed_values)
{
	/* XEN_MSR_PAT is ABI: PV guests program their PTE cache bits against it. */
	EXPECT_EQ(rdmsr(0x277), 0x0000050100070406UL);
	wrmsr(0x277, 0x0000050100070406UL);
	EXPECT_EQ(rdmsr(0x1b) & ~0xfffUL, 0xfee00000UL); /* APIC_BASE */
	EXPECT(rdmsr(0x1b) & (1u << 8));		 /* vCPU 0 is the BSP */
	EXPECT(rdmsr(0x10) != 0);			 /* TSC */
	wrmsr(0xc0000080, rdmsr(0xc0000080));		 /* EFER: same value */
}

GUEST_TEST(cli_sti_by_virtual_iopl)
{
	struct physdev_set_iopl iopl = {.iopl = 1};
	struct vcpu_info *vi;
	uint8_t mask;

	EXPECT_EQ(map_shared_info(), 0);
	vi = &shared_info->vcpu_info[0];
	mask = vi->evtchn_upcall_mask;
	EXPECT_EQ(
	    hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (uint64_t)(uintptr_t)&iopl), 0);
	__asm__ __volatile__("cli" ::: "memory");
	EXPECT_EQ(vi->evtchn_upcall_mask, 1);
	__asm__ __volatile__("sti" ::: "memory");
	EXPECT_EQ(vi->evtchn_upcall_mask, 0);
	vi->evtchn_upcall_mask = mask;
	iopl.iopl = 0;
	EXPECT_EQ(
	    hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (uint64_t)(uintptr_t)&iopl), 0);
}

/* ---- set_segment_base, stack_switch, callbacks ---- */

static uint16_t read_gs_sel(void)
{
	uint16_t sel;

	__asm__ __volatile__("mov %%gs, %0" : "=r"(sel));
	return sel;
}

GUEST_TEST(set_segment_base)
{
	uint64_t a = (uint64_t)(uintptr_t)&seg_word_a, b = (uint64_t)(uintptr_t)&seg_word_b;

	EXPECT_EQ(HYPERVISOR_set_segment_base(SEGBASE_FS, a), 0);
	EXPECT_EQ(read_fs0(), seg_word_a);
	EXPECT_EQ(rdmsr(MSR_FS_BASE), a);
	EXPECT_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, b), 0);
	EXPECT_EQ(read_gs0(), seg_word_b);
	EXPECT_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, a), 0);
	EXPECT_EQ(read_gs0(), seg_word_b);	/* the user base is not active in kernel mode */
	EXPECT_EQ(rdmsr(MSR_KERNEL_GS_BASE), a);
	EXPECT_EQ(HYPERVISOR_set_segment_base(SEGBASE_FS, NON_CANONICAL), -EINVAL);
	EXPECT_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, 0xdead000000000000UL), -EINVAL);
	EXPECT_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, NON_CANONICAL), -EINVAL);
	/* A selector whose descriptor faults (this kernel has no GDT of its own) loads null. */
	EXPECT_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER_SEL, 0x8), 0);
	EXPECT_EQ(read_gs_sel(), 0);
	EXPECT_EQ(rdmsr(MSR_KERNEL_GS_BASE), 0); /* the user base the null selector gives */
	EXPECT_EQ(read_gs0(), seg_word_b);	 /* the kernel base is untouched */
	EXPECT_EQ(HYPERVISOR_set_segment_base(7, 0), -EINVAL);
	/* Failed calls changed nothing. */
	EXPECT_EQ(read_fs0(), seg_word_a);
	/*
	 * A null %fs load by the guest itself (Linux does one on exec) drops the base on QEMU, as
	 * on Intel; the base Argon reports and restores is the CPU's, not the last one set.
	 */
	__asm__ __volatile__("mov %0, %%fs" : : "r"(0) : "memory");
	EXPECT_EQ(rdmsr(MSR_FS_BASE), 0);
	EXPECT_EQ(HYPERVISOR_set_segment_base(SEGBASE_FS, 0), 0);
	EXPECT_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_KERNEL, 0), 0);
	EXPECT_EQ(HYPERVISOR_set_segment_base(SEGBASE_GS_USER, 0), 0);
}

static uint8_t kernel_stack[16384] __attribute__((aligned(16)));

GUEST_TEST(stack_switch_validation)
{
	uint64_t top = (uint64_t)(uintptr_t)(kernel_stack + sizeof(kernel_stack));

	/* An RPL-0 selector (Linux passes __KERNEL_DS) is accepted and given RPL 3, as on Xen. */
	EXPECT_EQ(HYPERVISOR_stack_switch(FLAT_KERNEL_SS & ~3UL, top), 0);
	EXPECT_EQ(HYPERVISOR_stack_switch(FLAT_KERNEL_SS, NON_CANONICAL), -EINVAL);
	EXPECT_EQ(HYPERVISOR_stack_switch(FLAT_KERNEL_SS, HYPERVISOR_VIRT_START + 0x10000), -EINVAL);
	EXPECT_EQ(HYPERVISOR_stack_switch(FLAT_KERNEL_SS, top), 0);
}

GUEST_TEST(callback_op_validation)
{
	struct callback_register cb = { .type = CALLBACKTYPE_syscall };

	EXPECT_EQ(set_callback(CALLBACKTYPE_syscall, (void *)(uintptr_t)NON_CANONICAL, 0), -EINVAL);
	EXPECT_EQ(set_callback(CALLBACKTYPE_syscall, (void *)(uintptr_t)(HYPERVISOR_VIRT_START + 64),
			       0), -EINVAL);
	EXPECT_EQ(set_callback(CALLBACKTYPE_syscall32, kernel_stack, 0), -EINVAL);
	EXPECT_EQ(set_callback(CALLBACKTYPE_sysenter, kernel_stack, 0), -EINVAL);
	EXPECT_EQ(HYPERVISOR_callback_op(CALLBACKOP_register, (void *)0x1000), -EFAULT);
	EXPECT_EQ(HYPERVISOR_callback_op(77, &cb), -ENOSYS);
	EXPECT_EQ(hypercall3(__HYPERVISOR_set_callbacks, NON_CANONICAL, 0, 0), -EINVAL);
	EXPECT_EQ(hypercall3(__HYPERVISOR_set_callbacks, 0, 0, HYPERVISOR_VIRT_START), -EINVAL);
}

/* ---- segment selectors ---- */

extern char seg_low_insn[], seg_hv_insn[];

static uint16_t read_ds(void)
{
	uint16_t v;

	__asm__ __volatile__("mov %%ds, %0" : "=r"(v));
	return v;
}

GUEST_TEST(segment_selector_below_0xe000)
{
	uint64_t n = trap_count;

	/* GDT entry 1 (the guest's own GDT area, empty): #GP or #NP, never a crash. */
	__asm__ __volatile__("mov $0x8, %%eax\n.globl seg_low_insn\nseg_low_insn: mov %%eax, %%ds\n1:\n"
			     EXTABLE(seg_low_insn, 1b) ::: "rax", "memory");
	/* Argon's own ring-0 code selector (0xe008): DPL 0, refused to a ring-3 guest. */
	__asm__ __volatile__("mov $0xe008, %%eax\n.globl seg_hv_insn\nseg_hv_insn: mov %%eax, %%ds\n1:\n"
			     EXTABLE(seg_hv_insn, 1b) ::: "rax", "memory");
	EXPECT_EQ(trap_count, n + 2);
	EXPECT(trap_nth(n)->vector == 13 || trap_nth(n)->vector == 11);
	EXPECT_EQ(trap_nth(n)->error_code & ~3UL, 0x8);
	EXPECT_EQ(trap_nth(n)->rip, label_addr(seg_low_insn));
	EXPECT(trap_nth(n + 1)->vector == 13 || trap_nth(n + 1)->vector == 11);
	EXPECT_EQ(read_ds(), 0);
	/* The flat ring-3 data selector loads. */
	__asm__ __volatile__("mov %0, %%ds\nmov %1, %%ds" ::"r"(FLAT_KERNEL_DS32), "r"(0) : "memory");
	EXPECT_EQ(read_ds(), 0);
	test_note("vectors %lu/%lu, error codes %#lx/%#lx", trap_nth(n)->vector,
		  trap_nth(n + 1)->vector, trap_nth(n)->error_code, trap_nth(n + 1)->error_code);
}

/* ---- guest user mode ---- */

#define SYS_ECHO 1
#define SYS_EXIT 2

struct syscall_frame {
	uint64_t rcx, r11, rip, cs, rflags, rsp, ss;
};

long user_run(void (*fn)(void), void *user_sp);
extern char syscall_entry[], user_prog[], user_syscall_ret[], user_pf[], user_gp[];
extern char user_int80_ret[], user_int81[], user_int3_ret[], user_seg[];
extern volatile uint8_t user_exit_now;
extern volatile uint64_t user_rsp_at_syscall, user_echo_result, user_echo_result2;
extern volatile uint64_t user_rcx_after, user_r11_after, user_rflags_after;

static uint8_t user_stack[8192] __attribute__((aligned(16)));

static struct {
	bool ran;
	long setup_rc;
	const char *setup_step;
	long run_rc;
	uint64_t first_trap, traps;
	unsigned int calls;
	struct syscall_frame frame;
	uint64_t frame_addr, live_rflags, arg;
	bool probe_faulted;
	uint64_t probe_cs, probe_error;
	uint64_t user_only_seen;
	uint64_t *user_data;
} us;

uint64_t syscall_handler(struct syscall_frame *f, uint64_t nr, uint64_t live_rflags, uint64_t arg);

uint64_t syscall_handler(struct syscall_frame *f, uint64_t nr, uint64_t live_rflags, uint64_t arg)
{
	if (nr == SYS_EXIT) {
		user_exit_now = 1;
		return arg;
	}
	if (us.calls++ == 0) {
		uint64_t v, n = trap_count;

		us.frame = *f;
		us.frame_addr = (uint64_t)(uintptr_t)f;
		us.live_rflags = live_rflags;
		us.arg = arg;
		/* On the kernel page tables: the user-only page is not mapped here. */
		us.probe_faulted = !probe_read(USER_ONLY_VA, &v);
		us.probe_cs = trap_nth(n)->cs;
		us.probe_error = trap_nth(n)->error_code;
	}
	return arg ^ 0xffff;
}

static long build_user_tables(void)
{
	const uint64_t *kl4 = (const uint64_t *)(uintptr_t)start_info->pt_base;
	uint64_t *l4 = page_alloc(), *l3 = page_alloc(), *l2 = page_alloc(), *l1 = page_alloc();
	uint64_t *data = page_alloc();
	struct mmuext_op op[2];
	long rc;

	if (!l4 || !l3 || !l2 || !l1 || !data) {
		us.setup_step = "page pool";
		return -1;
	}
	/* The kernel image (and with it the user program and stack) through the kernel's own L3. */
	l4[511] = kl4[511];
	l4[0] = (virt_to_mfn(l3) << 12) | PTE_TABLE;
	l3[0] = (virt_to_mfn(l2) << 12) | PTE_TABLE;
	l2[(USER_ONLY_VA >> 21) & 511] = (virt_to_mfn(l1) << 12) | PTE_TABLE;
	l1[0] = (virt_to_mfn(data) << 12) | PTE_DATA | PTE_US;
	us.user_data = data;
	/* Page tables may not stay writable. */
	if ((rc = set_page_rw(l1, false)) || (rc = set_page_rw(l2, false)) ||
	    (rc = set_page_rw(l3, false)) || (rc = set_page_rw(l4, false))) {
		us.setup_step = "remap read-only";
		return rc;
	}
	op[0].cmd = MMUEXT_PIN_L4_TABLE;
	op[0].arg1.mfn = virt_to_mfn(l4);
	op[1].cmd = MMUEXT_NEW_USER_BASEPTR;
	op[1].arg1.mfn = virt_to_mfn(l4);
	rc = HYPERVISOR_mmuext_op(op, 2, NULL, DOMID_SELF);
	if (rc) {
		us.setup_step = "pin and new_user_baseptr";
	}
	return rc;
}

static void user_session(void)
{
	if (us.ran) {
		return;
	}
	us.ran = true;
	us.setup_rc = map_shared_info();
	if (us.setup_rc) {
		us.setup_step = "map shared_info";
		return;
	}
	us.setup_rc = install_soft_vectors();
	if (us.setup_rc) {
		us.setup_step = "trap table";
		return;
	}
	us.setup_rc = build_user_tables();
	if (us.setup_rc) {
		return;
	}
	us.setup_rc = HYPERVISOR_stack_switch(FLAT_KERNEL_SS,
					      (uint64_t)(uintptr_t)(kernel_stack + sizeof(kernel_stack)));
	if (us.setup_rc) {
		us.setup_step = "stack_switch";
		return;
	}
	us.setup_rc = set_callback(CALLBACKTYPE_syscall, syscall_entry, 0);
	if (us.setup_rc) {
		us.setup_step = "syscall callback";
		return;
	}
	us.first_trap = trap_count;
	us.run_rc = user_run((void (*)(void))(void *)user_prog, user_stack + sizeof(user_stack));
	us.traps = trap_count - us.first_trap;
	us.user_only_seen = *us.user_data;
}

#define USER_SESSION()                                                                     \
	do {                                                                               \
		user_session();                                                            \
		if (us.setup_rc) {                                                         \
			test_fail(__FILE__, __LINE__, "setup: %s: %ld", us.setup_step,     \
				  us.setup_rc);                                            \
			return;                                                            \
		}                                                                          \
	} while (0)

static bool in_kernel_stack(uint64_t a)
{
	return a >= (uint64_t)(uintptr_t)kernel_stack &&
	       a < (uint64_t)(uintptr_t)(kernel_stack + sizeof(kernel_stack));
}

GUEST_TEST(user_1_enter_and_leave)
{
	USER_SESSION();
	EXPECT_EQ(us.run_rc, 0x600d);
	EXPECT_EQ(us.calls, 2);
	EXPECT_EQ(us.traps, 7);	/* the kernel's probe in the first system call, 6 in user mode */
	EXPECT_EQ(us.user_only_seen, 0x5a5a5a5a);
	test_note("user mode ran: 2 system calls, 6 user-mode traps, exit 0x600d");
}

GUEST_TEST(user_2_syscall_frame)
{
	USER_SESSION();
	EXPECT_EQ(us.arg, 0x1234abcd);
	EXPECT_EQ(us.frame.rcx, label_addr(user_syscall_ret));
	EXPECT_EQ(us.frame.rip, label_addr(user_syscall_ret));
	EXPECT_EQ(us.frame.r11 & (RFLAGS_IF | RFLAGS_DF), RFLAGS_IF | RFLAGS_DF);
	EXPECT_EQ(us.frame.cs & 0xffff, FLAT_USER_CS);
	EXPECT_EQ(us.frame.ss & 0xffff, FLAT_USER_SS);
	EXPECT_EQ(us.frame.rsp, user_rsp_at_syscall);
	EXPECT(in_kernel_stack(us.frame_addr));
	test_note("frame at %#lx: rip %#lx cs %#lx rflags %#lx rsp %#lx", us.frame_addr,
		  us.frame.rip, us.frame.cs, us.frame.rflags, us.frame.rsp);
}

GUEST_TEST(user_3_syscall_clears_df)
{
	USER_SESSION();
	EXPECT_EQ(us.live_rflags & RFLAGS_DF, 0);
}

GUEST_TEST(user_4_syscall_on_kernel_tables)
{
	USER_SESSION();
	EXPECT(us.probe_faulted);
	EXPECT_EQ(us.probe_cs & 3, 0); /* a kernel-mode bounce has RPL 0 */
	EXPECT_EQ(us.probe_error & PFEC_U, 0);
}

GUEST_TEST(user_5_sysret_with_iret)
{
	USER_SESSION();
	EXPECT_EQ(user_echo_result, 0x1234abcd ^ 0xffff);
	EXPECT_EQ(user_echo_result2, 0x77 ^ 0xffff);
	EXPECT_EQ(user_rflags_after & (RFLAGS_IF | RFLAGS_DF), RFLAGS_IF | RFLAGS_DF);
	/* VGCF_in_syscall returns as sysret does: rcx = rip, r11 = rflags, nothing of the kernel's. */
	EXPECT_EQ(user_rcx_after, label_addr(user_syscall_ret));
	EXPECT_EQ(user_r11_after, user_rflags_after);
	test_note("after VGCF_in_syscall return: rcx %#lx r11 %#lx", user_rcx_after, user_r11_after);
}

GUEST_TEST(user_6_page_fault)
{
	const volatile struct trap_record *t;

	USER_SESSION();
	t = trap_nth(us.first_trap + 1);
	EXPECT_EQ(t->vector, 14);
	EXPECT_EQ(t->rip, label_addr(user_pf));
	EXPECT_EQ(t->cs & 0xffff, FLAT_USER_CS);	/* RPL 3 */
	EXPECT_EQ(t->cr2, 0x1000);
	EXPECT_EQ(t->error_code, PFEC_U);
	EXPECT(t->rsp > (uint64_t)(uintptr_t)user_stack &&
	       t->rsp <= (uint64_t)(uintptr_t)(user_stack + sizeof(user_stack)));
}

GUEST_TEST(user_7_general_protection)
{
	const volatile struct trap_record *t;

	USER_SESSION();
	t = trap_nth(us.first_trap + 2);
	EXPECT_EQ(t->vector, 13);
	EXPECT_EQ(t->rip, label_addr(user_gp));
	EXPECT_EQ(t->cs & 0xffff, FLAT_USER_CS);
	EXPECT_EQ(t->error_code, 0);
}

GUEST_TEST(user_8_int_dpl)
{
	const volatile struct trap_record *t80, *t81, *t3;

	USER_SESSION();
	t80 = trap_nth(us.first_trap + 3);
	t81 = trap_nth(us.first_trap + 4);
	t3 = trap_nth(us.first_trap + 5);
	/* DPL 3: delivered to vector 0x80, after the instruction. */
	EXPECT_EQ(t80->vector, 0x80);
	EXPECT_EQ(t80->rip, label_addr(user_int80_ret));
	EXPECT_EQ(t80->cs & 3, 3);
	/* DPL 0 from user mode: #GP at the instruction. */
	EXPECT_EQ(t81->vector, 13);
	EXPECT_EQ(t81->rip, label_addr(user_int81));
	EXPECT_EQ(t81->error_code, (0x81 << 3) | 2);
	EXPECT_EQ(t3->vector, 3);
	EXPECT_EQ(t3->rip, label_addr(user_int3_ret));
	EXPECT_EQ(t3->cs & 3, 3);
}

GUEST_TEST(user_9_segment_selector)
{
	const volatile struct trap_record *t;

	USER_SESSION();
	EXPECT(us.traps >= 7);
	t = trap_nth(us.first_trap + 6);
	EXPECT(t->vector == 13 || t->vector == 11);
	EXPECT_EQ(t->rip, label_addr(user_seg));
	EXPECT_EQ(t->cs & 3, 3);
}
