/* SPDX-License-Identifier: MIT */
/*
 * x86-64 specifics of the PV guest ABI: the flat selectors, the virtual range kept for the
 * hypervisor, the register frame, the iret frame and the hypercall stub layout.
 *
 * These are facts of Xen's public x86-64 PV ABI (interface of Xen 4.17), restated for Argon.
 * Types and constants only. Usable from C (hypervisor, tools, guests) and, for the constants,
 * from assembler sources (.S, where the compiler defines __ASSEMBLER__).
 */
#ifndef ARGON_PUBLIC_ARCH_X86_XEN_X86_64_H
#define ARGON_PUBLIC_ARCH_X86_XEN_X86_64_H

#ifdef __ASSEMBLER__
#define XEN_MK_UL(x) x
#else
#include <stdint.h>
#define XEN_MK_UL(x) x##UL
#endif

/*
 * Selectors in the hypervisor-owned tail of every PV GDT (all DPL 3). The guest kernel and guest
 * user both run at CPL 3, so the kernel and user names are the same selectors.
 */
#define FLAT_RING3_CS32 0xe023
#define FLAT_RING3_CS64 0xe033
#define FLAT_RING3_DS32 0xe02b
#define FLAT_RING3_DS64 0x0000
#define FLAT_RING3_SS32 0xe02b
#define FLAT_RING3_SS64 0xe02b

#define FLAT_KERNEL_DS64 FLAT_RING3_DS64
#define FLAT_KERNEL_DS32 FLAT_RING3_DS32
#define FLAT_KERNEL_DS FLAT_KERNEL_DS64
#define FLAT_KERNEL_CS64 FLAT_RING3_CS64
#define FLAT_KERNEL_CS32 FLAT_RING3_CS32
#define FLAT_KERNEL_CS FLAT_KERNEL_CS64
#define FLAT_KERNEL_SS64 FLAT_RING3_SS64
#define FLAT_KERNEL_SS32 FLAT_RING3_SS32
#define FLAT_KERNEL_SS FLAT_KERNEL_SS64

#define FLAT_USER_DS64 FLAT_RING3_DS64
#define FLAT_USER_DS32 FLAT_RING3_DS32
#define FLAT_USER_DS FLAT_USER_DS64
#define FLAT_USER_CS64 FLAT_RING3_CS64
#define FLAT_USER_CS32 FLAT_RING3_CS32
#define FLAT_USER_CS FLAT_USER_CS64
#define FLAT_USER_SS64 FLAT_RING3_SS64
#define FLAT_USER_SS32 FLAT_RING3_SS32
#define FLAT_USER_SS FLAT_USER_SS64

/*
 * The virtual range no PV guest may map: L4 slots 256-271. The hypervisor fills these slots of
 * every guest L4 it validates.
 */
#define HYPERVISOR_VIRT_START XEN_MK_UL(0xFFFF800000000000)
#define HYPERVISOR_VIRT_END XEN_MK_UL(0xFFFF880000000000)

/* The machine-to-phys table (8 bytes per machine frame), mapped read-only into every PV guest. */
#define MACH2PHYS_VIRT_START XEN_MK_UL(0xFFFF800000000000)
#define MACH2PHYS_VIRT_END XEN_MK_UL(0xFFFF804000000000)
#define MACH2PHYS_NR_ENTRIES ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 3)

/* set_segment_base (hypercall 25) selects which base to write with one of these. */
#define SEGBASE_FS 0
#define SEGBASE_GS_USER 1
#define SEGBASE_GS_KERNEL 2
#define SEGBASE_GS_USER_SEL 3 /* load the user GS selector (and its base) */

/* In iret_context.flags: the frame was pushed for a syscall; return through sysret rules. */
#define _VGCF_in_syscall 8
#define VGCF_in_syscall (1 << _VGCF_in_syscall)
#define VGCF_IN_SYSCALL VGCF_in_syscall

/*
 * The hypercall page holds one stub per hypercall number, each XEN_HYPERCALL_STUB_SIZE bytes
 * long: the stub for hypercall N is at offset N * 32. A stub saves %rcx and %r11 (clobbered by
 * `syscall`), loads N into %eax, executes `syscall`, restores them and returns. The iret stub
 * (number 23) is jumped to with the iret frame on the stack and does not return.
 */
#define XEN_HYPERCALL_STUB_SIZE 32
#define XEN_HYPERCALL_PAGE_STUBS 128 /* 4096 / 32 */

#ifndef __ASSEMBLER__

/*
 * What the guest pushes on its stack, lowest address first, before the iret hypercall: the
 * hypervisor pops it to return to guest kernel or user mode. flags takes VGCF_in_syscall.
 */
struct iret_context {
	uint64_t rax, r11, rcx, flags, rip, cs, rflags, rsp, ss;
};

/*
 * The guest register frame of vcpu_guest_context (and of the hypervisor's own saved state).
 * The upper half of the cs slot carries saved_upcall_mask, as in the exception frames the
 * hypervisor bounces to the guest.
 */
struct cpu_user_regs {
	uint64_t r15;
	uint64_t r14;
	uint64_t r13;
	uint64_t r12;
	uint64_t rbp;
	uint64_t rbx;
	uint64_t r11;
	uint64_t r10;
	uint64_t r9;
	uint64_t r8;
	uint64_t rax;
	uint64_t rcx;
	uint64_t rdx;
	uint64_t rsi;
	uint64_t rdi;
	uint32_t error_code;   /* private to the hypervisor */
	uint32_t entry_vector; /* private to the hypervisor */
	uint64_t rip;
	uint16_t cs, _pad0[1];
	uint8_t saved_upcall_mask;
	uint8_t _pad1[3];
	uint64_t rflags;
	uint64_t rsp;
	uint16_t ss, _pad2[3];
	uint16_t es, _pad3[3];
	uint16_t ds, _pad4[3];
	uint16_t fs, _pad5[3];
	uint16_t gs, _pad6[3];
};

/* The x86 part of vcpu_info: the faulting address of the last #PF bounced to the guest. */
struct arch_vcpu_info {
	uint64_t cr2;
	uint64_t pad;
};

/* The CR3 value the ABI uses for a page-table base frame, and back. */
static inline uint64_t xen_pfn_to_cr3(uint64_t pfn)
{
	return pfn << 12;
}

static inline uint64_t xen_cr3_to_pfn(uint64_t cr3)
{
	return cr3 >> 12;
}

#endif /* !__ASSEMBLER__ */

#endif /* ARGON_PUBLIC_ARCH_X86_XEN_X86_64_H */
