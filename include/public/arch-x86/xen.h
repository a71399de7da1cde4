/* SPDX-License-Identifier: MIT */
/*
 * x86 part of the PV guest ABI: basic types, guest handles, the trap table entry, the vCPU
 * context used by VCPUOP_initialise and the x86 part of shared_info.
 *
 * Facts of Xen's public x86-64 PV ABI (interface of Xen 4.17), restated for Argon. x86-64 only.
 */
#ifndef ARGON_PUBLIC_ARCH_X86_XEN_H
#define ARGON_PUBLIC_ARCH_X86_XEN_H

#include "xen-x86_64.h"

/* The guest may fill GDT entries below this; the hypervisor owns the rest (FLAT_* live there). */
#define FIRST_RESERVED_GDT_PAGE 14
#define FIRST_RESERVED_GDT_BYTE (FIRST_RESERVED_GDT_PAGE * 4096)
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)

/* vCPUs with a vcpu_info slot inside shared_info. */
#define XEN_LEGACY_MAX_VCPUS 32
#define MAX_VIRT_CPUS XEN_LEGACY_MAX_VCPUS

/* This architecture has the PV start-of-day protocol and a per-vCPU upcall mask. */
#define XEN_HAVE_PV_GUEST_ENTRY 1
#define XEN_HAVE_PV_UPCALL_MASK 1

/*
 * The forced-emulation prefix: `ud2; .ascii "xen"` before an instruction asks the hypervisor to
 * emulate it (used for CPUID by PV kernels, which run at CPL 3).
 */
#ifdef __ASSEMBLER__
#define XEN_EMULATE_PREFIX .byte 0x0f, 0x0b, 0x78, 0x65, 0x6e;
#define XEN_CPUID XEN_EMULATE_PREFIX cpuid
#else
#define XEN_EMULATE_PREFIX ".byte 0x0f,0x0b,0x78,0x65,0x6e ; "
#define XEN_CPUID XEN_EMULATE_PREFIX "cpuid"
#endif

/* Flags of vcpu_guest_context.flags. */
#define _VGCF_i387_valid 0
#define VGCF_i387_valid (1 << _VGCF_i387_valid)
#define _VGCF_in_kernel 2
#define VGCF_in_kernel (1 << _VGCF_in_kernel)
#define _VGCF_failsafe_disables_events 3
#define VGCF_failsafe_disables_events (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events 4
#define VGCF_syscall_disables_events (1 << _VGCF_syscall_disables_events)
#define _VGCF_online 5
#define VGCF_online (1 << _VGCF_online)
#define VGCF_I387_VALID VGCF_i387_valid
#define VGCF_IN_KERNEL VGCF_in_kernel

/* trap_info.flags: bits 0-1 the DPL allowed to raise the vector with INT n; bit 2 masks events. */
#define TI_DPL_MASK 3
#define TI_IF_FLAG 4

#ifndef __ASSEMBLER__

#include <stdint.h>

/* Frame numbers (pseudo-physical or machine) and the ABI's native word. */
typedef uint64_t xen_pfn_t;
typedef uint64_t xen_ulong_t;
/* A guest virtual address of a callback entry point. */
typedef uint64_t xen_callback_t;

/*
 * A guest handle: the virtual address, in the calling guest, of an object or array of @type.
 * Eight bytes, as in the ABI. Guests fill .p; the hypervisor reads .addr and only ever touches
 * the memory behind it through its checked guest-copy routines.
 */
#define XEN_GUEST_HANDLE_DEFINE(name, type) \
	typedef union {                      \
		type *p;                     \
		uint64_t addr;               \
	} xen_handle_##name##_t
#define XEN_GUEST_HANDLE(name) xen_handle_##name##_t
#define set_xen_guest_handle(hnd, val) ((hnd).p = (val))

XEN_GUEST_HANDLE_DEFINE(void, void);
XEN_GUEST_HANDLE_DEFINE(char, char);
XEN_GUEST_HANDLE_DEFINE(int, int);
XEN_GUEST_HANDLE_DEFINE(uint8, uint8_t);
XEN_GUEST_HANDLE_DEFINE(uint32, uint32_t);
XEN_GUEST_HANDLE_DEFINE(uint64, uint64_t);
XEN_GUEST_HANDLE_DEFINE(xen_pfn_t, xen_pfn_t);
XEN_GUEST_HANDLE_DEFINE(xen_ulong_t, xen_ulong_t);

/*
 * One entry of the table passed to set_trap_table (an array ended by an entry whose address is
 * 0), and of vcpu_guest_context.trap_ctxt.
 */
struct trap_info {
	uint8_t vector; /* exception or INT n vector */
	uint8_t flags;  /* TI_DPL_MASK | TI_IF_FLAG */
	uint16_t cs;    /* code selector; ignored for 64-bit guests (FLAT_KERNEL_CS is used) */
	uint32_t _pad0;
	uint64_t address; /* handler entry point */
};

static inline unsigned int ti_get_dpl(const struct trap_info *ti)
{
	return ti->flags & TI_DPL_MASK;
}

static inline unsigned int ti_get_if(const struct trap_info *ti)
{
	return ti->flags & TI_IF_FLAG;
}

/*
 * A vCPU's complete PV state, as given to VCPUOP_initialise and as reported to tools.
 * 5168 bytes on x86-64.
 */
struct vcpu_guest_context {
	struct {
		char x[512];
	} fpu_ctxt;	/* FXSAVE image, valid when VGCF_i387_valid */
	uint64_t flags; /* VGCF_* */
	struct cpu_user_regs user_regs;
	struct trap_info trap_ctxt[256];
	uint64_t ldt_base, ldt_ents;	      /* LDT linear address and entry count */
	uint64_t gdt_frames[16], gdt_ents; /* GDT machine frames and entry count */
	uint64_t kernel_ss, kernel_sp;     /* stack for entries from guest user mode */
	uint64_t ctrlreg[8];		      /* ctrlreg[3]: kernel L4 (CR3 form); [1]: user L4 */
	uint64_t debugreg[8];
	uint64_t event_callback_eip;
	uint64_t failsafe_callback_eip;
	uint64_t syscall_callback_eip;
	uint64_t vm_assist; /* VMASST_TYPE_* bits enabled */
	uint64_t fs_base;
	uint64_t gs_base_kernel;
	uint64_t gs_base_user;
};

/*
 * The x86 part of shared_info. The guest fills it for the tools (save/restore, dumps): its p2m
 * size and location. nmi_reason is written by the hypervisor (XEN_NMIREASON_*).
 */
struct arch_shared_info {
	uint64_t max_pfn;			/* highest pfn + 1 of the p2m */
	xen_pfn_t pfn_to_mfn_frame_list_list; /* mfn of the top of the p2m frame list */
	uint64_t nmi_reason;
	uint64_t p2m_cr3;	 /* linear p2m: cr3 of its page tables (0: list above) */
	uint64_t p2m_vaddr;	 /* linear p2m: its virtual address */
	uint64_t p2m_generation; /* bumped by the guest around each p2m change */
};

#endif /* !__ASSEMBLER__ */

#endif /* ARGON_PUBLIC_ARCH_X86_XEN_H */
